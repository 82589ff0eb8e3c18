"""A thread-safe in-memory table: the storage under every InMemory...Repository.

It keeps the guarantees the database gives: unique keys raise `DuplicateError`, rows are
copied in and out (callers can't mutate stored state), and it lives for the process.
Rows are frozen domain dataclasses.
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
        self.lock = threading.RLock()

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
            self._unindex(row)
            return True

    def delete_where(self, predicate: Callable[[T], bool]) -> int:
        with self.lock:
            doomed = [rid for rid, row in self._rows.items() if predicate(row)]
            for rid in doomed:
                self._unindex(self._rows.pop(rid))
            return len(doomed)

    def find(self, predicate: Callable[[T], bool], *, key: Callable[[T], Any] | None = None) -> list[T]:
        with self.lock:
            rows = [row for row in self._rows.values() if predicate(row)]
            if key is not None:
                rows.sort(key=key)
            return [_copy(r) for r in rows]

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
        if previous is not None:
            self._unindex(previous)
        self._rows[row_id] = _copy(row)
        for name, key in keys.items():
            if key is not None:
                self._index[name][key] = row_id

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
