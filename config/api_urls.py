"""API routes: v1 from each context's api/urls.py, the OpenAPI schema and its Swagger UI docs.

Any other address under /api/ answers a 404 in the API's error body.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

UNKNOWN_ENDPOINT = "No API endpoint is at this address."


class UnknownEndpointApi(APIView):
    """Any /api/ address no endpoint serves: a 404 in the error body (after authentication)."""

    schema = None  # not part of the documented API

    def _unknown(self, request, *args, **kwargs):
        raise NotFound(UNKNOWN_ENDPOINT)

    get = post = put = patch = delete = _unknown


v1 = [
    path("", include("onboarding.api.urls")),
    path("", include("strategy.api.urls")),
    path("", include("production.api.urls")),
    path("", include("delivery.api.urls")),
    path("", include("orchestration.api.urls")),
]

urlpatterns = [
    path("v1/", include((v1, "v1"))),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^", UnknownEndpointApi.as_view()),
]
