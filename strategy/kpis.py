"""The measurement plan: what each channel should deliver at benchmark rates, and the KPIs the
brief's goals are measured by, with their source, review date, derivation and a client's sentence.

Two kinds of number meet here. The brief's own targets (`goals[].target`) are used as given,
never replaced. Everything else is derived from the budget, the channel plans and the rows of
the benchmark table (`data/benchmarks.yaml`); each KPI keeps the formula, its inputs and the
benchmark ids in `KPI.derivation`, and says in `KPI.rationale`, in words, where the number
comes from. Explicit targets are checked against what the plan can deliver: the derivation
records the media spend a target implies and the ceiling it must stay under, and the strategy
invariants refuse a plan whose numbers contradict each other.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from kernel.channels import CHANNEL_CATALOGUE, SOCIAL_CHANNELS
from kernel.channels import label as channel_label
from kernel.grammar import document_language, singular
from kernel.grammar import money as written_money
from strategy.benchmarks import Benchmark, benchmark_table
from strategy.domain import KPI, ChannelPlan

if TYPE_CHECKING:
    from onboarding.domain import Brief, Goal

ZERO = Decimal(0)
HUNDRED = Decimal(100)
THOUSAND = Decimal(1000)
CENT = Decimal("0.01")

# Where each channel's numbers are read, when it runs paid media and when it only posts.
PAID_SOURCES = {
    "google_ads": "Google Ads",
    "linkedin": "LinkedIn Campaign Manager",
    "x": "X Ads Manager",
    "facebook": "Meta Ads Manager",
    "instagram": "Meta Ads Manager",
}
OWNED_SOURCES = {
    "linkedin": "LinkedIn Page analytics",
    "x": "X post analytics",
    "facebook": "Meta Business Suite insights",
    "instagram": "Instagram Insights",
    "email": "the e-mail platform's campaign reports",
    "blog": "Google Analytics 4",
}
MEDIUMS = {"google_ads": "cpc", "email": "email", "blog": "organic"}

# Goal units that name a metric ("site visits" -> sessions). Matched as whole words.
UNIT_METRICS = (
    ("churn", "churn rate"),
    ("engagement", "engagement rate"),
    ("active", "retention rate"),
    ("retain", "retention rate"),
    ("retention", "retention rate"),
    ("repeat", "retention rate"),
    ("reach", "reach"),
    ("people", "reach"),
    ("persons", "reach"),
    ("accounts", "reach"),
    ("impression", "impressions"),
    ("impressions", "impressions"),
    ("views", "impressions"),
    ("click", "clicks"),
    ("clicks", "clicks"),
    ("session", "sessions"),
    ("sessions", "sessions"),
    ("visits", "sessions"),
    ("visitors", "sessions"),
    ("cpl", "cost per lead"),
    ("donated", "donations"),
    ("donations", "donations"),
    ("raised", "donations"),
    ("revenue", "revenue"),
    ("turnover", "revenue"),
)
CURRENCY_WORDS = frozenset({"usd", "gbp", "eur", "$", "£", "€", "dollars", "pounds", "euros"})


def money_symbol(currency: str) -> str:
    """ "$", "£", "€": the currency's symbol as Babel writes it in English (empty for no currency)."""
    from babel.numbers import get_currency_symbol

    code = currency.strip().upper()
    return get_currency_symbol(code, locale="en") if code else ""


def money(amount: Decimal, currency: str, *, cents: bool | None = None, language: str = "en") -> str:
    """ "£6.20", "£48,000": small sums keep their pence, large ones are whole; written by
    kernel.grammar.money (Babel) in the document's language, like every other sum the client reads."""
    if cents is None:
        cents = amount < 100 and amount != amount.to_integral_value()
    value = amount.quantize(CENT, rounding=ROUND_HALF_UP) if cents else amount.quantize(Decimal(1), ROUND_HALF_UP)
    return written_money(value, currency, language)


def about(value: Decimal) -> Decimal:
    """A forecast to the precision it deserves: three significant figures, whole numbers."""
    if value <= 0:
        return ZERO
    if value < 1:
        return Decimal(1)  # something is forecast: "about one", never a target of zero
    if value < 1000:
        return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    digits = math.floor(math.log10(value)) + 1
    step = Decimal(10) ** (digits - 3)
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def count_text(value: Decimal) -> str:
    return f"{about(value).to_integral_value():,}"


def counted(value: Decimal, noun: str) -> str:
    """ "about 1 lead", "about 120 leads": the count and its noun in agreement."""
    text = count_text(value)
    if text == "1":
        noun = singular(noun)
    return f"{text} {noun}"


