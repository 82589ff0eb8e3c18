"""Repetition within a run: near-duplicate drafts on one channel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kernel import channels
from production.domain import Draft, QCIssue, Severity
from production.qc.rules.base import Context, Rule, RunDrafts, TextField, issue, load_data, register, text_fields

_DATA = load_data("duplicates")
SHINGLE_SIZE = int(_DATA["shingle_size"])
DUPLICATE_JACCARD = float(_DATA["duplicate_jaccard"])


def shingles(draft: Draft, texts: Sequence[TextField] | None = None) -> frozenset[tuple[str, ...]]:
    """The draft's word shingles (`texts`: its text fields, when already read)."""
    texts = text_fields(draft) if texts is None else texts
    words = [w.casefold() for f in texts if f.is_copy for w in channels.WORD.findall(f.text)]
    if len(words) < SHINGLE_SIZE:
        return frozenset({tuple(words)}) if words else frozenset()
    return frozenset(tuple(words[i : i + SHINGLE_SIZE]) for i in range(len(words) - SHINGLE_SIZE + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def run_shingles(run: RunDrafts) -> Mapping[Any, frozenset[tuple[str, ...]]]:
    return {d.id: shingles(d, run.texts[d.id]) for d in run.drafts}


def run_near_duplicates(run: RunDrafts) -> Mapping[Any, list[tuple[str, float]]]:
    """For each draft id, the drafts of its channel it nearly duplicates, as (key, similarity)."""
    shingled = run_shingles(run)
    found: dict[Any, list[tuple[str, float]]] = {d.id: [] for d in run.drafts}
    ordered = sorted(run.drafts, key=lambda d: (d.key, str(d.id)))
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second.channel != first.channel:
                continue
            similarity = jaccard(shingled[first.id], shingled[second.id])
            if similarity >= DUPLICATE_JACCARD:
                found[first.id].append((second.key, similarity))
                found[second.id].append((first.key, similarity))
    return found


@register(
    "duplicate", Severity.MAJOR, "originality", "Not a near-duplicate of another draft in the run.", run_level=True
)
def check_duplicates(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    """Near-duplicates among the run's drafts for the same channel (cross-posting to another
    channel is a normal practice; the same post twice on one channel is not)."""
    if ctx.run is None:
        return None
    twins = ctx.run.get(run_near_duplicates).get(ctx.draft.id, [])
    return [
        issue(
            rule,
            "body",
            0,
            len(ctx.draft.body or ""),
            f"Near-duplicate of {key} ({similarity:.0%} of its phrases are shared).",
            "Rewrite it with another angle, proof point or hook.",
        )
        for key, similarity in sorted(twins)
    ]
