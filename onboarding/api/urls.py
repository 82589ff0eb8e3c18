"""Onboarding routes under /api/v1/."""

from django.urls import path

from kernel.api import method_routes
from onboarding.api import views

urlpatterns = [
    path("briefs/", method_routes("BriefsApi", get=views.BriefListApi, post=views.BriefSubmitApi), name="brief-list"),
    path("briefs/<uuid:brief_id>/", views.BriefDetailApi.as_view(), name="brief-detail"),
    path("briefs/<uuid:brief_id>/intake/", views.BriefIntakeApi.as_view(), name="brief-intake"),
]
