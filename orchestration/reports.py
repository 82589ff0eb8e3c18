"""A run as its users read it: status, references, the step timeline and where the package is."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from config import registry
from delivery import services as delivery
from orchestration.domain import StepKind, StepRecord, WorkflowRun


def step_summary(step: StepRecord) -> dict[str, Any]:
    return {
        "seq": step.seq,
        "name": step.name,
        "kind": step.kind.value,
        "status": step.status.value,
        "attempt": step.attempt,
        "started_at": step.started_at.isoformat(),
        "finished_at": step.finished_at.isoformat() if step.finished_at else None,
        "duration_ms": round(step.duration_ms, 3) if step.duration_ms is not None else None,
        "output": step.output,
        "error": _error(step.error),
    }


def _error(error) -> dict[str, str] | None:
    return {"step": error.step, "type": error.type, "message": error.message} if error else None


def strategy_version(steps: list[StepRecord]) -> int | None:
    for step in steps:
        if step.name == "generate_strategy" and step.kind == StepKind.FORWARD and step.output.get("version"):
            return int(step.output["version"])
    return None


def package_path(run: WorkflowRun) -> str | None:
    """The zip's filesystem path while the run's package exists (None once compensated)."""
    package = delivery.package_for_run(run_id=run.id, packages=registry.repository("delivery.packages"))
    if package is None:
        return None
    return delivery.package_zip_filesystem_path(package)


def run_report(run: WorkflowRun, steps: list[StepRecord]) -> dict[str, Any]:
    return {
        "id": str(run.id),
        "status": run.status.value,
        "definition": run.definition,
        "definition_version": run.definition_version,
        "brief_id": _str(run.brief_id),
        "strategy_id": _str(run.strategy_id),
        "strategy_version": strategy_version(steps),
        "package_id": _str(run.package_id),
        "package": package_path(run),
        "options": run.options,
        "current_step": run.current_step,
        "created_at": run.created_at.isoformat(),
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "error": _error(run.error),
        "steps": [step_summary(s) for s in steps],
    }


def _str(value: UUID | None) -> str | None:
    return str(value) if value else None
