"""Production persistence: drafts, QC results and the LLM ledger, each as a contract with ORM and in-memory twins.

Writes of many rows are bulk operations: a constant number of SQL statements however many
drafts or results a run has (one read of what exists, then bulk inserts and updates).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Hashable, Iterable, Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from django.db import IntegrityError, transaction

from kernel import clock
from kernel.errors import Conflict, DuplicateError
from kernel.memory import InMemoryTable
from kernel.paging import page
from production.domain import Draft, LLMCall, QCResult
from production.models import DraftRecord, LLMCallRecord, QCIssueRecord, QCResultRecord

DUPLICATE_DRAFT_KEY = "Draft key {key} appears more than once in one save."
DUPLICATE_DRAFT_ID = "Draft id {draft_id} is already stored under another key."
DUPLICATE_RESULT_DRAFT = "Draft {draft_id} has more than one QC result in one save."
DUPLICATE_RESULT_ID = "QC result id {result_id} is already stored for another draft."
RESULT_DRAFT_MISSING = "QC result {result_id} is about draft {draft_id}, which does not exist."
DUPLICATE_LLM_CALL = "LLM call {call_id} is already recorded."

# Fields an upsert rewrites on a draft that already exists (id and created_at are kept).
_DRAFT_UPDATE_FIELDS = [
    "brief_id",
    "strategy_id",
    "title",
    "body",
    "fields",
    "scheduled_at",
    "generator",
    "template",
    "sources",
    "fixes",
    "pillar",
    "occasion",
]


class ResultDraftMissing(Conflict):
    """A QC result was saved for a draft that is not stored."""

    code = "draft_missing"


# --- contracts -------------------------------------------------------------------------------


class DraftRepository(Protocol):
    def save_many(self, drafts: Sequence[Draft]) -> list[Draft]:
        """Upsert on (run_id, channel, asset_type, slot), keeping the stored id and created_at; input order."""

    def get(self, draft_id: UUID) -> Draft | None: ...

    def list_for_run(
        self,
        run_id: UUID,
        *,
        channel: str | None = None,
        passed: bool | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Draft]:
        """Ordered by scheduled_at, channel, slot (then asset_type); optionally one channel, and only
        drafts whose QC passed (True) or failed (False). `limit` drafts from `offset` (all without one)."""

    def count_for_run(self, run_id: UUID, *, channel: str | None = None, passed: bool | None = None) -> int:
        """How many drafts `list_for_run` with the same filters gives without a limit."""

    def list(self, *, channel: str | None = None, brief_id: UUID | None = None) -> list[Draft]:
        """Newest first, ties broken by id."""

    def delete_for_run(self, run_id: UUID) -> int:
        """Delete the run's drafts with their QC results; how many drafts went."""


class QCResultRepository(Protocol):
    def save_many(self, results: Sequence[QCResult]) -> list[QCResult]:
        """Store results; one for a draft replaces that draft's earlier result entirely. Input order.

        Raises ResultDraftMissing (a Conflict) when a result's draft is not stored."""

    def get_for_draft(self, draft_id: UUID) -> QCResult | None: ...

    def list_for_run(self, run_id: UUID) -> list[QCResult]:
        """In the order of the run's drafts: scheduled_at, channel, slot (then asset_type)."""

    def list_for_drafts(self, draft_ids: Sequence[UUID]) -> list[QCResult]:
        """The results of these drafts (those that have one), in the order of `draft_ids`."""

    def delete_for_run(self, run_id: UUID) -> int:
        """Delete the run's results and their issues; how many results went."""


class LLMCallRepository(Protocol):
    def add(self, call: LLMCall) -> LLMCall: ...

    def list(self, *, run_id: UUID | None = None) -> list[LLMCall]:
        """Oldest first, ties broken by id."""

    def delete_for_run(self, run_id: UUID) -> int: ...


# --- shared rules ----------------------------------------------------------------------------


def _natural_key(draft: Draft) -> tuple[UUID, str, str, int]:
    return (draft.run_id, draft.channel, draft.asset_type, draft.slot)


def _draft_order(draft: Draft) -> tuple:
    return (draft.scheduled_at, draft.channel, draft.slot, draft.asset_type)


def _newest_first(draft: Draft) -> tuple:
    return (-draft.created_at.timestamp(), str(draft.id))


def _first_repeat(keys: Iterable[Hashable]) -> Hashable | None:
    seen: set[Hashable] = set()
    for key in keys:
        if key in seen:
            return key
        seen.add(key)
    return None


