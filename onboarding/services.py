"""Onboarding use cases: submit an intake, read, list, move and discard briefs."""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from kernel import clock
from kernel.errors import InvalidTransition, NotFound, ValidationFailed
from onboarding.domain import Brief, BriefStatus, Intake
from onboarding.intake import NOT_JSON, NOT_UTF8, IntakeWarning, intake_warnings, normalize_intake, parse_intake_text

if TYPE_CHECKING:
    from onboarding.repositories import BriefRepository

BRIEF_NOT_FOUND = "brief {brief_id} not found"
INTAKE_NOT_FOUND = "intake {intake_id} not found"
BAD_STATUS = "must be one of: " + ", ".join(s.value for s in BriefStatus)
BAD_TRANSITION = "a brief cannot go from {current} to {target}"
BAD_SOURCE = "must be a non-blank label of at most 50 characters (api, cli, admin...)"
INTAKE_CONTENT_TYPE = "application/json"

# Where a brief may go from each status. Backward moves exist for the saga's compensations
# (a run that is undone puts its brief back) and for restoring an archived brief.
ALLOWED_TRANSITIONS: dict[BriefStatus, frozenset[BriefStatus]] = {
    BriefStatus.NORMALIZED: frozenset({BriefStatus.IN_PROGRESS, BriefStatus.ARCHIVED}),
    BriefStatus.IN_PROGRESS: frozenset({BriefStatus.NORMALIZED, BriefStatus.DELIVERED, BriefStatus.ARCHIVED}),
    BriefStatus.DELIVERED: frozenset({BriefStatus.IN_PROGRESS, BriefStatus.NORMALIZED, BriefStatus.ARCHIVED}),
    BriefStatus.ARCHIVED: frozenset({BriefStatus.NORMALIZED}),
}


class BriefNotFound(NotFound):
    pass


class IntakeNotFound(NotFound):
    pass


@dataclass(frozen=True)
class Received:
    """What receiving an intake gave: the brief (new, or the existing one with the same content)."""

    brief: Brief
    created: bool
    warnings: tuple[IntakeWarning, ...]


def brief_receive(
    *,
    raw: str | bytes | Mapping,
    source: str,
    briefs: BriefRepository,
    new: bool = False,
    languages: Collection[str] | None = None,
) -> Received:
    """Take an intake in: the existing brief when one has the same content (unless `new`), else a new one.

    An invalid intake raises ValidationFailed with every problem and stores nothing. `languages`
    are the languages the selected generator writes (a brief in another is refused).
    """
    candidate = brief_validate(raw=raw, languages=languages)
    existing = None if new else brief_find_same(brief=candidate, briefs=briefs)
    if existing is not None:
        return Received(brief=existing, created=False, warnings=intake_warnings(existing))
    brief = brief_submit(raw=raw, source=source, briefs=briefs, languages=languages)
    return Received(brief=brief, created=True, warnings=intake_warnings(brief))


def brief_find_same(*, brief: Brief, briefs: BriefRepository) -> Brief | None:
    """The newest stored brief (not archived) with the same content as `brief`, if any."""
    return briefs.find_by_fingerprint(brief.fingerprint)


def brief_warnings(*, brief: Brief) -> tuple[IntakeWarning, ...]:
    """Facts of a valid brief that will limit the output (no time zone, a disclaimer too long for ads...)."""
    return intake_warnings(brief)


def brief_submit(
    *, raw: str | bytes | Mapping, source: str, briefs: BriefRepository, languages: Collection[str] | None = None
) -> Brief:
    """Normalize an intake and store it verbatim with a new brief; an invalid intake stores nothing."""
    if not isinstance(source, str) or not source.strip() or len(source.strip()) > 50:
        raise ValidationFailed({"source": [BAD_SOURCE]})
    text = _intake_text(raw)
    now = clock.now()
    brief = _normalized(text, now=now, languages=languages)
    intake = Intake(
        id=brief.intake_id,
        payload=text,
        content_type=INTAKE_CONTENT_TYPE,
        source=source.strip(),
        received_at=now,
    )
    return briefs.add(intake=intake, brief=brief)


def brief_validate(*, raw: str | bytes | Mapping, languages: Collection[str] | None = None) -> Brief:
    """Normalize an intake without storing anything; raises ValidationFailed with every problem."""
    return _normalized(_intake_text(raw), now=clock.now(), languages=languages)


def _normalized(text: str, *, now: datetime, languages: Collection[str] | None = None) -> Brief:
    """The brief an intake text makes, with fresh ids for the brief and its intake."""
    return normalize_intake(
        parse_intake_text(text), brief_id=uuid.uuid4(), intake_id=uuid.uuid4(), now=now, languages=languages
    )


def _intake_text(raw: str | bytes | Mapping) -> str:
    """The intake as the text to keep: as received, or the JSON of an already-parsed object."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bytes):
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationFailed({"$": [NOT_UTF8.format(detail=exc.reason)]})
    if isinstance(raw, Mapping):
        try:
            return json.dumps(raw, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValidationFailed({"$": [NOT_JSON.format(detail=exc)]})
    raise ValidationFailed({"$": [NOT_JSON.format(detail=f"got {type(raw).__name__}, not text or an object")]})


def brief_get(*, brief_id: UUID, briefs: BriefRepository) -> Brief:
    brief = briefs.get(brief_id)
    if brief is None:
        raise BriefNotFound(BRIEF_NOT_FOUND.format(brief_id=brief_id))
    return brief


def brief_list(
    *, briefs: BriefRepository, status: BriefStatus | str | None = None, client_name: str | None = None
) -> list[Brief]:
    """Briefs newest first, optionally only one status and/or one client (exact name)."""
    return briefs.list(
        status=_status(status) if status is not None else None,
        client_name=client_name.strip() if client_name is not None else None,
    )


def brief_set_status(*, brief_id: UUID, status: BriefStatus | str, briefs: BriefRepository) -> Brief:
    """Move a brief to `status`; setting the status it already has changes nothing."""
    target = _status(status)
    brief = brief_get(brief_id=brief_id, briefs=briefs)
    if brief.status == target:
        return brief
    if target not in ALLOWED_TRANSITIONS[brief.status]:
        raise InvalidTransition(BAD_TRANSITION.format(current=brief.status.value, target=target.value))
    updated = briefs.set_status(brief_id, target)
    if updated is None:  # discarded between the read and the write
        raise BriefNotFound(BRIEF_NOT_FOUND.format(brief_id=brief_id))
    return updated


def brief_discard(*, brief_id: UUID, briefs: BriefRepository) -> bool:
    """Delete a brief and its intake; False when it was already gone (safe to repeat)."""
    return briefs.delete(brief_id)


def brief_get_intake(*, intake_id: UUID, briefs: BriefRepository) -> Intake:
    intake = briefs.get_intake(intake_id)
    if intake is None:
        raise IntakeNotFound(INTAKE_NOT_FOUND.format(intake_id=intake_id))
    return intake


def _status(value: BriefStatus | str) -> BriefStatus:
    try:
        return BriefStatus(value)
    except ValueError:
        raise ValidationFailed({"status": [BAD_STATUS]})
