"""Strategy use cases: generate versions of a brief's strategy by rule, review them, list and discard them."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal
from uuid import UUID

from kernel import clock
from kernel.errors import DuplicateError, InvalidTransition, NotFound, ValidationFailed
from strategy import revisions
from strategy.domain import RevisionRequest, Strategy, StrategyStatus
from strategy.rules import StrategyInvariantError, build_strategy
from strategy.signals import strategy_decided

if TYPE_CHECKING:
    from onboarding.domain import Brief
    from strategy.repositories import StrategyRepository

__all__ = [
    "StrategyInvariantError",
    "StrategyNotFound",
    "revision_request",
    "revision_summary",
    "strategy_approve",
    "strategy_discard",
    "strategy_generate",
    "strategy_get",
    "strategy_list",
    "strategy_list_versions",
    "strategy_reject",
    "strategy_revoke_approval",
]

STRATEGY_NOT_FOUND = "No strategy has this id."
REVIEWER_REQUIRED = "Say who made the decision."
NOTES_REQUIRED = "Rejecting a strategy needs change requests or notes saying what to change."
CANNOT_APPROVE = "Only a draft strategy can be approved; this one is {status}."
CANNOT_REJECT = "Only a draft strategy can be rejected; this one is {status}."
REJECTED_WITH_OTHER_NOTES = "This strategy was already rejected, with other notes or requests."
NO_FREE_VERSION = "No free version number was found for brief {brief_id} after {attempts} attempts."

# Concurrent generations for one brief race for the next version number; the loser tries the next.
MAX_VERSION_ATTEMPTS = 5

Discarded = Literal["deleted", "kept", "missing"]
Revoked = Literal["revoked", "not_approved", "missing"]


class StrategyNotFound(NotFound):
    def __init__(self, message: str = STRATEGY_NOT_FOUND) -> None:
        super().__init__(message)


def strategy_generate(*, brief: Brief, strategies: StrategyRepository, run_id: UUID | None = None) -> Strategy:
    """Make the brief's next strategy version, taking the notes of rejected versions into account.

    Re-running the step of a run whose version is still a draft or approved returns that version
    instead of making another one, so a resumed run does not duplicate work.
    """
    for _ in range(MAX_VERSION_ATTEMPTS):
        versions = strategies.list_for_brief(brief.id)
        latest = versions[-1] if versions else None
        if (
            run_id is not None
            and latest is not None
            and latest.run_id == run_id
            and latest.status in (StrategyStatus.DRAFT, StrategyStatus.APPROVED)
        ):
            return latest
        standing, free = _standing_requests(versions)
        strategy = build_strategy(
            brief,
            strategy_id=uuid.uuid4(),
            version=(latest.version if latest else 0) + 1,
            now=clock.now(),
            requests=standing,
            notes=free,
        )
        try:
            addressed = _addressed(versions)
            return strategies.add(dataclasses.replace(strategy, run_id=run_id, addressed_notes=addressed))
        except DuplicateError:
            continue  # another generation took this version number first
    raise DuplicateError(NO_FREE_VERSION.format(brief_id=brief.id, attempts=MAX_VERSION_ATTEMPTS))


def _standing_requests(versions: Sequence[Strategy]) -> tuple[list[RevisionRequest], list[str]]:
    """The revision requests every rejected version left, oldest first, and their free text.

    Each version is rebuilt from the brief, so all of them apply again, in the order they were
    made (a later "more casual" offsets an earlier "more formal"; a channel dropped and added again
    is back): dropping a request an earlier version already applied would silently undo it.
    """
    requests: list[RevisionRequest] = []
    notes: list[str] = []
    for version in versions:
        if _was_rejected(version):
            requests += version.revision_requests
            notes += revisions.free_text(version.decision_notes, version)
    return requests, notes


def _addressed(versions: Sequence[Strategy]) -> tuple[str, ...]:
    """The reviews the next version answers: who rejected which version, with what."""
    lines = []
    for version in versions:
        if not _was_rejected(version):
            continue
        asked = "; ".join(revisions.describe(r) for r in version.revision_requests)
        said = " ".join(version.decision_notes.split())
        parts = [f"requests: {asked}" if asked else "", f'notes: "{said}"' if said else ""]
        lines.append(f"v{version.version} rejected by {version.decided_by}: " + "; ".join(p for p in parts if p))
    return tuple(lines)


def _was_rejected(strategy: Strategy) -> bool:
    return StrategyStatus.REJECTED in (strategy.status, strategy.status_before_supersede)


def revision_request(
    kind: str, *, channel: str = "", direction: str = "", pillar: str = "", metric: str = ""
) -> RevisionRequest:
    """A revision request from loose input (CLI flags, forms): canonical values, checked on rejection."""
    return revisions.make_request(kind, channel=channel, direction=direction, pillar=pillar, metric=metric)


def revision_summary(strategy: Strategy) -> str:
    """What a rejection asked for, in words: its notes, or its requests when it had no notes."""
    notes = " ".join(strategy.decision_notes.split())
    return notes or ", ".join(revisions.describe(r) for r in strategy.revision_requests)


def strategy_approve(*, strategy_id: UUID, by: str, notes: str = "", strategies: StrategyRepository) -> Strategy:
    """Approve a draft and supersede every older version; approving it again changes nothing."""
    _require({"by": (by, REVIEWER_REQUIRED)})
    with strategies.atomic():
        strategy = strategy_get(strategy_id=strategy_id, strategies=strategies)
        if strategy.status == StrategyStatus.APPROVED:
            return strategy
        if strategy.status != StrategyStatus.DRAFT:
            raise InvalidTransition(CANNOT_APPROVE.format(status=strategy.status.value))
        approved = strategies.save(_decided(strategy, StrategyStatus.APPROVED, by=by, notes=notes))
        for older in strategies.list_for_brief(strategy.brief_id):
            if older.version < approved.version and older.status != StrategyStatus.SUPERSEDED:
                strategies.save(
                    dataclasses.replace(
                        older,
                        status=StrategyStatus.SUPERSEDED,
                        superseded_by=approved.id,
                        status_before_supersede=older.status.value,
                    )
                )
    _announce(strategies, approved, "approved")
    return approved


def strategy_reject(
    *,
    strategy_id: UUID,
    by: str,
    notes: str = "",
    requests: Sequence[RevisionRequest] = (),
    strategies: StrategyRepository,
) -> Strategy:
    """Reject a draft with structured requests and/or notes; the next version applies the requests.

    Requests are checked against this version (ValidationFailed names `requests[i].<field>`). Plain
    phrases in the notes that read as a valid request ("shift budget to LinkedIn") are stored as
    requests too; the rest of the notes is free text, shown on the next version as not applied. The
    same rejection again changes nothing.
    """
    requests = list(requests)
    errors = {"by": [REVIEWER_REQUIRED]} if not by.strip() else {}
    if not notes.strip() and not requests:
        errors["notes"] = [NOTES_REQUIRED]
    if errors:
        raise ValidationFailed(errors)
    with strategies.atomic():
        strategy = strategy_get(strategy_id=strategy_id, strategies=strategies)
        if _was_rejected(strategy):  # a rejection stays the review record, even once superseded
            again = [*requests, *revisions.requests_from_notes(notes, strategy, requests)]
            if strategy.decision_notes == notes.strip() and tuple(again) == strategy.revision_requests:
                return strategy
            raise InvalidTransition(REJECTED_WITH_OTHER_NOTES)
        if strategy.status != StrategyStatus.DRAFT:
            raise InvalidTransition(CANNOT_REJECT.format(status=strategy.status.value))
        errors = revisions.request_errors(requests, strategy)
        if errors:
            raise ValidationFailed(errors)
        requests += revisions.requests_from_notes(notes, strategy, requests)
        decided = _decided(strategy, StrategyStatus.REJECTED, by=by, notes=notes)
        rejected = strategies.save(dataclasses.replace(decided, revision_requests=tuple(requests)))
    _announce(strategies, rejected, "rejected")
    return rejected


def strategy_list_versions(*, brief_id: UUID, strategies: StrategyRepository) -> list[Strategy]:
    """Every version of the brief's strategy, oldest first."""
    return strategies.list_for_brief(brief_id)


