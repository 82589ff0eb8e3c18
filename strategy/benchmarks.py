"""The versioned benchmark table (`data/benchmarks.yaml`): media costs and rates per channel,
currency and segment, and the lookup that picks the most specific row for a brief.

The figures are planning assumptions from published industry reports; every KPI derived from
them records the ids of the rows it used, so a changed row can be traced to the plans it moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache, cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
BENCHMARKS_FILE = DATA_DIR / "benchmarks.yaml"
CHANNEL_ROLES_FILE = DATA_DIR / "channel_roles.yaml"

ANY = "*"
# The fields a row may carry; costs are in the row's currency, rates in per cent.
COST_FIELDS = frozenset({"cpm", "cpc", "average_gift"})
RATE_FIELDS = frozenset(
    {
        "ctr",
        "conversion_rate",
        "open_rate",
        "click_rate",
        "engagement_rate",
        "organic_ctr",
        "retention_rate",
    }
)
COUNT_FIELDS = frozenset({"organic_impressions_per_post", "sessions_per_article", "sessions_per_click", "frequency"})
FIELDS = COST_FIELDS | RATE_FIELDS | COUNT_FIELDS
# The currency whose rows stand in when the brief's currency has none of its own.
PROXY_CURRENCY = "USD"


@dataclass(frozen=True)
class BenchmarkRow:
    id: str
    channel: str
    currency: str
    segment: str
    values: MappingProxyType[str, Decimal]
    source: str
    date: str


@dataclass(frozen=True)
class Benchmark:
    """One figure for a brief: its value, the row it came from, and whether a proxy currency was used."""

    field: str
    value: Decimal
    row: BenchmarkRow
    proxy_currency: bool = False

    @property
    def id(self) -> str:
        return self.row.id


@dataclass(frozen=True)
class BenchmarkTable:
    version: str
    date: str
    segments: MappingProxyType[str, str]
    rows: tuple[BenchmarkRow, ...]
    # How much better than the table a brief's target may ask for before it contradicts the budget.
    stretch: Decimal = Decimal(1)

    def segment_of(self, kind: str, industry: str = "") -> str:
        """The segment a product kind reads ("software" -> "b2b_software"); the industry decides
        when the kind is not given ("Nonprofit hunger relief" -> "nonprofit")."""
        if kind in self.segments:
            return self.segments[kind]
        words = industry.casefold()
        for hint, segment in _INDUSTRY_HINTS:
            if hint in words:
                return segment
        return ANY

    def lookup(self, field: str, *, channel: str, currency: str, segment: str) -> Benchmark | None:
        """The most specific row with `field`: channel + currency + segment, then channel + currency,
        channel + segment, channel, then the same for the "*" channel. A cost in a currency the
        table lacks is taken from the USD rows and marked as a proxy."""
        currency = currency.upper()
        # Rates do not depend on the currency: any market's row serves when the brief's has none.
        currencies = list(dict.fromkeys([currency, ANY, PROXY_CURRENCY])) if field not in COST_FIELDS else [currency]
        found = self._first(field, channel, currencies, segment)
        if found is not None:
            return Benchmark(field, found.values[field], found)
        if field in COST_FIELDS and currency != PROXY_CURRENCY:
            proxy = self._first(field, channel, [PROXY_CURRENCY], segment)
            if proxy is not None:
                return Benchmark(field, proxy.values[field], proxy, proxy_currency=True)
        return None

    def _first(self, field: str, channel: str, currencies: list[str], segment: str) -> BenchmarkRow | None:
        order = []
        for ch in dict.fromkeys((channel, ANY)):
            for cur in currencies:
                order += [(ch, cur, segment), (ch, cur, ANY)]
        for key in dict.fromkeys(order):
            row = self._index.get((*key, field))
            if row is not None:
                return row
        return None

    @cached_property
    def _index(self) -> dict[tuple[str, str, str, str], BenchmarkRow]:
        index: dict[tuple[str, str, str, str], BenchmarkRow] = {}
        for row in self.rows:
            for name in row.values:
                index.setdefault((row.channel, row.currency, row.segment, name), row)
        return index

    def row(self, row_id: str) -> BenchmarkRow:
        return next(r for r in self.rows if r.id == row_id)


_INDUSTRY_HINTS = (
    ("nonprofit", "nonprofit"),
    ("non-profit", "nonprofit"),
    ("charity", "nonprofit"),
    ("b2b", "b2b_software"),
    ("saas", "b2b_software"),
    ("software", "b2b_software"),
    ("bank", "finance"),
    ("invest", "finance"),
    ("insurance", "finance"),
    ("plumb", "local_service"),
    ("electrician", "local_service"),
)


def _row(raw: dict[str, Any]) -> BenchmarkRow:
    unknown = set(raw) - FIELDS - {"id", "channel", "currency", "segment", "source", "date"}
    if unknown:
        raise ValueError(f"benchmark row {raw.get('id')!r}: unknown fields {sorted(unknown)}")
    values = {k: Decimal(str(v)) for k, v in raw.items() if k in FIELDS}
    return BenchmarkRow(
        id=str(raw["id"]),
        channel=str(raw["channel"]),
        currency=str(raw["currency"]).upper() if raw["currency"] != ANY else ANY,
        segment=str(raw["segment"]),
        values=MappingProxyType(values),
        source=str(raw.get("source") or ""),
        date=str(raw.get("date") or ""),
    )


@cache
def benchmark_table() -> BenchmarkTable:
    """The table in `data/benchmarks.yaml`, read once per process."""
    data = yaml.safe_load(BENCHMARKS_FILE.read_text(encoding="utf-8"))
    rows = tuple(_row(r) for r in data["rows"])
    ids = [r.id for r in rows]
    if len(set(ids)) != len(ids):
        raise ValueError("benchmarks.yaml: a row id is used twice")
    return BenchmarkTable(
        version=str(data["version"]),
        date=str(data["date"]),
        segments=MappingProxyType(dict(data.get("segments") or {})),
        rows=rows,
        stretch=Decimal(str(data.get("stretch", 1))),
    )


@dataclass(frozen=True)
class ChannelRole:
    channel: str
    role_with_budget: str
    role_without_budget: str
    purposes: tuple[str, ...]
    weights: MappingProxyType[str, int]
    effort: str


@dataclass(frozen=True)
class ChannelRoles:
    version: str
    serves_from: int
    goal_purposes: MappingProxyType[str, str]
    channels: MappingProxyType[str, ChannelRole]


@cache
def channel_roles() -> ChannelRoles:
    """The channel roles, purposes and goal weights in `data/channel_roles.yaml`, read once."""
    data = yaml.safe_load(CHANNEL_ROLES_FILE.read_text(encoding="utf-8"))
    channels = {
        name: ChannelRole(
            channel=name,
            role_with_budget=raw["role_with_budget"],
            role_without_budget=raw["role_without_budget"],
            purposes=tuple(raw["purposes"]),
            weights=MappingProxyType({k: int(v) for k, v in raw["weights"].items()}),
            effort=raw.get("effort") or "",
        )
        for name, raw in data["channels"].items()
    }
    return ChannelRoles(
        version=str(data["version"]),
        serves_from=int(data["serves_from"]),
        goal_purposes=MappingProxyType(dict(data["goal_purposes"])),
        channels=MappingProxyType(channels),
    )
