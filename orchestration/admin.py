"""Operator screens for workflow runs: where a run stands, its step timeline, and resume / retry / cancel.

The saga owns every field of a run, so the admin shows runs read-only and changes them only
through orchestration's services. Each operation (resume, retry the hand-over of a run whose
delivery failed, retry the compensation, cancel) needs its own permission, the same one the API
checks (kernel.permissions); the change form stays read-only. A run waiting for approval points at
its strategy, whose page holds the approve button.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from uuid import UUID

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from config import registry
from kernel import clock, permissions
from kernel.admin import ReadOnlyModelAdmin, admin_link, badge_for, json_block, pretty_json, short_id
from kernel.errors import AppError, Conflict, InvalidTransition
from orchestration import services
from orchestration.domain import TERMINAL_STATUSES, RunStatus, StepKind, StepStatus, WorkflowRun
from orchestration.models import RunRecord

STATUS_TONES = {
    RunStatus.PENDING: "muted",
    RunStatus.RUNNING: "info",
    RunStatus.WAITING_APPROVAL: "warn",
    RunStatus.COMPLETED: "ok",
    RunStatus.COMPENSATING: "warn",
    RunStatus.COMPENSATED: "muted",
    RunStatus.COMPENSATION_FAILED: "bad",
    RunStatus.CANCELLED: "muted",
    RunStatus.DELIVERY_FAILED: "bad",
}
STEP_TONES = {StepStatus.COMPLETED: "ok", StepStatus.FAILED: "bad", StepStatus.WAITING: "warn"}

WAITS_FOR_APPROVAL = "Run {run_id} waits for its strategy to be approved or rejected; decide on the strategy page."
HELD_BY_WORKER = "Run {run_id} is being executed by {worker} (lease until {until:%H:%M:%S} UTC); it needs no resume."


def _runs():
    return registry.repository("orchestration.runs")


def _duration(start: dt.datetime | None, end: dt.datetime | None) -> str:
    if start is None:
        return "—"
    seconds = ((end or clock.now()) - start).total_seconds()
    text = (
        f"{seconds * 1000:.0f} ms"
        if seconds < 1
        else f"{seconds:.1f} s"
        if seconds < 120
        else f"{seconds / 60:.1f} min"
    )
    return text if end else f"{text} so far"


def _held_by_live_worker(run: WorkflowRun) -> bool:
    return bool(run.claimed_by) and run.lease_expires_at is not None and run.lease_expires_at > clock.now()


# -- the operations, checked before they are handed to the services ------------------------------


def resume(run: WorkflowRun) -> str:
    """Queue the run to go on from its first unfinished step; the request does not wait for it."""
    # Operator guidance first: a waiting run needs its strategy decided, a held run its worker.
    if run.status == RunStatus.WAITING_APPROVAL:
        raise InvalidTransition(WAITS_FOR_APPROVAL.format(run_id=run.id))
    if _held_by_live_worker(run):
        raise Conflict(HELD_BY_WORKER.format(run_id=run.id, worker=run.claimed_by, until=run.lease_expires_at))
    services.run_queue_resume(run_id=run.id, runs=_runs())
    return "queued to resume"


def retry_delivery(run: WorkflowRun) -> str:
    """Queue the failed hand-over step to run again; what was delivered already is not sent again."""
    services.run_queue_retry(run_id=run.id, runs=_runs())
    return "hand-over queued to be retried"


def retry_compensation(run: WorkflowRun) -> str:
    done = services.run_retry_compensation(run_id=run.id, runs=_runs())
    return f"compensation retried: now {done.status.value.replace('_', ' ')}"


def cancel(run: WorkflowRun) -> str:
    done = services.run_cancel(run_id=run.id, runs=_runs())
    if done.status == RunStatus.CANCELLED:
        return "cancelled"
    return "flagged for cancelling: its worker undoes it at the next step"


# slug: (button label, operation, the permission it needs)
OPERATIONS: dict[str, tuple[str, Callable[[WorkflowRun], str], str]] = {
    "resume": ("Resume", resume, permissions.RESUME_RUN),
    "retry-delivery": ("Retry hand-over", retry_delivery, permissions.RETRY_RUN),
    "retry-compensation": ("Retry compensation", retry_compensation, permissions.RETRY_RUN),
    "cancel": ("Cancel", cancel, permissions.CANCEL_RUN),
}


def available_operations(run: WorkflowRun) -> list[str]:
    """Which buttons make sense for the run as it stands."""
    if run.status == RunStatus.COMPENSATION_FAILED:
        return ["retry-compensation"]
    if run.status == RunStatus.DELIVERY_FAILED:
        return ["retry-delivery", "cancel"]
    if run.status in TERMINAL_STATUSES:
        return []
    if run.status == RunStatus.WAITING_APPROVAL or _held_by_live_worker(run):
        return ["cancel"]
    return ["resume", "cancel"]


@admin.register(RunRecord)
class RunRecordAdmin(ReadOnlyModelAdmin):
    """The saga owns the rows: steps are its memory, and other contexts' records point at the run by id."""

    change_form_template = "admin/orchestration/runrecord/change_form.html"
    list_display = (
        "run_title",
        "status_badge",
        "current_step",
        "brief_link",
        "strategy_link",
        "created_at",
        "elapsed",
    )
    list_filter = ("status", "definition", "cancel_requested", "created_at")
    search_fields = ("=id", "=brief_id", "=strategy_id", "=package_id", "idempotency_key", "current_step")
    date_hierarchy = "created_at"
    actions = ("resume_selected", "retry_delivery_selected", "retry_compensation_selected", "cancel_selected")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "status_badge",
                    "current_step",
                    "definition_label",
                    "requires_approval",
                    "brief_link",
                    "strategy_link",
                    "package_link",
                    "related_links",
                )
            },
        ),
        ("Error", {"fields": ("error_text",)}),
        ("Timeline", {"fields": ("timeline",), "classes": ("aicmo-wide",)}),
        ("Timing", {"fields": ("created_at", "started_at", "finished_at", "elapsed", "updated_at")}),
        ("Worker", {"fields": ("claimed_by", "lease_expires_at", "cancel_requested"), "classes": ("collapse",)}),
        ("Input", {"fields": ("id", "idempotency_key", "input_pretty", "options_pretty"), "classes": ("collapse",)}),
    )
    readonly_fields = flatten_fieldsets(fieldsets)

    def may_operate(self, request: HttpRequest, slug: str) -> bool:
        return request.user.has_perm(OPERATIONS[slug][2])

    # Admin actions name these (`permissions=["resume"]` asks `has_resume_permission`).
    def has_resume_permission(self, request: HttpRequest) -> bool:
        return self.may_operate(request, "resume")

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return self.may_operate(request, "retry-compensation")

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        return self.may_operate(request, "cancel")

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not obj.error:
            return tuple(fs for fs in self.fieldsets if fs[0] != "Error")
        return self.fieldsets

    # -- columns -------------------------------------------------------------------------------

    @admin.display(description="run", ordering="created_at")
    def run_title(self, obj: RunRecord) -> str:
        return short_id(obj.id)

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: RunRecord) -> SafeString:
        return badge_for(obj.status, STATUS_TONES)

    @admin.display(description="workflow")
    def definition_label(self, obj: RunRecord) -> str:
        return f"{obj.definition} (version {obj.definition_version})"

    @admin.display(description="needs approval", boolean=True)
    def requires_approval(self, obj: RunRecord) -> bool:
        return bool(obj.options.get("require_approval"))

    @admin.display(description="brief")
    def brief_link(self, obj: RunRecord) -> SafeString | str:
        return admin_link("admin:onboarding_briefrecord_change", obj.brief_id)

    @admin.display(description="strategy")
    def strategy_link(self, obj: RunRecord) -> SafeString | str:
        label = "review strategy" if obj.status == RunStatus.WAITING_APPROVAL else None
        return admin_link("admin:strategy_strategyrecord_change", obj.strategy_id, label)

    @admin.display(description="package")
    def package_link(self, obj: RunRecord) -> SafeString | str:
        return admin_link("admin:delivery_packagerecord_change", obj.package_id, str(obj.package_id))

    @admin.display(description="elsewhere")
    def related_links(self, obj: RunRecord) -> SafeString:
        url = f"{reverse('admin:production_draftrecord_changelist')}?run_id={obj.id}"
        return format_html('<a href="{}">Drafts of this run →</a>', url)

    @admin.display(description="duration")
    def elapsed(self, obj: RunRecord) -> str:
        return _duration(obj.started_at, obj.finished_at)

    @admin.display(description="error")
    def error_text(self, obj: RunRecord) -> SafeString | str:
        if not obj.error:
            return "—"
        return format_html(
            "<strong>{}</strong> in step <code>{}</code><br>{}",
            obj.error.get("type", ""),
            obj.error.get("step", ""),
            obj.error.get("message", ""),
        )

    @admin.display(description="timeline")
    def timeline(self, obj: RunRecord) -> SafeString:
        rows = [
            {
                "step": step,
                "forward": step.kind == StepKind.FORWARD,
                "badge": badge_for(step.status, STEP_TONES),
                "duration": _duration(step.started_at, step.finished_at) if step.finished_at else "—",
                "output": pretty_json(step.output, sort_keys=True) if step.output else "",
            }
            for step in services.run_steps(run_id=obj.id, runs=_runs())
        ]
        return render_to_string("admin/orchestration/runrecord/timeline.html", {"rows": rows})

    @admin.display(description="input")
    def input_pretty(self, obj: RunRecord) -> SafeString:
        return json_block(pretty_json(obj.input, sort_keys=True))

    @admin.display(description="options")
    def options_pretty(self, obj: RunRecord) -> SafeString:
        return json_block(pretty_json(obj.options, sort_keys=True))

    # -- pages ---------------------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        next_version = path(
            "next-version/<uuid:brief_id>/", wrap(self.next_version_view), name="orchestration_runrecord_next_version"
        )
        return [
            next_version,
            *(
                path(
                    f"<path:object_id>/{slug}/",
                    wrap(self._operation_view(slug)),
                    name=f"orchestration_runrecord_{slug.replace('-', '_')}",
                )
                for slug in OPERATIONS
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, object_id)
        extra = {**(extra_context or {})}
        if record is not None:
            run = record.to_domain()
            allowed = [slug for slug in available_operations(run) if self.may_operate(request, slug)]
            extra.update(
                run=run,
                status_badge=badge_for(run.status, STATUS_TONES),
                operations=[
                    {
                        "slug": slug,
                        "label": OPERATIONS[slug][0],
                        "url": reverse(f"admin:orchestration_runrecord_{slug.replace('-', '_')}", args=[run.id]),
                    }
                    for slug in allowed
                ],
                strategy_url=reverse("admin:strategy_strategyrecord_change", args=[run.strategy_id])
                if run.strategy_id
                else "",
                held_by_worker=_held_by_live_worker(run),
            )
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def next_version_view(self, request: HttpRequest, brief_id: UUID) -> HttpResponse:
        """“Generate next version” on a rejected strategy: a new run for its brief, queued, stopping for
        approval; its strategy step makes the next version, which applies the rejection's requests."""
        if not request.user.has_perm(permissions.START_RUN):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            run, _ = services.run_start_for_brief(
                runs=_runs(), briefs=registry.repository("onboarding.briefs"), brief_id=brief_id, require_approval=True
            )
            services.run_enqueue(run_id=run.id)
        except AppError as exc:
            self.message_user(request, f"No next version: {exc}", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:strategy_strategyrecord_changelist") + f"?brief_id={brief_id}")
        self.message_user(
            request,
            f"Run {short_id(run.id)} started for the brief: it makes the next strategy version and stops for "
            "your approval (the strategy page shows what changed).",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:orchestration_runrecord_change", args=[run.id]))

    def _operation_view(self, slug: str) -> Callable[..., HttpResponse]:
        def view(request: HttpRequest, object_id: str) -> HttpResponse:
            if not self.may_operate(request, slug):
                raise PermissionDenied
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            record = self._record(object_id)
            self._operate(request, record, slug, refused_level=messages.ERROR)
            return HttpResponseRedirect(reverse("admin:orchestration_runrecord_change", args=[record.id]))

        return view

    def _operate(self, request: HttpRequest, record: RunRecord, slug: str, *, refused_level: int) -> None:
        """Run one operation on one run and tell the operator how it went."""
        label, operate, _permission = OPERATIONS[slug]
        try:
            outcome = operate(record.to_domain())
        except AppError as exc:
            self.message_user(request, f"{label} refused: {exc}", refused_level)
        else:
            self.message_user(request, f"Run {short_id(record.id)}: {outcome}.", messages.SUCCESS)

    def _record(self, object_id: str) -> RunRecord:
        try:
            UUID(object_id)
        except ValueError:
            raise Http404("No run has this id.") from None
        return get_object_or_404(RunRecord, pk=object_id)

    # -- bulk actions ------------------------------------------------------------------------

    @admin.action(description="Resume selected runs", permissions=["resume"])
    def resume_selected(self, request: HttpRequest, queryset) -> None:
        self._operate_each(request, queryset, "resume")

    @admin.action(description="Retry the hand-over of selected runs whose delivery failed", permissions=["retry"])
    def retry_delivery_selected(self, request: HttpRequest, queryset) -> None:
        self._operate_each(request, queryset, "retry-delivery")

    @admin.action(description="Retry the compensation of selected runs", permissions=["retry"])
    def retry_compensation_selected(self, request: HttpRequest, queryset) -> None:
        self._operate_each(request, queryset, "retry-compensation")

    @admin.action(description="Cancel selected runs", permissions=["cancel"])
    def cancel_selected(self, request: HttpRequest, queryset) -> None:
        self._operate_each(request, queryset, "cancel")

    def _operate_each(self, request: HttpRequest, queryset, slug: str) -> None:
        # A refusal among many is a warning: the other runs were still operated.
        for record in queryset.order_by("created_at", "id"):
            self._operate(request, record, slug, refused_level=messages.WARNING)
