"""Background execution of runs through Django's Tasks API (django-tasks-db's db_worker by default)."""

from __future__ import annotations

from uuid import UUID

from django_tasks import task

from orchestration import services


@task()
def execute_run(run_id: str) -> str:
    """Drive one run as far as it goes; returns its status. Safe to run twice: the claim decides."""
    return services.run_execute(run_id=UUID(run_id)).status.value
