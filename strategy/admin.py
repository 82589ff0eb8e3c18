"""Review screens for strategies: read a version, compare two, approve or reject it.

Rows are written by strategy's services only; the admin shows them read-only and routes every
decision through `strategy_approve` / `strategy_reject`. Those announce the decision, and the
workflow run waiting on it resumes or compensates: the admin never touches orchestration.
Who may decide is the `strategy.approve_strategy` permission.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from config import registry
from kernel import permissions
from kernel.admin import ReadOnlyModelAdmin, admin_link, badge_for, date_range, plain_number, short_id, text_list
from kernel.channels import label as channel_label
from kernel.errors import AppError, ValidationFailed
from strategy import revisions, services
from strategy.domain import RevisionRequest, Strategy, StrategyStatus
from strategy.models import StrategyRecord

STATUS_TONES = {
    StrategyStatus.DRAFT: "info",
    StrategyStatus.APPROVED: "ok",
    StrategyStatus.REJECTED: "bad",
    StrategyStatus.SUPERSEDED: "muted",
}
NOTES_HELP = (
    'What the next version must change, in words. Phrases such as "shift budget to LinkedIn" or "lead with '
    'pillar 2" are read as requests; the rest is recorded, not applied by the rule-based planner.'
)
NEXT_VERSION_CLI = "manage.py run_workflow --brief {brief_id} --require-approval"
# How this version answered the reviews before it.
REVISION_FIELDS = ("addressed_notes_list", "tone_text", "changes_list", "unapplied_notes_list")
COMPARE_NEEDS_TWO = "This brief has only one strategy version: there is nothing to compare it with."


def _strategies():
    return registry.repository("strategy.documents")


def _by(user) -> str:
    return user.get_username()


NO_CHANGE = ""
TONE_CHOICES = [(NO_CHANGE, "No change"), ("more_formal", "More formal"), ("more_casual", "More casual")]
DIRECTION_CHOICES = [("towards", "towards"), ("away", "away from")]
# The form's structured fields, in the order their requests are made: field -> (kind, request field).
REQUEST_FIELDS = {
    "shift_channel": ("shift_budget", "channel"),
    "drop_channel": ("drop_channel", "channel"),
    "add_channel": ("add_channel", "channel"),
    "lead_pillar": ("lead_with_pillar", "pillar"),
    "tone": ("tone", "direction"),
    "add_kpi": ("add_kpi", "metric"),
    "remove_kpi": ("remove_kpi", "metric"),
}


class RejectForm(forms.Form):
    """Review notes, and (when rejecting one version) the structured changes the rules apply."""

    notes = forms.CharField(
        label="Review notes",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 5, "cols": 80, "placeholder": "e.g. Too generic; shift budget to LinkedIn, more formal."}
        ),
        help_text=NOTES_HELP,
    )

    def __init__(self, *args: Any, strategy: Strategy | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.strategy = strategy
        if strategy is None:  # several versions at once: notes only, and they are required
            self.fields["notes"].required = True
            return
        planned = [p.channel for p in strategy.channel_plans]
        blank = [(NO_CHANGE, "—")]
        in_plan = blank + [(c, channel_label(c)) for c in planned]
        self.fields["shift_channel"] = forms.ChoiceField(label="Shift budget", choices=in_plan, required=False)
        self.fields["shift_direction"] = forms.ChoiceField(
            label="Direction", choices=DIRECTION_CHOICES, initial="towards", widget=forms.RadioSelect, required=False
        )
        self.fields["drop_channel"] = forms.ChoiceField(label="Drop channel", choices=in_plan, required=False)
        addable = [c for c in revisions.plannable_channels() if c not in planned]
        self.fields["add_channel"] = forms.ChoiceField(
            label="Add channel", choices=blank + [(c, channel_label(c)) for c in addable], required=False
        )
        self.fields["lead_pillar"] = forms.ChoiceField(
            label="Lead with pillar",
            choices=blank + [(p.key, f"{revisions.pillar_label(p.key)}: {p.name}") for p in strategy.pillars[1:]],
            required=False,
        )
        self.fields["tone"] = forms.ChoiceField(
            label="Tone", choices=TONE_CHOICES, initial=NO_CHANGE, widget=forms.RadioSelect, required=False
        )
        tracked = [k.metric for k in strategy.kpis]
        metrics = sorted(set(revisions.known_metrics().values()) - set(tracked))
        self.fields["add_kpi"] = forms.ChoiceField(
            label="Add KPI", choices=blank + [(m, m) for m in metrics], required=False
        )
        self.fields["remove_kpi"] = forms.ChoiceField(
            label="Remove KPI", choices=blank + [(m, m) for m in dict.fromkeys(tracked)], required=False
        )

    def requests(self) -> tuple[list[RevisionRequest], list[str]]:
        """The requests the structured fields ask for, and the form field each came from."""
        if self.strategy is None:
            return [], []
        requests, sources = [], []
        for name, (kind, field) in REQUEST_FIELDS.items():
            value = self.cleaned_data.get(name) or ""
            if not value:
                continue
            extra = (
                {"direction": self.cleaned_data.get("shift_direction") or "towards"} if name == "shift_channel" else {}
            )
            requests.append(services.revision_request(kind, **{field: value}, **extra))
            sources.append(name)
        return requests, sources

    def clean(self):
        cleaned = super().clean()
        if self.strategy is not None and not (cleaned.get("notes") or "").strip() and not self.requests()[0]:
            raise ValidationError(services.NOTES_REQUIRED)
        return cleaned


# -- how one version is shown -----------------------------------------------------------------


def kpi_rows(strategy: Strategy) -> list[dict[str, str]]:
    return [
        {
            "metric": kpi.metric,
            "target": f"{plain_number(kpi.target)} {kpi.unit}".strip(),
            "timeframe": date_range(kpi.timeframe_start, kpi.timeframe_end),
            "goal_type": kpi.goal_type,
            "rationale": kpi.rationale,
            "source": kpi.source,
            "review_date": f"{kpi.review_date:%a %d %b %Y}" if kpi.review_date else "",
        }
        for kpi in strategy.kpis
    ]


def channel_rows(strategy: Strategy) -> list[dict[str, Any]]:
    return [
        {
            "channel": plan.channel,
            "share": f"{plan.budget_share}%",
            "share_width": float(plan.budget_share),
            "role": plan.role,
            "purpose": plan.purpose,
            "effort": plan.effort,
            "assets_planned": strategy.planned_count(plan.channel),
            "cap_note": plan.cap_note,
            "cadence": str(plan.cadence),
            "tactics": plan.tactics,
            "asset_types": ", ".join(plan.asset_types),
            "rationale": plan.rationale,
        }
        for plan in strategy.channel_plans
    ]


def pillar_detail_rows(strategy: Strategy) -> list[dict[str, Any]]:
    """Each pillar with what it says, its evidence, the pain it answers and how many assets serve it."""
    mix = strategy.pillar_mix()
    return [
        {
            "pillar": f"{revisions.pillar_label(p.key)}: {p.name}",
            "message": p.message,
            "proof": p.proof,
            "pain": p.pain,
            "assets": mix[p.key],
        }
        for p in strategy.pillars
    ]


def pillar_rows(strategy: Strategy) -> list[dict[str, str]]:
    """The pillars in the order copy leads with them (the calendar's rotation starts with the first)."""
    return [
        {"position": f"{number}.", "pillar": f"{revisions.pillar_label(p.key)}: {p.name}"}
        for number, p in enumerate(strategy.pillars, start=1)
    ]


def milestone_rows(strategy: Strategy) -> list[dict[str, str]]:
    return [
        {"name": m.name, "date": f"{m.date:%a %d %b %Y}", "description": m.description} for m in strategy.milestones
    ]


# -- how two versions differ ------------------------------------------------------------------


def word_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Both texts with what changed marked: <del> on the old side, <ins> on the new side."""
    a, b = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
    left: list[str] = []
    right: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            left.append(conditional_escape(removed))
            right.append(conditional_escape(added))
            continue
        if removed:
            left.append(format_html("<del>{}</del>", removed))
        if added:
            right.append(format_html("<ins>{}</ins>", added))
    return mark_safe("".join(left)), mark_safe("".join(right))


def compare_rows(
    old: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]], *, key: str, columns: Sequence[str]
) -> list[dict[str, Any]]:
    """One row per key across both versions: kept, changed, added or removed, each cell old and new."""
    old_by_key = {row[key]: row for row in old}
    new_by_key = {row[key]: row for row in new}
    keys = [row[key] for row in old] + [row[key] for row in new if row[key] not in old_by_key]
    rows = []
    for name in keys:
        before, after = old_by_key.get(name), new_by_key.get(name)
        cells = []
        for column in columns:
            a = _cell_text(before[column]) if before else ""
            b = _cell_text(after[column]) if after else ""
            cells.append({"old": a, "new": b, "changed": before is not None and after is not None and a != b})
        if before is None:
            state = "added"
        elif after is None:
            state = "removed"
        else:
            state = "changed" if any(cell["changed"] for cell in cells) else "same"
        rows.append({"key": name, "state": state, "cells": cells})
    return rows


def _cell_text(value: Any) -> str:
    return "; ".join(value) if isinstance(value, tuple | list) else str(value)


# The strategy's prose, compared word by word: (context key, heading, Strategy attribute).
COMPARED_TEXTS = (
    ("summary", "Executive summary", "executive_summary"),
    ("insight", "Insight", "insight"),
    ("core_message", "Core message", "core_message"),
    ("positioning", "Positioning", "positioning"),
)


def _text_change(heading: str, old: str, new: str) -> dict[str, Any]:
    marked_old, marked_new = word_diff(old, new)
    return {"heading": heading, "old": marked_old, "new": marked_new, "changed": old != new}


def strategy_comparison(old: Strategy, new: Strategy) -> dict[str, Any]:
    """Everything the compare page shows: both texts with word changes marked, and each table row by row."""
    texts = {
        slug: _text_change(heading, getattr(old, attribute), getattr(new, attribute))
        for slug, heading, attribute in COMPARED_TEXTS
    }
    tables = [
        {
            "slug": "kpis",
            "heading": "KPIs",
            "key_label": "Metric",
            "columns": ("Target", "Timeframe", "Goal"),
            "rows": compare_rows(
                kpi_rows(old), kpi_rows(new), key="metric", columns=("target", "timeframe", "goal_type")
            ),
        },
        {
            "slug": "channels",
            "heading": "channel plan",
            "key_label": "Channel",
            "columns": ("Budget share", "Cadence", "Tactics", "Assets"),
            "rows": compare_rows(
                channel_rows(old),
                channel_rows(new),
                key="channel",
                columns=("share", "cadence", "tactics", "asset_types"),
            ),
        },
        {
            "slug": "pillars",
            "heading": "pillar order",
            "key_label": "Position",
            "columns": ("Pillar",),
            "rows": compare_rows(pillar_rows(old), pillar_rows(new), key="position", columns=("pillar",)),
        },
        {
            "slug": "tone",
            "heading": "tone",
            "key_label": "",
            "columns": ("Copy tone",),
            "rows": compare_rows(
                [{"key": "Tone", "tone": old.tone or "the brand's own"}],
                [{"key": "Tone", "tone": new.tone or "the brand's own"}],
                key="key",
                columns=("tone",),
            ),
        },
        {
            "slug": "milestones",
            "heading": "milestones",
            "key_label": "Milestone",
            "columns": ("Date", "Description"),
            "rows": compare_rows(milestone_rows(old), milestone_rows(new), key="name", columns=("date", "description")),
        },
    ]
    return {
        **texts,
        "texts": list(texts.values()),
        "tables": tables,
        "changes": [
            *(text["heading"].lower() for text in texts.values() if text["changed"]),
            *(t["heading"] for t in tables if any(row["state"] != "same" for row in t["rows"])),
        ],
    }


# -- the admin --------------------------------------------------------------------------------


@admin.register(StrategyRecord)
class StrategyRecordAdmin(ReadOnlyModelAdmin):
    """Strategy's services own every field; a version belongs to a run's saga (its compensation discards it)."""

    change_form_template = "admin/strategy/strategyrecord/change_form.html"
    change_list_template = "admin/strategy/strategyrecord/change_list.html"
    list_display = (
        "version_title",
        "status_badge",
        "summary_excerpt",
        "created_at",
        "decided_by",
        "run_link",
    )
    list_filter = ("status", "generator", "created_at", "decided_at")
    search_fields = ("=id", "=brief_id", "=run_id", "executive_summary", "decided_by", "decision_notes")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-version")
    actions = ("approve_selected", "reject_selected")
    fieldsets = (
        (None, {"fields": ("version_title", "status_badge", "brief_link", "run_link", "timeline", "other_versions")}),
        (
            "Review",
            {
                "fields": (
                    "decided_by",
                    "decided_at",
                    "decision_notes",
                    "revision_requests_list",
                    *REVISION_FIELDS,
                    "superseded_by_link",
                )
            },
        ),
        (
            "The strategy",
            {
                "fields": (
                    "summary_text",
                    "insight_text",
                    "positioning_text",
                    "pillar_table",
                    "risks_list",
                    "compliance_list",
                ),
                "classes": ("aicmo-wide",),
            },
        ),
        ("KPIs", {"fields": ("kpi_table",), "classes": ("aicmo-wide",)}),
        ("Channel plan", {"fields": ("channel_table",), "classes": ("aicmo-wide",)}),
        ("Milestones", {"fields": ("milestone_table",), "classes": ("aicmo-wide",)}),
        ("Record", {"fields": ("id", "generator", "created_at"), "classes": ("collapse",)}),
    )
    readonly_fields = flatten_fieldsets(fieldsets)

    def has_approve_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(permissions.APPROVE_STRATEGY)  # the one the API checks too

    def get_fieldsets(self, request, obj=None):
        if obj is None or obj.decided_at is not None or obj.superseded_by is not None:
            return self.fieldsets
        # Undecided: the review panel above says so; only the notes this version addressed remain to show.
        return tuple(
            (name, {**options, "fields": REVISION_FIELDS}) if name == "Review" else (name, options)
            for name, options in self.fieldsets
        )

    # -- columns -------------------------------------------------------------------------------

    @admin.display(description="strategy", ordering="version")
    def version_title(self, obj: StrategyRecord) -> str:
        return f"v{obj.version} · brief {short_id(obj.brief_id)}"

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: StrategyRecord) -> SafeString:
        return badge_for(obj.status, STATUS_TONES)

    @admin.display(description="executive summary")
    def summary_excerpt(self, obj: StrategyRecord) -> str:
        return Truncator(obj.executive_summary).chars(70)

    @admin.display(description="run")
    def run_link(self, obj: StrategyRecord) -> SafeString | str:
        return admin_link("admin:orchestration_runrecord_change", obj.run_id)

    @admin.display(description="brief")
    def brief_link(self, obj: StrategyRecord) -> SafeString:
        url = reverse("admin:onboarding_briefrecord_change", args=[obj.brief_id])
        return format_html('<a href="{}" class="aicmo-mono">{}</a>', url, obj.brief_id)

    @admin.display(description="timeline")
    def timeline(self, obj: StrategyRecord) -> str:
        return date_range(obj.timeline_start, obj.timeline_end)

    @admin.display(description="versions of this brief")
    def other_versions(self, obj: StrategyRecord) -> SafeString:
        versions = services.strategy_list_versions(brief_id=obj.brief_id, strategies=_strategies())
        rows = [
            {
                "strategy": version,
                "badge": badge_for(version.status, STATUS_TONES),
                "url": reverse("admin:strategy_strategyrecord_change", args=[version.id]),
                "compare_url": self._compare_url(obj.brief_id, version.version, obj.version)
                if version.version != obj.version
                else "",
                "current": version.id == obj.id,
            }
            for version in versions
        ]
        return render_to_string("admin/strategy/strategyrecord/versions.html", {"rows": rows})

    @admin.display(description="reviews this version answers")
    def addressed_notes_list(self, obj: StrategyRecord) -> SafeString:
        return text_list(obj.addressed_notes)

    @admin.display(description="change requests")
    def revision_requests_list(self, obj: StrategyRecord) -> SafeString:
        return text_list([revisions.describe(r) for r in obj.to_domain().revision_requests])

    @admin.display(description="what changed")
    def changes_list(self, obj: StrategyRecord) -> SafeString:
        return text_list(obj.changes)

    @admin.display(description="recorded, not applied by the rule-based planner")
    def unapplied_notes_list(self, obj: StrategyRecord) -> SafeString:
        return text_list(obj.unapplied_notes)

    @admin.display(description="tone")
    def tone_text(self, obj: StrategyRecord) -> str:
        return obj.tone or "the brand's own"

    @admin.display(description="superseded by")
    def superseded_by_link(self, obj: StrategyRecord) -> SafeString | str:
        return admin_link("admin:strategy_strategyrecord_change", obj.superseded_by, str(obj.superseded_by))

    @admin.display(description="executive summary")
    def summary_text(self, obj: StrategyRecord) -> SafeString:
        return format_html('<div class="aicmo-prose">{}</div>', obj.executive_summary)

    @admin.display(description="positioning")
    def positioning_text(self, obj: StrategyRecord) -> SafeString:
        return format_html('<div class="aicmo-prose"><strong>Positioning.</strong> {}</div>', obj.positioning or "—")

    @admin.display(description="insight")
    def insight_text(self, obj: StrategyRecord) -> SafeString:
        return format_html('<div class="aicmo-prose"><strong>Insight.</strong> {}</div>', obj.insight or "—")

    @admin.display(description="message hierarchy")
    def pillar_table(self, obj: StrategyRecord) -> SafeString:
        strategy = obj.to_domain()
        return render_to_string(
            "admin/strategy/strategyrecord/pillars.html",
            {"core_message": strategy.core_message, "rows": pillar_detail_rows(strategy)},
        )

    @admin.display(description="risks")
    def risks_list(self, obj: StrategyRecord) -> SafeString:
        return text_list(obj.risks)

    @admin.display(description="compliance")
    def compliance_list(self, obj: StrategyRecord) -> SafeString:
        return text_list(obj.compliance)

    @admin.display(description="KPIs")
    def kpi_table(self, obj: StrategyRecord) -> SafeString:
        return render_to_string("admin/strategy/strategyrecord/kpis.html", {"rows": kpi_rows(obj.to_domain())})

    @admin.display(description="channel plan")
    def channel_table(self, obj: StrategyRecord) -> SafeString:
        return render_to_string("admin/strategy/strategyrecord/channels.html", {"rows": channel_rows(obj.to_domain())})

    @admin.display(description="milestones")
    def milestone_table(self, obj: StrategyRecord) -> SafeString:
        return render_to_string(
            "admin/strategy/strategyrecord/milestones.html", {"rows": milestone_rows(obj.to_domain())}
        )

    # -- pages ---------------------------------------------------------------------------------

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("compare/", wrap(self.compare_view), name="strategy_strategyrecord_compare"),
            path("<path:object_id>/approve/", wrap(self.approve_view), name="strategy_strategyrecord_approve"),
            path("<path:object_id>/reject/", wrap(self.reject_view), name="strategy_strategyrecord_reject"),
            *super().get_urls(),
        ]

    def _compare_url(self, brief_id: UUID, a: int, b: int) -> str:
        old, new = sorted((a, b))
        return f"{reverse('admin:strategy_strategyrecord_compare')}?brief_id={brief_id}&a={old}&b={new}"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, object_id)
        extra = {**(extra_context or {})}
        if record is not None:
            extra["can_review"] = self.has_approve_permission(request) and record.status == StrategyStatus.DRAFT.value
            extra["approve_url"] = reverse("admin:strategy_strategyrecord_approve", args=[record.id])
            extra["reject_url"] = reverse("admin:strategy_strategyrecord_reject", args=[record.id])
            if record.version > 1:
                extra["compare_url"] = self._compare_url(record.brief_id, record.version - 1, record.version)
            extra["status_badge"] = badge_for(record.status, STATUS_TONES)
            if (
                record.status == StrategyStatus.REJECTED.value
                and not StrategyRecord.objects.filter(brief_id=record.brief_id, version__gt=record.version).exists()
            ):
                extra["next_version_cli"] = NEXT_VERSION_CLI.format(brief_id=record.brief_id)
                if request.user.has_perm(permissions.START_RUN):
                    extra["next_version_url"] = reverse(
                        "admin:orchestration_runrecord_next_version", args=[record.brief_id]
                    )
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def changelist_view(self, request, extra_context=None):
        extra = {**(extra_context or {})}
        brief_id = request.GET.get("brief_id", "")
        if _is_uuid(brief_id):
            extra["compare_url"] = f"{reverse('admin:strategy_strategyrecord_compare')}?brief_id={brief_id}"
        return super().changelist_view(request, extra_context=extra)

    def _reviewable(self, request: HttpRequest, object_id: str) -> StrategyRecord:
        if not self.has_approve_permission(request):
            raise PermissionDenied
        if not _is_uuid(object_id):
            raise Http404("No strategy has this id.")
        record = get_object_or_404(StrategyRecord, pk=object_id)
        if not self.has_view_permission(request, record):
            raise PermissionDenied
        return record

    def approve_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        record = self._reviewable(request, object_id)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        change_url = reverse("admin:strategy_strategyrecord_change", args=[record.id])
        try:
            approved = services.strategy_approve(
                strategy_id=record.id,
                by=_by(request.user),
                notes=request.POST.get("notes", ""),
                strategies=_strategies(),
            )
        except AppError as exc:
            self.message_user(request, f"Not approved: {exc}", messages.ERROR)
            return HttpResponseRedirect(change_url)
        self.message_user(
            request,
            f"Strategy v{approved.version} approved. Older versions are superseded; a run waiting for it continues.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(change_url)

    def reject_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        record = self._reviewable(request, object_id)
        change_url = reverse("admin:strategy_strategyrecord_change", args=[record.id])
        form = RejectForm(request.POST if request.method == "POST" else None, strategy=record.to_domain())
        if request.method == "POST" and form.is_valid():
            requests, sources = form.requests()
            try:
                rejected = services.strategy_reject(
                    strategy_id=record.id,
                    by=_by(request.user),
                    notes=form.cleaned_data["notes"],
                    requests=requests,
                    strategies=_strategies(),
                )
            except ValidationFailed as exc:
                _add_errors(form, exc, sources)
            except AppError as exc:
                self.message_user(request, f"Not rejected: {exc}", messages.ERROR)
                return HttpResponseRedirect(change_url)
            else:
                self.message_user(request, rejection_message(rejected), messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Reject strategy v{record.version}",
            "opts": self.opts,
            "form": form,
            "request_fields": [form[name] for name in form.fields if name != "notes"],
            "strategies": [record],
            "change_url": change_url,
            "cancel_url": change_url,
        }
        return TemplateResponse(request, "admin/strategy/strategyrecord/reject.html", context)

    def compare_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        brief_id = request.GET.get("brief_id", "")
        if not _is_uuid(brief_id):
            self.message_user(request, "Pick a brief to compare its strategy versions.", messages.WARNING)
            return HttpResponseRedirect(reverse("admin:strategy_strategyrecord_changelist"))
        versions = services.strategy_list_versions(brief_id=UUID(brief_id), strategies=_strategies())
        if len(versions) < 2:
            self.message_user(request, COMPARE_NEEDS_TWO, messages.WARNING)
            return HttpResponseRedirect(f"{reverse('admin:strategy_strategyrecord_changelist')}?brief_id={brief_id}")
        by_number = {v.version: v for v in versions}
        old = by_number.get(_int(request.GET.get("a")), versions[-2])
        new = by_number.get(_int(request.GET.get("b")), versions[-1])
        context = {
            **self.admin_site.each_context(request),
            "title": f"Compare strategy versions v{old.version} and v{new.version}",
            "opts": self.opts,
            "brief_id": brief_id,
            "brief_url": reverse("admin:onboarding_briefrecord_change", args=[brief_id]),
            "versions": versions,
            "old": old,
            "new": new,
            "old_badge": badge_for(old.status, STATUS_TONES),
            "new_badge": badge_for(new.status, STATUS_TONES),
            "old_url": reverse("admin:strategy_strategyrecord_change", args=[old.id]),
            "new_url": reverse("admin:strategy_strategyrecord_change", args=[new.id]),
            "diff": strategy_comparison(old, new),
            "old_requests": [revisions.describe(r) for r in old.revision_requests],
        }
        return TemplateResponse(request, "admin/strategy/strategyrecord/compare.html", context)

    # -- bulk actions ------------------------------------------------------------------------

    @admin.action(description="Approve selected draft strategies", permissions=["approve"])
    def approve_selected(self, request: HttpRequest, queryset) -> None:
        self._decide_each(
            request,
            queryset,
            "approved",
            lambda record: services.strategy_approve(
                strategy_id=record.id, by=_by(request.user), strategies=_strategies()
            ),
        )

    @admin.action(description="Reject selected draft strategies (with notes)…", permissions=["approve"])
    def reject_selected(self, request: HttpRequest, queryset) -> HttpResponse | None:
        form = RejectForm(request.POST if request.POST.get("post") == "yes" else None)
        if form.is_bound and form.is_valid():
            notes = form.cleaned_data["notes"]
            self._decide_each(
                request,
                queryset,
                "rejected",
                lambda record: services.strategy_reject(
                    strategy_id=record.id, by=_by(request.user), notes=notes, strategies=_strategies()
                ),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Reject strategies",
            "opts": self.opts,
            "form": form,
            "strategies": list(queryset.order_by("brief_id", "version")),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "reject_selected",
            "cancel_url": reverse("admin:strategy_strategyrecord_changelist"),
        }
        return TemplateResponse(request, "admin/strategy/strategyrecord/reject.html", context)

    def _decide_each(
        self, request: HttpRequest, queryset, verb: str, decide: Callable[[StrategyRecord], Strategy]
    ) -> None:
        done, refused = [], []
        for record in queryset.order_by("brief_id", "version"):
            try:
                decided = decide(record)
            except AppError as exc:
                refused.append(f"v{record.version} of brief {short_id(record.brief_id)}: {exc}")
            else:
                done.append(f"v{decided.version} of brief {short_id(decided.brief_id)}")
        if done:
            self.message_user(
                request, f"{len(done)} strateg{'y' if len(done) == 1 else 'ies'} {verb}: {', '.join(done)}."
            )
        for reason in refused:
            self.message_user(request, f"Not {verb}: {reason}", messages.WARNING)


def _is_uuid(value: str) -> bool:
    try:
        UUID(str(value))
    except ValueError:
        return False
    return True


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _add_errors(form: forms.Form, exc: ValidationFailed, sources: Sequence[str] = ()) -> None:
    """The service's errors on the form: `requests[i].<field>` goes to the form field request i came from."""
    for where, messages_ in exc.errors.items():
        field = where if where in form.fields else None
        match = re.fullmatch(r"requests\[(\d+)\]\.\w+", where)
        if match and int(match.group(1)) < len(sources):
            field = sources[int(match.group(1))]
        for message in messages_:
            form.add_error(field, ValidationError(message))


def rejection_message(rejected: Strategy) -> str:
    asked = len(rejected.revision_requests)
    what = f" with {asked} change request{'s' if asked != 1 else ''}" if asked else ""
    return (
        f"Strategy v{rejected.version} rejected{what}. A run waiting for it is undone. To get the next version, "
        "which applies the requests and lists what changed: “Generate next version” on this page, or "
        f"{NEXT_VERSION_CLI.format(brief_id=rejected.brief_id)}"
    )
