"""The asset calendar: which assets each channel plan commits to, when each is published, and its pillar.

The rule (kept small so a run stays quick):

* count per channel = min(cadence over the timeline, channel cap), at least one:
  cadence over the timeline = ceil(cadence.per_week x timeline days / 7);
  caps: 6 for social channels (X, LinkedIn, Instagram, Facebook), 3 for e-mail and blog,
  2 for Google Ads (one responsive search ad per ad group, at most two ad groups), 3 otherwise.
* asset types cycle through the plan's asset types by slot (slot 1 gets the first).
* slot i of n is published on day floor((i - 1) x days / n) of the timeline, so the assets
  spread evenly from the first day; the hour is a whole hour from 09:00 to 16:00 UTC, chosen by
  a hash of the brief, the channel and the slot (deterministic, and channels rarely collide).
* pillars rotate by slot, so each channel carries every pillar in turn.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Sequence
from typing import Any

from kernel.channels import SOCIAL_CHANNELS, default_asset_type
from strategy.domain import ChannelPlan, Pillar, PlannedAsset

ASSET_CAPS = {"email": 3, "blog": 3, "google_ads": 2}
SOCIAL_CAP = 6
DEFAULT_CAP = 3
FIRST_HOUR = 9
LAST_HOUR = 16  # the latest start, so every slot lies within 09:00-17:00


def asset_cap(channel: str) -> int:
    if channel in SOCIAL_CHANNELS:
        return SOCIAL_CAP
    return ASSET_CAPS.get(channel, DEFAULT_CAP)


def asset_count(plan: ChannelPlan, days: int) -> int:
    by_cadence = math.ceil(plan.cadence.per_week * days / 7)
    return max(1, min(by_cadence, asset_cap(plan.channel)))


def plan_assets(
    *, plan: ChannelPlan, start: dt.date, end: dt.date, seed: str, pillars: Sequence[Pillar] = ()
) -> list[PlannedAsset]:
    """Every asset of one channel plan, in slot order, with its publication time (aware, UTC)."""
    days = (end - start).days + 1
    count = asset_count(plan, days)
    asset_types = tuple(plan.asset_types) or (default_asset_type(plan.channel),)
    assets = []
    for index in range(count):
        slot = index + 1
        day = start + dt.timedelta(days=index * days // count)
        hour = FIRST_HOUR + _hash_int(seed, plan.channel, slot) % (LAST_HOUR - FIRST_HOUR + 1)
        assets.append(
            PlannedAsset(
                channel=plan.channel,
                asset_type=asset_types[index % len(asset_types)],
                slot=slot,
                scheduled_at=dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC),
                pillar=pillars[index % len(pillars)].key if pillars else "",
            )
        )
    return assets


def _hash_int(*parts: Any) -> int:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


def build_calendar(
    *, plans: Sequence[ChannelPlan], start: dt.date, end: dt.date, seed: str, pillars: Sequence[Pillar]
) -> tuple[PlannedAsset, ...]:
    """Every planned asset of every channel, in calendar order (time, channel, slot)."""
    assets = [
        asset for plan in plans for asset in plan_assets(plan=plan, start=start, end=end, seed=seed, pillars=pillars)
    ]
    return tuple(sorted(assets, key=lambda a: (a.scheduled_at, a.channel, a.slot)))