def percent_text(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def _stated_percent(target: _Target) -> str:
    """ "55% active after 30 days": the brief's rate with the words of its unit."""
    rest = target.unit.strip()
    rest = rest[1:].strip() if rest.startswith("%") else ""
    return f"{percent_text(target.value)} {rest}".strip()


def price_of(text: str, currency: str) -> Decimal | None:
    """The first amount in a stated price ("From £1,450 a month" -> 1450), when its currency is the
    budget's (or no currency is written); None for "Any amount" or a percentage fee."""
    match = re.search(r"([£$€]|\b(?:USD|GBP|EUR)\s?)?(\d[\d,]*(?:\.\d+)?)(\s?%)?", text)
    if not match or match.group(3):
        return None
    symbol = (match.group(1) or "").strip().upper()
    if symbol and currency and symbol not in (currency.upper(), money_symbol(currency)):
        return None
    if not symbol and not re.search(r"\b(a|per|each|from|month|year|night|ticket)\b", text.lower()):
        return None
    value = Decimal(match.group(2).replace(",", ""))
    return value if value > 0 else None


def campaign_slug(brief: Brief) -> str:
    text = brief.product.name or brief.client.name
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join([p for p in re.split(r"[^a-z0-9]+", ascii_text) if p][:6])


# --- What each channel delivers ------------------------------------------------------------


@dataclass(frozen=True)
class ChannelForecast:
    """What one channel should deliver over the active weeks, at the benchmark rates it names."""

    channel: str
    role: str
    posts: int
    spend: Decimal = ZERO
    paid_impressions: Decimal = ZERO
    organic_impressions: Decimal = ZERO
    paid_clicks: Decimal = ZERO
    organic_clicks: Decimal = ZERO
    sessions: Decimal = ZERO  # analytics sessions the clicks (or articles) bring
    paid_results: Decimal = ZERO  # leads, sign-ups, purchases or gifts
    organic_results: Decimal = ZERO
    benchmarks: dict[str, Benchmark] = field(default_factory=dict)

    @property
    def impressions(self) -> Decimal:
        return self.paid_impressions + self.organic_impressions

    @property
    def clicks(self) -> Decimal:
        return self.paid_clicks + self.organic_clicks

    @property
    def results(self) -> Decimal:
        return self.paid_results + self.organic_results

    @property
    def benchmark_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(b.id for b in self.benchmarks.values()))

    def cost_per_click(self) -> Decimal | None:
        return self.spend / self.paid_clicks if self.paid_clicks > 0 else None

    def cost_per_result(self) -> Decimal | None:
        return self.spend / self.paid_results if self.paid_results > 0 else None


@dataclass(frozen=True)
class Market:
    """The brief's market as the benchmark table reads it."""

    currency: str
    segment: str
    budget: Decimal | None
    active_days: int
    language: str = "en"  # the document's: sums are written as it writes them

    def bench(self, name: str, channel: str) -> Benchmark | None:
        return benchmark_table().lookup(name, channel=channel, currency=self.currency, segment=self.segment)


def price_currency(text: str) -> str:
    """The currency a stated price is written in ("Rooms from €210 a night" -> "EUR"), or ""."""
    for code, symbol in (("GBP", "£"), ("EUR", "€"), ("USD", "$")):
        if symbol in text or re.search(rf"\b{code}\b", text):
            return code
    return ""


def market_of(brief: Brief) -> Market:
    first = brief.timeline.first_publish_day
    active_days = max((brief.timeline.end - max(first, brief.timeline.start)).days + 1, 1)
    amount = brief.budget.amount
    return Market(
        currency=(brief.budget.currency or price_currency(brief.product.price)).upper(),
        segment=benchmark_table().segment_of(brief.product.kind, brief.client.industry),
        budget=amount if amount is not None and amount > 0 else None,
        active_days=active_days,
        language=document_language(brief.language, brief.brand.voice_notes),
    )


def posts_planned(plan: ChannelPlan, active_days: int) -> int:
    """The assets the plan commits to: the calendar's count once set, else cadence x active weeks."""
    if plan.assets_planned > 0:
        return plan.assets_planned
    return max(1, math.ceil(Decimal(str(plan.cadence.per_week)) * active_days / 7))


def forecast_channel(plan: ChannelPlan, market: Market) -> ChannelForecast:
    """What `plan` should deliver: paid results bought with its share of the budget, plus what its
    unpaid posts or articles earn. E-mail has no list size in a brief, so it forecasts no volume."""
    channel = plan.channel
    posts = posts_planned(plan, market.active_days)
    used: dict[str, Benchmark] = {}

    def rate(name: str) -> Decimal:
        found = market.bench(name, channel)
        if found is None:
            return ZERO
        used[name] = found
        return found.value

    spend = ZERO
    if plan.role in ("paid", "") and market.budget is not None:
        spend = market.budget * plan.budget_share / HUNDRED
    values: dict[str, Decimal] = {}
    if spend > 0 and channel == "google_ads":
        cpc, ctr = rate("cpc"), rate("ctr")
        if cpc > 0 and ctr > 0:
            values["paid_clicks"] = spend / cpc
            values["paid_impressions"] = values["paid_clicks"] * HUNDRED / ctr
    elif spend > 0:
        cpm, ctr = rate("cpm"), rate("ctr")
        if cpm > 0:
            values["paid_impressions"] = spend / cpm * THOUSAND
            values["paid_clicks"] = values["paid_impressions"] * ctr / HUNDRED
    if channel in SOCIAL_CHANNELS:
        rate("engagement_rate")
        values["organic_impressions"] = posts * rate("organic_impressions_per_post")
        values["organic_clicks"] = values["organic_impressions"] * rate("organic_ctr") / HUNDRED
    conversion = rate("conversion_rate") if channel != "email" else ZERO
    clicks_to_sessions = rate("sessions_per_click") if channel != "email" else ZERO
    sessions = (values.get("paid_clicks", ZERO) + values.get("organic_clicks", ZERO)) * clicks_to_sessions
    organic_sessions = posts * rate("sessions_per_article") if channel == "blog" else ZERO
    if channel == "email":
        rate("open_rate"), rate("click_rate")  # recorded for the plan's rationale; no list size, no volume
    return ChannelForecast(
        channel=channel,
        role=plan.role or "paid",
        posts=posts,
        spend=spend,
        paid_impressions=values.get("paid_impressions", ZERO),
        organic_impressions=values.get("organic_impressions", ZERO),
        paid_clicks=values.get("paid_clicks", ZERO),
        organic_clicks=values.get("organic_clicks", ZERO),
        sessions=sessions + organic_sessions,
        paid_results=values.get("paid_clicks", ZERO) * conversion / HUNDRED,
        organic_results=(values.get("organic_clicks", ZERO) + organic_sessions) * conversion / HUNDRED,
        benchmarks=used,
    )


