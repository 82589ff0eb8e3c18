"""Units of work: one `with uow:` shape for a block whose writes commit together or not at all.

Callers (the saga engine) decide where a transaction begins and ends without knowing which
persistence serves them: the registry hands out `DjangoUnitOfWork` (a database transaction) or
`kernel.memory.InMemoryUnitOfWork` (an undo journal over the in-memory tables), both held to one
contract test suite. Blocks nest; an inner failure undoes only the inner block.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, transaction


class UnitOfWork(Protocol):
    def __enter__(self) -> UnitOfWork:
        """Begin a block: what repositories write from here on commits together."""

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool | None:
        """Commit the block, or undo all of it when it raised (the exception goes on)."""


class DjangoUnitOfWork:
    """`transaction.atomic()` as a unit of work (a savepoint when nested). One instance serves every
    thread of a process: each thread has its own connection, so each keeps its own open blocks."""

    def __init__(self, using: str = DEFAULT_DB_ALIAS) -> None:
        self.using = using
        self._local = threading.local()

    def __enter__(self) -> DjangoUnitOfWork:
        block = transaction.atomic(using=self.using)
        block.__enter__()
        self._blocks().append(block)
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool | None:
        return self._blocks().pop().__exit__(exc_type, exc, tb)

    def _blocks(self) -> list[transaction.Atomic]:
        if not hasattr(self._local, "blocks"):
            self._local.blocks = []
        return self._local.blocks


# Errors that say the database cannot be reached right now (a restart, a dropped connection, a lock
# held too long): not a step's fault, so the saga records no failure for them; the run goes on once
# the database is back.
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


def drop_broken_connections() -> None:
    """Close this thread's database connections that an outage left unusable, so the next query opens
    a new one (Django does this between requests; long-running workers call it after such an error)."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
