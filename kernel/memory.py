"""A thread-safe in-memory table: the storage under every InMemory...Repository, and its unit of work.

It keeps the guarantees the database gives: unique keys raise `DuplicateError`, rows are
copied in and out (callers can't mutate stored state), and it lives for the process.
Rows are frozen domain dataclasses.

Every table shares one process-wide lock, the way SQLite has one write lock: a unit of work
(`InMemoryUnitOfWork`) holds it for its block, so other threads see its writes only once it has
committed, and an undo journal puts back every row it changed if the block raises.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from uuid import UUID

from kernel.codec import from_primitive, to_primitive
from kernel.errors import DuplicateError

T = TypeVar("T")

# One lock for every table (see the module docstring); re-entrant, so a unit of work can call repositories.
STORE_LOCK = threading.RLock()
# The undo journals of the open units of work, innermost last; only the thread holding STORE_LOCK
# touches them. An entry puts one table back the way it was before one change.
_journals: list[list[Callable[[], None]]] = []


@dataclass(frozen=True)
class Snapshot:
    rows: dict
    index: dict[str, dict]


class InMemoryTable(Generic[T]):
    """Rows keyed by `id`, with optional unique indexes given as key functions."""

    def __init__(self, *, unique: dict[str, Callable[[T], Hashable | None]] | None = None) -> None:
        self._rows: dict[UUID, T] = {}
        self._unique = unique or {}
        self._index: dict[str, dict[Hashable, UUID]] = {name: {} for name in self._unique}
        self.lock = STORE_LOCK

    def get(self, row_id: UUID) -> T | None:
        with self.lock:
            row = self._rows.get(row_id)
            return _copy(row) if row is not None else None

    def peek(self, row_id: UUID) -> T | None:
        """The stored row itself, not a copy: for a repository's own read-only checks, never to hand out."""
        return self._rows.get(row_id)

    def snapshot(self) -> Snapshot:
        """The table's state, to `restore` if a block fails. Cheap: stored rows are never changed in place."""
        with self.lock:
            return Snapshot(dict(self._rows), {name: dict(index) for name, index in self._index.items()})

    def restore(self, snapshot: Snapshot) -> None:
        with self.lock:
            self._journal_whole_table()
            self._rows = dict(snapshot.rows)
            self._index = {name: dict(index) for name, index in snapshot.index.items()}

    def insert(self, row: T) -> T:
        with self.lock:
            if row.id in self._rows:  # type: ignore[attr-defined]
                raise DuplicateError(f"{type(row).__name__} {row.id} already exists")  # type: ignore[attr-defined]
            self._store(row)
            return _copy(row)

    def put(self, row: T) -> T:
        """Insert or replace by id, still honouring the unique indexes against other rows."""
        with self.lock:
            self._store(row)
            return _copy(row)

    def delete(self, row_id: UUID) -> bool:
        with self.lock:
            row = self._rows.pop(row_id, None)
            if row is None:
                return False
            self._journal(row_id, row)
            self._unindex(row)
            return True

    def delete_where(self, predicate: Callable[[T], bool]) -> int:
        with self.lock:
            doomed = [rid for rid, row in self._rows.items() if predicate(row)]
            for rid in doomed:
                row = self._rows.pop(rid)
                self._journal(rid, row)
                self._unindex(row)
            return len(doomed)

    def find(
        self,
        predicate: Callable[[T], bool],
        *,
        key: Callable[[T], Any] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[T]:
        """Matching rows sorted by `key`; only `limit` of them from `offset` are copied out."""
        with self.lock:
            rows = [row for row in self._rows.values() if predicate(row)]
            if key is not None:
                rows.sort(key=key)
            end = None if limit is None else offset + limit
            return [_copy(r) for r in rows[offset:end]]

    def count(self, predicate: Callable[[T], bool]) -> int:
        with self.lock:
            return sum(1 for row in self._rows.values() if predicate(row))

    def find_one(self, predicate: Callable[[T], bool]) -> T | None:
        with self.lock:
            for row in self._rows.values():
                if predicate(row):
                    return _copy(row)
            return None

    def __iter__(self) -> Iterator[T]:
        return iter(self.find(lambda _row: True))

    def __len__(self) -> int:
        return len(self._rows)

    def clear(self) -> None:
        with self.lock:
            self._journal_whole_table()
            self._rows.clear()
            for index in self._index.values():
                index.clear()

    def _store(self, row: T) -> None:
        row_id = row.id  # type: ignore[attr-defined]
        keys = {name: key_fn(row) for name, key_fn in self._unique.items()}
        for name, key in keys.items():
            holder = self._index[name].get(key) if key is not None else None
            if holder is not None and holder != row_id:
                raise DuplicateError(f"{type(row).__name__}: {name} {key!r} is already taken")
        previous = self._rows.get(row_id)
        self._journal(row_id, previous)
        if previous is not None:
            self._unindex(previous)
        self._rows[row_id] = _copy(row)
        self._index_row(row_id, keys)

    def _index_row(self, row_id: UUID, keys: dict[str, Hashable | None]) -> None:
        for name, key in keys.items():
            if key is not None:
                self._index[name][key] = row_id

    # -- the undo journal of an open unit of work ---------------------------------------------------

    def _journal(self, row_id: UUID, previous: T | None) -> None:
        """Remember how to put `row_id` back to `previous` (None: absent) if the unit of work fails."""
        if _journals:
            _journals[-1].append(lambda: self._put_back(row_id, previous))

    def _journal_whole_table(self) -> None:
        if _journals:
            rows, index = dict(self._rows), {name: dict(entries) for name, entries in self._index.items()}
            _journals[-1].append(lambda: self._put_back_table(rows, index))

    def _put_back(self, row_id: UUID, previous: T | None) -> None:
        current = self._rows.pop(row_id, None)
        if current is not None:
            self._unindex(current)
        if previous is not None:
            self._rows[row_id] = previous
            self._index_row(row_id, {name: key_fn(previous) for name, key_fn in self._unique.items()})

    def _put_back_table(self, rows: dict, index: dict[str, dict]) -> None:
        self._rows, self._index = rows, index

    def _unindex(self, row: T) -> None:
        for name, key_fn in self._unique.items():
            key = key_fn(row)
            if key is not None and self._index[name].get(key) == row.id:  # type: ignore[attr-defined]
                del self._index[name][key]


def _copy(row: T) -> T:
    """A detached copy made the way the database makes one: through the stored primitive form.

    This also gives the same normalisation as the database (instants in UTC, exact decimals)
    and refuses what the database would refuse (naive datetimes).
    """
    return from_primitive(type(row), to_primitive(row))


class InMemoryUnitOfWork:
    """The in-memory twin of `kernel.uow.DjangoUnitOfWork`: `with uow:` commits the block's writes to
    every in-memory table when it ends, or puts every row back when it raises. Blocks nest (an inner
    failure undoes only the inner block), and other threads wait for the block, as for a write lock."""

    def __enter__(self) -> InMemoryUnitOfWork:
        STORE_LOCK.acquire()
        _journals.append([])
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            journal = _journals.pop()
            if exc_type is not None:
                for undo in reversed(journal):
                    undo()
            elif _journals:
                _journals[-1].extend(journal)  # an outer block may still fail and undo these too
        finally:
            STORE_LOCK.release()