@dataclass(frozen=True)
class Forecast:
    market: Market
    channels: tuple[ChannelForecast, ...]

    def total(self, name: str) -> Decimal:
        return sum((getattr(c, name) for c in self.channels), ZERO)

    @property
    def spend(self) -> Decimal:
        return self.total("spend")

    @property
    def paid(self) -> tuple[ChannelForecast, ...]:
        return tuple(c for c in self.channels if c.spend > 0)

    @property
    def has_list(self) -> bool:
        """An e-mail list is in the plan: results from it are real but cannot be sized from the brief."""
        return any(c.channel == "email" for c in self.channels)

    def ids(self, *names: str) -> list[str]:
        return list(dict.fromkeys(c.benchmarks[n].id for c in self.channels for n in names if n in c.benchmarks))


def forecast(plans: Sequence[ChannelPlan], market: Market) -> Forecast:
    return Forecast(market=market, channels=tuple(forecast_channel(p, market) for p in plans))


# --- KPIs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    value: Decimal
    unit: str
    goal: Goal | None


@dataclass
class _Plan:
    """The brief, the forecast and the explicit targets by metric, shared by the KPI builders."""

    brief: Brief
    fc: Forecast
    explicit: dict[str, _Target]
    review_date: date | None
    price: Decimal | None
    kpis: list[KPI] = field(default_factory=list)

    @property
    def currency(self) -> str:
        return self.fc.market.currency

    @property
    def nonprofit(self) -> bool:
        return self.brief.product.kind == "nonprofit_cause" or self.fc.market.segment == "nonprofit"

    def money(self, amount: Decimal) -> str:
        return money(amount, self.currency, language=self.fc.market.language)

    @property
    def split(self) -> Decimal:
        """The share of the forecast results each conversion goal counts: a click that becomes a
        lead is not also a sale, so with both goals each gets half."""
        types = set(_goal_types(self.brief)) & {"leads", "sales"}
        return Decimal(1) / max(len(types), 1)

    def results(self, attr: str = "results") -> Decimal:
        return self.fc.total(attr) * self.split

    def add(
        self,
        metric: str,
        goal_type: str,
        target: Decimal,
        unit: str,
        *,
        rationale: str,
        source: str,
        derivation: dict[str, Any],
    ) -> Decimal:
        explicit = self.explicit.get(metric)
        if explicit is None and target <= 0:
            return target  # nothing forecast (no channel in the plan produces it): no KPI rather than a 0 target
        if explicit is not None:
            # The brief's number is the target; the forecast stays alongside it, with the checks.
            target, unit = explicit.value, explicit.unit or unit
            derivation = {
                **derivation,
                "formula": "the brief's own target",
                "forecast_formula": derivation.get("formula", ""),
                "goal": explicit.goal.description if explicit.goal else "",
            }
        self.kpis.append(
            KPI(
                metric=metric,
                target=target,
                unit=unit,
                timeframe_start=self.brief.timeline.start,
                timeframe_end=self.brief.timeline.end,
                goal_type=goal_type,
                rationale=rationale,
                source=source,
                baseline=None,
                review_date=self.review_date,
                derivation=derivation,
            )
        )
        return target


def _unit_metric(goal: Goal, plan: _Plan) -> str | None:
    unit = goal.unit.strip().lower()
    if "cost per" in unit:
        return "cost per lead"
    words = set(re.findall(r"[a-z%$£€]+", unit))
    for word, metric in UNIT_METRICS:
        if word in words:
            return metric
    if words & CURRENCY_WORDS or (plan.currency and plan.currency.lower() in words):
        return "donations" if plan.nonprofit else "revenue"
    return None


PRIMARY = {
    "awareness": "impressions",
    "engagement": "engagement rate",
    "traffic": "sessions",
    "leads": "leads",
    "sales": "conversions",
    "retention": "retention rate",
}
# The metrics a goal type may name; anything else the brief's unit says is read as the primary one.
GOAL_METRICS = {
    "awareness": ("impressions", "reach"),
    "engagement": ("engagement rate",),
    "traffic": ("sessions", "clicks"),
    "leads": ("leads", "cost per lead"),
    "sales": ("conversions", "revenue", "donations"),
    "retention": ("retention rate", "churn rate"),
}


