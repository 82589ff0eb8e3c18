"""The package's files: rendered from the brief, strategy, drafts and QC results, written through a storage.

Rendering is pure (same inputs and `generated_at`, same bytes). Writing goes through Django's storage
API under `packages/<run_id>/`, deleting before saving so a retry overwrites instead of getting
the storage's `_abc123` renamed copies.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io
import json
import posixpath
import re
import threading
import uuid
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import markdown
import nh3
from django.core.files.base import ContentFile
from django.core.files.storage import Storage

from kernel.channels import label as channel_label
from kernel.clock import zone_of
from kernel.grammar import document_language, long_date, money
from kernel.vocabulary import AUTO_APPROVER

if TYPE_CHECKING:
    from onboarding.domain import Brief
    from production.domain import Draft, QCResult
    from strategy.domain import Strategy

PACKAGES_FOLDER = "packages"
ZIP_NAME = "package.zip"
MANIFEST_NAME = "manifest.json"
STRATEGY_JSON = "strategy.json"
CALENDAR_CSV_HEADER = ("datetime", "timezone", "channel", "title", "text", "link", "hashtags", "status", "qc_score")

MEDIA_TYPES = {
    ".md": "text/markdown; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".csv": "text/csv; charset=utf-8; header=present",
    ".ics": "text/calendar; charset=utf-8",
    ".json": "application/json",
    ".zip": "application/zip",
}

# Fields of an asset that go into its front matter (what a scheduler or ESP needs beside the text).
FRONT_MATTER_FIELDS = (
    "subject",
    "preheader",
    "slug",
    "focus_keyword",
    "meta_description",
    "link",
    "hashtags",
    "visual_brief",
    "alt_text",
    "ad_group",
    "path1",
    "path2",
)
# Ids for milestone events: stable per brief and milestone name, whatever the strategy version.
_MILESTONE_NAMESPACE = uuid.UUID("6f1d8a4e-3c2b-5e7f-9a10-4b6c8d2e0f31")


@dataclass(frozen=True)
class PackageFile:
    """One file of the package, in memory, named by its path inside the package."""

    name: str
    content: bytes

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES.get(posixpath.splitext(self.name)[1], "application/octet-stream")

    @property
    def size(self) -> int:
        return len(self.content)

    @cached_property
    def sha256(self) -> str:
        """Hashed once: the manifest and the recorded artifact both need it."""
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class PackageInputs:
    """Everything a package is rendered from."""

    package_id: uuid.UUID
    run_id: uuid.UUID
    brief: Brief
    strategy: Strategy
    drafts: Sequence[Draft]
    qc_results: Sequence[QCResult]
    generated_at: dt.datetime
    aicmo_version: str

    # Cached: several renderers walk the same ordered drafts and QC results.
    @cached_property
    def ordered_drafts(self) -> list[Draft]:
        return sorted(self.drafts, key=lambda d: (d.key, str(d.id)))

    @cached_property
    def qc_by_draft(self) -> dict[uuid.UUID, QCResult]:
        """The latest QC result of each draft."""
        latest: dict[uuid.UUID, QCResult] = {}
        for qc in sorted(self.qc_results, key=lambda q: (q.evaluated_at, str(q.id))):
            latest[qc.draft_id] = qc
        return latest

    @cached_property
    def zone(self) -> dt.tzinfo:
        """The client's time zone: every time the client reads is shown in it, with its offset."""
        return zone_of(self.brief.client.timezone)


# --- Paths ------------------------------------------------------------------------------------


def run_folder(run_id: uuid.UUID) -> str:
    return f"{PACKAGES_FOLDER}/{run_id}"


def content_name(draft: Draft) -> str:
    return f"content/{draft.channel}/{draft.key}.md"


def structured_name(draft: Draft) -> str:
    return f"content/{draft.channel}/{draft.key}.json"


