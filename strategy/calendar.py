"""The asset calendar: which assets each channel plan commits to, when each is published, and its pillar.

The rule (tables in `strategy/data/calendar.yaml`):

* Active days run from `timeline.launch` (the start when there is none) to `timeline.end`.
  The count per channel is what the cadence asks for over those days (posts x days for a daily
  cadence, ceil(posts x days / 7) for a weekly one), capped by the channel's production cap; a
  capped plan says so in a sentence (`ChannelPlan.cap_note`) and `assets_planned` is the count.
* Every key date inside the active days gets an asset on each channel that fits (social and
  e-mail), written for it (`occasion`) and scheduled on that day; the count never drops below
  the number of such key dates.
* A brand hashtag naming a weekday ("#SourdoughSaturday") puts every other one of a hashtag
  channel's remaining assets on that weekday (the one nearest its even-spread day).
* The assets spread evenly from launch to end: slot i of n (from 0) aims at day
  i x (days - 1) / (n - 1) after launch (the first on launch day, the last on the final day; an ad, which runs until the
  next replaces it, at day i x days / n); a key-date asset takes the slot nearest to it, and each
  other slot takes the nearest free day inside the channel's posting window, preferring its best
  weekdays. A channel posts at most once a day (its posts per day for a daily cadence).
* Times are local to the client (`client.timezone`, UTC when none): a quarter hour inside the
  window's hours for that weekday, chosen by a hash of the brief, channel and slot (deterministic).
* An asset after `product.offer_expires` (local date) has `offer` False: it must not promote it.
* Slots number the channel's assets in date order; asset types and pillars rotate by slot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kernel.channels import default_asset_type
from kernel.channels import label as channel_label
from kernel.clock import zone_of
from kernel.grammar import long_date
from strategy.domain import ChannelPlan, Pillar, PlannedAsset, Strategy

DATA_FILE = Path(__file__).with_name("data") / "calendar.yaml"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
QUARTER = 15  # minutes between possible start times
# Days a slot may move from its even-spread target, and what a weekday outside the best costs.
NOT_BEST_PENALTY = 0.75
HASHTAG_DAY_BONUS = 4  # days: more than the farthest a weekday can be from any target


@cache
def calendar_data() -> Mapping[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with DATA_FILE.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


# --- Inputs and windows -----------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarInputs:
    """What the calendar needs from the brief (strategy reads the brief; it never imports onboarding)."""

    start: dt.date
    end: dt.date
    launch: dt.date | None = None
    timezone: str = ""
    product_kind: str = ""
    key_dates: tuple[tuple[dt.date, str], ...] = ()
    offer_expires: dt.date | None = None
    hashtags: tuple[str, ...] = ()
    seed: str = ""
    # The document language, for the dates in the sentences the plan shows the client.
    language: str = "en"

    @property
    def first_day(self) -> dt.date:
        """The first day content goes out: the launch, inside the timeline."""
        launch = self.launch or self.start
        return launch if self.start <= launch <= self.end else self.start

    @property
    def zone(self) -> dt.tzinfo:
        return zone_of(self.timezone)

    @property
    def audience_type(self) -> str:
        data = calendar_data()
        return data["audience_types"].get(self.product_kind, data["default_audience_type"])

    @property
    def hashtag_weekdays(self) -> frozenset[int]:
        """Weekdays (0 = Monday) named by the brand's hashtags ("#MotivationMonday")."""
        days = set()
        for tag in self.hashtags:
            folded = tag.casefold()
            days.update(i for i, name in enumerate(WEEKDAY_NAMES) if name in folded)
        return frozenset(days)


@dataclass(frozen=True)
class Window:
    """When a channel posts: start-hour ranges [from, to) per weekday (0 = Monday), and its best days."""

    hours: Mapping[int, tuple[int, int]]
    best: frozenset[int]

    def hours_on(self, day: dt.date) -> tuple[int, int]:
        """The hours on `day`; a day outside the window (a key date) takes the first rule's hours."""
        return self.hours.get(day.weekday()) or next(iter(self.hours.values()))


@cache
def window_for(channel: str, audience_type: str, extra_days: frozenset[int] = frozenset()) -> Window:
    """The channel's posting window for this audience type; `extra_days` (hashtag weekdays) join it."""
    data = calendar_data()
    rows = data["windows"].get(channel, {})
    row = rows.get(audience_type) or rows.get("default") or data["default_window"]
    hours: dict[int, tuple[int, int]] = {}
    for rule in row["rules"]:
        for day in rule["days"]:
            hours.setdefault(WEEKDAYS.index(day), (int(rule["hours"][0]), int(rule["hours"][1])))
    first = next(iter(hours.values()))
    for day in sorted(extra_days):
        hours.setdefault(day, first)
    return Window(hours=hours, best=frozenset(WEEKDAYS.index(d) for d in row["best"]) | extra_days)


