"""`manage.py run_worker`: the background worker to run in production (one or more per fleet).

It is django-tasks-db's `db_worker` (same options) with what keeps runs from getting stuck:

- a reaper thread (`orchestration.reaper`) that every `--reap-interval` seconds queues again the
  runs whose worker died, lost their task, or wait on a strategy that was decided or replaced, and
  marks failed the task rows dead workers left RUNNING;
- database outages are waited out: when the database goes away (a restart, a failover) the worker
  keeps trying to reconnect instead of exiting, and a run it was driving goes on where it was.

Exit status: 0 after SIGTERM/SIGINT (the task in hand is finished first) or, with --batch, once the
queue is empty; 1 on a second signal (the task in hand is abandoned: the reaper of another worker
takes its run over after the lease).
"""

from __future__ import annotations

import logging
import os
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker, valid_interval

from kernel.uow import DATABASE_UNAVAILABLE, drop_broken_connections
from orchestration.reaper import Reaper

logger = logging.getLogger("orchestration.worker")

OUTAGE_PAUSE_SECONDS = (0.25, 5.0)  # first and longest wait between reconnection attempts


class FleetWorker(Worker):
    """db_worker's loop, restarted after a database outage, with the reaper running beside it."""

    def __init__(self, *, reap_interval: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.reaper = Reaper(interval=reap_interval) if reap_interval > 0 else None

    def run(self) -> None:
        if self.reaper is not None:
            self.reaper.start()
        pause = OUTAGE_PAUSE_SECONDS[0]
        try:
            while self.running:
                try:
                    super().run()
                    return
                except DATABASE_UNAVAILABLE as exc:
                    if not self.running:
                        return
                    logger.warning("worker %s: database unavailable (%s); retry in %.2gs", self.worker_id, exc, pause)
                    self.running_task = False
                    drop_broken_connections()
                    time.sleep(pause)
                    pause = min(pause * 2, OUTAGE_PAUSE_SECONDS[1])
        finally:
            if self.reaper is not None:
                self.reaper.stop()


class Command(DbWorkerCommand):
    help = "Run a background worker: db_worker plus the reaper (takes over runs of dead workers) and outage recovery."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--reap-interval",
            type=valid_interval,
            default=None,
            help="Seconds between reaper passes (default: AICMO_REAPER_INTERVAL_SECONDS; 0 turns the reaper off).",
        )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        exclude_queues: str,
        reload: bool,
        batch: bool,
        reap_interval: float | None,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = FleetWorker(
            reap_interval=settings.AICMO_REAPER_INTERVAL_SECONDS if reap_interval is None else reap_interval,
            queue_names=queue_names,
            excluded_queue_names=excluded,
            batch=batch,
            interval=options["interval"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the reloaded child handles signals
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
