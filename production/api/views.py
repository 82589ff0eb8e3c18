"""Production endpoints: one view per operation, each a thin wrapper around the service calls it needs."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from config import registry
from kernel import permissions
from kernel.api import error_responses, object_response
from kernel.endpoints import Endpoint
from production import services
from production.api.serializers import DraftSerializer, qc_by_draft

TAG = "drafts"


class DraftDetailApi(Endpoint):
    required_permissions = (permissions.VIEW_DRAFT, permissions.VIEW_QC_RESULT)
    OutputSerializer = DraftSerializer

    @extend_schema(
        operation_id="drafts_retrieve",
        tags=[TAG],
        summary="Read a draft with its QC result",
        responses={200: OutputSerializer, **error_responses(404)},
    )
    def get(self, request: Request, draft_id: UUID) -> Response:
        draft = services.draft_get(draft_id=draft_id, drafts=registry.repository("production.drafts"))
        result = services.qc_result_for_draft(draft_id=draft.id, qc_results=registry.repository("production.qc"))
        return object_response(self, draft, self.OutputSerializer, qc_by_draft=qc_by_draft([result] if result else []))
