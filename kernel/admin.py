"""Shared pieces of the review screens: read-only admins and inlines, badges, links by id, numbers, JSON.

Every context's rows are written by its services (inside a run), so its admin only shows them;
state changes go through those services from dedicated views, never through the change form.
This module registers no model.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

NOTHING = "—"


class ReadOnlyPermissions:
    """Nobody adds, changes or deletes these rows here: the context's services own them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyModelAdmin(ReadOnlyPermissions, admin.ModelAdmin):
    """A model admin that shows rows and changes nothing."""


class ReadOnlyTabularInline(ReadOnlyPermissions, admin.TabularInline):
    """The child rows as a table, without empty extra forms or delete boxes."""

    extra = 0
    can_delete = False


class ReadOnlyStackedInline(ReadOnlyPermissions, admin.StackedInline):
    """The child rows stacked, without empty extra forms or delete boxes."""

    extra = 0
    can_delete = False


def badge(label: str, tone: str) -> SafeString:
    """A coloured label; `tone` is one of the stylesheet's badge tones (ok, info, warn, bad, muted)."""
    return format_html('<span class="aicmo-badge aicmo-badge--{}">{}</span>', tone, label)


def badge_for(status: str, tones: Mapping[str, str]) -> SafeString:
    """The badge of `status` (a StrEnum member or its value) in its tone from `tones`; `_` reads as a space."""
    return badge(str(status).replace("_", " "), tones[status])


def short_id(value: Any) -> str:
    """The first 8 characters of an id: enough to tell rows apart on a screen."""
    return str(value)[:8]


def admin_link(url_name: str, object_id: Any, label: str | None = None) -> SafeString | str:
    """A link to the admin page `url_name` of `object_id`, labelled with its short id unless told; a dash for none."""
    if object_id is None:
        return NOTHING
    return format_html('<a href="{}">{}</a>', reverse(url_name, args=[object_id]), label or short_id(object_id))


def plain_number(value: Decimal | None) -> str:
    """A figure as people write it: 150, 4.5, 12,000.5 (no exponent, no trailing zeros); empty for none."""
    if value is None:
        return ""
    return format(value.normalize(), ",f")


def date_range(start: dt.date, end: dt.date) -> str:
    return f"{start:%d %b %Y} – {end:%d %b %Y}"


def pretty_json(value: Any, *, sort_keys: bool = False) -> str:
    """`value` as indented JSON, non-ASCII kept readable; anything JSON lacks is written as its str()."""
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=sort_keys, default=str)


def json_block(text: str) -> SafeString:
    """Preformatted JSON text (escaped) in the admin's JSON style."""
    return format_html('<pre class="aicmo-json">{}</pre>', text)


def text_list(items: Iterable[str]) -> SafeString:
    """A bulleted list of `items`, or a muted "none"."""
    return render_to_string("admin/aicmo/list.html", {"items": items})