def asset_cap(channel: str) -> int:
    data = calendar_data()
    return int(data["caps"].get(channel, data["default_cap"]))


def by_cadence(plan: ChannelPlan, days: int) -> int:
    """The assets the cadence asks for over `days` active days."""
    if plan.cadence.period == "day":
        return plan.cadence.posts * days
    return math.ceil(plan.cadence.posts * days / 7)


def per_day(plan: ChannelPlan) -> int:
    """How many assets the channel may publish on one day."""
    return max(1, plan.cadence.posts) if plan.cadence.period == "day" else 1


# --- Counts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelCount:
    count: int
    note: str


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _unit(channel: str) -> str:
    return {"email": "e-mail", "blog": "article", "google_ads": "ad"}.get(channel, "post")


def channel_count(plan: ChannelPlan, inputs: CalendarInputs, key_days: int, capacity: int) -> ChannelCount:
    """How many assets the plan commits to, and the sentence that explains why it differs from the
    cadence (empty when it does not): the production cap, one asset per key date, or a posting
    window with fewer free days than the count (`capacity`, the assets the window has room for)."""
    first, end = inputs.first_day, inputs.end
    days = (end - first).days + 1
    asked = by_cadence(plan, days)
    count, reason = max(asked, 1), "at least one"
    if count > asset_cap(plan.channel):
        count, reason = asset_cap(plan.channel), "production cap"
    if key_days > count:
        count, reason = key_days, "one for each key date"
    if capacity and count > capacity:
        count, reason = capacity, "the days its posting window leaves"
    if count == asked:
        return ChannelCount(count, "")
    label, unit = channel_label(plan.channel), _unit(plan.channel)
    if plan.cadence.period == "day":
        span = _plural(days, "day")
    else:
        span = f"{days / 7:.1f}".removesuffix(".0") + (" week" if days == 7 else " weeks")
    return ChannelCount(
        count,
        f"{label}: {_plural(plan.cadence.posts, unit)} a {plan.cadence.period} over {span} "
        f"(from launch on {long_date(first, inputs.language)} to {long_date(end, inputs.language)}) "
        f"would be {asked:,}; this plan produces {count:,} ({reason}), spread over the whole campaign.",
    )


# --- Scheduling -------------------------------------------------------------------------------


def _hash_int(*parts: Any) -> int:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def _key_days(channel: str, inputs: CalendarInputs) -> list[tuple[dt.date, str]]:
    """The key dates inside the active days this channel marks, one per day (labels joined)."""
    if channel not in calendar_data()["key_date_channels"]:
        return []
    labels: dict[dt.date, list[str]] = {}
    for day, label in inputs.key_dates:
        if inputs.first_day <= day <= inputs.end and label.strip() not in labels.get(day, []):
            labels.setdefault(day, []).append(label.strip())
    return [(day, " and ".join(labels[day])) for day in sorted(labels)]


def _days(plan: ChannelPlan, inputs: CalendarInputs, window: Window) -> tuple[list[tuple[dt.date, str]], str]:
    """The publication day (and occasion) of every asset of the plan, in date order, and its cap note."""
    first, end = inputs.first_day, inputs.end
    span = (end - first).days + 1
    allowed = [d for d in (first + dt.timedelta(days=i) for i in range(span)) if d.weekday() in window.hours]
    limit = per_day(plan)
    key_days = _key_days(plan.channel, inputs)
    capacity = len(set(allowed) | {d for d, _ in key_days}) * limit
    counted = channel_count(plan, inputs, len(key_days), capacity)
    count = counted.count
    # Posts reach from launch to the last day; an ad runs until the next replaces it, so ads split
    # the campaign into equal stretches instead (the last one does not go live on the final day).
    if plan.channel in calendar_data()["runs_until_replaced"] or count == 1:
        targets = [i * span / count for i in range(count)]
    else:
        targets = [i * (span - 1) / (count - 1) for i in range(count)]
    used: Counter[dt.date] = Counter()
    chosen: list[tuple[dt.date, str]] = []
    for day, label in key_days[:count]:
        # A key-date asset takes the place of the even slot nearest to it, so the spread stays even.
        targets.remove(min(targets, key=lambda t, d=day: abs((d - first).days - t)))
        chosen.append((day, label))
        used[day] += 1
    hashtag_days = inputs.hashtag_weekdays if plan.channel in calendar_data()["hashtag_channels"] else frozenset()
    for j, target in enumerate(targets):
        free = [d for d in allowed if used[d] < limit]
        if not free:
            break
        # Every other slot of a hashtag channel goes to the hashtag's weekday (one is within 3 days).
        on_hashtag_day = bool(hashtag_days) and j % 2 == 0

        def score(d: dt.date, target: float = target, on_hashtag_day: bool = on_hashtag_day) -> tuple[float, dt.date]:
            cost = abs((d - first).days - target) + (0 if d.weekday() in window.best else NOT_BEST_PENALTY)
            if on_hashtag_day and d.weekday() in hashtag_days:
                cost -= HASHTAG_DAY_BONUS
            return cost, d

        day = min(free, key=score)
        chosen.append((day, ""))
        used[day] += 1
    return sorted(chosen), counted.note


