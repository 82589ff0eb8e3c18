"""The pure QC engine: runs the rules over drafts, scores them, and decides pass or fail.

Scoring follows Writer, per category: (W/75) / ((W/75) + weighted issues) x 100, averaged over
the categories of the rules applied, with W the draft's word count. Each critical issue then
halves the score, so an asset with one scores below 50, under any sensible threshold, and two
assets with criticals still rank by how bad they are. Any critical issue fails a draft whatever
its score; otherwise the score must reach the threshold (Acrolinx gates at 80).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING
from uuid import UUID

from production.domain import Draft, QCIssue, QCResult, Severity
from production.qc.rules import Memo, Rule, RunDrafts, TextField, context_for, ruleset_version, text_fields, word_count
from production.qc.rules.base import around, quote, registered

if TYPE_CHECKING:
    from onboarding.domain import Brief

SEVERITY_WEIGHTS: Mapping[Severity, float] = MappingProxyType(
    {Severity.CRITICAL: 2.0, Severity.MAJOR: 1.0, Severity.MINOR: 0.5}
)
WORDS_PER_UNIT = 75
# Each critical issue multiplies the score by this: one puts any asset below 50.
CRITICAL_FACTOR = 0.5
# Result ids derive from the draft and the evaluation time: the same inputs give the same id.
QC_RESULT_NAMESPACE = uuid.UUID("6f1d1c52-3a8e-5c0e-9b8f-7f1f0f3c9a41")

RUN_PASSED = "QC passed for all {total} drafts."
RUN_FAILED = "QC failed for {failing} of {total} drafts. {details}"
DRAFT_FAILED = "{key} (score {score:g}, threshold {threshold}): {issues}."
NO_LISTED_ISSUES = "score below the threshold"
# A failing draft lists this many issues in the run summary; the QC report has them all.
LISTED_ISSUES = 5
MORE_ISSUES = "and {count} more"


@dataclass(frozen=True)
class RunQC:
    """The QC verdict on every draft of a run."""

    results: tuple[QCResult, ...]
    # draft id -> Draft.key, so messages name drafts the way operators see them.
    keys: Mapping[UUID, str] = field(default_factory=dict)
    # draft id -> {field name: text}, so the summary can quote the words at fault.
    texts: Mapping[UUID, Mapping[str, str]] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failing(self) -> tuple[QCResult, ...]:
        return tuple(r for r in self.results if not r.passed)

    def key_for(self, draft_id: UUID) -> str:
        return self.keys.get(draft_id, str(draft_id))

    def summary(self, severities: Iterable[Severity] = (Severity.CRITICAL,)) -> str:
        """Each failing draft with its issues of `severities`: the rule, the words at fault as
        written, the field and the words around them ("terms.banned 'luxury' in body ('...Pure
        luxury, every night.')"), readable without opening the database."""
        if self.passed:
            return RUN_PASSED.format(total=len(self.results))
        wanted = set(severities)
        details = []
        for result in self.failing:
            listed = [i for i in result.issues if i.severity in wanted]
            texts = self.texts.get(result.draft_id, {})
            described = [describe(i, texts.get(i.field)) for i in listed[:LISTED_ISSUES]]
            if len(listed) > LISTED_ISSUES:
                described.append(MORE_ISSUES.format(count=len(listed) - LISTED_ISSUES))
            details.append(
                DRAFT_FAILED.format(
                    key=self.key_for(result.draft_id),
                    score=result.score,
                    threshold=result.threshold,
                    issues="; ".join(described) or NO_LISTED_ISSUES,
                )
            )
        return RUN_FAILED.format(failing=len(details), total=len(self.results), details=" ".join(details))


def describe(issue: QCIssue, text: str | None = None) -> str:
    """An issue in a line: "terms.banned 'luxury' in body ('...Pure luxury, every night.')" when the
    field's text is at hand, else the rule, the field and the message."""
    if text is not None and 0 <= issue.start < issue.end <= len(text):
        words = text[issue.start : issue.end]
        described = f"{issue.rule_id} {quote(words)} in {issue.field}"
        context = around(text, issue.start, issue.end)
        return f"{described} ({quote(context)})" if context.strip(".") != words.strip() else described
    return f"{issue.rule_id} in {issue.field}: {issue.message.rstrip('.')}"


def score(issues: Sequence[QCIssue], applied: Sequence[Rule], words: int) -> float:
    """Writer's length-normalised score averaged over the categories of the `applied` rules (100
    when nothing was found), halved for each critical issue."""
    category_of = {r.id: r.category for r in applied}
    categories = sorted(set(category_of.values()))
    if not categories:
        return 100.0
    units = max(words, 1) / WORDS_PER_UNIT
    per_category = []
    for category in categories:
        weighted = sum(SEVERITY_WEIGHTS[i.severity] for i in issues if category_of.get(i.rule_id) == category)
        per_category.append(100.0 * units / (units + weighted))
    criticals = sum(i.severity is Severity.CRITICAL for i in issues)
    return round(sum(per_category) / len(per_category) * CRITICAL_FACTOR**criticals, 1)


def _reading_order(fields: Sequence[str]) -> Mapping[str, int]:
    return {name: position for position, name in enumerate(fields)}


@lru_cache(maxsize=32)
def brief_facts(brief: Brief) -> Memo:
    """What the rules derive from a brief, shared by every draft of a run (and by later runs of the
    same brief): compiled once per brief, not once per draft."""
    return Memo(brief)


def evaluate_draft(
    draft: Draft,
    brief: Brief,
    *,
    threshold: int,
    now: datetime,
    siblings: Sequence[Draft] = (),
    texts: tuple[TextField, ...] | None = None,
    run: Memo | None = None,
    notes: Sequence[str] = (),
) -> QCResult:
    """Check one draft against every rule that fits it; `siblings` (the run's drafts) enable run-level rules.

    `texts` (the draft's text fields) and `run` (what the run-level rules derived from the run) may
    be handed in when already worked out for the run; they are derived from the drafts, so the
    result is the same. `notes` are planning notes beyond the brief's (the strategy's tactics)
    that public copy must not show.
    """
    if run is None and siblings:
        members = [draft if s.id == draft.id else s for s in siblings]
        if all(s.id != draft.id for s in siblings):
            members.append(draft)
        run = Memo(RunDrafts.of(members))
    texts = text_fields(draft) if texts is None else texts
    ctx = context_for(draft, brief, facts=brief_facts(brief), run=run, texts=texts, notes=notes)
    applied: list[Rule] = []
    issues: list[QCIssue] = []
    passed_rules = 0
    for rule in registered():
        if not rule.fits(draft) or (rule.run_level and run is None):
            continue
        found = rule.check(rule, ctx)
        if found is None:
            continue
        applied.append(rule)
        passed_rules += not found
        issues.extend(found)
    order = _reading_order([t.name for t in texts])
    issues.sort(key=lambda i: (order.get(i.field, len(order)), i.field, i.start, i.end, i.rule_id, i.message))
    version = ruleset_version()
    value = score(issues, applied, word_count(texts))
    return QCResult(
        id=uuid.uuid5(QC_RESULT_NAMESPACE, f"{draft.id}|{version}|{now.isoformat()}"),
        draft_id=draft.id,
        run_id=draft.run_id,
        score=value,
        passed=value >= threshold and not any(i.severity is Severity.CRITICAL for i in issues),
        rules_applied=len(applied),
        rules_passed=passed_rules,
        ruleset_version=version,
        threshold=threshold,
        evaluated_at=now,
        issues=tuple(issues),
    )


def evaluate_run(
    drafts: Sequence[Draft], brief: Brief, *, threshold: int, now: datetime, notes: Sequence[str] = ()
) -> RunQC:
    """Evaluate every draft of one run (in the given order), each against the others for run-level rules."""
    drafts = tuple(drafts)
    # Each draft's texts once per run; the run-level rules derive what they compare once per run too.
    members = RunDrafts.of(drafts)
    run = Memo(members)
    results = tuple(
        evaluate_draft(d, brief, threshold=threshold, now=now, texts=members.texts[d.id], run=run, notes=notes)
        for d in drafts
    )
    return RunQC(
        results=results,
        keys=MappingProxyType({d.id: d.key for d in drafts}),
        texts=MappingProxyType({d.id: {t.name: t.text for t in members.texts[d.id]} for d in drafts}),
    )
