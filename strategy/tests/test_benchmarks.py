"""The versioned benchmark table and the channel-role data: complete rows, and the most specific row wins."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import yaml

from kernel.channels import CHANNELS
from kernel.vocabulary import GOAL_TYPES, PRODUCT_KINDS
from strategy.benchmarks import (
    BENCHMARKS_FILE,
    COST_FIELDS,
    RATE_FIELDS,
    benchmark_table,
    channel_roles,
)

PURPOSES = {"reach", "consideration", "conversion", "retention"}


def test_the_table_is_versioned_and_says_its_figures_are_planning_assumptions():
    """A version and a date head the file, and its comment tells the reader to replace the figures."""
    raw = BENCHMARKS_FILE.read_text(encoding="utf-8")
    data = yaml.safe_load(raw)
    assert re.fullmatch(r"benchmarks-\d{4}\.\d+", data["version"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(data["date"]))
    assert "PLANNING ASSUMPTIONS" in raw and "client's own" in raw
    assert benchmark_table().version == data["version"]


def test_every_row_has_an_id_a_source_a_date_and_sane_values():
    """Ids are unique; each row names its publisher or report and a date; rates are percentages."""
    table = benchmark_table()
    ids = [row.id for row in table.rows]
    assert len(ids) == len(set(ids))
    for row in table.rows:
        assert row.source.strip(), row.id
        assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", row.date), row.id
        assert row.channel in (*CHANNELS, "*"), row.id
        assert row.values, row.id
        for name, value in row.values.items():
            assert value > 0, (row.id, name)
            if name in RATE_FIELDS:
                assert value <= 100, (row.id, name)
            if name in COST_FIELDS:
                assert row.currency != "*", f"{row.id}: a cost needs a currency"


@pytest.mark.parametrize("currency", ["USD", "GBP", "EUR"])
@pytest.mark.parametrize("channel", ["google_ads", "linkedin", "x", "facebook", "instagram"])
def test_every_paid_channel_has_costs_in_each_main_currency(channel, currency):
    """USD, GBP and EUR each have their own cost row for every channel that can be paid."""
    field = "cpc" if channel == "google_ads" else "cpm"
    found = benchmark_table().lookup(field, channel=channel, currency=currency, segment="*")
    assert found is not None and not found.proxy_currency
    assert found.row.currency == currency


def test_the_most_specific_row_wins_and_falls_back_in_order():
    """Channel + currency + segment first, then channel + currency; a currency without rows borrows
    the USD costs (marked as a proxy); rates serve any currency."""
    table = benchmark_table()
    london_b2b = table.lookup("cpc", channel="google_ads", currency="GBP", segment="b2b_software")
    ohio_plumber = table.lookup("cpc", channel="google_ads", currency="usd", segment="local_service")
    uk_venue = table.lookup("cpc", channel="google_ads", currency="GBP", segment="consumer")
    canadian = table.lookup("cpc", channel="google_ads", currency="CAD", segment="local_service")
    email_clicks = table.lookup("click_rate", channel="email", currency="GBP", segment="nonprofit")
    assert (london_b2b.id, london_b2b.value) == ("google_ads-gbp-b2b_software", Decimal("6.2"))
    assert (ohio_plumber.id, ohio_plumber.value) == ("google_ads-usd-local_service", Decimal("7.85"))
    assert uk_venue.id == "google_ads-gbp"
    assert canadian.id == "google_ads-usd-local_service" and canadian.proxy_currency
    assert email_clicks.id == "email-nonprofit"
    assert table.lookup("cpm", channel="email", currency="USD", segment="*") is None


def test_product_kinds_and_industries_name_a_segment():
    """Every product kind reads a segment with rows of its own or the general rows; an industry decides
    when the kind is missing."""
    table = benchmark_table()
    segments = {row.segment for row in table.rows}
    for kind in PRODUCT_KINDS:
        assert table.segment_of(kind) in segments
    assert table.segment_of("", "Nonprofit hunger relief (501(c)(3))") == "nonprofit"
    assert table.segment_of("", "Finance software (B2B SaaS)") == "b2b_software"
    assert table.segment_of("", "Bakery") == "*"


def test_channel_roles_cover_every_channel_and_goal_type():
    """Each channel has a role with and without a budget, purposes, a weight per goal type and an effort."""
    roles = channel_roles()
    assert set(roles.channels) == set(CHANNELS)
    assert set(roles.goal_purposes) == set(GOAL_TYPES)
    assert set(roles.goal_purposes.values()) <= PURPOSES
    for name, role in roles.channels.items():
        assert role.role_with_budget in ("paid", "owned", "earned"), name
        assert role.role_without_budget in ("paid", "owned", "earned"), name
        assert set(role.purposes) == PURPOSES, name
        assert set(role.weights) == set(GOAL_TYPES), name
        assert all(1 <= w <= 5 for w in role.weights.values()), name
        if role.role_without_budget != "paid":
            assert "no media spend" in role.effort, name
    assert roles.channels["google_ads"].role_without_budget == "paid"
    assert roles.channels["email"].role_with_budget == "owned"
    assert roles.channels["blog"].role_with_budget == "owned"
