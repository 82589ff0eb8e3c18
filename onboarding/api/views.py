"""Onboarding endpoints: one view per operation, each a thin wrapper around one service call."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from config import registry
from kernel import permissions
from kernel.api import (
    Pagination,
    error_responses,
    filters,
    object_response,
    page_request,
    paged_response,
    raw_json_body,
)
from kernel.endpoints import Endpoint
from onboarding import services
from onboarding.api import openapi  # noqa: F401 (registers the intake schema with drf-spectacular)
from onboarding.api.serializers import BRIEF_STATUSES, BriefSerializer, IntakeSerializer
from onboarding.schema import IntakeDocument

BRIEFS = "onboarding.briefs"
API_SOURCE = "api"
TAG = "briefs"


def _briefs():
    return registry.repository(BRIEFS)


class BriefListApi(Endpoint):
    required_permissions = (permissions.VIEW_BRIEF,)
    pagination_class = Pagination
    OutputSerializer = BriefSerializer

    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=BRIEF_STATUSES, required=False)
        client_name = serializers.CharField(required=False, max_length=200, help_text="Exact client name.")

    @extend_schema(
        operation_id="briefs_list",
        tags=[TAG],
        summary="List briefs, newest first",
        parameters=[FilterSerializer],
        responses={200: OutputSerializer(many=True), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        wanted = filters(request, self.FilterSerializer)
        found = services.brief_list(briefs=_briefs(), **wanted, **page_request(self))
        return paged_response(self, found, services.brief_count(briefs=_briefs(), **wanted), self.OutputSerializer)


class BriefSubmitApi(Endpoint):
    required_permissions = (permissions.SUBMIT_BRIEF,)
    throttle_scope = "briefs.submit"
    # The one intake schema documents the body; the intake normalizer validates it as a whole.
    InputSerializer = IntakeDocument
    OutputSerializer = BriefSerializer

    class QuerySerializer(serializers.Serializer):
        new = serializers.BooleanField(
            required=False,
            default=False,
            help_text="Make a new brief even when one with the same content exists (`?new=1`).",
        )

    @extend_schema(
        operation_id="briefs_create",
        tags=[TAG],
        summary="Submit a client intake and get its normalized brief",
        description=(
            "The body is the intake JSON; it is stored exactly as received next to the normalized brief. "
            "An invalid intake stores nothing and answers 400 listing every problem by field path "
            "(`goals[0].type`, `timeline.end`, `$` for the document itself). An intake with the same content "
            "as an existing brief returns that brief with 200, unless `?new=1` asks for a new one. The "
            "response's `warnings` name facts that are valid but will limit the output."
        ),
        request=InputSerializer,
        parameters=[
            QuerySerializer,
            OpenApiParameter(
                "Location", str, OpenApiParameter.HEADER, response=[200, 201], description="The brief's URL."
            ),
        ],
        responses={
            201: OpenApiResponse(OutputSerializer, description="A new brief was created."),
            200: OpenApiResponse(OutputSerializer, description="A brief with the same content exists: this one."),
            **error_responses(400, 413, 415),
        },
    )
    def post(self, request: Request) -> Response:
        query = filters(request, self.QuerySerializer)
        received = services.brief_receive(
            raw=raw_json_body(request),
            source=API_SOURCE,
            briefs=_briefs(),
            new=query["new"],
            languages=registry.generator_languages(),
        )
        location = reverse("v1:brief-detail", kwargs={"brief_id": received.brief.id}, request=request)
        return object_response(
            self,
            received.brief,
            self.OutputSerializer,
            status_code=status.HTTP_201_CREATED if received.created else status.HTTP_200_OK,
            headers={"Location": location},
        )


class BriefDetailApi(Endpoint):
    required_permissions = (permissions.VIEW_BRIEF,)
    OutputSerializer = BriefSerializer

    @extend_schema(
        operation_id="briefs_retrieve",
        tags=[TAG],
        summary="Read a brief",
        responses={200: OutputSerializer, **error_responses(404)},
    )
    def get(self, request: Request, brief_id: UUID) -> Response:
        brief = services.brief_get(brief_id=brief_id, briefs=_briefs())
        return object_response(self, brief, self.OutputSerializer)


class BriefIntakeApi(Endpoint):
    required_permissions = (permissions.VIEW_BRIEF, permissions.VIEW_INTAKE)
    OutputSerializer = IntakeSerializer

    @extend_schema(
        operation_id="briefs_intake_retrieve",
        tags=[TAG],
        summary="Read the intake a brief was made from, exactly as received",
        responses={200: OutputSerializer, **error_responses(404)},
    )
    def get(self, request: Request, brief_id: UUID) -> Response:
        brief = services.brief_get(brief_id=brief_id, briefs=_briefs())
        intake = services.brief_get_intake(intake_id=brief.intake_id, briefs=_briefs())
        return object_response(self, intake, self.OutputSerializer)
