"""Background execution of runs through Django's Tasks API (django-tasks-db's queue by default).

`execute_run` drives one run; if the database goes away meanwhile (a restart, a failover) it
waits for it and carries on with the same claim instead of failing the task. `fail_lost_tasks`
is the reaper's half for django-tasks-db: a task row left RUNNING by a worker that died is
marked failed (its run is queued again by the reaper through a new task).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from uuid import UUID

from django.conf import settings
from django_tasks import task, task_backends

from kernel import clock
from kernel.uow import DATABASE_UNAVAILABLE, drop_broken_connections
from orchestration import services
from orchestration.saga import default_worker_id

logger = logging.getLogger(__name__)

# How long a task waits for the database to come back before it gives up (its run is then taken over
# by the reaper once the database is back and the claim has expired).
DATABASE_WAIT_SECONDS = 60.0
WORKER_LOST = "The worker running this task stopped (its claim on run {run_id} expired); the run was queued again."


class WorkerLost(Exception):
    """Recorded on a task row whose worker died while running it."""


@task()
def execute_run(run_id: str) -> str:
    """Drive one run as far as it goes; returns its status. Safe to run twice: the claim decides."""
    worker = default_worker_id()
    give_up: float | None = None
    pause = 0.25
    while True:
        try:
            return services.run_execute(run_id=UUID(run_id), worker=worker).status.value
        except DATABASE_UNAVAILABLE as exc:
            give_up = give_up or time.monotonic() + DATABASE_WAIT_SECONDS
            if time.monotonic() + pause > give_up:
                raise
            # The claim is ours for a lease: once the database is back, the same worker id goes on
            # from the first unfinished step (a step cut off half-way is redone; none was recorded).
            logger.warning("run %s: database unavailable (%s); retrying in %.2gs", run_id, exc, pause)
            drop_broken_connections()
            time.sleep(pause)
            pause = min(pause * 2, 5.0)


def uses_database_queue() -> bool:
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task_backends[execute_run.backend], DatabaseBackend)


def queued_run_ids() -> set[str] | None:
    """Ids of the runs that have an `execute_run` task waiting or running in the database queue; None when
    the queue is another backend's (then a run cannot be known to be queued, and the reaper assumes not)."""
    if not uses_database_queue():
        return None
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING], task_path=execute_run.module_path
    ).values_list("args_kwargs", flat=True)
    return {str((row.get("args") or [None])[0]) for row in rows}


def fail_lost_tasks(*, runs, now: dt.datetime | None = None) -> int:
    """Mark failed the `execute_run` task rows left RUNNING by dead workers; how many were.

    A row counts as lost once it has run longer than a lease while its run is not held by a live
    claim: a live worker renews its claim while it works, and a run it gave back is finished with.
    """
    if not uses_database_queue():
        return 0
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or clock.now()
    lease = dt.timedelta(seconds=settings.AICMO_LEASE_SECONDS)
    rows = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, task_path=execute_run.module_path, started_at__lte=now - lease
    ).only("id", "args_kwargs")
    failed = 0
    for row in rows:
        run_id = (row.args_kwargs.get("args") or [None])[0]
        try:
            run = services.run_get(run_id=UUID(str(run_id)), runs=runs)
        except (ValueError, services.RunNotFound):
            run = None
        if run is not None and run.claimed_by and run.lease_expires_at and run.lease_expires_at > now:
            continue  # someone holds the run now; its old row is settled once the run is let go
        error = WorkerLost(WORKER_LOST.format(run_id=run_id))
        failed += DBTaskResult.objects.filter(id=row.id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback="".join(traceback.format_exception_only(error)),
        )
    return failed
