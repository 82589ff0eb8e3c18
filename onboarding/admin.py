"""Review screens for briefs and intakes: the normalized brief laid out for reading, the raw intake beside it.

Everything here is read-only: briefs and intakes are written by onboarding's services (through a
run), never by hand. Strategy versions, runs, drafts and packages of a brief live in other
contexts; they are reached by id through their admin URLs, never by importing their models.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from kernel.admin import (
    NOTHING,
    ReadOnlyModelAdmin,
    admin_link,
    badge_for,
    date_range,
    json_block,
    plain_number,
    pretty_json,
)
from kernel.channels import label as channel_label
from onboarding.domain import CHANNELS, Brief, BriefStatus
from onboarding.models import BriefRecord, IntakeRecord
from onboarding.services import brief_warnings

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


def _render(template: str, **context: Any) -> SafeString:
    return render_to_string(template, context)


def _pretty_payload(payload: str) -> str:
    """The intake as indented JSON when it parses, else exactly as received."""
    try:
        return pretty_json(json.loads(payload))
    except ValueError:
        return payload


class ChannelFilter(admin.SimpleListFilter):
    title = "channel"
    parameter_name = "channel"

    def lookups(self, request, model_admin):
        return [(channel, channel_label(channel)) for channel in CHANNELS]

    def queryset(self, request, queryset):
        if self.value() in CHANNELS:
            # Channels are a JSON list; matching the quoted name works on SQLite and PostgreSQL alike.
            return queryset.filter(channels__icontains=f'"{self.value()}"')
        return queryset


@admin.register(BriefRecord)
class BriefRecordAdmin(ReadOnlyModelAdmin):
    change_form_template = "admin/onboarding/briefrecord/change_form.html"
    list_display = ("client_name", "product_name", "channel_list", "status_badge", "timeline", "created_at")
    list_display_links = ("client_name", "product_name")
    list_filter = ("status", ChannelFilter, "sponsored", "created_at")
    search_fields = ("client_name", "product_name", "=id", "=intake__id")
    date_hierarchy = "created_at"
    list_per_page = 50
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "client",
                    "product",
                    "status_badge",
                    "channel_list",
                    "timeline_section",
                    "budget",
                    "sponsored",
                )
            },
        ),
        ("Warnings", {"fields": ("warnings",)}),
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
    readonly_fields = flatten_fieldsets(fieldsets)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("intake")

    # -- list columns -------------------------------------------------------------------------

    @admin.display(description="channels")
    def channel_list(self, obj: BriefRecord) -> str:
        return ", ".join(obj.channels)

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: BriefRecord) -> SafeString:
        return badge_for(obj.status, STATUS_TONES)

    @admin.display(description="timeline", ordering="timeline_start")
    def timeline(self, obj: BriefRecord) -> str:
        days = (obj.timeline_end - obj.timeline_start).days + 1
        return f"{date_range(obj.timeline_start, obj.timeline_end)} ({days} days)"

    @admin.display(description="timeline")
    def timeline_section(self, obj: BriefRecord) -> SafeString:
        return _render("admin/onboarding/brief/timeline.html", timeline=self._brief(obj).timeline)

    @admin.display(description="warnings")
    def warnings(self, obj: BriefRecord) -> SafeString:
        return _render("admin/onboarding/brief/warnings.html", warnings=brief_warnings(brief=self._brief(obj)))

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
        product = self._brief(obj).product
        return _render(
            "admin/onboarding/brief/product.html", product=product, kind_label=product.kind.replace("_", " ")
        )

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
            {"type": g.type, "description": g.description, "target": plain_number(g.target), "unit": g.unit}
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
    def intake_link(self, obj: BriefRecord) -> SafeString | str:
        return admin_link("admin:onboarding_intakerecord_change", obj.intake_id, str(obj.intake))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = self.get_object(request, object_id)
        extra = {**(extra_context or {})}
        if record is not None:
            extra["raw_intake"] = _pretty_payload(record.intake.payload)
            extra["intake"] = record.intake
        return super().change_view(request, object_id, form_url, extra_context=extra)


@admin.register(IntakeRecord)
class IntakeRecordAdmin(ReadOnlyModelAdmin):
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
            return NOTHING
        return admin_link("admin:onboarding_briefrecord_change", brief.id, str(brief))

    @admin.display(description="payload, as received")
    def payload_pretty(self, obj: IntakeRecord) -> SafeString:
        return json_block(_pretty_payload(obj.payload))
