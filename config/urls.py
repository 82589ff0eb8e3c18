"""URL map: the admin, the REST API (v1) and its OpenAPI schema and docs."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
]
