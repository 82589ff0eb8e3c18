"""Review screens for briefs and intakes: the normalized brief laid out for reading, the raw intake beside it.

Everything here is read-only: briefs and intakes are written by onboarding's services (through a
run), never by hand. Strategy versions, runs, drafts and packages of a brief live in other
contexts; they are reached by id through their admin URLs, never by importing their models.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from onboarding.domain import CHANNELS, Brief, BriefStatus
from onboarding.models import BriefRecord, IntakeRecord

STATUS_TONES = {
    BriefStatus.NORMALIZED: "info",
    BriefStatus.IN_PROGRESS: "warn",
    BriefStatus.DELIVERED: "ok",
    BriefStatus.ARCHIVED: "muted",
}

# The other contexts' changelists that can be filtered by brief: (label, admin URL name).
RELATED_BY_BRIEF = (
    ("Strategy versions", "admin:strategy_strategyrecord_changelist"),
    ("Runs", "admin:orchestration_runrecord_changelist"),
    ("Drafts", "admin:production_draftrecord_changelist"),
    ("Packages", "admin:delivery_packagerecord_changelist"),
)


def _badge(label: str, tone: str) -> SafeString:
    return format_html('<span class="aicmo-badge aicmo-badge--{}">{}</span>', tone, label)


def _render(template: str, **context: Any) -> SafeString:
    return render_to_string(template, context)


def _number(value: Decimal | None) -> str:
    """A target as people write it: 150, 4.5, 12,000.5 (no exponent, no trailing zeros)."""
    if value is None:
        return ""
    return format(value.normalize(), ",f")


def _pretty_payload(payload: str) -> str:
    """The intake as indented JSON when it parses, else exactly as received."""
    try:
        return json.dumps(json.loads(payload), indent=2, ensure_ascii=False)
    except ValueError:
        return payload


class ReadOnlyAdmin(admin.ModelAdmin):
    """Onboarding's services own these rows: the admin shows them and changes nothing."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ChannelFilter(admin.SimpleListFilter):
    title = "channel"
    parameter_name = "channel"

    def lookups(self, request, model_admin):
        return [(channel, channel.replace("_", " ")) for channel in CHANNELS]

    def queryset(self, request, queryset):
        if self.value() in CHANNELS:
            # Channels are a JSON list; matching the quoted name works on SQLite and PostgreSQL alike.
            return queryset.filter(channels__icontains=f'"{self.value()}"')
        return queryset