def _explicit_targets(brief: Brief, plan: _Plan) -> dict[str, _Target]:
    found: dict[str, _Target] = {}
    for goal in brief.goals:
        if goal.target is None or goal.type not in GOAL_METRICS:
            continue
        metric = _unit_metric(goal, plan)
        if metric not in GOAL_METRICS[goal.type]:
            metric = PRIMARY[goal.type]
        if metric == "conversions" and plan.nonprofit:
            metric = "gifts"
        found.setdefault(metric, _Target(goal.target, goal.unit.strip(), goal))
    return found


def _goal_types(brief: Brief) -> list[str]:
    return list(dict.fromkeys(g.type for g in brief.goals if g.type in GOAL_METRICS))


def build_kpis(brief: Brief, plans: Sequence[ChannelPlan], *, review_date: date | None = None) -> tuple[KPI, ...]:
    """The KPIs of the brief's goals, in goal order: the brief's targets kept, the rest derived."""
    market = market_of(brief)
    plan = _Plan(
        brief=brief,
        fc=forecast(plans, market),
        explicit={},
        review_date=review_date,
        price=price_of(brief.product.price, market.currency) if brief.product.price else None,
    )
    plan.explicit = _explicit_targets(brief, plan)
    builders = {
        "awareness": _awareness,
        "engagement": _engagement,
        "traffic": _traffic,
        "leads": _leads,
        "sales": _sales,
        "retention": _retention,
    }
    for goal_type in _goal_types(brief):
        builders[goal_type](plan)
    return tuple(plan.kpis)


# --- Sources and phrases ---------------------------------------------------------------------


def _platforms(fc: Forecast, *, volume: str) -> str:
    names = []
    for c in fc.channels:
        if getattr(c, f"paid_{volume}") > 0:
            names.append(PAID_SOURCES.get(c.channel, channel_label(c.channel)))
        if getattr(c, f"organic_{volume}") > 0 and c.channel in OWNED_SOURCES:
            names.append(OWNED_SOURCES[c.channel])
    names = list(dict.fromkeys(names))
    return _and(names) if names else "the platforms' own reports"


def utm_scheme(fc: Forecast, brief: Brief) -> str:
    sources, mediums = [], []
    for c in fc.channels:
        catalogue = CHANNEL_CATALOGUE.get(c.channel)
        sources.append(catalogue.utm_source if catalogue and catalogue.utm_source else c.channel)
        if c.channel in MEDIUMS:
            mediums.append(MEDIUMS[c.channel])
        else:
            # Posts carry "social" (the writer's links); the ads bought on a paid channel "paid_social".
            mediums += ["social", "paid_social"] if c.spend > 0 else ["social"]
    return (
        f"utm_source = {' / '.join(dict.fromkeys(sources))}; utm_medium = {' / '.join(dict.fromkeys(mediums))}; "
        f"utm_campaign = {campaign_slug(brief)}"
    )


def _analytics(plan: _Plan) -> str:
    return f"Google Analytics 4 with {utm_scheme(plan.fc, plan.brief)}"


