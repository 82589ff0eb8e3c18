"""The client-to-delivery workflow: each step and its compensation, composed from the contexts' services.

Steps are plain functions of a StepContext; they reach other contexts only through their
services and resolve repositories from the registry (this module is the composition root).
Every compensation undoes exactly what its run created, using ids the step recorded or the run's id.

Steps that wait on the outside world (the LLM, the storage, the client's webhook and mail server)
run outside any transaction and pass `ctx.heartbeat` down, so the run's claim is kept while they
work and a cancel stops them at a safe point. The hand-over is two steps, one per side effect,
each recorded once: a retried e-mail never posts the webhook again. When one of them fails for
good the run is held in `delivery_failed` with its package, for an operator to retry or cancel.
A dry run (`options["dry_run"]`, what `run_workflow --persistence memory` asks for) builds
everything but tells nobody.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django.conf import settings

from config import registry
from delivery import services as delivery
from kernel.errors import PermanentStepError
from kernel.vocabulary import AUTO_APPROVER
from onboarding import services as onboarding
from orchestration.saga import OnFailure, SagaDefinition, Step, StepContext, WaitForInput
from production import services as production
from strategy import services as strategy

CLIENT_DELIVERY = "client_delivery"

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


def _webhook_endpoints():
    return registry.repository("delivery.webhook_endpoints")


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
            STRATEGY_REJECTED.format(
                version=current.version, by=current.decided_by, notes=strategy.revision_summary(current)
            )
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
        run_id=ctx.run_id,
        brief=_brief(ctx),
        strategy=_strategy(ctx),
        drafts=_drafts(),
        generator=registry.generator(),
        heartbeat=ctx.heartbeat,
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
        heartbeat=ctx.heartbeat,
    )
    return {
        "package_id": str(package.id),
        "zip": package.zip_path,
        "path": delivery.package_zip_filesystem_path(package),
        "files": len(package.artifacts),
        "sha256": package.zip_sha256,
    }


def discard_package(ctx: StepContext, output: Mapping[str, Any]) -> dict[str, Any]:
    # Also undoes a build that failed half-way (its output is empty then): everything is found by run.
    if delivery.package_kept_for_client(run_id=ctx.run_id, packages=_packages()):
        return {"kept": "the client was already told about this package, so it stays downloadable"}
    return {"deleted": delivery.package_discard(run_id=ctx.run_id, packages=_packages())}


# -- 7. hand-over: one step per side effect ------------------------------------------------------


def _package_id(ctx: StepContext) -> UUID:
    return UUID(ctx.output_of("build_package")["package_id"])


def notify_webhook(ctx: StepContext) -> dict[str, Any]:
    url = _brief(ctx).delivery.webhook_url.strip()
    if not url:
        return {"skipped": "the brief names no webhook"}
    if ctx.options.get("dry_run"):
        return {"skipped": f"dry run: nothing was posted to {url}"}
    package = delivery.package_notify_webhook(
        package_id=_package_id(ctx),
        brief=_brief(ctx),
        packages=_packages(),
        endpoints=_webhook_endpoints(),
        heartbeat=ctx.heartbeat,
    )
    return {"package_id": str(package.id), "url": package.webhook_url, "status": package.webhook_status}


def email_client(ctx: StepContext) -> dict[str, Any]:
    brief = _brief(ctx)
    if ctx.options.get("dry_run"):
        address = brief.delivery.email.strip() or brief.client.contact_email.strip()
        return {"skipped": f"dry run: nothing was sent to {address or 'anyone'}"}
    package = delivery.package_send_email(
        package_id=_package_id(ctx), brief=brief, packages=_packages(), heartbeat=ctx.heartbeat
    )
    return {
        "package_id": str(package.id),
        "email": package.notified_email,
        "delivered_at": package.delivered_at.isoformat() if package.delivered_at else None,
    }


CLIENT_DELIVERY_WORKFLOW = SagaDefinition(
    name=CLIENT_DELIVERY,
    # 2: the hand-over became two steps (notify_webhook, email_client); drafts outside a transaction.
    version=2,
    steps=(
        Step("normalize_brief", normalize_brief, discard_brief),
        Step("generate_strategy", generate_strategy, discard_strategy),
        Step("await_approval", await_approval, revoke_approval),
        # Outside a transaction: an LLM writer waits on the network for each asset (the database
        # stays free meanwhile, and each LLM call's ledger row is kept whatever happens next).
        Step("produce_drafts", produce_drafts, discard_drafts, transactional=False),
        Step("check_quality", check_quality, discard_quality_results),
        # Files are written outside the database transaction (a retry overwrites them: they are
        # named by run), so the database is not held while the package is written.
        Step("build_package", build_package, discard_package, transactional=False),
        # Nothing can be taken back from the client: no compensation; a failure holds the run.
        Step(
            "notify_webhook",
            notify_webhook,
            transactional=False,
            attempts=lambda: settings.AICMO_WEBHOOK_ATTEMPTS,
            on_failure=OnFailure.HOLD,
        ),
        Step(
            "email_client",
            email_client,
            transactional=False,
            attempts=lambda: settings.AICMO_EMAIL_ATTEMPTS,
            on_failure=OnFailure.HOLD,
        ),
    ),
)
