"""Production routes under /api/v1/ (a run's drafts are listed under the run, in orchestration's API)."""

from django.urls import path

from production.api import views

urlpatterns = [
    path("drafts/<uuid:draft_id>/", views.DraftDetailApi.as_view(), name="draft-detail"),
]
