"""Reacts to decisions taken in other contexts: an approved strategy resumes its waiting runs and
ends the runs still waiting on the versions it superseded; a rejected one sends its waiting runs
to compensation. Each goes through the Tasks API (the reaper catches any signal that was lost)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from config import registry
from orchestration import services
from strategy.signals import strategy_decided


@receiver(strategy_decided, dispatch_uid="orchestration.resume_on_strategy_decision")
def resume_runs_waiting_on(sender: Any, *, strategy: Any, decision: str, **kwargs: Any) -> None:
    runs = registry.repository("orchestration.runs")
    if decision == "approved":
        # Approving a version supersedes the brief's older ones: their waiting runs end too.
        waiting = services.runs_waiting_for_brief(brief_id=strategy.brief_id, runs=runs)
    else:
        waiting = services.runs_waiting_for_strategy(strategy_id=strategy.id, runs=runs)
    for run in waiting:
        services.run_enqueue(run_id=run.id)