def _and(items: Sequence[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _ads_label(channel: str) -> str:
    return "Google search ads" if channel == "google_ads" else f"{channel_label(channel)} ads"


def search_phrase(brief: Brief) -> str:
    """ "search terms like 'a' and 'b'", or the category searched for: where search clicks come from."""
    terms = [t for t in brief.audience.search_terms if t.strip()]
    if terms:
        return "search terms like " + " and ".join(f"'{t.strip()}'" for t in terms[:2])
    if brief.product.category:
        return f"searches for {brief.product.category}"
    return "searches for what the product does"


def _owned_label(fc: Forecast) -> str:
    """The unpaid channels that carry what paid media does not ("e-mail to the existing list and the blog")."""
    names = {"email": "e-mail to the existing list", "blog": "the blog"}
    owned = [c.channel for c in fc.channels if c.spend <= 0 and c.channel != "google_ads"]
    return _and([names.get(ch, f"{channel_label(ch)} posts") for ch in owned])


def _breakdown(plan: _Plan, paid_attr: str, organic_attr: str, unit_cost: str) -> str:
    """ "about 3,240 from search terms like '...' at roughly £6.20 each, about 17,400 from X ads ..."."""
    parts = []
    for c in sorted(plan.fc.channels, key=lambda c: -getattr(c, paid_attr)):
        value = getattr(c, paid_attr)
        if value <= 0 or c.spend <= 0:
            continue
        cost = c.spend / value * (THOUSAND if unit_cost == "per thousand" else 1)
        where = search_phrase(plan.brief) if c.channel == "google_ads" else _ads_label(c.channel)
        each = "per thousand" if unit_cost == "per thousand" else "each"
        parts.append(f"about {count_text(value)} from {where} at roughly {plan.money(_rough(cost))} {each}")
    organic = plan.fc.total(organic_attr)
    if organic > 0:
        parts.append(f"about {count_text(organic)} from unpaid posts and articles")
    return _and(parts)


def _rough(cost: Decimal) -> Decimal:
    if cost >= 100:
        return about(cost)
    if cost >= 10:
        return cost.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return cost.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _check(
    plan: _Plan, metric: str, total: Decimal, paid: Decimal, *, capped: bool = True, value: Decimal | None = None
) -> dict[str, Any]:
    """The consistency data of an explicit target: the spend it implies and the ceiling it must stay under.

    Paid results scale with spend at the benchmark rates; unpaid ones do not. A target above what
    the unpaid channels deliver implies `(target - unpaid) / (paid per unit of spend)` of media
    spend, which must fit the budget. Without a media budget, or with an e-mail list of unknown
    size in the plan (`capped` False), there is no ceiling to check against. `value` stands for a
    target another explicit target implies (the impressions a reach target needs).
    """
    target = plan.explicit.get(metric)
    if target is None and value is None:
        return {}
    budget, spend = plan.fc.market.budget, plan.fc.spend
    if budget is None or not capped:
        return {}
    organic = total - paid
    needed = (value if value is not None else target.value) - organic
    stretch = str(benchmark_table().stretch)
    if needed <= 0:
        return {"implied_spend": "0", "budget": str(budget), "currency": plan.currency, "stretch": stretch}
    if paid <= 0 or spend <= 0:
        return {"ceiling": str(about(total)), "ceiling_metric": f"the {metric} the plan can deliver"}
    implied = (needed * spend / paid).quantize(CENT, rounding=ROUND_HALF_UP)
    return {"implied_spend": str(implied), "budget": str(budget), "currency": plan.currency, "stretch": stretch}


def _derivation(formula: str, inputs: dict[str, Any], benchmarks: Sequence[str], **checks: Any) -> dict[str, Any]:
    return {
        "formula": formula,
        "inputs": {k: (str(v) if isinstance(v, Decimal) else v) for k, v in inputs.items()},
        "benchmarks": list(benchmarks),
        "table_version": benchmark_table().version,
        **checks,
    }


def _target_phrase(plan: _Plan, metric: str, derived: Decimal, noun: str, *, is_money: bool = False) -> str:
    """For an explicit target: what the plan delivers against it, in words."""
    target = plan.explicit[metric]
    if is_money:
        stated = f"The brief's own target of {plan.money(target.value)}"
        forecast_text = plan.money(about(derived))
    else:
        stated = f"The brief's own target of {target.value.normalize():,f} {target.unit or noun}".rstrip()
        forecast_text = count_text(derived)
    if derived <= 0:
        return f"{stated}; the benchmarks give no volume for it, so it is tracked from the first week."
    if derived >= target.value:
        return f"{stated}; at benchmark rates the plan should deliver about {forecast_text}, so it is within reach."
    rest = _owned_label(plan.fc)
    if rest:
        tail = f", the rest from {rest}"
    else:
        better = ((target.value / derived - 1) * HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        tail = f", so it needs results about {better}% better than the benchmarks"
    return f"{stated}; at benchmark rates the media and posts should deliver about {forecast_text}{tail}."


# --- Builders per goal type ------------------------------------------------------------------


def _frequency(plan: _Plan) -> tuple[Decimal, list[str]]:
    found = plan.fc.market.bench("frequency", "*")
    return (found.value, [found.id]) if found else (Decimal(3), [])


def _impressions(plan: _Plan) -> Decimal:
    fc = plan.fc
    total, paid = fc.total("impressions"), fc.total("paid_impressions")
    freq, _ = _frequency(plan)
    reach = plan.explicit.get("reach")
    needed = reach.value * freq if reach is not None else None
    checks = _check(plan, "impressions", total, paid)
    target = total
    if "impressions" in plan.explicit:
        rationale = _target_phrase(plan, "impressions", total, "impressions")
    elif needed is not None and needed > total:
        # The brief's reach needs more impressions than the forecast: the target follows the brief.
        # An e-mail list reaches people too (its size is unknown), so then there is no ceiling.
        target = needed
        checks = _check(plan, "impressions", total, paid, value=needed, capped=not fc.has_list)
        if checks:
            checks["subject"] = f"reach {reach.value.normalize():,f} ({about(needed).normalize():,f} impressions)"
        rationale = (
            f"About {count_text(needed)} impressions: the brief's {count_text(reach.value)} people, each seeing "
            f"the campaign about {freq.normalize():f} times; at benchmark rates the plan's media and posts "
            f"deliver about {count_text(total)}."
        )
    else:
        rationale = (
            f"About {count_text(total)} impressions over the campaign: "
            + (_breakdown(plan, "paid_impressions", "organic_impressions", "per thousand") or "none forecast")
            + "."
        )
    return plan.add(
        "impressions",
        "awareness",
        about(target),
        "impressions",
        rationale=rationale,
        source=_platforms(fc, volume="impressions"),
        derivation=_derivation(
            "sum over paid channels of spend / cpm x 1000 (search: spend / cpc / ctr)"
            " + posts x organic impressions per post",
            {
                "budget": fc.market.budget or "",
                "spend": about(fc.spend),
                "paid_impressions": about(paid),
                "organic_impressions": about(total - paid),
            },
            fc.ids("cpm", "cpc", "ctr", "organic_impressions_per_post"),
            **checks,
        ),
    )


def _awareness(plan: _Plan) -> None:
    impressions = _impressions(plan)
    freq, frequency_ids = _frequency(plan)
    reach = impressions / freq
    if "reach" in plan.explicit:
        rationale = _target_phrase(plan, "reach", reach, "people")
    else:
        rationale = (
            f"About {count_text(reach)} people, each seeing the ads and posts about {freq.normalize():f} times "
            f"on average over the {count_text(impressions)} impressions."
        )
    plan.add(
        "reach",
        "awareness",
        about(reach),
        "people",
        rationale=rationale,
        source=_platforms(plan.fc, volume="impressions") + " (unique people reached)",
        derivation=_derivation(
            "impressions target / frequency",
            {"impressions": impressions, "frequency": freq},
            frequency_ids,
        ),
    )


def _engagement(plan: _Plan) -> None:
    social = [c for c in plan.fc.channels if "engagement_rate" in c.benchmarks]
    if social:
        rate = sum((c.benchmarks["engagement_rate"].value for c in social), ZERO) / len(social)
        ids = [c.benchmarks["engagement_rate"].id for c in social]
        names = _and([channel_label(c.channel) for c in social])
        source = _and(list(dict.fromkeys(OWNED_SOURCES[c.channel] for c in social)))
        why = f"the typical rate for {names} posts of brands this size"
    else:
        email = next((c for c in plan.fc.channels if "click_rate" in c.benchmarks), None)
        rate = email.benchmarks["click_rate"].value if email else ZERO
        ids = [email.benchmarks["click_rate"].id] if email else []
        source = OWNED_SOURCES["email"]
        why = "the typical click rate of e-mails in this sector"
    rate = rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if "engagement rate" in plan.explicit:
        target = plan.explicit["engagement rate"].value
        rationale = (
            f"The brief's own target of {_stated_percent(plan.explicit['engagement rate'])}; "
            f"{why} is about {percent_text(rate)}, "
            + ("so it asks for more than usual." if target > rate else "so it is within reach.")
        )
    else:
        rationale = f"About {percent_text(rate)} of the people reached react, comment, share or save: {why}."
    plan.add(
        "engagement rate",
        "engagement",
        rate,
        "%",
        rationale=rationale,
        source=source,
        derivation=_derivation("mean engagement rate of the plan's social channels", {"rate": rate}, ids),
    )


def _traffic(plan: _Plan) -> None:
    fc = plan.fc
    clicks, paid_clicks = fc.total("clicks"), fc.total("paid_clicks")
    sessions = fc.total("sessions")
    blog = next((c for c in fc.channels if c.channel == "blog"), None)
    blog_sessions = blog.sessions if blog else ZERO
    paid_sessions = sum(
        (
            c.paid_clicks * c.benchmarks["sessions_per_click"].value
            for c in fc.channels
            if "sessions_per_click" in c.benchmarks
        ),
        ZERO,
    )
    if "sessions" in plan.explicit:
        sessions_why = _target_phrase(plan, "sessions", sessions, "visits")
    else:
        blog_part = f", plus about {count_text(blog_sessions)} from {blog.posts} blog articles" if blog_sessions else ""
        sessions_why = (
            f"About {count_text(sessions)} visits to the site: most of the {count_text(clicks)} clicks on ads and "
            f"posts arrive as visits{blog_part}."
        )
    plan.add(
        "sessions",
        "traffic",
        about(sessions),
        "sessions",
        rationale=sessions_why,
        source=_analytics(plan),
        derivation=_derivation(
            "clicks x sessions per click + articles x sessions per article",
            {"clicks": about(clicks), "blog_sessions": about(blog_sessions), "budget": fc.market.budget or ""},
            fc.ids("sessions_per_click", "sessions_per_article", "cpc", "cpm", "ctr", "organic_ctr"),
            **_check(plan, "sessions", sessions, paid_sessions),
        ),
    )
    if "clicks" in plan.explicit:
        clicks_why = _target_phrase(plan, "clicks", clicks, "clicks")
    else:
        clicks_why = (
            f"About {count_text(clicks)} clicks: "
            + (_breakdown(plan, "paid_clicks", "organic_clicks", "each") or "none forecast")
            + "."
        )
    plan.add(
        "clicks",
        "traffic",
        about(clicks),
        "clicks",
        rationale=clicks_why,
        source=_platforms(fc, volume="clicks"),
        derivation=_derivation(
            "sum over paid channels of spend / cpc (social: impressions x ctr) + unpaid impressions x organic ctr",
            {
                "budget": fc.market.budget or "",
                "paid_clicks": about(paid_clicks),
                "organic_clicks": about(clicks - paid_clicks),
            },
            fc.ids("cpc", "cpm", "ctr", "organic_ctr"),
            **_check(plan, "clicks", clicks, paid_clicks),
        ),
    )


def _results_breakdown(plan: _Plan, noun: str) -> str:
    parts = []
    for c in sorted(plan.fc.paid, key=lambda c: -c.paid_results):
        cost = c.cost_per_result()
        if c.paid_results * plan.split < Decimal("0.5") or cost is None:
            continue
        where = search_phrase(plan.brief) if c.channel == "google_ads" else _ads_label(c.channel)
        parts.append(
            f"about {count_text(c.paid_results * plan.split)} from {where} at roughly {plan.money(_rough(cost))} each"
        )
    organic = plan.results("organic_results")
    if organic >= Decimal("0.5"):
        parts.append(f"about {count_text(organic)} from unpaid posts and articles")
    return _and(parts) or f"no {noun} forecast from paid media"


def _leads(plan: _Plan) -> None:
    fc = plan.fc
    metric = "leads"
    target = plan.explicit.get(metric)
    noun = target.unit if target and target.unit else ("donor sign-ups" if plan.nonprofit else "leads")
    total, paid = plan.results(), plan.results("paid_results")
    if target is not None:
        rationale = _target_phrase(plan, metric, total, noun)
    else:
        list_part = "; e-mail then turns them into conversations" if fc.has_list else ""
        rationale = f"About {counted(total, noun)}: {_results_breakdown(plan, noun)}{list_part}."
    ceiling = fc.total("clicks") + sum((c.sessions for c in fc.channels if c.channel == "blog"), ZERO)
    checks = _check(plan, metric, total, paid, capped=not fc.has_list)
    if not fc.has_list:
        checks.setdefault("ceiling", str(about(ceiling)))
        checks.setdefault("ceiling_metric", "clicks and organic visits")
    plan.add(
        metric,
        "leads",
        about(total),
        noun,
        rationale=rationale,
        source=(
            "the donor CRM (sign-ups coded to this campaign), matched to "
            if plan.nonprofit
            else "the CRM (new contacts whose first visit carries the campaign's tags), matched to "
        )
        + _analytics(plan),
        derivation=_derivation(
            "sum over channels of clicks x conversion rate + articles x sessions per article x conversion rate",
            {
                "budget": fc.market.budget or "",
                "paid_leads": about(paid),
                "organic_leads": about(total - paid),
                "clicks": about(fc.total("clicks")),
            },
            fc.ids("conversion_rate", "cpc", "cpm", "ctr"),
            **checks,
        ),
    )
    if fc.spend > 0 and paid >= 1:
        spend = fc.spend * plan.split  # the part of the media spend working for leads
        cost = (spend / paid).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        media = _and([_ads_label(c.channel) for c in fc.paid])
        share = "" if plan.split == 1 else ", the half of the media budget working for this goal,"
        plan.add(
            "cost per lead",
            "leads",
            cost,
            fc.market.currency,
            rationale=(
                f"Roughly {plan.money(_rough(cost))} per {'donor sign-up' if plan.nonprofit else 'lead'} from paid "
                f"media: about {plan.money(about(spend))}{share} "
                f"on {media} should bring about {counted(paid, noun)}."
            ),
            source=f"{_and(list(dict.fromkeys(PAID_SOURCES[c.channel] for c in fc.paid)))} spend, divided by "
            "the leads the CRM records for the campaign",
            derivation=_derivation(
                "paid spend for leads / paid leads",
                {"spend": about(spend), "paid_leads": about(paid)},
                fc.ids("conversion_rate", "cpc", "cpm", "ctr"),
                implied_spend=str(spend.quantize(CENT, rounding=ROUND_HALF_UP)),
                budget=str(fc.market.budget),
                currency=fc.market.currency,
            ),
        )


def _sales(plan: _Plan) -> None:
    if plan.nonprofit:
        _donations(plan)
        return
    fc = plan.fc
    conversions_target = plan.explicit.get("conversions")
    revenue_target = plan.explicit.get("revenue")
    noun = conversions_target.unit if conversions_target and conversions_target.unit else "conversions"
    forecast_total, paid = plan.results(), plan.results("paid_results")
    total = forecast_total
    price = plan.price
    if conversions_target is None and revenue_target is not None and price:
        total = revenue_target.value / price  # the brief's revenue at the stated price
    if conversions_target is not None:
        rationale = _target_phrase(plan, "conversions", forecast_total, noun)
    elif revenue_target is not None and price:
        rationale = (
            f"About {count_text(total)} {noun}: the brief's revenue target of {plan.money(revenue_target.value)} "
            f"at {plan.money(price)} each."
        )
    else:
        rationale = f"About {counted(total, noun)}: {_results_breakdown(plan, noun)}."
    conversions = plan.add(
        "conversions",
        "sales",
        about(total),
        noun,
        rationale=rationale,
        source="the order, booking or subscription system, matched to " + _analytics(plan) + " (purchase events)",
        derivation=_derivation(
            "sum over channels of clicks x conversion rate",
            {"budget": fc.market.budget or "", "paid_conversions": about(paid), "price": price or ""},
            fc.ids("conversion_rate", "cpc", "cpm", "ctr"),
            **_check(plan, "conversions", forecast_total, paid, capped=not fc.has_list),
        ),
    )
    if price is None and revenue_target is None:
        return  # no stated price: revenue would be invented
    paid_revenue = paid * price if price else ZERO
    total_revenue = forecast_total * price if price else ZERO
    if revenue_target is not None:
        rationale = _target_phrase(plan, "revenue", total_revenue, plan.currency, is_money=True)
        value = revenue_target.value
    else:
        value = (conversions * price).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        recurring = re.search(r"\b(a|per)\s+(month|year|week)\b", plan.brief.product.price.lower())
        what = f"first {recurring.group(2)}'s revenue" if recurring else "revenue"
        rationale = (
            f"About {plan.money(value)} in {what}: {count_text(conversions)} {noun} at the stated "
            f"price of {plan.money(price)} each."
        )
    plan.add(
        "revenue",
        "sales",
        value,
        plan.currency,
        rationale=rationale,
        source="the order, booking or subscription system (first payments from the campaign's customers)",
        derivation=_derivation(
            "conversions target x price",
            {"conversions": conversions, "price": price or ""},
            fc.ids("conversion_rate"),
            **_check(plan, "revenue", total_revenue, paid_revenue, capped=not fc.has_list),
        ),
    )


def _donations(plan: _Plan) -> None:
    fc = plan.fc
    gift_row = fc.market.bench("average_gift", "*")
    gift = gift_row.value if gift_row else None
    ids = [gift_row.id] if gift_row else []
    gifts_target = plan.explicit.get("gifts")
    donations_target = plan.explicit.get("donations")
    total, paid = plan.results(), plan.results("paid_results")
    gifts = total
    if gifts_target is None and donations_target is not None and gift:
        gifts = donations_target.value / gift
    source = "the donor CRM (gifts coded to this appeal), matched to " + _analytics(plan)
    if gifts_target is not None:
        why = _target_phrase(plan, "gifts", total, "gifts")
    elif donations_target is not None and gift:
        media = _and([_ads_label(c.channel) for c in fc.paid])
        paid_part = f"; {media} should bring about {count_text(paid)} of them" if paid >= 1 else ""
        rest = "; appeals to past donors by e-mail bring the rest" if fc.has_list else ""
        why = (
            f"About {count_text(gifts)} gifts: the brief's {plan.money(donations_target.value)} at an average "
            f"online gift of about {plan.money(gift)}{paid_part}{rest}."
        )
    else:
        why = f"About {count_text(gifts)} gifts: {_results_breakdown(plan, 'gifts')}."
    gifts = plan.add(
        "gifts",
        "sales",
        about(gifts),
        "gifts",
        rationale=why,
        source=source,
        derivation=_derivation(
            "donations target / average gift" if donations_target else "sum over channels of clicks x conversion rate",
            {
                "donations": donations_target.value if donations_target else "",
                "average_gift": gift or "",
                "paid_gifts": about(paid),
            },
            ids + fc.ids("conversion_rate", "cpm", "cpc", "ctr"),
            **_check(plan, "gifts", total, paid, capped=not fc.has_list),
        ),
    )
    if gift is None and donations_target is None:
        return
    if donations_target is not None:
        why = _target_phrase(plan, "donations", total * gift if gift else ZERO, plan.currency, is_money=True)
        value = donations_target.value
    else:
        value = (gifts * gift).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        why = (
            f"About {plan.money(value)} donated: {count_text(gifts)} gifts at an average online gift of "
            f"about {plan.money(gift)}."
        )
    plan.add(
        "donations",
        "sales",
        value,
        plan.currency,
        rationale=why,
        source=source,
        derivation=_derivation(
            "gifts x average gift",
            {"gifts": gifts, "average_gift": gift or ""},
            ids,
            **_check(
                plan, "donations", total * gift if gift else ZERO, paid * gift if gift else ZERO, capped=not fc.has_list
            ),
        ),
    )


def _retention(plan: _Plan) -> None:
    explicit_churn = plan.explicit.get("churn rate")
    if explicit_churn is not None:
        plan.add(
            "churn rate",
            "retention",
            explicit_churn.value,
            "%",
            rationale=f"The brief's own ceiling of {percent_text(explicit_churn.value)} of customers leaving.",
            source="the subscription or customer database (customers lost in the period)",
            derivation={},
        )
        return
    row = plan.fc.market.bench("retention_rate", "*")
    rate = row.value if row else ZERO
    if "retention rate" in plan.explicit:
        target = plan.explicit["retention rate"].value
        rationale = (
            f"The brief's own target of {_stated_percent(plan.explicit['retention rate'])}; "
            "a typical figure for this kind of product is "
            f"about {percent_text(rate)}" + (", so it asks for more than usual." if target > rate else ".")
        )
    else:
        rationale = (
            f"About {percent_text(rate)} of the customers the campaign brings still active or buying again after "
            "their first month, a typical figure for this kind of product."
        )
    kind = plan.brief.product.kind
    source = (
        "the app's analytics (new members active after 30 days)"
        if kind == "app"
        else "the customer database or CRM (customers acquired in the campaign, still active after 30 days)"
    )
    plan.add(
        "retention rate",
        "retention",
        rate,
        "%",
        rationale=rationale,
        source=source,
        derivation=_derivation("benchmark retention rate", {"rate": rate}, [row.id] if row else []),
    )