def _check_results_unique(results: Sequence[QCResult]) -> None:
    repeated = _first_repeat(r.draft_id for r in results)
    if repeated is not None:
        raise DuplicateError(DUPLICATE_RESULT_DRAFT.format(draft_id=repeated))


def _merge_drafts(drafts: Sequence[Draft], existing: dict[tuple, Draft], now: datetime) -> list[Draft]:
    """What each draft becomes once stored: an existing key keeps its id and created_at."""
    repeated = _first_repeat(_natural_key(d) for d in drafts)
    if repeated is not None:
        raise DuplicateError(DUPLICATE_DRAFT_KEY.format(key=repeated))
    merged = []
    for draft in drafts:
        stored = existing.get(_natural_key(draft))
        if stored is not None:
            merged.append(dataclasses.replace(draft, id=stored.id, created_at=stored.created_at))
        else:
            merged.append(dataclasses.replace(draft, created_at=draft.created_at or now))
    return merged


# --- drafts ----------------------------------------------------------------------------------


class DjangoDraftRepository:
    def save_many(self, drafts: Sequence[Draft]) -> list[Draft]:
        if not drafts:
            return []
        run_ids = {d.run_id for d in drafts}
        try:
            with transaction.atomic():
                stored_drafts = [rec.to_domain() for rec in DraftRecord.objects.filter(run_id__in=run_ids)]
                existing = {_natural_key(d): d for d in stored_drafts}
                merged = _merge_drafts(drafts, existing, clock.now())
                known_ids = {d.id for d in existing.values()}
                to_create = [DraftRecord.from_domain(d) for d in merged if d.id not in known_ids]
                to_update = [DraftRecord.from_domain(d) for d in merged if d.id in known_ids]
                if to_create:
                    DraftRecord.objects.bulk_create(to_create)
                if to_update:
                    DraftRecord.objects.bulk_update(to_update, _DRAFT_UPDATE_FIELDS)
                stored = {r.id: r.to_domain() for r in DraftRecord.objects.filter(id__in=[d.id for d in merged])}
        except IntegrityError as exc:
            raise DuplicateError(f"drafts could not be stored: {exc}") from exc
        return [stored[d.id] for d in merged]

    def get(self, draft_id: UUID) -> Draft | None:
        record = DraftRecord.objects.filter(id=draft_id).first()
        return record.to_domain() if record else None

    def list_for_run(
        self,
        run_id: UUID,
        *,
        channel: str | None = None,
        passed: bool | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Draft]:
        qs = self._of_run(run_id, channel, passed).order_by("scheduled_at", "channel", "slot", "asset_type")
        return [r.to_domain() for r in page(qs, limit, offset)]

    def count_for_run(self, run_id: UUID, *, channel: str | None = None, passed: bool | None = None) -> int:
        return self._of_run(run_id, channel, passed).count()

    @staticmethod
    def _of_run(run_id: UUID, channel: str | None, passed: bool | None):
        qs = DraftRecord.objects.filter(run_id=run_id)
        if channel is not None:
            qs = qs.filter(channel=channel)
        if passed is not None:
            qs = qs.filter(qc_result__passed=passed)
        return qs

    def list(self, *, channel: str | None = None, brief_id: UUID | None = None) -> list[Draft]:
        qs = DraftRecord.objects.order_by("-created_at", "id")
        if channel is not None:
            qs = qs.filter(channel=channel)
        if brief_id is not None:
            qs = qs.filter(brief_id=brief_id)
        return [r.to_domain() for r in qs]

    def delete_for_run(self, run_id: UUID) -> int:
        with transaction.atomic():
            QCIssueRecord.objects.filter(result__draft__run_id=run_id).delete()
            QCResultRecord.objects.filter(draft__run_id=run_id).delete()
            _count, per_model = DraftRecord.objects.filter(run_id=run_id).delete()
        return per_model.get(DraftRecord._meta.label, 0)


