"""Delivery endpoints: one view per operation, each a thin wrapper around one service call."""

from __future__ import annotations

from uuid import UUID

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from config import registry
from delivery import services
from delivery.api.serializers import PackageSerializer
from kernel import permissions
from kernel.api import error_responses, object_response
from kernel.endpoints import Endpoint

PACKAGES = "delivery.packages"
ZIP_MEDIA_TYPE = "application/zip"
JSON_MEDIA_TYPE = "application/json"
TAG = "packages"


def _packages():
    return registry.repository(PACKAGES)


def zip_filename(package) -> str:
    return f"aicmo-package-{package.run_id}.zip"


class PackageDetailApi(Endpoint):
    required_permissions = (permissions.VIEW_PACKAGE,)
    OutputSerializer = PackageSerializer

    @extend_schema(
        operation_id="packages_retrieve",
        tags=[TAG],
        summary="Read a delivery package",
        responses={200: OutputSerializer, **error_responses(404)},
    )
    def get(self, request: Request, package_id: UUID) -> Response:
        package = services.package_get(package_id=package_id, packages=_packages())
        return object_response(self, package, self.OutputSerializer)


class ZipRenderer(BaseRenderer):
    """Lets a client ask for `Accept: application/zip`; the zip itself is streamed by FileResponse."""

    media_type = ZIP_MEDIA_TYPE
    format = "zip"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class PackageDownloadApi(Endpoint):
    required_permissions = (permissions.VIEW_PACKAGE,)
    renderer_classes = [JSONRenderer, ZipRenderer]

    @extend_schema(
        operation_id="packages_download",
        tags=[TAG],
        summary="Download the package as a zip",
        responses={
            (200, ZIP_MEDIA_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The package zip (attachment)."),
            **error_responses(404, media_type=JSON_MEDIA_TYPE),
        },
    )
    def get(self, request: Request, package_id: UUID) -> FileResponse:
        package = services.package_get(package_id=package_id, packages=_packages())
        archive = services.package_open_zip(package_id=package.id, packages=_packages())
        return FileResponse(archive, as_attachment=True, filename=zip_filename(package), content_type=ZIP_MEDIA_TYPE)

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response):  # an error body is JSON, whatever the client accepted
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSON_MEDIA_TYPE
        return super().finalize_response(request, response, *args, **kwargs)
