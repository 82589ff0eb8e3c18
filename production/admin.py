"""Review screens for drafts and their quality control: the body with QC issues marked, the verdict beside it.

Drafts and QC results are written by production's services inside a run (and removed by its
compensation), so every screen here is read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from kernel.admin import (
    ReadOnlyModelAdmin,
    ReadOnlyStackedInline,
    ReadOnlyTabularInline,
    admin_link,
    badge,
    badge_for,
    pretty_json,
    text_list,
)
from production.domain import Severity
from production.models import DraftRecord, LLMCallRecord, QCIssueRecord, QCResultRecord

SEVERITY_TONES = {Severity.CRITICAL: "bad", Severity.MAJOR: "warn", Severity.MINOR: "muted"}


def _verdict(result: QCResultRecord | None) -> SafeString:
    if result is None:
        return badge("not checked", "muted")
    tone, word = ("ok", "passed") if result.passed else ("bad", "failed")
    return badge(f"{word} · {result.score:.0f}", tone)


def highlighted(text: str, issues: list[QCIssueRecord]) -> SafeString:
    """`text` escaped, with each issue's span wrapped in <mark> (its message as the tooltip).

    Spans outside the text, empty ones, and ones overlapping an earlier span are left unmarked;
    the issue table still lists them.
    """
    spans = sorted(
        (i for i in issues if 0 <= i.start < i.end <= len(text)),
        key=lambda i: (i.start, i.end),
    )
    pieces: list[str] = []
    cursor = 0
    for issue in spans:
        if issue.start < cursor:
            continue
        pieces.append(conditional_escape(text[cursor : issue.start]))
        pieces.append(
            format_html('<mark title="{}: {}">{}</mark>', issue.severity, issue.message, text[issue.start : issue.end])
        )
        cursor = issue.end
    pieces.append(conditional_escape(text[cursor:]))
    return mark_safe("".join(pieces))


def _readable(value: Any) -> dict[str, Any]:
    """A structured part as the page shows it: text, a list of texts, or indented JSON for anything else."""
    if isinstance(value, str):
        return {"text": value}
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return {"entries": value}
    return {"text": pretty_json(value)}


class QCVerdictFilter(admin.SimpleListFilter):
    title = "quality control"
    parameter_name = "qc"

    def lookups(self, request, model_admin):
        return [("passed", "passed"), ("failed", "failed"), ("unchecked", "not checked")]

    def queryset(self, request, queryset):
        if self.value() == "passed":
            return queryset.filter(qc_result__passed=True)
        if self.value() == "failed":
            return queryset.filter(qc_result__passed=False)
        if self.value() == "unchecked":
            return queryset.filter(qc_result__isnull=True)
        return queryset


def _issues_table(result: QCResultRecord) -> SafeString:
    rows = [{"issue": issue, "badge": badge_for(issue.severity, SEVERITY_TONES)} for issue in result.issues.all()]
    return render_to_string("admin/production/qc_issues.html", {"rows": rows})


class QCResultColumns:
    """How a QC result reads, on its own page and inside its draft's."""

    @admin.display(description="verdict", ordering="passed")
    def verdict(self, obj: QCResultRecord) -> SafeString:
        return _verdict(obj)

    @admin.display(description="rules passed")
    def rules(self, obj: QCResultRecord) -> str:
        return f"{obj.rules_passed} of {obj.rules_applied}"


class QCResultInline(QCResultColumns, ReadOnlyStackedInline):
    model = QCResultRecord
    verbose_name = "quality control"
    verbose_name_plural = "quality control"
    fields = ("verdict", "rules", "threshold", "ruleset_version", "evaluated_at", "issues_table")
    readonly_fields = fields

    @admin.display(description="issues")
    def issues_table(self, obj: QCResultRecord) -> SafeString:
        return _issues_table(obj)


