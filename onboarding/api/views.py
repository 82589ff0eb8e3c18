"""Onboarding endpoints: one view per operation, each a thin wrapper around one service call."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from config import registry
from kernel.api import (
    Pagination,
    error_responses,
    filters,
    object_response,
    page_request,
    paged_response,
    raw_json_body,
)
from onboarding import services
from onboarding.api.serializers import BRIEF_STATUSES, BriefSerializer, IntakeDocumentSerializer, IntakeSerializer

BRIEFS = "onboarding.briefs"
API_SOURCE = "api"
TAG = "briefs"


def _briefs():
    return registry.repository(BRIEFS)


class BriefListApi(APIView):
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


class BriefSubmitApi(APIView):
    throttle_scope = "briefs.submit"
    # Documents the body; the intake normalizer validates it as a whole (every problem with its path).
    InputSerializer = IntakeDocumentSerializer
    OutputSerializer = BriefSerializer

    @extend_schema(
        operation_id="briefs_create",
        tags=[TAG],
        summary="Submit a client intake and get its normalized brief",
        description=(
            "The body is the intake JSON; it is stored exactly as received next to the normalized brief. "
            "An invalid intake stores nothing and answers 400 listing every problem by field path "
            "(`goals[0].type`, `timeline.end`, `$` for the document itself)."
        ),
        request=InputSerializer,
        responses={
            201: OpenApiResponse(OutputSerializer, description="The brief was created."),
            **error_responses(400, 413, 415),
        },
        parameters=[
            OpenApiParameter("Location", str, OpenApiParameter.HEADER, response=[201], description="The brief's URL.")
        ],
    )
    def post(self, request: Request) -> Response:
        brief = services.brief_submit(raw=raw_json_body(request), source=API_SOURCE, briefs=_briefs())
        location = reverse("v1:brief-detail", kwargs={"brief_id": brief.id}, request=request)
        return object_response(
            self, brief, self.OutputSerializer, status_code=status.HTTP_201_CREATED, headers={"Location": location}
        )


class BriefDetailApi(APIView):
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


class BriefIntakeApi(APIView):
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