def strategy_list(
    *,
    strategies: StrategyRepository,
    brief_id: UUID | None = None,
    status: StrategyStatus | str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Strategy]:
    """With a brief: its versions, oldest first. Without: every version, newest first. Optionally by
    status; `limit` of them from `offset` (the store reads only those), all without a limit."""
    return strategies.list(brief_id=brief_id, status=_optional_status(status), limit=limit, offset=offset)


def strategy_count(
    *, strategies: StrategyRepository, brief_id: UUID | None = None, status: StrategyStatus | str | None = None
) -> int:
    """How many versions `strategy_list` with the same filters gives without a limit."""
    return strategies.count(brief_id=brief_id, status=_optional_status(status))


def _optional_status(status: StrategyStatus | str | None) -> StrategyStatus | None:
    return StrategyStatus(status) if status is not None else None


def strategy_get(*, strategy_id: UUID, strategies: StrategyRepository) -> Strategy:
    strategy = strategies.get(strategy_id)
    if strategy is None:
        raise StrategyNotFound()
    return strategy


def strategy_discard(*, strategy_id: UUID, strategies: StrategyRepository) -> Discarded:
    """Undo a generation (the saga's compensation): delete the version and give back what it superseded.

    A rejected version is kept: it is the review record whose notes feed the next version.
    """
    with strategies.atomic():
        strategy = strategies.get(strategy_id)
        if strategy is None:
            return "missing"
        if _was_rejected(strategy):
            return "kept"
        _restore_superseded(strategies, strategy)
        strategies.delete(strategy.id)
    return "deleted"


