"""API routes: v1 from each context's api/urls.py, the OpenAPI schema and its Swagger UI docs.

The schema and the docs need a signed-in user (a token or the admin's session) unless
AICMO_PUBLIC_API_DOCS opens them. Any other address under /api/ answers a 404 in the API's error body.
"""

from django.conf import settings
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from kernel.endpoints import Endpoint

UNKNOWN_ENDPOINT = "No API endpoint is at this address."


class UnknownEndpointApi(Endpoint):
    """Any /api/ address no endpoint serves: a 404 in the error body (after authentication)."""

    schema = None  # not part of the documented API
    required_permissions = ()  # any signed-in user learns that nothing is here

    def _unknown(self, request, *args, **kwargs):
        raise NotFound(UNKNOWN_ENDPOINT)

    get = post = put = patch = delete = _unknown


class DocsPermission(BasePermission):
    """Signed-in users only, unless AICMO_PUBLIC_API_DOCS (read at each request, so tests can flip it)."""

    def has_permission(self, request, view) -> bool:
        return bool(settings.AICMO_PUBLIC_API_DOCS or (request.user and request.user.is_authenticated))


v1 = [
    path("", include("access.api.urls")),
    path("", include("onboarding.api.urls")),
    path("", include("strategy.api.urls")),
    path("", include("production.api.urls")),
    path("", include("delivery.api.urls")),
    path("", include("orchestration.api.urls")),
]

urlpatterns = [
    path("v1/", include((v1, "v1"))),
    path("schema/", SpectacularAPIView.as_view(permission_classes=[DocsPermission]), name="api-schema"),
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=[DocsPermission]),
        name="api-docs",
    ),
    re_path(r"^", UnknownEndpointApi.as_view()),
]
