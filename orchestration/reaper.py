"""The reaper: a loop inside every worker process that keeps runs from getting stuck.

Each pass (`services.runs_reap`) queues again the runs whose worker died (expired lease), the
runs that lost their task, and the runs waiting on a strategy version that was decided or
replaced; and marks failed the task rows dead workers left RUNNING. Passes are cheap (a few
indexed queries when nothing is wrong) and safe to run in every worker at once: each takeover is
a compare-and-set, so one reaper wins it.

`manage.py run_worker` starts one in a background thread; a dead worker's run goes on within
AICMO_LEASE_SECONDS + AICMO_REAPER_INTERVAL_SECONDS.
"""

from __future__ import annotations

import logging
import random
import threading

from django.db import close_old_connections

from config import registry
from kernel.uow import DATABASE_UNAVAILABLE
from orchestration import services

logger = logging.getLogger(__name__)

# Runs looked at per pass and per kind (stale, idle, waiting); the rest wait for the next pass.
PASS_LIMIT = 100


class Reaper:
    """Runs `pass_once` every `interval` seconds (with jitter, so a fleet's reapers spread out) until stopped."""

    def __init__(self, *, interval: float, limit: int = PASS_LIMIT) -> None:
        self.interval = interval
        self.limit = limit
        self.waiting_offset = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def pass_once(self) -> services.Reaped:
        reaped = services.runs_reap(
            runs=registry.repository("orchestration.runs"),
            strategies=registry.repository("strategy.documents"),
            limit=self.limit,
            waiting_offset=self.waiting_offset,
        )
        # Page through the waiting runs from pass to pass, starting over after the last page.
        self.waiting_offset = self.waiting_offset + self.limit if reaped.waiting_seen >= self.limit else 0
        if reaped.total or reaped.tasks_failed:
            logger.warning(
                "reaper: %d run(s) of dead workers, %d lost, %d decided queued again; %d task row(s) failed",
                len(reaped.released),
                len(reaped.requeued),
                len(reaped.decided),
                reaped.tasks_failed,
            )
        return reaped

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="aicmo-reaper", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        # The first pass comes soon: a fleet restarted after a crash takes over at once.
        pause = random.uniform(0, min(self.interval, 1.0))
        while not self._stop.wait(pause):
            try:
                close_old_connections()
                self.pass_once()
            except DATABASE_UNAVAILABLE as exc:
                logger.warning("reaper: database unavailable (%s); trying again next pass", exc)
            except Exception:
                logger.exception("reaper: pass failed")
            finally:
                close_old_connections()
            pause = self.interval * random.uniform(0.8, 1.2)