@admin.register(BriefRecord)
class BriefRecordAdmin(ReadOnlyAdmin):
    change_form_template = "admin/onboarding/briefrecord/change_form.html"
    list_display = ("client_name", "product_name", "channel_list", "status_badge", "timeline", "created_at")
    list_display_links = ("client_name", "product_name")
    list_filter = ("status", ChannelFilter, "sponsored", "created_at")
    search_fields = ("client_name", "product_name", "=id", "=intake__id")
    date_hierarchy = "created_at"
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("client", "product", "status_badge", "channel_list", "timeline", "budget", "sponsored")}),
        ("Related work", {"fields": ("related_links",)}),
        ("Goals", {"fields": ("goals_table",), "classes": ("aicmo-wide",)}),
        ("Audience", {"fields": ("audience_section",), "classes": ("aicmo-wide",)}),
        ("Brand rules", {"fields": ("brand_section",), "classes": ("aicmo-wide",)}),
        ("Scope and delivery", {"fields": ("scope_section",), "classes": ("aicmo-wide",)}),
        (
            "Record",
            {
                "fields": ("id", "intake_link", "language", "fingerprint", "created_at", "updated_at"),
                "classes": ("collapse",),
            },
        ),
    )
    readonly_fields = (
        "client",
        "product",
        "status_badge",
        "channel_list",
        "timeline",
        "budget",
        "sponsored",
        "related_links",
        "goals_table",
        "audience_section",
        "brand_section",
        "scope_section",
        "id",
        "intake_link",
        "language",
        "fingerprint",
        "created_at",
        "updated_at",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("intake")

    # -- list columns -------------------------------------------------------------------------

    @admin.display(description="channels")
    def channel_list(self, obj: BriefRecord) -> str:
        return ", ".join(obj.channels)

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: BriefRecord) -> SafeString:
        status = BriefStatus(obj.status)
        return _badge(status.value.replace("_", " "), STATUS_TONES[status])

    @admin.display(description="timeline", ordering="timeline_start")
    def timeline(self, obj: BriefRecord) -> str:
        days = (obj.timeline_end - obj.timeline_start).days + 1
        return f"{obj.timeline_start:%d %b %Y} – {obj.timeline_end:%d %b %Y} ({days} days)"

    # -- the normalized brief, for reading ----------------------------------------------------

    def _brief(self, obj: BriefRecord) -> Brief:
        # One conversion per object and request: every section below reads the same brief.
        cached = getattr(obj, "_aicmo_brief", None)
        if cached is None:
            cached = obj.to_domain()
            obj._aicmo_brief = cached
        return cached

    @admin.display(description="client")
    def client(self, obj: BriefRecord) -> SafeString:
        return _render("admin/onboarding/brief/client.html", client=self._brief(obj).client)

    @admin.display(description="product")
    def product(self, obj: BriefRecord) -> SafeString:
        return _render("admin/onboarding/brief/product.html", product=self._brief(obj).product)

    @admin.display(description="budget")
    def budget(self, obj: BriefRecord) -> str:
        if obj.budget_amount is None:
            return "not given"
        return f"{obj.budget_amount:,.2f} {obj.budget_currency}".strip()

    @admin.display(description="language")
    def language(self, obj: BriefRecord) -> str:
        return self._brief(obj).language

    @admin.display(description="elsewhere")
    def related_links(self, obj: BriefRecord) -> SafeString:
        links = []
        for label, url_name in RELATED_BY_BRIEF:
            try:
                links.append((f"{reverse(url_name)}?brief_id={obj.id}", label))
            except NoReverseMatch:  # that context's admin is not installed
                continue
        return format_html_join(" · ", '<a href="{}">{} of this brief →</a>', links)

    @admin.display(description="goals")
    def goals_table(self, obj: BriefRecord) -> SafeString:
        goals = [
            {"type": g.type, "description": g.description, "target": _number(g.target), "unit": g.unit}
            for g in self._brief(obj).goals
        ]
        return _render("admin/onboarding/brief/goals.html", goals=goals)

    @admin.display(description="audience")
    def audience_section(self, obj: BriefRecord) -> SafeString:
        return _render("admin/onboarding/brief/audience.html", audience=self._brief(obj).audience)

    @admin.display(description="brand rules")
    def brand_section(self, obj: BriefRecord) -> SafeString:
        return _render("admin/onboarding/brief/brand.html", brand=self._brief(obj).brand)

    @admin.display(description="scope")
    def scope_section(self, obj: BriefRecord) -> SafeString:
        brief = self._brief(obj)
        return _render("admin/onboarding/brief/scope.html", scope=brief.scope, delivery=brief.delivery)

    @admin.display(description="intake")
    def intake_link(self, obj: BriefRecord) -> SafeString:
        url = reverse("admin:onboarding_intakerecord_change", args=[obj.intake_id])
        return format_html('<a href="{}">{}</a>', url, obj.intake)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, object_id)
        extra = {**(extra_context or {})}
        if record is not None:
            extra["raw_intake"] = _pretty_payload(record.intake.payload)
            extra["intake"] = record.intake
        return super().change_view(request, object_id, form_url, extra_context=extra)


@admin.register(IntakeRecord)
class IntakeRecordAdmin(ReadOnlyAdmin):
    list_display = ("id", "source", "content_type", "received_at", "brief_link")
    list_filter = ("source", "content_type", "received_at")
    search_fields = ("=id", "source", "payload")
    date_hierarchy = "received_at"
    fields = ("id", "source", "content_type", "received_at", "brief_link", "payload_pretty")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("brief")

    @admin.display(description="brief")
    def brief_link(self, obj: IntakeRecord) -> SafeString | str:
        brief = getattr(obj, "brief", None)
        if brief is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:onboarding_briefrecord_change", args=[brief.id]), brief
        )

    @admin.display(description="payload, as received")
    def payload_pretty(self, obj: IntakeRecord) -> SafeString:
        return format_html('<pre class="aicmo-json">{}</pre>', _pretty_payload(obj.payload))
