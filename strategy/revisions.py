"""Revision requests: the structured changes a reviewer asks for when rejecting a strategy version.

Three parts, all pure:

* `make_request` turns loose input (an API body, a CLI flag, an admin form) into a RevisionRequest
  with canonical values ("LinkedIn" -> "linkedin", "2" -> "pillar-2", "Leads" -> "leads");
* `request_errors` checks requests against the version they reject and names the field of each
  problem (`requests[0].channel`): an unknown channel, a channel not in the plan, a pillar that does
  not exist, dropping the last channel, a KPI metric no rule can derive;
* `parse_notes` reads plain phrases in review notes ("shift budget to LinkedIn", "lead with pillar
  2", "more formal", "add KPI leads") as requests where they are unambiguous; the rest of the notes
  stays free text, recorded but not applied by the rule-based planner.

`revise` applies requests to a plan being built (strategy.rules calls it) and says, per request and
in words a client reads, what each one changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from kernel.channels import CHANNELS, channel_for
from kernel.channels import label as channel_label
from strategy.domain import KPI, Pillar, RevisionKind, RevisionRequest, Strategy

TOWARDS, AWAY = "towards", "away"
MORE_FORMAL, MORE_CASUAL = "more_formal", "more_casual"
BUDGET_DIRECTIONS = (TOWARDS, AWAY)
TONE_DIRECTIONS = (MORE_FORMAL, MORE_CASUAL)
# Strategy.tone as the copy reads it, from the net of the tone requests.
TONE_LABELS = {MORE_FORMAL: "more formal", MORE_CASUAL: "more casual"}

# A shift towards a channel multiplies its budget weight by 1.5; away divides it by 1.5, so a
# shift towards and a shift away cancel out. Shares are then split again over the paid channels.
SHIFT_FACTOR = Fraction(3, 2)

# What each kind needs besides its kind.
NEEDS = {
    RevisionKind.SHIFT_BUDGET: ("channel", "direction"),
    RevisionKind.DROP_CHANNEL: ("channel",),
    RevisionKind.ADD_CHANNEL: ("channel",),
    RevisionKind.LEAD_WITH_PILLAR: ("pillar",),
    RevisionKind.TONE: ("direction",),
    RevisionKind.ADD_KPI: ("metric",),
    RevisionKind.REMOVE_KPI: ("metric",),
}

UNKNOWN_CHANNEL = "unknown channel {value!r}; use one of: " + ", ".join(CHANNELS)
NO_PLAN_RULE = "{label} has no plan rule; channels that can be planned: {known}"
NOT_IN_PLAN = "{label} is not in this version's plan (it has {channels})"
ALREADY_IN_PLAN = "{label} is already in this version's plan"
LAST_CHANNEL = "{label} is the only channel left; a plan needs at least one"
NOTHING_TO_SHIFT = "{label} is the only channel in the plan; there is no other channel to shift budget from"
BAD_DIRECTION = "{value!r} is not a direction for {kind}; use one of: {choices}"
NO_SUCH_PILLAR = "{value!r} is not a pillar of this version; its pillars are {pillars}"
NO_PILLARS = "this version has no message pillars to lead with"
ALREADY_LEADS = "{pillar} already leads this version"
NO_KPI_RULE = "no KPI rule for {value!r}; metrics that can be added: {metrics}"
ALREADY_A_KPI = "{value!r} is already a KPI of this version"
NOT_A_KPI = "{value!r} is not a KPI of this version; its KPIs are {metrics}"
LAST_KPI = "{value!r} is the only KPI left; a plan needs at least one"
REQUIRED = "{field} is required for {kind}"


def known_metrics() -> dict[str, str]:
    """Every KPI metric a rule can derive, by the spellings a reviewer may use (alias -> metric)."""
    from strategy.kpis import GOAL_METRICS, UNIT_METRICS  # rules imports this module; import on use

    names: dict[str, str] = {}
    for metrics in GOAL_METRICS.values():
        for metric in metrics:
            names[metric] = metric
    for alias, metric in UNIT_METRICS:
        if re.fullmatch(r"[a-z][a-z -]+", alias):
            names.setdefault(alias, metric)
    return names


def plannable_channels() -> tuple[str, ...]:
    from strategy.rules import CADENCES

    return tuple(c for c in CHANNELS if c in CADENCES)


def metric_for(text: str) -> str | None:
    return known_metrics().get(" ".join(text.casefold().replace("_", " ").split()))


def pillar_key(text: str) -> str:
    """ "2", "pillar 2", "Pillar-2" -> "pillar-2"; anything else as given (then refused by the checks)."""
    match = re.fullmatch(r"(?:pillar)?[\s_#-]*(\d+)", text.strip(), re.IGNORECASE)
    return f"pillar-{int(match.group(1))}" if match else text.strip()


def pillar_label(key: str) -> str:
    match = re.fullmatch(r"pillar-(\d+)", key)
    return f"Pillar {match.group(1)}" if match else key


def make_request(
    kind: str | RevisionKind, *, channel: str = "", direction: str = "", pillar: str = "", metric: str = ""
) -> RevisionRequest:
    """A request with canonical values; unknown values are kept as given so `request_errors` can name them."""
    kind = RevisionKind(kind)
    needs = NEEDS[kind]
    channel = channel.strip()
    direction = direction.strip().lower().replace("-", "_").replace(" ", "_")
    if direction == "toward":
        direction = TOWARDS
    return RevisionRequest(
        kind=kind,
        channel=(channel_for(channel) or channel) if "channel" in needs else "",
        direction=direction if "direction" in needs else "",
        pillar=pillar_key(pillar) if "pillar" in needs else "",
        metric=(metric_for(metric) or " ".join(metric.split())) if "metric" in needs else "",
    )


# --- checks -----------------------------------------------------------------------------------


def request_errors(requests: Sequence[RevisionRequest], strategy: Strategy) -> dict[str, list[str]]:
    """Every problem of `requests` (applied in order) against the version they reject, by field path."""
    errors: dict[str, list[str]] = {}
    channels = [p.channel for p in strategy.channel_plans]
    metrics = [k.metric for k in strategy.kpis]
    for index, request in enumerate(requests):
        for name, message in _problems(request, strategy, channels, metrics):
            errors.setdefault(f"requests[{index}].{name}", []).append(message)
    return errors


def _problems(
    request: RevisionRequest, strategy: Strategy, channels: list[str], metrics: list[str]
) -> list[tuple[str, str]]:
    kind = request.kind
    missing = [name for name in NEEDS[kind] if not getattr(request, name).strip()]
    if missing:
        return [(name, REQUIRED.format(field=name, kind=kind.value)) for name in missing]
    if kind in (RevisionKind.SHIFT_BUDGET, RevisionKind.DROP_CHANNEL, RevisionKind.ADD_CHANNEL):
        problem = _channel_problem(request, channels)
        if problem:
            return [problem]
    if kind == RevisionKind.SHIFT_BUDGET:
        if request.direction not in BUDGET_DIRECTIONS:
            return [("direction", _bad_direction(request, BUDGET_DIRECTIONS))]
        if len(channels) < 2:
            return [("channel", NOTHING_TO_SHIFT.format(label=channel_label(request.channel)))]
    elif kind == RevisionKind.DROP_CHANNEL:
        channels.remove(request.channel)
    elif kind == RevisionKind.ADD_CHANNEL:
        channels.append(request.channel)
    elif kind == RevisionKind.TONE:
        if request.direction not in TONE_DIRECTIONS:
            return [("direction", _bad_direction(request, TONE_DIRECTIONS))]
    elif kind == RevisionKind.LEAD_WITH_PILLAR:
        keys = [p.key for p in strategy.pillars]
        if not keys:
            return [("pillar", NO_PILLARS)]
        if request.pillar not in keys:
            return [("pillar", NO_SUCH_PILLAR.format(value=request.pillar, pillars=", ".join(keys)))]
        if keys[0] == request.pillar:
            return [("pillar", ALREADY_LEADS.format(pillar=pillar_label(request.pillar)))]
    elif kind == RevisionKind.ADD_KPI:
        known = sorted(set(known_metrics().values()))
        if request.metric not in known:
            return [("metric", NO_KPI_RULE.format(value=request.metric, metrics=", ".join(known)))]
        if request.metric in metrics:
            return [("metric", ALREADY_A_KPI.format(value=request.metric))]
        metrics.append(request.metric)
    elif kind == RevisionKind.REMOVE_KPI:
        if request.metric not in metrics:
            return [("metric", NOT_A_KPI.format(value=request.metric, metrics=", ".join(metrics) or "none"))]
        if len(set(metrics)) == 1:
            return [("metric", LAST_KPI.format(value=request.metric))]
        metrics[:] = [m for m in metrics if m != request.metric]
    return []


def _channel_problem(request: RevisionRequest, channels: list[str]) -> tuple[str, str] | None:
    channel = request.channel
    if channel not in CHANNELS:
        return ("channel", UNKNOWN_CHANNEL.format(value=channel))
    label = channel_label(channel)
    if request.kind == RevisionKind.ADD_CHANNEL:
        if channel not in plannable_channels():
            return ("channel", NO_PLAN_RULE.format(label=label, known=", ".join(plannable_channels())))
        if channel in channels:
            return ("channel", ALREADY_IN_PLAN.format(label=label))
        return None
    if channel not in channels:
        listed = ", ".join(channel_label(c) for c in channels) or "no channel"
        return ("channel", NOT_IN_PLAN.format(label=label, channels=listed))
    if request.kind == RevisionKind.DROP_CHANNEL and len(channels) == 1:
        return ("channel", LAST_CHANNEL.format(label=label))
    return None


def _bad_direction(request: RevisionRequest, choices: Sequence[str]) -> str:
    return BAD_DIRECTION.format(value=request.direction, kind=request.kind.value, choices=", ".join(choices))


# --- reading notes ----------------------------------------------------------------------------

_CLAUSES = re.compile(r"[,;\n]+|\.(?:\s+|$)|!|\?")
_FILLER = re.compile(r"^(?:(?:please|and|also|then|but|so|i'd like to|we'd like to|let's|lets)\s+)+|\s+please$")
_BUDGET = r"(?:budget|spend)"
_TO = r"(?:to|towards?|into|onto|on|for|in)"
_MONEY = r"(?:the\s+|our\s+|some\s+|more\s+)?(?:media\s+)?(?:budget|spend|spending|money)"
_PATTERNS: tuple[tuple[RevisionKind, str, re.Pattern[str]], ...] = tuple(
    (kind, direction, re.compile(pattern))
    for kind, direction, pattern in (
        (RevisionKind.ADD_KPI, "", r"^add\s+(?:a\s+|the\s+|an\s+)?kpis?\s+(?:for\s+|on\s+|of\s+)?(?P<m>.+)$"),
        (RevisionKind.ADD_KPI, "", r"^add\s+(?:a\s+|the\s+|an\s+)?(?P<m>.+?)\s+kpis?$"),
        (RevisionKind.REMOVE_KPI, "", r"^(?:remove|drop)\s+(?:the\s+)?kpis?\s+(?:for\s+|on\s+|of\s+)?(?P<m>.+)$"),
        (RevisionKind.REMOVE_KPI, "", r"^(?:remove|drop)\s+(?:the\s+)?(?P<m>.+?)\s+kpis?$"),
        (RevisionKind.SHIFT_BUDGET, AWAY, rf"^(?:shift|move|take|pull)\s+{_MONEY}\s+(?:away\s+)?from\s+(?P<c>.+)$"),
        (RevisionKind.SHIFT_BUDGET, AWAY, rf"^less\s+(?:budget|spend|money)\s+{_TO}\s+(?P<c>.+)$"),
        (RevisionKind.SHIFT_BUDGET, AWAY, rf"^(?:cut|reduce|lower|decrease)\s+(?:the\s+)?(?P<c>.+?)\s+{_BUDGET}$"),
        (RevisionKind.SHIFT_BUDGET, AWAY, rf"^(?:cut|reduce|lower|decrease)\s+{_MONEY}\s+{_TO}\s+(?P<c>.+)$"),
        (RevisionKind.SHIFT_BUDGET, TOWARDS, rf"^(?:shift|move|put|give|allocate)\s+{_MONEY}\s+{_TO}\s+(?P<c>.+)$"),
        (RevisionKind.SHIFT_BUDGET, TOWARDS, rf"^more\s+(?:budget|spend|money)\s+{_TO}\s+(?P<c>.+)$"),
        (RevisionKind.SHIFT_BUDGET, TOWARDS, rf"^(?:increase|raise|boost)\s+(?:the\s+)?(?P<c>.+?)\s+{_BUDGET}$"),
        (RevisionKind.SHIFT_BUDGET, TOWARDS, rf"^(?:increase|raise|boost)\s+{_MONEY}\s+{_TO}\s+(?P<c>.+)$"),
        (RevisionKind.DROP_CHANNEL, "", r"^(?:drop|remove|stop)\s+(?:using\s+|the\s+)?(?P<c>.+?)(?:\s+channel)?$"),
        (RevisionKind.ADD_CHANNEL, "", r"^add\s+(?:the\s+|a\s+)?(?P<c>.+?)(?:\s+channel)?$"),
        (RevisionKind.LEAD_WITH_PILLAR, "", r"^(?:lead|open|start)\s+with\s+(?:the\s+)?(?P<p>.+)$"),
        (RevisionKind.LEAD_WITH_PILLAR, "", r"^(?:put\s+)?(?P<p>pillar\s*#?\d+)\s+first$"),
        (
            RevisionKind.TONE,
            MORE_FORMAL,
            r"^(?:(?:make\s+it|make\s+the\s+tone|the\s+tone\s+should\s+be|be|a\s+bit|slightly|much)\s+)*"
            r"(?:more\s+(?:formal|professional|serious)|less\s+(?:casual|informal|chatty))(?:\s+tone)?(?:\s+please)?$",
        ),
        (
            RevisionKind.TONE,
            MORE_CASUAL,
            r"^(?:(?:make\s+it|make\s+the\s+tone|the\s+tone\s+should\s+be|be|a\s+bit|slightly|much)\s+)*"
            r"(?:more\s+(?:casual|informal|relaxed|conversational)|less\s+(?:formal|stiff|stuffy|corporate))"
            r"(?:\s+tone)?(?:\s+please)?$",
        ),
    )
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
_WORD = re.compile(r"[^\W\d_]{4,}")


@dataclass(frozen=True)
class NoteClause:
    """One clause of review notes, with the request it reads as (None: free text)."""

    text: str
    request: RevisionRequest | None


def parse_notes(notes: str, strategy: Strategy | None = None) -> list[NoteClause]:
    """The notes clause by clause (split at commas, semicolons, full stops and line breaks).

    A clause becomes a request only when one phrase pattern matches it whole and names a channel,
    pillar or metric unambiguously; `strategy` (the version the notes reject) resolves pillars named
    by their words ("lead with the sourdough subscription").
    """
    clauses = []
    for raw in _CLAUSES.split(notes):
        text = " ".join(raw.split()).strip(" -–—:")
        if text:
            clauses.append(NoteClause(text, _read(text, strategy)))
    return clauses


def _read(text: str, strategy: Strategy | None) -> RevisionRequest | None:
    clause = _FILLER.sub("", text.casefold().rstrip(" .")).strip()
    for kind, direction, pattern in _PATTERNS:
        match = pattern.match(clause)
        if not match:
            continue
        groups = match.groupdict()
        if "c" in groups:
            channel = _channel_in(groups["c"])
            if channel is None:
                continue
            return make_request(kind, channel=channel, direction=direction)
        if "m" in groups:
            metric = metric_for(re.sub(r"^(?:the|a|an)\s+", "", groups["m"]))
            if metric is None:
                continue
            return make_request(kind, metric=metric)
        if "p" in groups:
            pillar = _pillar_in(groups["p"], strategy)
            if pillar is None:
                continue
            return make_request(kind, pillar=pillar)
        return make_request(kind, direction=direction)
    return None


def _channel_in(text: str) -> str | None:
    """The channel the words name: all of them, or the first three, two or one ("LinkedIn ads" -> linkedin)."""
    words = re.sub(r"^(?:the|our)\s+", "", text).split()
    for size in (len(words), 3, 2, 1):
        if 0 < size <= len(words):
            channel = channel_for(" ".join(words[:size]))
            if channel is not None and (size == len(words) or words[size] in ("ads", "posts", "channel", "please")):
                return channel
    return None


def _pillar_in(text: str, strategy: Strategy | None) -> str | None:
    match = re.fullmatch(r"pillar\s*(?:#|no\.?\s*|number\s+)?(\d+)", text.strip())
    if match:
        return f"pillar-{int(match.group(1))}"
    match = re.fullmatch(r"(first|second|third|fourth|fifth)\s+pillar", text.strip())
    if match:
        return f"pillar-{_ORDINALS[match.group(1)]}"
    if strategy is None or not strategy.pillars:
        return None
    words = _words(text)
    if not words:
        return None
    scored = sorted(((len(words & _words(f"{p.name} {p.message}")), p.key) for p in strategy.pillars), reverse=True)
    best, key = scored[0]
    unique = len(scored) == 1 or scored[1][0] < best
    return key if best >= max(1, (len(words) + 1) // 2) and unique else None


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def requests_from_notes(notes: str, strategy: Strategy, given: Sequence[RevisionRequest] = ()) -> list[RevisionRequest]:
    """The requests `notes` read as that are valid after `given` and not among them, in order."""
    taken = list(given)
    for clause in parse_notes(notes, strategy):
        if clause.request is None or clause.request in taken:
            continue
        if not request_errors([*taken, clause.request], strategy):
            taken.append(clause.request)
    return taken[len(given) :]


def free_text(notes: str, strategy: Strategy) -> list[str]:
    """The clauses of a rejected version's notes that no stored request came from: recorded, not applied."""
    return [c.text for c in parse_notes(notes, strategy) if c.request not in strategy.revision_requests]