def _time(day: dt.date, hours: tuple[int, int], seed: str, channel: str, slot: int, taken: set[dt.time]) -> dt.time:
    """A quarter hour inside `hours`, by hash, avoiding times this channel already uses that day."""
    quarters = max(1, (hours[1] - hours[0]) * 60 // QUARTER)
    pick = _hash_int(seed, channel, slot) % quarters
    for step in range(quarters):
        minutes = hours[0] * 60 + ((pick + step) % quarters) * QUARTER
        candidate = dt.time(minutes // 60, minutes % 60)
        if candidate not in taken:
            return candidate
    return dt.time(hours[0])


def plan_assets(
    *, plan: ChannelPlan, inputs: CalendarInputs, pillars: Sequence[Pillar] = ()
) -> tuple[list[PlannedAsset], str]:
    """Every asset of one channel plan, in slot order, with its publication time (aware, local), and
    the plan's cap note."""
    window = window_for(
        plan.channel,
        inputs.audience_type,
        inputs.hashtag_weekdays if plan.channel in calendar_data()["hashtag_channels"] else frozenset(),
    )
    asset_types = tuple(plan.asset_types) or (default_asset_type(plan.channel),)
    zone = inputs.zone
    taken: dict[dt.date, set[dt.time]] = {}
    assets = []
    days, note = _days(plan, inputs, window)
    for index, (day, occasion) in enumerate(days):
        slot = index + 1
        at = _time(day, window.hours_on(day), inputs.seed, plan.channel, slot, taken.setdefault(day, set()))
        taken[day].add(at)
        assets.append(
            PlannedAsset(
                channel=plan.channel,
                asset_type=asset_types[index % len(asset_types)],
                slot=slot,
                scheduled_at=dt.datetime.combine(day, at, tzinfo=zone),
                pillar=pillars[index % len(pillars)].key if pillars else "",
                occasion=occasion,
                offer=inputs.offer_expires is None or day <= inputs.offer_expires,
            )
        )
    return assets, note


@dataclass(frozen=True)
class Calendar:
    assets: tuple[PlannedAsset, ...]
    plans: tuple[ChannelPlan, ...]  # the plans with `assets_planned` and `cap_note` filled in


def build_calendar(*, plans: Sequence[ChannelPlan], inputs: CalendarInputs, pillars: Sequence[Pillar] = ()) -> Calendar:
    """Every planned asset of every channel, in calendar order (time, channel, slot), and the plans
    stating how many assets each commits to (and why fewer than the cadence, when capped)."""
    assets: list[PlannedAsset] = []
    counted = []
    for plan in plans:
        mine, note = plan_assets(plan=plan, inputs=inputs, pillars=pillars)
        assets += mine
        counted.append(replace(plan, assets_planned=len(mine), cap_note=note))
    ordered = sorted(assets, key=lambda a: (a.scheduled_at, a.channel, a.slot))
    return Calendar(assets=tuple(ordered), plans=tuple(counted))


# --- Invariants -------------------------------------------------------------------------------


def calendar_violations(strategy: Strategy, *, first_day: dt.date | None = None) -> list[str]:
    """The calendar's rules: each plan's `assets_planned` is what the calendar holds, nothing before
    the first publication day or after the end, and no channel posts on one day more than its cadence
    allows."""
    violations = []
    first = first_day or strategy.timeline_start
    for plan in strategy.channel_plans:
        mine = strategy.planned_for(plan.channel)
        if strategy.calendar and plan.assets_planned != len(mine):
            violations.append(
                f"channel_plans[{plan.channel}].assets_planned: {plan.assets_planned} but the calendar "
                f"holds {len(mine)}"
            )
        per_day_seen = Counter(a.scheduled_at.date() for a in mine)
        busiest = max(per_day_seen.values(), default=0)
        if busiest > per_day(plan):
            allowed = per_day(plan)
            violations.append(f"calendar[{plan.channel}]: {busiest} assets on one day; the cadence allows {allowed}")
    for asset in strategy.calendar:
        day = asset.scheduled_at.date()
        if not first <= day <= strategy.timeline_end:
            violations.append(
                f"calendar[{asset.key}]: {day} is outside the publication days {first} to {strategy.timeline_end}"
            )
    return violations
