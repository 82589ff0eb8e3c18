"""Strategy persistence: the contract, and its Django ORM and in-memory implementations."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Protocol
from uuid import UUID

from django.db import IntegrityError, transaction

from kernel.errors import DuplicateError
from kernel.memory import InMemoryTable
from kernel.paging import page
from strategy.domain import Strategy, StrategyStatus
from strategy.models import StrategyRecord


class StrategyRepository(Protocol):
    def add(self, strategy: Strategy) -> Strategy:
        """Insert a new version; DuplicateError when its id or its (brief_id, version) is taken."""

    def save(self, strategy: Strategy) -> Strategy:
        """Insert or replace by id (idempotent); DuplicateError when another row holds its version."""

    def get(self, strategy_id: UUID) -> Strategy | None: ...

    def list_for_brief(self, brief_id: UUID) -> list[Strategy]:
        """Every version of one brief, oldest version first."""

    def latest_version(self, brief_id: UUID) -> int:
        """The highest version stored for the brief, 0 when there is none."""

    def delete(self, strategy_id: UUID) -> bool:
        """False when there was nothing to delete."""

    def list(
        self,
        *,
        status: StrategyStatus | None = None,
        brief_id: UUID | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Strategy]:
        """Newest first (created_at), ties broken by id; with `brief_id`, that brief's versions oldest
        version first. `limit` versions from `offset` (all without a limit)."""

    def count(self, *, status: StrategyStatus | None = None, brief_id: UUID | None = None) -> int:
        """How many versions `list` with the same filters gives without a limit."""

    def atomic(self) -> contextlib.AbstractContextManager[None]:
        """A block whose changes are kept together or not at all."""

    def on_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once the enclosing atomic block commits (at once outside one)."""


def _duplicate_message(strategy: Strategy) -> str:
    return f"strategy {strategy.id} or version {strategy.version} of brief {strategy.brief_id} already exists"


def _newest_first(strategy: Strategy) -> tuple:
    return (-strategy.created_at.timestamp(), str(strategy.id))


def _matching(status: StrategyStatus | None, brief_id: UUID | None):
    return lambda s: (status is None or s.status == status) and (brief_id is None or s.brief_id == brief_id)


class DjangoStrategyRepository:
    def add(self, strategy: Strategy) -> Strategy:
        try:
            # A savepoint, so a refused insert leaves an enclosing transaction usable (version retries).
            with transaction.atomic():
                StrategyRecord.objects.create(id=strategy.id, **StrategyRecord.fields_from_domain(strategy))
        except IntegrityError as exc:
            raise DuplicateError(_duplicate_message(strategy)) from exc
        return self.get(strategy.id)  # type: ignore[return-value]

    def save(self, strategy: Strategy) -> Strategy:
        fields = StrategyRecord.fields_from_domain(strategy)
        try:
            with transaction.atomic():
                # An upsert by id: one UPDATE when the row exists (the usual case), else an INSERT.
                if not StrategyRecord.objects.filter(id=strategy.id).update(**fields):
                    StrategyRecord.objects.create(id=strategy.id, **fields)
        except IntegrityError as exc:
            raise DuplicateError(_duplicate_message(strategy)) from exc
        return self.get(strategy.id)  # type: ignore[return-value]

    def get(self, strategy_id: UUID) -> Strategy | None:
        record = StrategyRecord.objects.filter(id=strategy_id).first()
        return record.to_domain() if record else None

    def list_for_brief(self, brief_id: UUID) -> list[Strategy]:
        return [r.to_domain() for r in StrategyRecord.objects.filter(brief_id=brief_id).order_by("version")]

    def latest_version(self, brief_id: UUID) -> int:
        latest = StrategyRecord.objects.filter(brief_id=brief_id).order_by("-version").values_list("version", flat=True)
        return latest.first() or 0

    def delete(self, strategy_id: UUID) -> bool:
        deleted, _ = StrategyRecord.objects.filter(id=strategy_id).delete()
        return deleted > 0

    def list(
        self,
        *,
        status: StrategyStatus | None = None,
        brief_id: UUID | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Strategy]:
        ordering = ("version",) if brief_id is not None else ("-created_at", "id")
        qs = self._filtered(status, brief_id).order_by(*ordering)
        return [r.to_domain() for r in page(qs, limit, offset)]

    def count(self, *, status: StrategyStatus | None = None, brief_id: UUID | None = None) -> int:
        return self._filtered(status, brief_id).count()

    @staticmethod
    def _filtered(status: StrategyStatus | None, brief_id: UUID | None):
        qs = StrategyRecord.objects.all()
        if status is not None:
            qs = qs.filter(status=status.value)
        if brief_id is not None:
            qs = qs.filter(brief_id=brief_id)
        return qs

    def atomic(self) -> contextlib.AbstractContextManager[None]:
        return transaction.atomic()

    def on_commit(self, callback: Callable[[], None]) -> None:
        transaction.on_commit(callback)


class InMemoryStrategyRepository:
    def __init__(self) -> None:
        self._strategies: InMemoryTable[Strategy] = InMemoryTable(
            unique={"brief_version": lambda s: (s.brief_id, s.version)}
        )
        self._depth = 0
        self._pending: list[Callable[[], None]] = []

    def add(self, strategy: Strategy) -> Strategy:
        return self._strategies.insert(strategy)

    def save(self, strategy: Strategy) -> Strategy:
        return self._strategies.put(strategy)

    def get(self, strategy_id: UUID) -> Strategy | None:
        return self._strategies.get(strategy_id)

    def list_for_brief(self, brief_id: UUID) -> list[Strategy]:
        return self._strategies.find(lambda s: s.brief_id == brief_id, key=lambda s: s.version)

    def latest_version(self, brief_id: UUID) -> int:
        return max((s.version for s in self.list_for_brief(brief_id)), default=0)

    def delete(self, strategy_id: UUID) -> bool:
        return self._strategies.delete(strategy_id)

    def list(
        self,
        *,
        status: StrategyStatus | None = None,
        brief_id: UUID | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Strategy]:
        key = (lambda s: s.version) if brief_id is not None else _newest_first
        return self._strategies.find(_matching(status, brief_id), key=key, limit=limit, offset=offset)

    def count(self, *, status: StrategyStatus | None = None, brief_id: UUID | None = None) -> int:
        return self._strategies.count(_matching(status, brief_id))

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """Hold the table for the block; on an error put back the rows as they were when it began."""
        to_run: list[Callable[[], None]] = []
        with self._strategies.lock:
            snapshot = self._strategies.snapshot()
            pending_at_start = len(self._pending)
            self._depth += 1
            try:
                yield
            except BaseException:
                self._strategies.restore(snapshot)
                del self._pending[pending_at_start:]
                raise
            finally:
                self._depth -= 1
            if self._depth == 0:
                to_run, self._pending = self._pending, []
        for callback in to_run:
            callback()

    def on_commit(self, callback: Callable[[], None]) -> None:
        with self._strategies.lock:
            if self._depth:
                self._pending.append(callback)
                return
        callback()
