"""Small workflows for exercising the saga engine on its own, driven entirely by the run's input.

Each step appends to the run's ledger (a list kept per run id) so tests can see what ran.
"""

from __future__ import annotations

from collections import defaultdict

from kernel.errors import PermanentStepError, TransientStepError
from orchestration.saga import OnFailure, SagaDefinition, Step, WaitForInput

LEDGER: dict[str, list[str]] = defaultdict(list)
GATES: set[str] = set()


def _step(name: str):
    def action(ctx):
        rid = str(ctx.run_id)
        if ctx.input.get("permanent_at") == name:
            raise PermanentStepError(f"{name} cannot go on: the input forbids it")
        if ctx.input.get("transient_at") == name and ctx.attempt <= int(ctx.input.get("transient_times", 1)):
            raise TransientStepError(f"{name} timed out (attempt {ctx.attempt})")
        if ctx.input.get("wait_at") == name and rid not in GATES:
            raise WaitForInput("gate", gate=rid)
        LEDGER[rid].append(name)
        return {"did": name, "attempt": ctx.attempt}

    def compensate(ctx, output):
        rid = str(ctx.run_id)
        failing = ctx.input.get("compensation_fails_at")
        if failing == name and ctx.attempt <= int(ctx.input.get("compensation_fail_times", 99)):
            raise RuntimeError(f"cannot undo {name}")
        LEDGER[rid].append(f"undo {name}")
        return {"undid": output["did"]}

    return Step(name, action, compensate)


LETTERS = SagaDefinition(name="letters", version=3, steps=tuple(_step(c) for c in "abcde"))


# -- a workflow for step policies: heartbeats, cancels, time budgets, held failures -------------------

INTRUDER = "intruder-worker"


def _runs():
    from config import registry

    return registry.repository("orchestration.runs")


def _working(name: str):
    """A step doing what `ctx.input["work"][name]` says, in this order: ask to cancel the run, take
    short naps calling the heartbeat after each, sleep without one, block in `heartbeat.during`, let
    an intruder try to claim the run, fail (transiently the first times, or for good)."""

    def action(ctx):
        import datetime as dt
        import time

        from kernel import clock

        rid = str(ctx.run_id)
        plan = ctx.input.get("work", {}).get(name, {})
        LEDGER[rid].append(f"{name} started")
        if plan.get("cancel"):
            _runs().request_cancel(ctx.run_id, now=clock.now())
        for _ in range(int(plan.get("beats", 0))):
            time.sleep(float(plan.get("beat_every", 0.1)))
            ctx.heartbeat()
        time.sleep(float(plan.get("sleep", 0)))
        if plan.get("during"):
            ctx.heartbeat.during(time.sleep, float(plan["during"]))
        if plan.get("probe"):
            taken = _runs().claim(ctx.run_id, worker=INTRUDER, now=clock.now(), lease=dt.timedelta(seconds=60))
            LEDGER[rid].append(f"intruder {'took' if taken else 'was refused'} {name}")
            if plan.get("beat_after_probe"):
                ctx.heartbeat()
        if ctx.attempt <= int(plan.get("fail_times", 0)):
            raise TransientStepError(f"{name} failed (attempt {ctx.attempt})")
        if plan.get("fail"):
            raise PermanentStepError(f"{name} cannot go on")
        LEDGER[rid].append(name)
        return {"did": name}

    def compensate(ctx, output):
        LEDGER[str(ctx.run_id)].append(f"undo {name}")
        return {"undid": name}

    return action, compensate


def _policy_step(name: str, **policy):
    action, compensate = _working(name)
    return Step(name, action, None if policy.pop("no_compensation", False) else compensate, **policy)


POLICIES = SagaDefinition(
    name="policies",
    version=1,
    steps=(
        _policy_step("a"),
        _policy_step("b", transactional=False),
        _policy_step("c", transactional=False, attempts=2, backoff_seconds=0, timeout_seconds=0.5),
        _policy_step(
            "d", transactional=False, attempts=3, backoff_seconds=0, on_failure=OnFailure.HOLD, no_compensation=True
        ),
    ),
)
