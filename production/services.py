"""Production use cases: write a run's drafts for every planned channel, read them, discard them."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from kernel.errors import NotFound
from kernel.heartbeat import NO_HEARTBEAT, Heartbeat
from production.domain import Draft, QCResult
from production.writer.core import WritingLog

if TYPE_CHECKING:
    from onboarding.domain import Brief
    from production.generators import ContentGenerator
    from production.repositories import DraftRepository, QCResultRepository
    from strategy.domain import Strategy

DRAFT_NOT_FOUND = "Draft {draft_id} does not exist."


class DraftNotFound(NotFound):
    pass


def drafts_produce(
    *,
    run_id: UUID,
    brief: Brief,
    strategy: Strategy,
    drafts: DraftRepository,
    generator: ContentGenerator,
    heartbeat: Heartbeat = NO_HEARTBEAT,
) -> list[Draft]:
    """Write every asset the strategy's calendar plans, fixes applied, and store them.

    Idempotent for a retried step: drafts are keyed by (run, channel, asset type, slot), so a
    second run replaces the first's content under the same ids. Call it outside a transaction: an
    LLM generator waits on the network for each asset, and `heartbeat` is called before each one.
    Nothing is stored until every asset is written.
    """
    plans = {plan.channel: plan for plan in strategy.channel_plans}
    # One log per run: no sentence is written twice and no two assets of a channel open alike.
    log = WritingLog()
    produced = []
    for asset in strategy.calendar:
        heartbeat()
        produced.append(
            generator.generate(
                brief=brief,
                plan=plans[asset.channel],
                slot=asset.slot,
                asset_type=asset.asset_type,
                scheduled_at=asset.scheduled_at,
                run_id=run_id,
                strategy_id=strategy.id,
                pillar=strategy.pillar(asset.pillar),
                occasion=asset.occasion,
                log=log,
                tone=strategy.tone,
            )
        )
    drafts.save_many(produced)
    return drafts.list_for_run(run_id)


def drafts_for_run(
    *,
    run_id: UUID,
    drafts: DraftRepository,
    channel: str | None = None,
    passed: bool | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Draft]:
    """The run's drafts in calendar order (scheduled time, channel, slot), optionally one channel and
    only those whose QC passed (True) or failed (False); `limit` of them from `offset` (the store
    reads only those), all without a limit."""
    return drafts.list_for_run(run_id, channel=channel, passed=passed, limit=limit, offset=offset)


def drafts_count_for_run(
    *, run_id: UUID, drafts: DraftRepository, channel: str | None = None, passed: bool | None = None
) -> int:
    """How many drafts `drafts_for_run` with the same filters gives without a limit."""
    return drafts.count_for_run(run_id, channel=channel, passed=passed)


def qc_results_for_drafts(*, draft_ids: list[UUID], qc_results: QCResultRepository) -> list[QCResult]:
    """The QC results of these drafts (a page of a list), in their order."""
    return qc_results.list_for_drafts(draft_ids)


def draft_get(*, draft_id: UUID, drafts: DraftRepository) -> Draft:
    draft = drafts.get(draft_id)
    if draft is None:
        raise DraftNotFound(DRAFT_NOT_FOUND.format(draft_id=draft_id))
    return draft


def drafts_discard(*, run_id: UUID, drafts: DraftRepository, qc_results: QCResultRepository) -> int:
    """Delete the run's QC results, then its drafts (the produce step's compensation); idempotent.

    Returns how many drafts were deleted (0 when there were none).
    """
    qc_results.delete_for_run(run_id)
    return drafts.delete_for_run(run_id)


# QC use cases live beside the rule engine; they are part of this context's public surface.
from production.qc.service import (  # noqa: E402
    QCFailed,
    qc_check_run,
    qc_discard_run,
    qc_evaluate_draft,
    qc_require_pass,
    qc_result_for_draft,
    qc_results_for_run,
)

__all__ = [
    "DraftNotFound",
    "QCFailed",
    "draft_get",
    "drafts_count_for_run",
    "drafts_discard",
    "drafts_for_run",
    "drafts_produce",
    "qc_check_run",
    "qc_discard_run",
    "qc_evaluate_draft",
    "qc_require_pass",
    "qc_result_for_draft",
    "qc_results_for_drafts",
    "qc_results_for_run",
]