def strategy_revoke_approval(*, strategy_id: UUID, strategies: StrategyRepository) -> Revoked:
    """Undo an approval (the saga's compensation): back to draft, and give back what it superseded."""
    with strategies.atomic():
        strategy = strategies.get(strategy_id)
        if strategy is None:
            return "missing"
        if strategy.status != StrategyStatus.APPROVED:
            return "not_approved"
        _restore_superseded(strategies, strategy)
        undecided = dataclasses.replace(strategy, decided_by="", decided_at=None, decision_notes="")
        strategies.save(dataclasses.replace(undecided, status=StrategyStatus.DRAFT))
    return "revoked"


def _restore_superseded(strategies: StrategyRepository, strategy: Strategy) -> None:
    """Give the versions `strategy` superseded back the status they had, before it goes away."""
    for older in strategies.list_for_brief(strategy.brief_id):
        if older.superseded_by != strategy.id:
            continue
        if strategy.superseded_by is not None:
            # `strategy` was itself superseded since: its predecessors stay superseded, by that newer version.
            strategies.save(dataclasses.replace(older, superseded_by=strategy.superseded_by))
        else:
            strategies.save(
                dataclasses.replace(
                    older,
                    status=StrategyStatus(older.status_before_supersede or StrategyStatus.DRAFT),
                    superseded_by=None,
                    status_before_supersede="",
                )
            )


def _require(fields: dict[str, tuple[str, str]]) -> None:
    errors = {name: [message] for name, (value, message) in fields.items() if not value.strip()}
    if errors:
        raise ValidationFailed(errors)


def _decided(strategy: Strategy, status: StrategyStatus, *, by: str, notes: str) -> Strategy:
    return dataclasses.replace(
        strategy, status=status, decided_by=by.strip(), decided_at=clock.now(), decision_notes=notes.strip()
    )


def _announce(strategies: StrategyRepository, strategy: Strategy, decision: str) -> None:
    strategies.on_commit(lambda: strategy_decided.send(sender=Strategy, strategy=strategy, decision=decision))