# --- applying ---------------------------------------------------------------------------------


@dataclass
class Revision:
    """What the requests make of a plan: its channels, budget weight factors, pillar order, tone and
    KPIs, and one client-readable line per applied request (`changes`) or per request that could not
    be applied to this plan (`not_applied`)."""

    channels: list[str]
    factors: dict[str, Fraction] = field(default_factory=dict)
    pillars: tuple[Pillar, ...] = ()
    tone: str = ""
    changes: list[str] = field(default_factory=list)
    not_applied: list[str] = field(default_factory=list)


def revise_plan(
    requests: Sequence[RevisionRequest],
    *,
    channels: Sequence[str],
    pillars: Sequence[Pillar],
    shares: Callable[[Sequence[str], Mapping[str, Fraction]], Mapping[str, Decimal]],
) -> Revision:
    """Apply the channel, budget, pillar and tone requests in order (KPI requests: `revise_kpis`)."""
    revision = Revision(channels=list(channels), pillars=tuple(pillars))
    level = 0  # tone: +1 more formal, -1 more casual, net of every tone request
    for request in requests:
        kind = request.kind
        label = channel_label(request.channel)
        if kind == RevisionKind.SHIFT_BUDGET:
            if request.channel not in revision.channels:
                revision.not_applied.append(f"Budget shift {_towards(request)} {label}: {label} is not in this plan.")
                continue
            before = shares(revision.channels, revision.factors).get(request.channel, Decimal(0))
            factor = SHIFT_FACTOR if request.direction == TOWARDS else 1 / SHIFT_FACTOR
            revision.factors[request.channel] = revision.factors.get(request.channel, Fraction(1)) * factor
            after = shares(revision.channels, revision.factors).get(request.channel, Decimal(0))
            if after == before:
                revision.not_applied.append(
                    f"Budget shift {_towards(request)} {label}: its share stays {_pct(after)} "
                    "(it takes no share of the media budget in this plan)."
                )
                continue
            revision.changes.append(f"Budget shifted {_towards(request)} {label}: {_pct(before)} -> {_pct(after)}")
        elif kind == RevisionKind.DROP_CHANNEL:
            if request.channel not in revision.channels or len(revision.channels) == 1:
                revision.not_applied.append(f"Dropping {label}: it is not in this plan, or it is the only channel.")
                continue
            before = shares(revision.channels, revision.factors).get(request.channel, Decimal(0))
            revision.channels.remove(request.channel)
            revision.changes.append(
                f"{label} dropped from the plan (its {_pct(before)} of the budget goes to the other channels)"
                if before > 0
                else f"{label} dropped from the plan (it took no media budget)"
            )
        elif kind == RevisionKind.ADD_CHANNEL:
            if request.channel in revision.channels or request.channel not in plannable_channels():
                revision.not_applied.append(f"Adding {label}: it is already in this plan or cannot be planned.")
                continue
            revision.channels.append(request.channel)
            after = shares(revision.channels, revision.factors).get(request.channel, Decimal(0))
            revision.changes.append(
                f"{label} added to the plan ({_pct(after)} of the budget)"
                if after > 0
                else f"{label} added to the plan (production effort; it takes no media budget)"
            )
        elif kind == RevisionKind.LEAD_WITH_PILLAR:
            lead = next((p for p in revision.pillars if p.key == request.pillar), None)
            if lead is None:
                revision.not_applied.append(f"Leading with {pillar_label(request.pillar)}: no such pillar here.")
                continue
            revision.pillars = (lead, *(p for p in revision.pillars if p.key != lead.key))
            revision.changes.append(f'{pillar_label(lead.key)} ("{lead.name}") now leads')
        elif kind == RevisionKind.TONE:
            level = max(-1, min(1, level + (1 if request.direction == MORE_FORMAL else -1)))
            revision.tone = {1: TONE_LABELS[MORE_FORMAL], -1: TONE_LABELS[MORE_CASUAL]}.get(level, "")
            revision.changes.append(f"Tone: {revision.tone}" if revision.tone else "Tone: back to the brand's own")
    return revision


