"""Timing and database-activity counting shared by the benchmark sections.

SQL is counted with Django's `CaptureQueriesContext` on the default connection. Statements are split:
- `sql`: data statements (SELECT, INSERT, UPDATE, DELETE, ...), what the code asks the database for;
- `savepoints`: SAVEPOINT statements (nested `atomic()` blocks), each paired with a RELEASE or ROLLBACK TO;
- `sql_all`: everything the capture saw, transaction control included (SQLite's BEGIN, SAVEPOINT, RELEASE).
Transactions are counted through connection hooks, the same way on every backend: each COMMIT or
ROLLBACK of an outermost `atomic()` block (the connection's `commit`/`rollback` are wrapped while
counting), plus each data statement run outside any atomic block (autocommit: a transaction of its own).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "END")


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 20 values is the 19th smallest)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def is_transaction_control(sql: str) -> bool:
    return sql.lstrip().upper().startswith(TRANSACTION_CONTROL)


@dataclass
class Activity:
    """What one measured block did to the database."""

    sql: int = 0
    sql_all: int = 0
    savepoints: int = 0
    transactions: int = 0
    statements: list[str] = field(default_factory=list)


class DatabaseActivity:
    """Counts the default connection's statements, savepoints and transactions inside a `with` block."""

    def __init__(self) -> None:
        self.activity = Activity()
        self._autocommit_statements = 0
        self._ends = 0

    def __enter__(self) -> Activity:
        connection.ensure_connection()
        self._capture = CaptureQueriesContext(connection)
        self._capture.__enter__()
        self._commit, self._rollback = connection.commit, connection.rollback
        connection.commit = self._counted(self._commit)
        connection.rollback = self._counted(self._rollback)
        self._wrapper = connection.execute_wrapper(self._observe)
        self._wrapper.__enter__()
        return self.activity

    def __exit__(self, *exc: Any) -> None:
        self._wrapper.__exit__(*exc)
        del connection.commit, connection.rollback
        self._capture.__exit__(*exc)
        statements = [q["sql"] for q in self._capture.captured_queries]
        self.activity.statements = statements
        self.activity.sql_all = len(statements)
        self.activity.sql = sum(1 for s in statements if not is_transaction_control(s))
        self.activity.savepoints = sum(1 for s in statements if s.lstrip().upper().startswith("SAVEPOINT"))
        self.activity.transactions = self._ends + self._autocommit_statements

    def _counted(self, method: Callable[[], None]) -> Callable[[], None]:
        def counted() -> None:
            self._ends += 1
            method()

        return counted

    def _observe(self, execute, sql, params, many, context):
        if not context["connection"].in_atomic_block and not is_transaction_control(sql):
            self._autocommit_statements += 1
        return execute(sql, params, many, context)


@dataclass
class Timings:
    """Per-run durations (seconds) and per-round throughput of one measured case."""

    durations: list[float] = field(default_factory=list)
    round_rates: list[float] = field(default_factory=list)

    def summary(self, unit: str = "runs") -> dict[str, float]:
        ms = [d * 1000 for d in self.durations]
        return {
            f"{unit}_per_s": round(median(self.round_rates), 1),
            "ms_median": round(median(ms), 2),
            "ms_p95": round(percentile(ms, 95), 2),
            "samples": len(ms),
        }


def time_runs(action: Callable[[], Any], *, runs: int, rounds: int, warmup: int) -> Timings:
    """Call `action` `warmup` times unmeasured, then `runs` times in `rounds` rounds, timing each call."""
    for _ in range(warmup):
        action()
    timings = Timings()
    per_round = max(1, runs // rounds)
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(per_round):
            t0 = time.perf_counter()
            action()
            timings.durations.append(time.perf_counter() - t0)
        timings.round_rates.append(per_round / (time.perf_counter() - started))
    return timings


def count_activity(action: Callable[[], Any], *, samples: int) -> dict[str, float]:
    """Median statements, savepoints and transactions of `samples` calls of `action`."""
    seen: list[Activity] = []
    for _ in range(samples):
        with DatabaseActivity() as activity:
            action()
        seen.append(activity)
    return {
        "sql": median([a.sql for a in seen]),
        "sql_all": median([a.sql_all for a in seen]),
        "savepoints": median([a.savepoints for a in seen]),
        "transactions": median([a.transactions for a in seen]),
    }
