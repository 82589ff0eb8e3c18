"""Small workflows for exercising the saga engine on its own, driven entirely by the run's input.

Each step appends to the run's ledger (a list kept per run id) so tests can see what ran.
"""

from __future__ import annotations

from collections import defaultdict

from kernel.errors import PermanentStepError, TransientStepError
from orchestration.saga import SagaDefinition, Step, WaitForInput

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
