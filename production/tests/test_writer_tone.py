"""A strategy's revised tone ("more formal", "more casual", from a rejection) reaches the copy."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from kernel import clock
from production.qc.engine import evaluate_run
from production.qc.rules import SEAM_RULES
from production.tests.corpus import produce
from production.writer.voice import Voice, revised
from tests.factories import EXAMPLE_BRIEFS_DIR, example_brief, example_brief_paths, make_strategy

CONTRACTION = re.compile(
    r"\b\w+(?:n['’]t|['’]re|['’]ll|['’]ve|['’]d|['’]m)\b|\b(?:it|that|there|here|let|what|who)['’]s\b", re.IGNORECASE
)


@pytest.mark.parametrize(
    ("register", "tone", "expected", "uncontracted"),
    [
        ("warm", "more formal", "plain", True),
        ("plain", "more formal", "formal", True),
        ("formal", "more formal", "formal", True),
        ("plain", "more casual", "warm", False),
        ("warm", "more casual", "playful", False),
        ("playful", "more casual", "playful", False),
        ("formal", "more casual", "plain", False),
        ("warm", "", "warm", False),
    ],
)
def test_a_revised_tone_moves_the_register_one_step(register, tone, expected, uncontracted):
    """playful < warm < plain < formal; a step up also drops contractions; the brand's flags stay."""
    voice = revised(Voice(register=register, flags=frozenset({"british"})), tone)
    assert voice.register == expected
    assert voice.uncontracted == uncontracted
    assert "british" in voice.flags


def _copy(name: str, tone: str) -> list[str]:
    brief = example_brief(EXAMPLE_BRIEFS_DIR / f"{name}.json")
    strategy = dataclasses.replace(make_strategy(brief), tone=tone)
    _, drafts = produce(brief, strategy)
    return [f"{d.title}\n{d.body}\n{json.dumps(d.fields, ensure_ascii=False)}" for d in drafts]


def _contractions(texts: list[str]) -> int:
    return sum(len(CONTRACTION.findall(t)) for t in texts)


@pytest.mark.parametrize("name", ["local-bakery", "b2b-saas-launch", "nonprofit-appeal"])
def test_more_formal_rewrites_the_copy_without_contractions(name):
    """Asked for more formal, most assets read differently and our wording drops its contractions
    (what is left is the brief's own words, quoted as given)."""
    own, formal = _copy(name, ""), _copy(name, "more formal")
    assert sum(a != b for a, b in zip(own, formal, strict=True)) > len(own) // 2
    assert _contractions(formal) * 5 < _contractions(own)


def test_more_casual_loosens_a_formal_brand():
    """The formal finance brand, asked for more casual, writes plainer copy with contractions."""
    own, casual = _copy("regulated-finance", ""), _copy("regulated-finance", "more casual")
    assert all(a != b for a, b in zip(own, casual, strict=True))
    assert _contractions(casual) > 5 * max(_contractions(own), 1)


@pytest.mark.parametrize("tone", ["more formal", "more casual"])
def test_copy_in_a_revised_tone_still_passes_qc(tone):
    """Every example's assets, written more formally or more casually, pass QC with no seam finding."""
    for path in example_brief_paths():
        brief = example_brief(path)
        strategy = dataclasses.replace(make_strategy(brief), tone=tone)
        _, drafts = produce(brief, strategy)
        notes = [t for plan in strategy.channel_plans for t in plan.tactics]
        run = evaluate_run(drafts, brief, threshold=80, now=clock.now(), notes=notes)
        assert run.passed, (path.stem, run.summary())
        seams = [(r.draft_id, i.rule_id) for r in run.results for i in r.issues if i.rule_id in SEAM_RULES]
        assert seams == [], (path.stem, seams)