def revise_kpis(
    requests: Sequence[RevisionRequest], kpis: Sequence[KPI], derive: Callable[[str], KPI | None]
) -> tuple[tuple[KPI, ...], list[str], list[str]]:
    """Apply the KPI requests in order: (the KPIs, the change lines, the lines of requests not applied)."""
    result = list(kpis)
    changes: list[str] = []
    not_applied: list[str] = []
    for request in requests:
        if request.kind == RevisionKind.ADD_KPI:
            kpi = derive(request.metric) if all(k.metric != request.metric for k in result) else None
            if kpi is None:
                not_applied.append(f"KPI {request.metric}: already set, or the brief gives no basis for a target.")
                continue
            result.append(kpi)
            changes.append(f"KPI added: {kpi.metric}, target {_number(kpi.target)} {kpi.unit}".rstrip())
        elif request.kind == RevisionKind.REMOVE_KPI:
            kept = [k for k in result if k.metric != request.metric]
            if len(kept) == len(result) or not kept:
                not_applied.append(f"Removing KPI {request.metric}: it is not a KPI of this plan, or the only one.")
                continue
            result = kept
            changes.append(f"KPI removed: {request.metric}")
    return tuple(result), changes, not_applied


def _towards(request: RevisionRequest) -> str:
    return "towards" if request.direction == TOWARDS else "away from"


def _pct(share: Decimal) -> str:
    return f"{_number(share)}%"


def _number(value: Decimal) -> str:
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def describe(request: RevisionRequest) -> str:
    """A request in words, for the admin and the CLI ("shift budget towards LinkedIn")."""
    kind, label = request.kind, channel_label(request.channel)
    if kind == RevisionKind.SHIFT_BUDGET:
        return f"shift budget {_towards(request)} {label}"
    if kind == RevisionKind.DROP_CHANNEL:
        return f"drop {label}"
    if kind == RevisionKind.ADD_CHANNEL:
        return f"add {label}"
    if kind == RevisionKind.LEAD_WITH_PILLAR:
        return f"lead with {pillar_label(request.pillar)}"
    if kind == RevisionKind.TONE:
        return f"tone {TONE_LABELS.get(request.direction, request.direction)}"
    return f"{'add' if kind == RevisionKind.ADD_KPI else 'remove'} KPI {request.metric}"


def dedupe(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if i.strip()))
