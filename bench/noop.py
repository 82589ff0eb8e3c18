"""A workflow of seven steps that do nothing: what the saga engine itself costs per run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orchestration.saga import SagaDefinition, Step, StepContext

NOOP = "bench_noop"
NOOP_STEPS = 7


def nothing(ctx: StepContext) -> dict[str, Any]:
    return {}


def undo_nothing(ctx: StepContext, output: Mapping[str, Any]) -> dict[str, Any]:
    return {}


NOOP_SAGA = SagaDefinition(
    name=NOOP,
    version=1,
    steps=tuple(Step(f"noop_{n}", nothing, undo_nothing) for n in range(1, NOOP_STEPS + 1)),
)
