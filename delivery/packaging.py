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
import threading
import uuid
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

import icalendar
import markdown
import nh3
from django.core.files.base import ContentFile
from django.core.files.storage import Storage

from kernel.channels import label as channel_label
from kernel.clock import zone_of

if TYPE_CHECKING:
    from onboarding.domain import Brief
    from production.domain import Draft, QCResult
    from strategy.domain import Strategy

PACKAGES_FOLDER = "packages"
ZIP_NAME = "package.zip"
MANIFEST_NAME = "manifest.json"
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


def _approval_line(strategy: Strategy) -> str:
    if strategy.decided_by and strategy.decided_at is not None:
        return f"{strategy.status} by {strategy.decided_by} on {_iso(strategy.decided_at)}"
    return f"{strategy.status} (no recorded decision)"


# --- Strategy -----------------------------------------------------------------------------------


def render_strategy_markdown(brief: Brief, strategy: Strategy) -> str:
    lines = [
        f"# Marketing strategy: {brief.title}",
        "",
        f"- **Version:** {strategy.version}",
        f"- **Status:** {_approval_line(strategy)}",
        f"- **Timeline:** {strategy.timeline_start.isoformat()} to {strategy.timeline_end.isoformat()}",
    ]
    if strategy.decision_notes:
        lines.append(f"- **Decision notes:** {' '.join(strategy.decision_notes.split())}")
    lines += ["", "## Executive summary", "", strategy.executive_summary]
    lines += ["", "## Positioning", "", strategy.positioning]
    lines += ["", "## KPIs", "", "| Metric | Target | Timeframe | Goal | Rationale |", "| --- " * 5 + "|"]
    for kpi in strategy.kpis:
        lines.append(
            f"| {_cell(kpi.metric)} | {_cell(_number(kpi.target))} {_cell(kpi.unit)} "
            f"| {kpi.timeframe_start.isoformat()} to {kpi.timeframe_end.isoformat()} "
            f"| {_cell(kpi.goal_type)} | {_cell(kpi.rationale)} |"
        )
    lines += [
        "",
        "## Channel plan",
        "",
        "| Channel | Budget share | Cadence | Tactics | Asset types | Rationale |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for plan in strategy.channel_plans:
        lines.append(
            f"| {_cell(channel_label(plan.channel))} | {_number(plan.budget_share)}% | {_cell(plan.cadence)} "
            f"| {_cell(', '.join(plan.tactics))} | {_cell(', '.join(plan.asset_types))} | {_cell(plan.rationale)} |"
        )
    lines += ["", "## Milestones", "", "| Date | Milestone | Description |", "| --- | --- | --- |"]
    for milestone in sorted(strategy.milestones, key=lambda m: (m.date, m.name)):
        lines.append(f"| {milestone.date.isoformat()} | {_cell(milestone.name)} | {_cell(milestone.description)} |")
    if strategy.addressed_notes:
        lines += ["", "## Review notes addressed", ""]
        lines += [f"- {' '.join(note.split())}" for note in strategy.addressed_notes]
    lines += ["", f"*Generated by {strategy.generator}.*", ""]
    return "\n".join(lines)


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


def render_strategy_html(markdown_text: str, *, title: str, language: str) -> str:
    """A complete, sanitized HTML document from the strategy's Markdown; it loads no external resource."""
    body = sanitize_html(_markdown_to_html(markdown_text))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(language or "en")}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{HTML_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n"
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
        "line-height:1.5}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;"
        "padding:.4rem;text-align:left;vertical-align:top}</style>\n"
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
        "strategy": {"id": str(strategy.id), "version": strategy.version, "status": str(strategy.status)},
        "approval": {
            "by": strategy.decided_by,
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
    title = f"Marketing strategy: {brief.title} (version {strategy.version})"
    qc_by_draft = inputs.qc_by_draft
    files = [
        PackageFile("strategy.md", strategy_md.encode("utf-8")),
        PackageFile("strategy.html", render_strategy_html(strategy_md, title=title, language=brief.language).encode()),
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