class _MemoryStore:
    """Drafts and their QC results in one place, so a draft's deletion takes its result with it."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.drafts: InMemoryTable[Draft] = InMemoryTable(unique={"natural_key": _natural_key})
        self.results: InMemoryTable[QCResult] = InMemoryTable(unique={"draft": lambda r: r.draft_id})


class InMemoryDraftRepository:
    def __init__(self) -> None:
        self._store = _MemoryStore()

    def save_many(self, drafts: Sequence[Draft]) -> list[Draft]:
        if not drafts:
            return []
        table = self._store.drafts
        with self._store.lock:
            run_ids = {d.run_id for d in drafts}
            existing = {_natural_key(d): d for d in table.find(lambda d: d.run_id in run_ids)}
            merged = _merge_drafts(drafts, existing, clock.now())
            for draft in merged:
                holder = table.peek(draft.id)
                if holder is not None and _natural_key(holder) != _natural_key(draft):
                    raise DuplicateError(DUPLICATE_DRAFT_ID.format(draft_id=draft.id))
            return [table.put(draft) for draft in merged]

    def get(self, draft_id: UUID) -> Draft | None:
        return self._store.drafts.get(draft_id)

    def list_for_run(
        self,
        run_id: UUID,
        *,
        channel: str | None = None,
        passed: bool | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Draft]:
        with self._store.lock:
            wanted = self._of_run(run_id, channel, passed)
            return self._store.drafts.find(wanted, key=_draft_order, limit=limit, offset=offset)

    def count_for_run(self, run_id: UUID, *, channel: str | None = None, passed: bool | None = None) -> int:
        with self._store.lock:
            return self._store.drafts.count(self._of_run(run_id, channel, passed))

    def _of_run(self, run_id: UUID, channel: str | None, passed: bool | None):
        verdicts = {}
        if passed is not None:
            verdicts = {r.draft_id: r.passed for r in self._store.results.find(lambda r: True)}
        return lambda d: (
            d.run_id == run_id
            and (channel is None or d.channel == channel)
            and (passed is None or verdicts.get(d.id) == passed)
        )

    def list(self, *, channel: str | None = None, brief_id: UUID | None = None) -> list[Draft]:
        return self._store.drafts.find(
            lambda d: (channel is None or d.channel == channel) and (brief_id is None or d.brief_id == brief_id),
            key=_newest_first,
        )

    def delete_for_run(self, run_id: UUID) -> int:
        with self._store.lock:
            doomed = {d.id for d in self._store.drafts.find(lambda d: d.run_id == run_id)}
            self._store.results.delete_where(lambda r: r.draft_id in doomed)
            return self._store.drafts.delete_where(lambda d: d.id in doomed)


# --- QC results ------------------------------------------------------------------------------


class DjangoQCResultRepository:
    def save_many(self, results: Sequence[QCResult]) -> list[QCResult]:
        if not results:
            return []
        _check_results_unique(results)
        draft_ids = [r.draft_id for r in results]
        try:
            with transaction.atomic():
                found = set(DraftRecord.objects.filter(id__in=draft_ids).values_list("id", flat=True))
                for result in results:
                    if result.draft_id not in found:
                        raise ResultDraftMissing(
                            RESULT_DRAFT_MISSING.format(result_id=result.id, draft_id=result.draft_id)
                        )
                # Latest wins: the earlier result and its issues go. Issues first, then the results
                # in one statement (no per-row cascade collection, so the statement count stays constant).
                QCIssueRecord.objects.filter(result__draft_id__in=draft_ids).delete()
                earlier = QCResultRecord.objects.filter(draft_id__in=draft_ids)
                earlier._raw_delete(earlier.db)
                QCResultRecord.objects.bulk_create([QCResultRecord.from_domain(r) for r in results])
                QCIssueRecord.objects.bulk_create(
                    [
                        QCIssueRecord.from_domain(issue, result_id=r.id, position=position)
                        for r in results
                        for position, issue in enumerate(r.issues)
                    ]
                )
        except IntegrityError as exc:
            raise DuplicateError(f"QC results could not be stored: {exc}") from exc
        stored = {r.id: r for r in self._load(QCResultRecord.objects.filter(id__in=[r.id for r in results]))}
        return [stored[r.id] for r in results]

    def get_for_draft(self, draft_id: UUID) -> QCResult | None:
        found = self._load(QCResultRecord.objects.filter(draft_id=draft_id))
        return found[0] if found else None

    def list_for_run(self, run_id: UUID) -> list[QCResult]:
        qs = QCResultRecord.objects.filter(draft__run_id=run_id).order_by(
            "draft__scheduled_at", "draft__channel", "draft__slot", "draft__asset_type"
        )
        return self._load(qs)

    def list_for_drafts(self, draft_ids: Sequence[UUID]) -> list[QCResult]:
        order = {draft_id: position for position, draft_id in enumerate(draft_ids)}
        found = self._load(QCResultRecord.objects.filter(draft_id__in=list(order)))
        return sorted(found, key=lambda r: order[r.draft_id])

    def delete_for_run(self, run_id: UUID) -> int:
        with transaction.atomic():
            QCIssueRecord.objects.filter(result__draft__run_id=run_id).delete()
            _count, per_model = QCResultRecord.objects.filter(draft__run_id=run_id).delete()
        return per_model.get(QCResultRecord._meta.label, 0)

    @staticmethod
    def _load(qs) -> list[QCResult]:
        records = list(qs)
        issues: dict[UUID, list[QCIssueRecord]] = {r.id: [] for r in records}
        for issue in QCIssueRecord.objects.filter(result_id__in=list(issues)).order_by("result_id", "ordering"):
            issues[issue.result_id].append(issue)
        return [r.to_domain(issues[r.id]) for r in records]


class InMemoryQCResultRepository:
    """Keeps results in the in-memory draft repository's store, which it shares.

    Without `drafts`, it uses the process's "production.drafts" repository from the registry,
    so a result can only be saved for a draft that repository holds, as in the database.
    """

    def __init__(self, drafts: InMemoryDraftRepository | None = None) -> None:
        self._drafts = drafts

    @property
    def _store(self) -> _MemoryStore:
        drafts = self._drafts
        if drafts is None:
            from config import registry

            drafts = registry.repository("production.drafts")
        if not isinstance(drafts, InMemoryDraftRepository):
            raise TypeError(
                "InMemoryQCResultRepository needs an InMemoryDraftRepository for production.drafts, "
                f"got {type(drafts).__name__}"
            )
        return drafts._store

    def save_many(self, results: Sequence[QCResult]) -> list[QCResult]:
        if not results:
            return []
        _check_results_unique(results)
        store = self._store
        with store.lock:
            for result in results:
                if store.drafts.peek(result.draft_id) is None:
                    raise ResultDraftMissing(RESULT_DRAFT_MISSING.format(result_id=result.id, draft_id=result.draft_id))
                holder = store.results.peek(result.id)
                if holder is not None and holder.draft_id != result.draft_id:
                    raise DuplicateError(DUPLICATE_RESULT_ID.format(result_id=result.id))
            draft_ids = {r.draft_id for r in results}
            store.results.delete_where(lambda r: r.draft_id in draft_ids)
            return [store.results.insert(result) for result in results]

    def get_for_draft(self, draft_id: UUID) -> QCResult | None:
        return self._store.results.find_one(lambda r: r.draft_id == draft_id)

    def list_for_drafts(self, draft_ids: Sequence[UUID]) -> list[QCResult]:
        order = {draft_id: position for position, draft_id in enumerate(draft_ids)}
        return self._store.results.find(lambda r: r.draft_id in order, key=lambda r: order[r.draft_id])

    def list_for_run(self, run_id: UUID) -> list[QCResult]:
        store = self._store
        with store.lock:
            run_drafts = store.drafts.find(lambda d: d.run_id == run_id, key=_draft_order)
            order = {d.id: position for position, d in enumerate(run_drafts)}
            return store.results.find(lambda r: r.draft_id in order, key=lambda r: order[r.draft_id])

    def delete_for_run(self, run_id: UUID) -> int:
        store = self._store
        with store.lock:
            draft_ids = {d.id for d in store.drafts.find(lambda d: d.run_id == run_id)}
            return store.results.delete_where(lambda r: r.draft_id in draft_ids)


# --- LLM ledger ------------------------------------------------------------------------------


def _ledger_order(call: LLMCall) -> tuple:
    return (call.created_at, str(call.id))


class DjangoLLMCallRepository:
    def add(self, call: LLMCall) -> LLMCall:
        try:
            with transaction.atomic():
                LLMCallRecord.from_domain(call).save(force_insert=True)
        except IntegrityError as exc:
            raise DuplicateError(DUPLICATE_LLM_CALL.format(call_id=call.id)) from exc
        return LLMCallRecord.objects.get(id=call.id).to_domain()

    def list(self, *, run_id: UUID | None = None) -> list[LLMCall]:
        qs = LLMCallRecord.objects.order_by("created_at", "id")
        if run_id is not None:
            qs = qs.filter(run_id=run_id)
        return [r.to_domain() for r in qs]

    def delete_for_run(self, run_id: UUID) -> int:
        count, _per_model = LLMCallRecord.objects.filter(run_id=run_id).delete()
        return count


class InMemoryLLMCallRepository:
    def __init__(self) -> None:
        self._calls: InMemoryTable[LLMCall] = InMemoryTable()

    def add(self, call: LLMCall) -> LLMCall:
        try:
            return self._calls.insert(call)
        except DuplicateError:
            raise DuplicateError(DUPLICATE_LLM_CALL.format(call_id=call.id))

    def list(self, *, run_id: UUID | None = None) -> list[LLMCall]:
        return self._calls.find(lambda c: run_id is None or c.run_id == run_id, key=_ledger_order)

    def delete_for_run(self, run_id: UUID) -> int:
        return self._calls.delete_where(lambda c: c.run_id == run_id)
