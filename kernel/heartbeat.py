"""What a long operation calls while it works, so whoever runs it keeps its claim and learns when to stop.

The saga engine hands a `Heartbeat` to each step (`ctx.heartbeat`); the contexts' services take one
as an optional argument and call it at safe points (before each LLM call, each file, each webhook
attempt) and wrap blocking network calls in `heartbeat.during(...)`. Outside a run, `NO_HEARTBEAT`
does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Heartbeat(Protocol):
    def __call__(self) -> None:
        """A safe point: renew the claim when due; raise when the operation must stop here (the run
        was cancelled, its time is up, or another worker holds it). Nothing half-done may follow."""

    def during(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Call `fn` (blocking I/O that touches no database) and keep the claim alive until it returns.

        It never interrupts `fn`: a stop asked for meanwhile is raised at the next safe point, after
        what `fn` did has been recorded.
        """


class NoHeartbeat:
    """For calls made outside a run: nothing to renew, nothing to stop for."""

    def __call__(self) -> None:
        return None

    def during(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        return fn(*args, **kwargs)


NO_HEARTBEAT: Heartbeat = NoHeartbeat()
