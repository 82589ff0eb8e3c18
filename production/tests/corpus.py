"""The briefs the writer is judged on: every shipped example plus fixture briefs that differ sharply
(a regulated credit card, a developer tool, a boutique hotel, a sleep app, a design conference),
each written once per test process."""

from __future__ import annotations

import uuid
from functools import lru_cache
from pathlib import Path

from production.generators import TemplateGenerator
from production.repositories import InMemoryDraftRepository
from production.services import drafts_produce
from tests.factories import example_brief, example_brief_paths, make_strategy

FIXTURE_BRIEFS = Path(__file__).resolve().parent / "briefs"


def brief_paths() -> list[Path]:
    return [*example_brief_paths(), *sorted(FIXTURE_BRIEFS.glob("*.json"))]


def produce(brief, strategy=None, run_id: uuid.UUID | None = None):
    strategy = strategy or make_strategy(brief)
    drafts = drafts_produce(
        run_id=run_id or uuid.uuid4(),
        brief=brief,
        strategy=strategy,
        drafts=InMemoryDraftRepository(),
        generator=TemplateGenerator(),
    )
    return strategy, drafts


@lru_cache(maxsize=1)
def corpus() -> dict[str, tuple]:
    """{brief name: (brief, strategy, drafts)} for every brief above."""
    out = {}
    for path in brief_paths():
        brief = example_brief(path)
        strategy, drafts = produce(brief)
        out[path.stem] = (brief, strategy, drafts)
    return out
