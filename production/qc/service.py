"""QC use cases: check a run's drafts and store the results, re-check one draft, read and discard results."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.conf import settings

from kernel import clock
from kernel.errors import NotFound, PermanentStepError
from production.domain import QCResult, Severity
from production.qc.engine import RunQC, evaluate_draft, evaluate_run

if TYPE_CHECKING:
    from onboarding.domain import Brief
    from production.repositories import DraftRepository, QCResultRepository
    from strategy.domain import Strategy

DRAFT_NOT_FOUND = "Draft {draft_id} does not exist."
# Failing a run names critical and major issues: the ones an operator has to fix first.
BLOCKING_SEVERITIES = (Severity.CRITICAL, Severity.MAJOR)


class QCFailed(PermanentStepError):
    """A run's drafts did not pass QC; `run_qc` holds every result."""

    code = "qc_failed"

    def __init__(self, run_qc: RunQC) -> None:
        super().__init__(run_qc.summary(BLOCKING_SEVERITIES))
        self.run_qc = run_qc


def _threshold(threshold: int | None) -> int:
    return settings.AICMO_QC_THRESHOLD if threshold is None else threshold


def planning_notes(strategy: Strategy | None) -> tuple[str, ...]:
    """What the strategy says for the people doing the work (its tactics): never public copy."""
    if strategy is None:
        return ()
    return tuple(tactic for plan in strategy.channel_plans for tactic in plan.tactics)


def qc_check_run(
    *,
    run_id: UUID,
    brief: Brief,
    drafts: DraftRepository,
    qc_results: QCResultRepository,
    threshold: int | None = None,
    strategy: Strategy | None = None,
) -> RunQC:
    """Evaluate every draft of the run and store the results, replacing earlier ones.

    With the run's `strategy`, its tactics count as planning notes that no draft may publish."""
    run_drafts = drafts.list_for_run(run_id)
    run_qc = evaluate_run(
        run_drafts, brief, threshold=_threshold(threshold), now=clock.now(), notes=planning_notes(strategy)
    )
    stored = qc_results.save_many(run_qc.results)
    return RunQC(results=tuple(stored), keys=run_qc.keys, texts=run_qc.texts)


def qc_require_pass(run_qc: RunQC) -> RunQC:
    """Raise QCFailed (naming each failing draft and its blocking issues) unless the run passed."""
    if not run_qc.passed:
        raise QCFailed(run_qc)
    return run_qc


def qc_evaluate_draft(
    *,
    draft_id: UUID,
    brief: Brief,
    drafts: DraftRepository,
    qc_results: QCResultRepository,
    threshold: int | None = None,
) -> QCResult:
    """Re-evaluate one draft (against its run for duplicates) and replace its stored result."""
    draft = drafts.get(draft_id)
    if draft is None:
        raise NotFound(DRAFT_NOT_FOUND.format(draft_id=draft_id))
    result = evaluate_draft(
        draft,
        brief,
        threshold=_threshold(threshold),
        now=clock.now(),
        siblings=drafts.list_for_run(draft.run_id),
    )
    [stored] = qc_results.save_many([result])
    return stored


def qc_results_for_run(*, run_id: UUID, qc_results: QCResultRepository) -> list[QCResult]:
    """The run's stored results, in the order of its drafts."""
    return qc_results.list_for_run(run_id)


def qc_result_for_draft(*, draft_id: UUID, qc_results: QCResultRepository) -> QCResult | None:
    """The draft's latest result, or None when it has not been checked."""
    return qc_results.get_for_draft(draft_id)


def qc_discard_run(*, run_id: UUID, qc_results: QCResultRepository) -> int:
    """Delete the run's results (the QC step's compensation); how many went. Safe to repeat."""
    return qc_results.delete_for_run(run_id)
