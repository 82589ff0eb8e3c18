"""The client-to-delivery workflow: each step and its compensation, composed from the contexts' services.

Steps are plain functions of a StepContext; they reach other contexts only through their
services and resolve repositories from the registry (this module is the composition root).
Every compensation undoes exactly what its run created, using ids the step recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from config import registry
from delivery import services as delivery
from kernel.errors import PermanentStepError
from onboarding import services as onboarding
from orchestration.saga import SagaDefinition, Step, StepContext, WaitForInput
from production import services as production
from strategy import services as strategy

CLIENT_DELIVERY = "client_delivery"
AUTO_APPROVER = "aicmo (approval not required by this run)"

STRATEGY_REJECTED = "strategy version {version} was rejected by {by}: {notes}"


class StrategyRejected(PermanentStepError):
    code = "strategy_rejected"


def _briefs():
    return registry.repository("onboarding.briefs")


def _strategies():
    return registry.repository("strategy.documents")


def _drafts():
    return registry.repository("production.drafts")


def _qc():
    return registry.repository("production.qc")


def _packages():
    return registry.repository("delivery.packages")


def _brief(ctx: StepContext):
    return onboarding.brief_get(brief_id=UUID(ctx.output_of("normalize_brief")["brief_id"]), briefs=_briefs())


def _strategy(ctx: StepContext):
    return strategy.strategy_get(
        strategy_id=UUID(ctx.output_of("generate_strategy")["strategy_id"]), strategies=_strategies()
    )


# -- 1. normalize the brief -------------------------------------------------------------------


def normalize_brief(ctx: StepContext) -> dict[str, Any]:
    if ctx.input.get("brief_id"):
        brief = onboarding.brief_get(brief_id=UUID(ctx.input["brief_id"]), briefs=_briefs())
        return {"brief_id": str(brief.id), "created": False, "fingerprint": brief.fingerprint}
    received = onboarding.brief_receive(
        raw=ctx.input["intake"],
        source=ctx.input.get("source", "run"),
        briefs=_briefs(),
        new=bool(ctx.options.get("new_brief")),
        languages=registry.generator_languages(),
    )
    brief = received.brief
    return {
        "brief_id": str(brief.id),
        "intake_id": str(brief.intake_id),
        "created": received.created,
        "fingerprint": brief.fingerprint,
        "warnings": [{"path": w.path, "message": w.message} for w in received.warnings],
    }


def discard_brief(ctx: StepContext, output: Mapping[str, Any]) -> dict[str, Any]:
    if not output.get("created"):
        return {"kept": "the brief existed before this run"}
    brief_id = UUID(output["brief_id"])
    kept_versions = strategy.strategy_list_versions(brief_id=brief_id, strategies=_strategies())
    if kept_versions:
        # A rejected version is the review record whose notes feed the next version; its brief stays with it.
        return {"kept": f"{len(kept_versions)} strategy version(s) still refer to this brief"}
    return {"deleted": onboarding.brief_discard(brief_id=brief_id, briefs=_briefs())}


# -- 2. generate the strategy -----------------------------------------------------------------


def generate_strategy(ctx: StepContext) -> dict[str, Any]:
    made = strategy.strategy_generate(brief=_brief(ctx), strategies=_strategies(), run_id=ctx.run_id)
    return {"strategy_id": str(made.id), "version": made.version}


def discard_strategy(ctx: StepContext, output: Mapping[str, Any]) -> dict[str, Any]:
    outcome = strategy.strategy_discard(strategy_id=UUID(output["strategy_id"]), strategies=_strategies())
    return {"strategy_id": output["strategy_id"], "outcome": outcome}


# -- 3. approval gate ----------------------------------------------------------------------------


def await_approval(ctx: StepContext) -> dict[str, Any]:
    if not ctx.options.get("require_approval"):
        # strategy_approve reads the version itself (and fails the same way when it is gone).
        strategy_id = UUID(ctx.output_of("generate_strategy")["strategy_id"])
        approved = strategy.strategy_approve(strategy_id=strategy_id, by=AUTO_APPROVER, strategies=_strategies())
        return {"strategy_id": str(approved.id), "approved_by": approved.decided_by, "auto": True}
    current = _strategy(ctx)
    if current.status == "approved":
        return {"strategy_id": str(current.id), "approved_by": current.decided_by, "auto": False}
    if current.status == "rejected":
        raise StrategyRejected(
            STRATEGY_REJECTED.format(version=current.version, by=current.decided_by, notes=current.decision_notes)
        )
    if current.status == "superseded":
        raise StrategyRejected(f"strategy version {current.version} was superseded before it was approved")
    raise WaitForInput("strategy approval", strategy_id=str(current.id), version=current.version)


def revoke_approval(ctx: StepContext, output: Mapping[str, Any]) -> dict[str, Any]:
    outcome = strategy.strategy_revoke_approval(strategy_id=UUID(output["strategy_id"]), strategies=_strategies())
    return {"strategy_id": output["strategy_id"], "outcome": outcome}


# -- 4. content ------------------------------------------------------------------------------------


def produce_drafts(ctx: StepContext) -> dict[str, Any]:
    made = production.drafts_produce(
        run_id=ctx.run_id, brief=_brief(ctx), strategy=_strategy(ctx), drafts=_drafts(), generator=registry.generator()
    )
    return {"drafts": len(made), "draft_ids": [str(d.id) for d in made]}


def discard_drafts(ctx: StepContext, output: Mapping[str, Any]) -> dict[str, Any]:
    return {"deleted": production.drafts_discard(run_id=ctx.run_id, drafts=_drafts(), qc_results=_qc())}


# -- 5. quality control ------------------------------------------------------------------------


def check_quality(ctx: StepContext) -> dict[str, Any]:
    run_qc = production.qc_check_run(
        run_id=ctx.run_id, brief=_brief(ctx), drafts=_drafts(), qc_results=_qc(), strategy=_strategy(ctx)
    )
    production.qc_require_pass(run_qc)
    scores = [r.score for r in run_qc.results]
    return {"passed": True, "assets": len(scores), "lowest_score": min(scores) if scores else None}


def discard_quality_results(ctx: StepContext, output: Mapping[str, Any]) -> dict[str, Any]:
    return {"deleted": production.qc_discard_run(run_id=ctx.run_id, qc_results=_qc())}


# -- 6. package ------------------------------------------------------------------------------------


def build_package(ctx: StepContext) -> dict[str, Any]:
    package = delivery.package_build(
        run_id=ctx.run_id,
        brief=_brief(ctx),
        strategy=_strategy(ctx),
        drafts=production.drafts_for_run(run_id=ctx.run_id, drafts=_drafts()),
        qc_results=production.qc_results_for_run(run_id=ctx.run_id, qc_results=_qc()),
        packages=_packages(),
    )
    return {
        "package_id": str(package.id),
        "zip": package.zip_path,
        "path": delivery.package_zip_filesystem_path(package),
        "files": len(package.artifacts),
        "sha256": package.zip_sha256,
    }


def discard_package(ctx: StepContext, output: Mapping[str, Any]) -> dict[str, Any]:
    return {"deleted": delivery.package_discard(run_id=ctx.run_id, packages=_packages())}


# -- 7. handover -----------------------------------------------------------------------------------


def hand_over(ctx: StepContext) -> dict[str, Any]:
    package = delivery.package_handover(
        package_id=UUID(ctx.output_of("build_package")["package_id"]), brief=_brief(ctx), packages=_packages()
    )
    return {
        "package_id": str(package.id),
        "email": package.notified_email,
        "webhook_status": package.webhook_status,
        "delivered_at": package.delivered_at.isoformat() if package.delivered_at else None,
    }


def revoke_handover(ctx: StepContext, output: Mapping[str, Any]) -> dict[str, Any]:
    package = delivery.package_revoke_handover(package_id=UUID(output["package_id"]), packages=_packages())
    return {"revoked": package is not None}


CLIENT_DELIVERY_WORKFLOW = SagaDefinition(
    name=CLIENT_DELIVERY,
    version=1,
    steps=(
        Step("normalize_brief", normalize_brief, discard_brief),
        Step("generate_strategy", generate_strategy, discard_strategy),
        Step("await_approval", await_approval, revoke_approval),
        Step("produce_drafts", produce_drafts, discard_drafts),
        Step("check_quality", check_quality, discard_quality_results),
        # Files are written outside the database transaction (a retry overwrites them: they are
        # named by run), so the database is not held while the package is written.
        Step("build_package", build_package, discard_package, transactional=False),
        Step("hand_over", hand_over, revoke_handover, transactional=False),
    ),
)