# --- Small formatting helpers -----------------------------------------------------------------


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _local_iso(value: dt.datetime, zone: dt.tzinfo) -> str:
    """ISO 8601 in the client's zone with its offset ("2027-03-02T08:30:00-06:00"); drafts keep UTC."""
    return value.astimezone(zone).isoformat(timespec="seconds")


def zone_name(zone: dt.tzinfo) -> str:
    return getattr(zone, "key", None) or "UTC"


def _number(value: Decimal | float | int) -> str:
    text = f"{value:f}" if isinstance(value, Decimal) else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


# OWASP's CSV injection guidance: a cell a spreadsheet would read as a formula (or whose leading tab or
# carriage return hides one) starts with a single quote, which the spreadsheet shows as text.
CSV_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """`value` as a CSV cell no spreadsheet executes (the csv module quotes it as needed)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_FORMULA_TRIGGERS) else text


def _cell(value: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(value).split()).replace("|", r"\|")


def _hashtags(draft: Draft) -> str:
    tags = draft.fields.get("hashtags") or ()
    if isinstance(tags, str):
        return tags.strip()
    return " ".join(str(t) for t in tags)


def _link(draft: Draft) -> str:
    return str(draft.fields.get("link") or draft.fields.get("url") or "")


def _plain_text(draft: Draft) -> str:
    """The asset's main text: the body, or for body-less assets (search ads) their headlines and descriptions."""
    if draft.body.strip():
        return draft.body
    parts: list[str] = []
    for name in ("headlines", "descriptions"):
        value = draft.fields.get(name) or ()
        parts.extend([value] if isinstance(value, str) else [str(v) for v in value])
    return " | ".join(parts)


def _status(qc: QCResult | None) -> str:
    if qc is None:
        return "unchecked"
    return "ready" if qc.passed else "needs_review"


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# Statuses whose decision was an approval (a superseded version was approved before it was replaced).
APPROVED, SUPERSEDED = "approved", "superseded"


