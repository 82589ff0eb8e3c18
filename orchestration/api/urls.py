"""Run routes under /api/v1/."""

from django.urls import path

from kernel.api import method_routes
from orchestration.api import views

urlpatterns = [
    path("runs/", method_routes("RunsApi", get=views.RunListApi, post=views.RunStartApi), name="run-list"),
    path("runs/<uuid:run_id>/", views.RunDetailApi.as_view(), name="run-detail"),
    path("runs/<uuid:run_id>/resume/", views.RunResumeApi.as_view(), name="run-resume"),
    path("runs/<uuid:run_id>/retry/", views.RunRetryApi.as_view(), name="run-retry"),
    path("runs/<uuid:run_id>/cancel/", views.RunCancelApi.as_view(), name="run-cancel"),
    path("runs/<uuid:run_id>/drafts/", views.RunDraftListApi.as_view(), name="run-drafts"),
    path("runs/<uuid:run_id>/package/", views.RunPackageApi.as_view(), name="run-package"),
]
