"""The briefs the benchmarks run, derived from examples/briefs: 1, 3 and 7 channels."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "briefs"

# channels -> (example file, {"channels": [...], "deliverables": [...]} to keep, or None for the example as is).
# Cutting channels cuts the scope's deliverables with them, or the package would (rightly) report a scope gap.
VARIANTS: dict[int, tuple[str, dict[str, list[str]] | None]] = {
    1: ("local-bakery.json", {"channels": ["instagram"], "deliverables": ["Instagram posts"]}),
    3: ("local-bakery.json", None),
    7: ("all-channels.json", None),
}


@cache
def _example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def brief(channels: int) -> dict[str, Any]:
    """A fresh copy of the intake with `channels` channels (1: local-bakery cut to Instagram, scope too)."""
    name, kept = VARIANTS[channels]
    intake = copy.deepcopy(_example(name))
    if kept is not None:
        intake["channels"] = kept["channels"]
        intake["scope"]["deliverables"] = kept["deliverables"]
    if len(intake["channels"]) != channels:
        raise ValueError(f"{name} has {len(intake['channels'])} channels, expected {channels}")
    return intake
