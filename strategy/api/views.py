"""Strategy endpoints: one view per operation, each a thin wrapper around one service call."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from config import registry
from kernel import permissions
from kernel.api import (
    EnumChoiceField,
    Pagination,
    StrictCharField,
    error_responses,
    filters,
    object_response,
    page_request,
    paged_response,
    validated,
)
from kernel.endpoints import Endpoint
from strategy import services
from strategy.api.serializers import RevisionRequestSerializer, StrategySerializer
from strategy.domain import Strategy, StrategyStatus

STRATEGIES = "strategy.documents"
TAG = "strategies"


def _strategies():
    return registry.repository(STRATEGIES)


def _decided(view: Endpoint, strategy_id: UUID, decide: Callable[..., Strategy]) -> Response:
    """Approve or reject (`decide`) in the requesting user's name with the notes of the body.

    The view's InputSerializer reads the notes; its OutputSerializer writes the decided version.
    """
    notes = validated(view.InputSerializer, view.request.data)["notes"]
    strategy = decide(
        strategy_id=strategy_id, by=view.request.user.get_username(), notes=notes, strategies=_strategies()
    )
    return object_response(view, strategy, view.OutputSerializer)


class StrategyListApi(Endpoint):
    required_permissions = (permissions.VIEW_STRATEGY,)
    pagination_class = Pagination
    OutputSerializer = StrategySerializer

    class FilterSerializer(serializers.Serializer):
        brief_id = serializers.UUIDField(required=False, help_text="Only this brief's versions, oldest first.")
        status = EnumChoiceField(StrategyStatus, required=False)

    @extend_schema(
        operation_id="strategies_list",
        tags=[TAG],
        summary="List strategy versions",
        description="With `brief_id`: that brief's versions, oldest first. Without: every version, newest first.",
        parameters=[FilterSerializer],
        responses={200: OutputSerializer(many=True), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        wanted = filters(request, self.FilterSerializer)
        found = services.strategy_list(strategies=_strategies(), **wanted, **page_request(self))
        total = services.strategy_count(strategies=_strategies(), **wanted)
        return paged_response(self, found, total, self.OutputSerializer)


class StrategyDetailApi(Endpoint):
    required_permissions = (permissions.VIEW_STRATEGY,)
    OutputSerializer = StrategySerializer

    @extend_schema(
        operation_id="strategies_retrieve",
        tags=[TAG],
        summary="Read a strategy version",
        responses={200: OutputSerializer, **error_responses(404)},
    )
    def get(self, request: Request, strategy_id: UUID) -> Response:
        strategy = services.strategy_get(strategy_id=strategy_id, strategies=_strategies())
        return object_response(self, strategy, self.OutputSerializer)


class StrategyApproveApi(Endpoint):
    required_permissions = (permissions.APPROVE_STRATEGY,)
    OutputSerializer = StrategySerializer

    class InputSerializer(serializers.Serializer):
        notes = StrictCharField(required=False, allow_blank=True, max_length=5000, default="")

        class Meta:
            ref_name = "StrategyApproval"

    @extend_schema(
        operation_id="strategies_approve",
        tags=[TAG],
        summary="Approve a draft strategy (the waiting run goes on)",
        description=(
            "Approves a draft version in the name of the requesting user and supersedes older versions; "
            "approving an approved version again changes nothing. A run waiting for this approval resumes "
            "in the background."
        ),
        request=InputSerializer,
        responses={200: OutputSerializer, **error_responses(400, 403, 404, 409, 413, 415)},
    )
    def post(self, request: Request, strategy_id: UUID) -> Response:
        return _decided(self, strategy_id, services.strategy_approve)


class StrategyRejectApi(Endpoint):
    required_permissions = (permissions.APPROVE_STRATEGY,)
    OutputSerializer = StrategySerializer

    class InputSerializer(serializers.Serializer):
        notes = StrictCharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=5000,
            help_text='What the next version must change, in words. Phrases such as "shift budget to LinkedIn" '
            "are read as requests; the rest is recorded, not applied by the rule-based planner.",
        )
        requests = RevisionRequestSerializer(
            many=True, required=False, default=list, max_length=20, help_text="Structured changes the rules apply."
        )

        class Meta:
            ref_name = "StrategyRejection"

    @extend_schema(
        operation_id="strategies_reject",
        tags=[TAG],
        summary="Reject a draft strategy with change requests and notes (the waiting run is undone)",
        description=(
            "Rejects a draft version in the name of the requesting user. `requests` and/or `notes` are required. "
            "Each request is checked against this version: an unknown or absent channel, a pillar it does not "
            "have, dropping its last channel or a KPI metric no rule derives is a 400 naming "
            "`requests[i].<field>`. The next version (a new run for the brief) applies every request and lists "
            "what it changed in `changes`; free text goes to its `unapplied_notes`. The same rejection again "
            "changes nothing; a run waiting for this decision compensates in the background."
        ),
        request=InputSerializer,
        responses={200: OutputSerializer, **error_responses(400, 403, 404, 409, 413, 415)},
    )
    def post(self, request: Request, strategy_id: UUID) -> Response:
        data = validated(self.InputSerializer, request.data)
        strategy = services.strategy_reject(
            strategy_id=strategy_id,
            by=request.user.get_username(),
            notes=data["notes"],
            requests=data["requests"],
            strategies=_strategies(),
        )
        return object_response(self, strategy, self.OutputSerializer)
