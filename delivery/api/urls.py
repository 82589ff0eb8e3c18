"""Delivery routes under /api/v1/."""

from django.urls import path

from delivery.api import views

urlpatterns = [
    path("packages/<uuid:package_id>/", views.PackageDetailApi.as_view(), name="package-detail"),
    path("packages/<uuid:package_id>/download/", views.PackageDownloadApi.as_view(), name="package-download"),
]
