"""Reacts to decisions taken in other contexts: an approved strategy resumes its waiting runs,
a rejected one sends them to compensation. Both go through the Tasks API."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from config import registry
from orchestration import services
from strategy.signals import strategy_decided


@receiver(strategy_decided, dispatch_uid="orchestration.resume_on_strategy_decision")
def resume_runs_waiting_on(sender: Any, *, strategy: Any, decision: str, **kwargs: Any) -> None:
    runs = registry.repository("orchestration.runs")
    for run in services.runs_waiting_for_strategy(strategy_id=strategy.id, runs=runs):
        services.run_enqueue(run_id=run.id)