@admin.register(DraftRecord)
class DraftRecordAdmin(ReadOnlyModelAdmin):
    inlines = (QCResultInline,)
    list_display = ("draft_key", "title_excerpt", "scheduled_at", "qc_verdict", "run_link")
    list_display_links = ("draft_key", "title_excerpt")
    list_per_page = 50
    list_filter = ("channel", QCVerdictFilter, "asset_type", "generator", "scheduled_at")
    list_select_related = ("qc_result",)
    search_fields = ("title", "body", "=id", "=run_id", "=brief_id", "=strategy_id")
    date_hierarchy = "scheduled_at"
    fieldsets = (
        (
            None,
            {"fields": ("draft_key", "title", "qc_verdict", "scheduled_at", "run_link", "brief_link", "strategy_link")},
        ),
        ("Body", {"fields": ("body_text",), "classes": ("aicmo-wide",)}),
        ("Structured parts", {"fields": ("fields_list",), "classes": ("aicmo-wide",)}),
        (
            "Provenance",
            {
                "fields": ("generator", "template", "sources_list", "fixes_list", "id", "created_at"),
                "classes": ("collapse",),
            },
        ),
    )
    readonly_fields = flatten_fieldsets(fieldsets)

    @admin.display(description="draft", ordering="channel")
    def draft_key(self, obj: DraftRecord) -> str:
        return f"{obj.channel}-{obj.slot:02d}-{obj.asset_type}"

    @admin.display(description="title", ordering="title")
    def title_excerpt(self, obj: DraftRecord) -> str:
        return Truncator(obj.title).chars(80)

    @admin.display(description="QC", ordering="qc_result__score")
    def qc_verdict(self, obj: DraftRecord) -> SafeString:
        return _verdict(getattr(obj, "qc_result", None))

    @admin.display(description="run")
    def run_link(self, obj: DraftRecord) -> SafeString | str:
        return admin_link("admin:orchestration_runrecord_change", obj.run_id)

    @admin.display(description="brief")
    def brief_link(self, obj: DraftRecord) -> SafeString | str:
        return admin_link("admin:onboarding_briefrecord_change", obj.brief_id)

    @admin.display(description="strategy")
    def strategy_link(self, obj: DraftRecord) -> SafeString | str:
        return admin_link("admin:strategy_strategyrecord_change", obj.strategy_id)

    @admin.display(description="body")
    def body_text(self, obj: DraftRecord) -> SafeString:
        result = getattr(obj, "qc_result", None)
        issues = [i for i in result.issues.all() if i.field == "body"] if result is not None else []
        return format_html('<div class="aicmo-prose">{}</div>', highlighted(obj.body, issues))

    @admin.display(description="structured parts")
    def fields_list(self, obj: DraftRecord) -> SafeString:
        rows = [{"name": name, **_readable(value)} for name, value in sorted(obj.fields.items())]
        return render_to_string("admin/production/fields.html", {"rows": rows})

    @admin.display(description="from brief fields")
    def sources_list(self, obj: DraftRecord) -> SafeString:
        return text_list(obj.sources)

    @admin.display(description="mechanical fixes")
    def fixes_list(self, obj: DraftRecord) -> SafeString:
        return text_list(obj.fixes)


class QCIssueInline(ReadOnlyTabularInline):
    model = QCIssueRecord
    fields = ("ordering", "severity_badge", "rule_id", "message", "field", "span", "suggestion")
    readonly_fields = fields

    @admin.display(description="severity")
    def severity_badge(self, obj: QCIssueRecord) -> SafeString:
        return badge_for(obj.severity, SEVERITY_TONES)

    @admin.display(description="characters")
    def span(self, obj: QCIssueRecord) -> str:
        return f"{obj.start}–{obj.end}" if obj.end > obj.start else "—"


@admin.register(QCResultRecord)
class QCResultRecordAdmin(QCResultColumns, ReadOnlyModelAdmin):
    inlines = (QCIssueInline,)
    list_display = ("draft", "verdict", "score", "rules", "threshold", "ruleset_version", "evaluated_at")
    list_filter = ("passed", "draft__channel", "ruleset_version", "evaluated_at")
    list_select_related = ("draft",)
    search_fields = ("=id", "=run_id", "=draft__id", "draft__title", "issues__rule_id", "issues__message")
    fields = ("draft_link", "verdict", "score", "rules", "threshold", "ruleset_version", "evaluated_at", "run_link")
    readonly_fields = fields

    @admin.display(description="draft")
    def draft_link(self, obj: QCResultRecord) -> SafeString | str:
        return admin_link("admin:production_draftrecord_change", obj.draft_id, str(obj.draft))

    @admin.display(description="run")
    def run_link(self, obj: QCResultRecord) -> SafeString | str:
        return admin_link("admin:orchestration_runrecord_change", obj.run_id)


@admin.register(LLMCallRecord)
class LLMCallRecordAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "model", "status", "prompt_tokens", "completion_tokens", "latency", "run_id")
    list_filter = ("status", "model", "created_at")
    search_fields = ("=id", "=run_id", "model", "prompt_hash", "error")
    date_hierarchy = "created_at"
    readonly_fields = (
        "id",
        "run_id",
        "model",
        "status",
        "prompt_hash",
        "prompt_tokens",
        "completion_tokens",
        "latency_ms",
        "error",
        "created_at",
    )
    fields = readonly_fields

    @admin.display(description="latency", ordering="latency_ms")
    def latency(self, obj: LLMCallRecord) -> str:
        return f"{obj.latency_ms:.0f} ms"
