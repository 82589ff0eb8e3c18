"""Run endpoints: start (queued through the Tasks API), read with the step timeline, resume, cancel,
and a run's drafts and package. Each view is a thin wrapper around the services it names."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from config import registry
from delivery import services as delivery
from delivery.api.serializers import PackageSerializer
from kernel import permissions
from kernel.api import (
    EnumChoiceField,
    Pagination,
    QueryBooleanField,
    StrictBooleanField,
    StrictUUIDField,
    error_responses,
    filters,
    object_response,
    page_request,
    paged_response,
    validated,
)
from kernel.channels import CHANNELS
from kernel.endpoints import Endpoint
from kernel.errors import NotFound, ValidationFailed
from orchestration import services
from orchestration.api.serializers import RunAcceptedSerializer, RunSerializer, RunSummarySerializer
from orchestration.domain import RunStatus, WorkflowRun
from production import services as production
from production.api.serializers import DraftSerializer, qc_by_draft

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX_LENGTH = 255
BAD_IDEMPOTENCY_KEY = f"must be 1 to {IDEMPOTENCY_KEY_MAX_LENGTH} characters"
RUN_HAS_NO_PACKAGE = "Run {run_id} has no delivery package (yet, or any more)."
TAG = "runs"

LOCATION = OpenApiParameter(
    "Location", str, OpenApiParameter.HEADER, response=[200, 202], description="The run's URL: poll it for progress."
)


def _runs():
    return registry.repository("orchestration.runs")


def _accepted(view: Endpoint, run_id: UUID, *, created: bool) -> Response:
    """The run as it stands now (an immediate task backend may already have finished it), with its URL.

    The view's OutputSerializer writes it (RunAcceptedSerializer: its `url` is also the Location header).
    """
    run = services.run_get(run_id=run_id, runs=_runs())
    code = status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK
    response = object_response(view, run, view.OutputSerializer, status_code=code)
    response["Location"] = response.data["url"]
    return response


def _with_steps(view: Endpoint, run: WorkflowRun) -> Response:
    """The run with its step timeline (the view's OutputSerializer reads the steps from the context)."""
    return object_response(view, run, view.OutputSerializer, steps=services.run_steps(run_id=run.id, runs=_runs()))


def _idempotency_key(request: Request) -> str | None:
    """The client's key, scoped to the requesting user: two users' keys never meet."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not key.strip() or len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        raise ValidationFailed({IDEMPOTENCY_HEADER: [BAD_IDEMPOTENCY_KEY]})
    return f"{request.user.pk}:{key}"


class RunListApi(Endpoint):
    required_permissions = (permissions.VIEW_RUN,)
    pagination_class = Pagination
    OutputSerializer = RunSummarySerializer

    class FilterSerializer(serializers.Serializer):
        status = EnumChoiceField(RunStatus, required=False)
        brief_id = serializers.UUIDField(required=False)
        strategy_id = serializers.UUIDField(required=False)

    @extend_schema(
        operation_id="runs_list",
        tags=[TAG],
        summary="List workflow runs, newest first",
        parameters=[FilterSerializer],
        responses={200: OutputSerializer(many=True), **error_responses(400)},
    )
    def get(self, request: Request) -> Response:
        wanted = filters(request, self.FilterSerializer)
        found = services.run_list(runs=_runs(), **wanted, **page_request(self))
        return paged_response(self, found, services.run_count(runs=_runs(), **wanted), self.OutputSerializer)


class RunStartApi(Endpoint):
    required_permissions = (permissions.START_RUN,)
    throttle_scope = "runs.start"
    OutputSerializer = RunAcceptedSerializer

    class InputSerializer(serializers.Serializer):
        brief_id = StrictUUIDField(help_text="The brief to deliver (POST /api/v1/briefs/ makes one).")
        require_approval = StrictBooleanField(
            default=False, help_text="Stop after the strategy until someone approves it."
        )

        class Meta:
            ref_name = "RunStart"

    @extend_schema(
        operation_id="runs_create",
        tags=[TAG],
        summary="Start a workflow run for a brief (runs in the background)",
        description=(
            "Queues the run through the task backend and answers 202 with its URL in `Location` and the "
            "body. With an `Idempotency-Key` header, repeating the request returns the same run (200) "
            "instead of starting another; the key used for another brief is a 409. Keys are per user."
        ),
        request=InputSerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                {"type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_MAX_LENGTH},
                OpenApiParameter.HEADER,
                required=False,
                description="A client-chosen key that makes retrying this request safe.",
            ),
            LOCATION,
        ],
        responses={
            202: OpenApiResponse(OutputSerializer, description="The run was queued."),
            200: OpenApiResponse(OutputSerializer, description="Repeated Idempotency-Key: the run it started."),
            **error_responses(400, 404, 409, 413, 415),
        },
    )
    def post(self, request: Request) -> Response:
        given = validated(self.InputSerializer, request.data)
        run, created = services.run_start_for_brief(
            runs=_runs(),
            briefs=registry.repository("onboarding.briefs"),
            brief_id=given["brief_id"],
            require_approval=given["require_approval"],
            idempotency_key=_idempotency_key(request),
        )
        if created:
            services.run_enqueue(run_id=run.id)
        return _accepted(self, run.id, created=created)


class RunDetailApi(Endpoint):
    required_permissions = (permissions.VIEW_RUN,)
    OutputSerializer = RunSerializer

    @extend_schema(
        operation_id="runs_retrieve",
        tags=[TAG],
        summary="Read a run: its status and step timeline",
        responses={200: OutputSerializer, **error_responses(404)},
    )
    def get(self, request: Request, run_id: UUID) -> Response:
        return _with_steps(self, services.run_get(run_id=run_id, runs=_runs()))


class RunResumeApi(Endpoint):
    required_permissions = (permissions.RESUME_RUN,)
    OutputSerializer = RunAcceptedSerializer

    @extend_schema(
        operation_id="runs_resume",
        tags=[TAG],
        summary="Resume an unfinished run from its first unfinished step (in the background)",
        request=None,
        parameters=[LOCATION],
        responses={
            202: OpenApiResponse(OutputSerializer, description="The run was queued to go on."),
            **error_responses(404, 409),
        },
    )
    def post(self, request: Request, run_id: UUID) -> Response:
        run = services.run_queue_resume(run_id=run_id, runs=_runs())
        return _accepted(self, run.id, created=True)


class RunRetryApi(Endpoint):
    required_permissions = (permissions.RETRY_RUN,)
    OutputSerializer = RunAcceptedSerializer

    @extend_schema(
        operation_id="runs_retry",
        tags=[TAG],
        summary="Retry a run that stopped on a failure (in the background)",
        description=(
            "A `delivery_failed` run goes on from its failed hand-over step: its package is delivered "
            "(what was already delivered, such as the webhook, is not sent again). A `compensation_failed` "
            "run retries the compensations not yet done. Any other status is a 409."
        ),
        request=None,
        parameters=[LOCATION],
        responses={
            202: OpenApiResponse(OutputSerializer, description="The retry was queued."),
            **error_responses(404, 409),
        },
    )
    def post(self, request: Request, run_id: UUID) -> Response:
        run = services.run_queue_retry(run_id=run_id, runs=_runs())
        return _accepted(self, run.id, created=True)


class RunCancelApi(Endpoint):
    required_permissions = (permissions.CANCEL_RUN,)
    OutputSerializer = RunSerializer

    @extend_schema(
        operation_id="runs_cancel",
        tags=[TAG],
        summary="Cancel an unfinished run: what it finished is undone",
        description=(
            "Cancelling a cancelled run again changes nothing; a finished run cannot be cancelled (409). "
            "A run a worker is executing is flagged (`cancel_requested`): the worker stops at its step's "
            "next safe point and then undoes the run. A package the client was already told about is kept."
        ),
        request=None,
        responses={200: OutputSerializer, **error_responses(404, 409)},
    )
    def post(self, request: Request, run_id: UUID) -> Response:
        return _with_steps(self, services.run_cancel(run_id=run_id, runs=_runs()))


class RunDraftListApi(Endpoint):
    required_permissions = (permissions.VIEW_RUN, permissions.VIEW_DRAFT, permissions.VIEW_QC_RESULT)
    pagination_class = Pagination
    OutputSerializer = DraftSerializer

    class FilterSerializer(serializers.Serializer):
        channel = serializers.ChoiceField(choices=CHANNELS, required=False)
        passed = QueryBooleanField(
            required=False,
            allow_null=True,
            default=None,
            help_text="Only drafts whose QC passed (true) or failed (false).",
        )

    @extend_schema(
        operation_id="runs_drafts_list",
        tags=[TAG],
        summary="List a run's drafts with their QC results, in calendar order",
        parameters=[FilterSerializer],
        responses={200: OutputSerializer(many=True), **error_responses(400, 404)},
    )
    def get(self, request: Request, run_id: UUID) -> Response:
        wanted = filters(request, self.FilterSerializer)
        run = services.run_get(run_id=run_id, runs=_runs())
        drafts = registry.repository("production.drafts")
        chosen = {"channel": wanted.get("channel") or None, "passed": wanted.get("passed")}
        found = production.drafts_for_run(run_id=run.id, drafts=drafts, **chosen, **page_request(self))
        total = production.drafts_count_for_run(run_id=run.id, drafts=drafts, **chosen)
        results = production.qc_results_for_drafts(
            draft_ids=[d.id for d in found], qc_results=registry.repository("production.qc")
        )
        return paged_response(self, found, total, self.OutputSerializer, qc_by_draft=qc_by_draft(results))


class RunPackageApi(Endpoint):
    required_permissions = (permissions.VIEW_RUN, permissions.VIEW_PACKAGE)
    OutputSerializer = PackageSerializer

    @extend_schema(
        operation_id="runs_package_retrieve",
        tags=[TAG],
        summary="Read the delivery package a run built",
        responses={200: OutputSerializer, **error_responses(404)},
    )
    def get(self, request: Request, run_id: UUID) -> Response:
        run = services.run_get(run_id=run_id, runs=_runs())
        package = delivery.package_for_run(run_id=run.id, packages=registry.repository("delivery.packages"))
        if package is None:
            raise NotFound(RUN_HAS_NO_PACKAGE.format(run_id=run.id))
        return object_response(self, package, self.OutputSerializer)