def _decided_day(strategy: Strategy, timezone: str) -> dt.date | None:
    """The day of the decision in the client's time zone (UTC when the zone is unknown)."""
    if strategy.decided_at is None:
        return None
    try:
        zone: dt.tzinfo = ZoneInfo(timezone) if timezone else dt.UTC
    except (ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return strategy.decided_at.astimezone(zone).date()


def approval_line(strategy: Strategy, *, language: str = "en", timezone: str = "") -> str:
    """ "Approved by <name> on <date>", "Approved automatically (no review requested)" or "Not yet approved"."""
    approved = str(strategy.status) in (APPROVED, SUPERSEDED) and bool(strategy.decided_by)
    if not approved:
        return "Not yet approved"
    if strategy.decided_by == AUTO_APPROVER:
        return "Approved automatically (no review requested)"
    day = _decided_day(strategy, timezone)
    return f"Approved by {strategy.decided_by}" + (f" on {long_date(day, language)}" if day else "")


def _approval_state(strategy: Strategy) -> str:
    line = approval_line(strategy)
    if line.startswith("Approved automatically"):
        return "approved_automatically"
    return "approved" if line.startswith("Approved") else "not_approved"


# --- Strategy -----------------------------------------------------------------------------------

# A valid CSS hex colour (#abc or #aabbcc); anything else in brand.colors is ignored.
HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
NEUTRAL_ACCENT = "#1f2937"
# Headings in a brand colour must stay readable on white (WCAG's 3:1 for large text).
MIN_HEADING_CONTRAST = 3.0


def _pct(value: Decimal) -> str:
    return f"{_number(value)}%"


def _target_text(kpi: Any, language: str = "en") -> str:
    unit = " ".join(str(kpi.unit).split())
    if re.fullmatch(r"[A-Z]{3}", unit):  # a currency code: "£80.77", "$420,000"
        return money(kpi.target, unit, language)
    if re.fullmatch(r"[A-Z]{3} .+", unit):  # "USD donated": "$420,000 donated"
        code, rest = unit.split(" ", 1)
        return f"{money(kpi.target, code, language)} {rest}"
    number = f"{kpi.target:,f}".rstrip("0").rstrip(".") if "." in f"{kpi.target:f}" else f"{kpi.target:,}"
    return f"{number}{unit}" if unit.startswith("%") else f"{number} {unit}".strip()


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A Markdown table without the columns that are empty in every row."""
    keep = [i for i in range(len(header)) if i == 0 or any(str(row[i]).strip() for row in rows)]
    lines = ["| " + " | ".join(header[i] for i in keep) + " |", "| " + " | ".join("---" for _ in keep) + " |"]
    lines += ["| " + " | ".join(_cell(row[i]) for i in keep) + " |" for row in rows]
    return lines


def _pillar_section(strategy: Strategy) -> list[str]:
    lines = ["", "## Message hierarchy", ""]
    if strategy.core_message:
        lines += ["Every asset ladders up to one line:", "", f"> {' '.join(strategy.core_message.split())}", ""]
    if not strategy.pillars:
        return lines
    mix = strategy.pillar_mix()
    total = sum(mix.values())
    rows = [
        (
            f"{n}. {p.name}",
            p.message,
            p.proof,
            p.pain,
            f"{mix[p.key]} of {total}" if total else "",
        )
        for n, p in enumerate(strategy.pillars, start=1)
    ]
    lines += _table(("Pillar", "What we say", "Evidence", "The pain it answers", "Planned assets"), rows)
    return lines


def _channel_section(strategy: Strategy) -> list[str]:
    lines = ["", "## Channel plan", ""]
    rows = []
    for plan in strategy.channel_plans:
        if plan.role == "paid" or (not plan.role and plan.budget_share > 0):
            money = f"{_pct(plan.budget_share)} of the budget"
        else:
            money = plan.effort or "production effort"
        rows.append(
            (
                channel_label(plan.channel),
                plan.role,
                plan.purpose,
                money if plan.budget_share > 0 or plan.role else (plan.effort or ""),
                str(plan.cadence),
                str(strategy.planned_count(plan.channel)),
            )
        )
    lines += _table(("Channel", "Role", "Purpose", "Budget or effort", "Cadence", "Assets planned"), rows)
    lines += _reasons("Why each channel:", [(channel_label(p.channel), p.rationale) for p in strategy.channel_plans])
    lines += _reasons(
        "Why some channels publish less often than their cadence:", [("", p.cap_note) for p in strategy.channel_plans]
    )
    return lines


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _reasons(lead: str, items: Sequence[tuple[str, str]]) -> list[str]:
    """A list under `lead` of the (name, reason) pairs that have a reason: "- **Name.** Reason."."""
    bullets = [
        f"- **{name}.** {_as_sentence(reason)}" if name else f"- {reason.strip()}"
        for name, reason in items
        if reason.strip()
    ]
    return ["", lead, "", *bullets] if bullets else []


def _measurement_section(strategy: Strategy, language: str) -> list[str]:
    lines = ["", "## Measurement plan", ""]
    rows = [
        (
            _capital(kpi.metric),
            _target_text(kpi, language),
            kpi.source,
            _number(kpi.baseline) if kpi.baseline is not None else "",
            long_date(kpi.review_date, language) if kpi.review_date else "",
            f"{long_date(kpi.timeframe_end, language)}",
        )
        for kpi in strategy.kpis
    ]
    lines += _table(("KPI", "Target", "Source", "Baseline", "Review date", "By"), rows)
    lines += _reasons("How each target was set:", [(_capital(kpi.metric), kpi.rationale) for kpi in strategy.kpis])
    return lines


def _dates_section(brief: Brief, strategy: Strategy, language: str) -> list[str]:
    occasions = Counter(a.occasion for a in strategy.calendar if a.occasion)
    key_dates = {(k.date, k.label.strip()) for k in brief.timeline.key_dates}
    # A key date is one row (the plan may also list it as a milestone): what the calendar does on it.
    rows = [(m.date, m.name, m.description) for m in strategy.milestones if (m.date, m.name.strip()) not in key_dates]
    for day, label in sorted(key_dates):
        count = occasions[label]
        what = (
            f"{count} planned {'asset marks' if count == 1 else 'assets mark'} the day."
            if count
            else "A date that matters to the audience; it falls outside the publishing window, so no asset marks it."
        )
        rows.append((day, label, what))
    rows.sort(key=lambda r: r[0])  # stable: milestones keep their order on a shared day
    lines = ["", "## Milestones and key dates", ""]
    lines += _table(("Date", "What", "What happens"), [(long_date(d, language), n, w) for d, n, w in rows])
    return lines


def _as_sentence(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _bullets(title: str, items: Sequence[str]) -> list[str]:
    items = [" ".join(i.split()) for i in items if i and i.strip()]
    return ["", f"## {title}", "", *(f"- {i}" for i in items)] if items else []


def strategy_title(brief: Brief) -> str:
    return f"{brief.product.name.strip()}: marketing strategy"


def render_strategy_markdown(brief: Brief, strategy: Strategy) -> str:
    """The strategy as the client reads it, in a strategist's order, in the brief's language."""
    language = document_language(brief.language, brief.brand.voice_notes)
    start, end = long_date(strategy.timeline_start, language), long_date(strategy.timeline_end, language)
    lines = [
        f"# {strategy_title(brief)}",
        "",
        f"- **Prepared for:** {brief.client.name}",
        f"- **Version:** {strategy.version}",
        f"- **Approval:** {approval_line(strategy, language=language, timezone=brief.client.timezone)}",
        f"- **Campaign:** {start} to {end}",
    ]
    if strategy.decision_notes.strip() and strategy.decided_by != AUTO_APPROVER:
        lines.append(f"- **Reviewer's notes:** {' '.join(strategy.decision_notes.split())}")
    lines += ["", "## Executive summary", "", " ".join(strategy.executive_summary.split())]
    if strategy.insight.strip():
        lines += ["", "## Insight", "", " ".join(strategy.insight.split())]
    lines += ["", "## Positioning", "", " ".join(strategy.positioning.split())]
    lines += _pillar_section(strategy)
    lines += _channel_section(strategy)
    lines += _measurement_section(strategy, language)
    lines += _dates_section(brief, strategy, language)
    lines += _bullets("Risks", strategy.risks)
    lines += _bullets("Compliance", strategy.compliance)
    if strategy.changes or strategy.unapplied_notes:
        lines += ["", "## What changed", ""]
        lines += [f"- {' '.join(c.split())}" for c in strategy.changes]
        if strategy.unapplied_notes:
            lines += ["", "Recorded, not applied by the rule-based planner:", ""]
            lines += [f"- {' '.join(n.split())}" for n in strategy.unapplied_notes]
    lines.append("")
    return "\n".join(lines)


def _number_json(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def render_strategy_json(inputs: PackageInputs) -> dict[str, Any]:
    """The strategy as structured data; `assets_planned` per channel is the number of assets delivered."""
    brief, strategy = inputs.brief, inputs.strategy
    delivered = Counter(d.channel for d in inputs.drafts)
    mix = Counter(d.pillar for d in inputs.drafts)
    return {
        "strategy_id": str(strategy.id),
        "brief_id": str(strategy.brief_id),
        "version": strategy.version,
        "status": str(strategy.status),
        "approval": {
            "state": _approval_state(strategy),
            "by": "" if strategy.decided_by == AUTO_APPROVER else strategy.decided_by,
            "at": _iso(strategy.decided_at),
        },
        "timeline": {
            "start": strategy.timeline_start.isoformat(),
            "end": strategy.timeline_end.isoformat(),
            "launch": (brief.timeline.launch or brief.timeline.start).isoformat(),
        },
        "executive_summary": strategy.executive_summary,
        "insight": strategy.insight,
        "positioning": strategy.positioning,
        "core_message": strategy.core_message,
        "pillars": [
            {
                "key": p.key,
                "name": p.name,
                "message": p.message,
                "value_proposition": p.value_proposition,
                "proof": p.proof,
                "pain": p.pain,
                "sources": list(p.sources),
                "assets_delivered": mix[p.key],
            }
            for p in strategy.pillars
        ],
        "channel_plans": [
            {
                "channel": p.channel,
                "role": p.role,
                "purpose": p.purpose,
                "budget_share": _number_json(p.budget_share),
                "effort": p.effort,
                "cadence": {"posts": p.cadence.posts, "period": p.cadence.period},
                "assets_planned": delivered[p.channel],
                "cap_note": p.cap_note,
                "tactics": list(p.tactics),
                "asset_types": list(p.asset_types),
                "rationale": p.rationale,
            }
            for p in strategy.channel_plans
        ],
        "kpis": [
            {
                "metric": k.metric,
                "target": _number_json(k.target),
                "unit": k.unit,
                "source": k.source,
                "baseline": _number_json(k.baseline),
                "review_date": k.review_date.isoformat() if k.review_date else None,
                "timeframe_start": k.timeframe_start.isoformat(),
                "timeframe_end": k.timeframe_end.isoformat(),
                "goal_type": k.goal_type,
                "rationale": k.rationale,
            }
            for k in strategy.kpis
        ],
        "milestones": [
            {"name": m.name, "date": m.date.isoformat(), "description": m.description}
            for m in sorted(strategy.milestones, key=lambda m: (m.date, m.name))
        ],
        "key_dates": [
            {"date": k.date.isoformat(), "label": k.label}
            for k in sorted(brief.timeline.key_dates, key=lambda k: (k.date, k.label))
        ],
        "risks": list(strategy.risks),
        "compliance": list(strategy.compliance),
        "changes": list(strategy.changes),
        "unapplied_notes": list(strategy.unapplied_notes),
    }


def _luminance(hex_colour: str) -> float:
    digits = hex_colour[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def accent_colour(colors: Sequence[str]) -> str:
    """The brand colour for headings and accents: the first valid hex colour readable on white
    (the next one when the first is too light), else a neutral dark grey."""
    valid = [c.strip() for c in colors if isinstance(c, str) and HEX_COLOUR.match(c.strip())]
    for colour in valid:
        if 1.05 / (_luminance(colour) + 0.05) >= MIN_HEADING_CONTRAST:
            return colour.lower()
    return NEUTRAL_ACCENT


_converters = threading.local()


def _markdown_to_html(text: str) -> str:
    """`markdown.markdown(text, ...)` with one converter per thread, reset between documents
    (building a converter loads its extensions: most of the cost of a short document)."""
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    return converter.reset().convert(text)


# The strategy document loads nothing: no images (a remote one is a tracking pixel), media, frames,
# scripts, styles or fonts from elsewhere. Links stay links (http, https, mailto). The CSP below says
# the same to the browser, in case anything ever slipped through.
HTML_TAGS = frozenset(nh3.ALLOWED_TAGS - {"img", "area", "map"})
HTML_URL_SCHEMES = frozenset({"http", "https", "mailto"})
HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def sanitize_html(fragment: str) -> str:
    return nh3.clean(fragment, tags=set(HTML_TAGS), url_schemes=set(HTML_URL_SCHEMES))


def render_strategy_html(markdown_text: str, *, title: str, language: str, colors: Sequence[str] = ()) -> str:
    """A complete, sanitized HTML document from the strategy's Markdown in the brand's colour; it
    loads no external resource."""
    body = sanitize_html(_markdown_to_html(markdown_text))
    accent = accent_colour(colors)
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(language or "en")}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{HTML_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
        f"line-height:1.5;color:#1a1a1a}}h1,h2,h3{{color:{accent}}}h1{{border-bottom:3px solid {accent};"
        f"padding-bottom:.3rem}}blockquote{{border-left:4px solid {accent};margin:1rem 0;padding:.2rem 1rem;"
        "font-size:1.15rem}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;"
        f"padding:.4rem;text-align:left;vertical-align:top}}th{{border-bottom:2px solid {accent}}}</style>\n"
        "</head>\n"
        f"<body>\n{body}\n</body>\n"
        "</html>\n"
    )


# --- Content ------------------------------------------------------------------------------------


def render_content(draft: Draft, qc: QCResult | None, zone: dt.tzinfo = dt.UTC) -> str:
    """Front matter, then exactly the text to publish: nothing else. Times are in the client's `zone`."""
    front: dict[str, Any] = {
        "channel": draft.channel,
        "asset_type": draft.asset_type,
        "key": draft.key,
        "draft_id": str(draft.id),
        "title": draft.title,
        "scheduled_at": _local_iso(draft.scheduled_at, zone),
        "timezone": zone_name(zone),
        "pillar": draft.pillar,
        "occasion": draft.occasion,
    }
    front |= {name: draft.fields[name] for name in FRONT_MATTER_FIELDS if draft.fields.get(name) not in (None, "", [])}
    front |= {"qc_score": qc.score if qc else None, "passed": qc.passed if qc else False}
    lines = ["---", *(f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in front.items()), "---", ""]
    return "\n".join(lines) + draft.body.strip() + "\n"


def render_structured(draft: Draft, qc: QCResult | None, zone: dt.tzinfo = dt.UTC) -> dict[str, Any]:
    """The asset as data: its body (identical to the .md text), its fields per family and its provenance."""
    return {
        "channel": draft.channel,
        "asset_type": draft.asset_type,
        "key": draft.key,
        "draft_id": str(draft.id),
        "title": draft.title,
        "scheduled_at": _local_iso(draft.scheduled_at, zone),
        "timezone": zone_name(zone),
        "pillar": draft.pillar,
        "occasion": draft.occasion,
        "body": draft.body.strip(),
        "fields": draft.fields,
        "sources": list(draft.sources),
        "generator": draft.generator,
        "template": draft.template,
        "fixes": list(draft.fixes),
        "qc": {"score": qc.score, "passed": qc.passed} if qc else None,
    }


# --- Calendars ---------------------------------------------------------------------------------


def _by_schedule(drafts: Iterable[Draft]) -> list[Draft]:
    return sorted(drafts, key=lambda d: (d.scheduled_at, d.key, str(d.id)))


def render_calendar_csv(
    drafts: Sequence[Draft], qc_by_draft: Mapping[uuid.UUID, QCResult], zone: dt.tzinfo = dt.UTC
) -> bytes:
    """One row per asset in calendar order; `datetime` is ISO 8601 in the client's zone with its offset."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CALENDAR_CSV_HEADER)
    for draft in _by_schedule(drafts):
        qc = qc_by_draft.get(draft.id)
        row = (
            _local_iso(draft.scheduled_at, zone),
            zone_name(zone),
            draft.channel,
            draft.title,
            _plain_text(draft),
            _link(draft),
            _hashtags(draft),
            _status(qc),
            _number(qc.score) if qc else "",
        )
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def render_calendar_ics(inputs: PackageInputs) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//AICMO//Delivery package//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{inputs.brief.title} content calendar")
    stamp = inputs.generated_at.astimezone(dt.UTC)
    for draft in _by_schedule(inputs.drafts):
        event = icalendar.Event()
        event.add("uid", f"{draft.id}@aicmo")
        event.add("dtstamp", stamp)
        # In the client's zone: DTSTART;TZID=<zone>, defined by the VTIMEZONE added below.
        event.add("dtstart", draft.scheduled_at.astimezone(inputs.zone))
        event.add("summary", f"{channel_label(draft.channel)}: {draft.title}")
        text, tags, link = _plain_text(draft), _hashtags(draft), _link(draft)
        details = [text, "" if tags in text else tags, link]
        event.add("description", "\n\n".join(part for part in details if part))
        event.add("categories", [draft.channel])
        if _link(draft):
            event.add("url", _link(draft))
        cal.add_component(event)
    for milestone in sorted(inputs.strategy.milestones, key=lambda m: (m.date, m.name)):
        event = icalendar.Event()
        uid = uuid.uuid5(_MILESTONE_NAMESPACE, f"{inputs.brief.id}:{milestone.name}")
        event.add("uid", f"milestone-{uid}@aicmo")
        event.add("dtstamp", stamp)
        event.add("dtstart", milestone.date)
        event.add("dtend", milestone.date + dt.timedelta(days=1))
        event.add("summary", f"Milestone: {milestone.name}")
        event.add("description", milestone.description)
        event.add("transp", "TRANSPARENT")
        event.add("categories", ["milestone"])
        cal.add_component(event)
    if inputs.drafts and inputs.zone is not dt.UTC:
        # The zone's rules over the campaign only (the whole tz history would be kilobytes of RDATEs).
        days = [d.scheduled_at.astimezone(inputs.zone).date() for d in inputs.drafts]
        margin = dt.timedelta(days=1)
        cal.add_missing_timezones(first_date=min(days) - margin, last_date=max(days) + margin)
    return cal.to_ical()


# --- QC report and manifest --------------------------------------------------------------------


def _qc_entry(draft: Draft, qc: QCResult | None) -> dict[str, Any]:
    if qc is None:
        return {
            "key": draft.key,
            "draft_id": str(draft.id),
            "score": None,
            "passed": False,
            "rules_passed": 0,
            "rules_applied": 0,
            "ruleset_version": "",
            "issues": [],
        }
    return {
        "key": draft.key,
        "draft_id": str(draft.id),
        "score": qc.score,
        "passed": qc.passed,
        "rules_passed": qc.rules_passed,
        "rules_applied": qc.rules_applied,
        "ruleset_version": qc.ruleset_version,
        "issues": [
            {
                "rule_id": issue.rule_id,
                "severity": str(issue.severity),
                "message": issue.message,
                "field": issue.field,
                "start": issue.start,
                "end": issue.end,
                "suggestion": issue.suggestion,
            }
            for issue in qc.issues
        ],
    }


def render_qc_report(inputs: PackageInputs) -> dict[str, Any]:
    qc_by_draft = inputs.qc_by_draft
    assets = [_qc_entry(d, qc_by_draft.get(d.id)) for d in inputs.ordered_drafts]
    return {
        "passed": bool(assets) and all(a["passed"] for a in assets),
        "assets_total": len(assets),
        "assets_passed": sum(1 for a in assets if a["passed"]),
        "assets": assets,
    }


def render_manifest(inputs: PackageInputs, files: Sequence[PackageFile], qc_report: dict[str, Any]) -> dict[str, Any]:
    brief, strategy = inputs.brief, inputs.strategy
    qc_entries = {a["key"]: a for a in qc_report["assets"]}
    assets = []
    for draft in inputs.ordered_drafts:
        qc = qc_entries[draft.key]
        assets.append(
            {
                "key": draft.key,
                "draft_id": str(draft.id),
                "channel": draft.channel,
                "asset_type": draft.asset_type,
                "title": draft.title,
                "scheduled_at": _local_iso(draft.scheduled_at, inputs.zone),
                "file": content_name(draft),
                "structured_file": structured_name(draft),
                "qc": {k: qc[k] for k in ("score", "passed", "rules_passed", "rules_applied", "ruleset_version")}
                | {"issues": len(qc["issues"])},
                "generated_by": {
                    "generator": draft.generator,
                    "template": draft.template,
                    "sources": list(draft.sources),
                    "fixes": list(draft.fixes),
                },
            }
        )
    per_channel = Counter(d.channel for d in inputs.drafts)
    return {
        "aicmo_version": inputs.aicmo_version,
        "generated_at": _iso(inputs.generated_at),
        "package_id": str(inputs.package_id),
        "run_id": str(inputs.run_id),
        "brief": {
            "id": str(brief.id),
            "fingerprint": brief.fingerprint,
            "client": brief.client.name,
            "product": brief.product.name,
        },
        "strategy": {
            "id": str(strategy.id),
            "version": strategy.version,
            "status": str(strategy.status),
            "file": STRATEGY_JSON,
        },
        "approval": {
            "state": _approval_state(strategy),
            "summary": approval_line(
                strategy,
                language=document_language(brief.language, brief.brand.voice_notes),
                timezone=brief.client.timezone,
            ),
            # Who decided; empty when the workflow approved by itself (the state says so).
            "by": "" if strategy.decided_by == AUTO_APPROVER else strategy.decided_by,
            "at": _iso(strategy.decided_at),
            "notes": strategy.decision_notes,
        },
        "files": [{"name": f.name, "media_type": f.media_type, "size": f.size, "sha256": f.sha256} for f in files],
        "qc": {
            "passed": qc_report["passed"],
            "assets_total": qc_report["assets_total"],
            "assets_passed": qc_report["assets_passed"],
        },
        "assets_per_channel": {channel: per_channel[channel] for channel in sorted(per_channel)},
        "assets": assets,
    }


def render_package(inputs: PackageInputs) -> list[PackageFile]:
    """Every file of the package in its fixed order, manifest.json last (it lists the others)."""
    brief, strategy = inputs.brief, inputs.strategy
    strategy_md = render_strategy_markdown(brief, strategy)
    title = f"{strategy_title(brief)} (version {strategy.version})"
    qc_by_draft = inputs.qc_by_draft
    files = [
        PackageFile("strategy.md", strategy_md.encode("utf-8")),
        PackageFile(
            "strategy.html",
            render_strategy_html(
                strategy_md,
                title=title,
                language=document_language(brief.language, brief.brand.voice_notes),
                colors=brief.brand.colors,
            ).encode(),
        ),
        PackageFile(STRATEGY_JSON, _json_bytes(render_strategy_json(inputs))),
        *(
            file
            for d in inputs.ordered_drafts
            for file in (
                PackageFile(content_name(d), render_content(d, qc_by_draft.get(d.id), inputs.zone).encode("utf-8")),
                PackageFile(structured_name(d), _json_bytes(render_structured(d, qc_by_draft.get(d.id), inputs.zone))),
            )
        ),
        PackageFile("calendar.csv", render_calendar_csv(inputs.drafts, qc_by_draft, inputs.zone)),
        PackageFile("calendar.ics", render_calendar_ics(inputs)),
    ]
    qc_report = render_qc_report(inputs)
    files.append(PackageFile("qc_report.json", _json_bytes(qc_report)))
    files.append(PackageFile(MANIFEST_NAME, _json_bytes(render_manifest(inputs, files, qc_report))))
    return files


def build_zip(files: Sequence[PackageFile], *, generated_at: dt.datetime) -> PackageFile:
    """One zip of the files, in their order, every entry stamped with the build time (reproducible)."""
    stamp = generated_at.astimezone(dt.UTC).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            info = zipfile.ZipInfo(file.name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, file.content)
    return PackageFile(ZIP_NAME, buffer.getvalue())


# --- Storage -----------------------------------------------------------------------------------


def store_file(storage: Storage, name: str, content: bytes) -> str:
    """Save under exactly `name`, replacing what is there (storages rename on collision otherwise)."""
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(content))
    if saved != name:
        # Someone wrote the same name between our delete and save: don't leave a renamed copy behind.
        storage.delete(saved)
        raise FileExistsError(f"{name} was written concurrently; the storage saved {saved} instead")
    return saved


def list_files(storage: Storage, folder: str) -> list[str]:
    """Every file under `folder`, recursively, sorted; empty when the folder does not exist."""
    try:
        directories, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    found = [f"{folder}/{name}" for name in files]
    for directory in directories:
        found.extend(list_files(storage, f"{folder}/{directory}"))
    return sorted(found)


def delete_files(storage: Storage, names: Iterable[str]) -> int:
    count = 0
    for name in names:
        if storage.exists(name):
            storage.delete(name)
            count += 1
    return count
