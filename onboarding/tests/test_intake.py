"""Intake normalization: validation with paths, canonical values, defaults and the fingerprint."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kernel.errors import ValidationFailed
from onboarding import intake as m
from onboarding.domain import CHANNELS, PreferredTerm
from onboarding.intake import normalize_intake, parse_intake_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "briefs"
NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def minimal() -> dict:
    return {
        "client": {"name": "Zoë Café"},
        "product": {"name": "Crème Box"},
        "goals": [{"type": "awareness", "description": "Be known in the 11th"}],
        "audience": {"description": "Parisian commuters"},
        "channels": ["instagram"],
        "timeline": {"start": "2027-01-04", "end": "2027-02-28"},
    }


def normalize(payload: object):
    return normalize_intake(payload, brief_id=uuid.uuid4(), intake_id=uuid.uuid4(), now=NOW)


def errors_of(payload: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        normalize(payload)
    return caught.value.errors


def with_changes(**sections) -> dict:
    payload = minimal()
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(payload.get(key), dict):
            payload[key] = {**payload[key], **value}
        else:
            payload[key] = value
    return payload


# --- the examples --------------------------------------------------------------------------


def example_paths() -> list[Path]:
    return sorted(EXAMPLES.glob("*.json"))


def test_there_are_at_least_the_six_named_examples():
    """The repository ships the six example briefs the docs refer to."""
    names = {p.name for p in example_paths()}
    assert {
        "b2b-saas-launch.json",
        "local-bakery.json",
        "regulated-finance.json",
        "all-channels.json",
        "nonprofit-appeal.json",
        "local-service.json",
    } <= names


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_every_example_normalizes_into_a_deliverable_brief(path):
    """Each example is valid and carries what delivery and e-mail compliance need."""
    # given
    raw = path.read_text(encoding="utf-8")
    # when
    brief = normalize(parse_intake_text(raw))
    # then
    assert brief.delivery.email
    assert not brief.delivery.webhook_url
    assert brief.client.postal_address
    assert brief.audience.pains
    assert brief.audience.phrases
    assert brief.product.proof_points
    assert brief.timeline.start.year == 2027
    assert 6 * 7 <= brief.timeline.days <= 10 * 7
    assert len(brief.fingerprint) == 64


@pytest.mark.parametrize(
    ("name", "channels"),
    [
        ("b2b-saas-launch", {"linkedin", "x", "blog", "email", "google_ads"}),
        ("local-bakery", {"instagram", "facebook", "email"}),
        ("regulated-finance", {"linkedin", "email", "blog"}),
        ("all-channels", set(CHANNELS)),
        ("nonprofit-appeal", {"email", "facebook", "instagram", "blog"}),
        ("local-service", {"google_ads", "facebook", "email"}),
    ],
)
def test_examples_plan_the_channels_their_scenario_names(name, channels):
    """Each example plans exactly its scenario's channels."""
    brief = normalize(parse_intake_text((EXAMPLES / f"{name}.json").read_text(encoding="utf-8")))
    assert set(brief.channels) == channels


def test_the_regulated_example_has_disclaimers_and_no_unsubstantiated_claims():
    """The finance example makes the brief strict: mandatory disclaimers, nothing substantiated, 'guaranteed' banned."""
    brief = normalize(parse_intake_text((EXAMPLES / "regulated-finance.json").read_text(encoding="utf-8")))
    assert brief.brand.disclaimers
    assert brief.brand.substantiated_claims == ()
    assert "guaranteed" in brief.brand.banned_terms


def test_the_all_channels_example_is_sponsored():
    brief = normalize(parse_intake_text((EXAMPLES / "all-channels.json").read_text(encoding="utf-8")))
    assert brief.sponsored is True


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_examples_do_not_contradict_themselves(path):
    """No example bans or swaps out words its own copy needs, and its links stay on allowed domains."""
    # given
    brief = normalize(parse_intake_text(path.read_text(encoding="utf-8")))
    own_words = [
        brief.client.name,
        brief.product.name,
        brief.product.description,
        brief.product.offer,
        *brief.product.value_propositions,
        *brief.product.proof_points,
        *brief.audience.pains,
        *brief.audience.phrases,
        *brief.brand.disclaimers,
        *brief.brand.hashtags,
        *brief.scope.deliverables,
    ]
    unwanted = [*brief.brand.banned_terms, *(t.avoid for t in brief.brand.preferred_terms)]
    # then
    clashes = [
        (term, text)
        for term in unwanted
        for text in own_words
        if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text, flags=re.IGNORECASE)
    ]
    assert clashes == []
    for url in (brief.client.website, brief.product.url):
        host = urlsplit(url).hostname
        assert any(host == d or host.endswith("." + d) for d in brief.brand.allowed_domains), url
    deliverables = " ".join(brief.scope.deliverables).lower()
    plain_names = {
        "linkedin": "linkedin",
        "x": "x posts",
        "instagram": "instagram",
        "facebook": "facebook",
        "email": "email",
        "blog": "blog",
        "google_ads": "google ads",
    }
    assert [c for c in brief.channels if plain_names[c] not in deliverables] == []


# --- every problem at once -----------------------------------------------------------------


def test_every_problem_is_reported_at_once_with_its_path():
    """An intake with many faults gets one error listing each fault under its field path."""
    # given
    payload = {
        "client": {"name": "  ", "website": "ftp://acme.test", "contact_email": "not-an-email"},
        "product": {"name": "Acme", "colour": "red"},
        "goals": [{"type": "fame", "description": "x"}, "sell more"],
        "audience": {},
        "channels": ["linkedin", "tiktok"],
        "timeline": {"start": "2027-03-01", "end": "2027-02-01"},
        "budget": {"amount": -5, "currency": "EURO"},
        "brand": {"hashtags": ["two words"]},
        "delivery": {"webhook_url": "/relative/hook"},
        "sponsored": "yes",
        "extra": 1,
    }
    # when
    errors = errors_of(payload)
    # then
    assert errors == {
        "client.name": [m.BLANK],
        "client.website": [m.BAD_URL],
        "client.contact_email": [m.BAD_EMAIL],
        "product.colour": [m.UNKNOWN_FIELD],
        "goals[0].type": [m.BAD_GOAL_TYPE],
        "goals[1]": [m.NOT_AN_OBJECT],
        "audience.description": [m.REQUIRED],
        "channels[1]": [m.UNKNOWN_CHANNEL.format(value="tiktok")],
        "timeline.end": [m.END_BEFORE_START],
        "budget.amount": [m.NEGATIVE],
        "budget.currency": [m.BAD_CURRENCY_FORMAT],
        "brand.hashtags[0]": [m.BAD_HASHTAG],
        "delivery.webhook_url": [m.BAD_URL],
        "sponsored": [m.NOT_A_BOOLEAN],
        "extra": [m.UNKNOWN_FIELD],
    }


def test_missing_required_sections_are_each_named():
    """An empty object names every required section, and nothing inside them."""
    errors = errors_of({})
    assert errors == {key: [m.REQUIRED] for key in ("client", "product", "goals", "audience", "channels", "timeline")}


@pytest.mark.parametrize("payload", [[], "brief", 3, None])
def test_a_non_object_is_rejected_at_the_root(payload):
    assert errors_of(payload) == {"$": [m.NOT_AN_OBJECT]}


@pytest.mark.parametrize(
    ("section", "value", "path", "suggestion"),
    [
        ("client", {"nmae": "x"}, "client.nmae", "client.name"),
        ("client", {"phone_number": "+15035550100"}, "client.phone_number", "client.phone"),
        ("client", {"time_zone": "Europe/London"}, "client.time_zone", "client.timezone"),
        ("audience", {"description": "x", "age": "30s"}, "audience.age", None),
        ("brand", {"font": "Inter"}, "brand.font", None),
        ("brand", {"colours": ["#fff"]}, "brand.colours", "brand.colors"),
        ("goals", [{"type": "leads", "description": "x", "priority": 1}], "goals[0].priority", None),
        ("timeline", {"start": "2027-01-04", "end": "2027-02-28", "tz": "UTC"}, "timeline.tz", None),
        (
            "timeline",
            {"start": "2027-01-04", "end": "2027-02-28", "keydates": []},
            "timeline.keydates",
            "timeline.key_dates",
        ),
    ],
)
def test_unknown_keys_are_reported_not_dropped(section, value, path, suggestion):
    """A key the intake does not define is an error naming its path, with the field it probably meant."""
    payload = minimal()
    payload[section] = value if section in ("goals", "brand") else {**payload[section], **value}
    expected = m.DID_YOU_MEAN.format(suggestion=suggestion) if suggestion else m.UNKNOWN_FIELD
    assert errors_of(payload)[path] == [expected]


def test_an_unknown_top_level_key_suggests_the_section():
    payload = {**minimal(), "langauge": "en-GB"}
    assert errors_of(payload) == {"langauge": [m.DID_YOU_MEAN.format(suggestion="language")]}


def test_wrong_types_are_reported():
    errors = errors_of(
        with_changes(
            client={"name": 7},
            audience={"pains": "too slow"},
            channels=[],
            goals=[{"type": "sales", "description": "x", "target": "1000"}],
            brand={"preferred_terms": ["utilize"]},
        )
    )
    assert errors == {
        "client.name": [m.NOT_A_STRING],
        "audience.pains": [m.NOT_A_LIST],
        "channels": [m.EMPTY_LIST],
        "goals[0].target": [m.NOT_A_NUMBER],
        "brand.preferred_terms": [m.NOT_AN_OBJECT],
    }


def test_names_longer_than_the_column_are_rejected():
    errors = errors_of(with_changes(product={"name": "P" * 201}))
    assert errors == {"product.name": [m.TOO_LONG.format(max_length=200)]}


# --- canonical values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("Twitter", "x"),
        ("twitter", "x"),
        ("X", "x"),
        ("LinkedIn", "linkedin"),
        ("Google Ads", "google_ads"),
        ("adwords", "google_ads"),
        ("GOOGLE_ADS", "google_ads"),
        ("e-mail", "email"),
        ("Newsletter", "email"),
        ("IG", "instagram"),
        ("insta", "instagram"),
        ("fb", "facebook"),
        ("Blog", "blog"),
        ("  Facebook  ", "facebook"),
    ],
)
def test_channel_aliases_are_canonicalized(given, canonical):
    """Channel names are matched case-insensitively through the alias table."""
    assert normalize(with_changes(channels=[given])).channels == (canonical,)


def test_channels_are_deduplicated_after_aliasing_in_order():
    brief = normalize(with_changes(channels=["Twitter", "email", "X", "newsletter", "LinkedIn"]))
    assert brief.channels == ("x", "email", "linkedin")


def test_strings_are_trimmed_and_lists_deduplicated_case_insensitively():
    """Whitespace goes, repeats differing only in case go, the first spelling and the order stay."""
    # given
    payload = with_changes(
        client={"name": "  Zoë Café \n"},
        audience={"description": " commuters ", "pains": [" No time ", "no time", "Cold coffee", "NO TIME"]},
        brand={"banned_terms": ["Cheap", "cheap ", "tacky"], "hashtags": ["ZoeCafe", "#zoecafe", "##Paris"]},
    )
    # when
    brief = normalize(payload)
    # then
    assert brief.client.name == "Zoë Café"
    assert brief.audience.description == "commuters"
    assert brief.audience.pains == ("No time", "Cold coffee")
    assert brief.brand.banned_terms == ("Cheap", "tacky")
    assert brief.brand.hashtags == ("#ZoeCafe", "#Paris")


def test_blank_list_items_are_errors_not_silently_dropped():
    errors = errors_of(with_changes(audience={"phrases": ["fine", "  ", 3]}))
    assert errors == {"audience.phrases[1]": [m.BLANK], "audience.phrases[2]": [m.NOT_A_STRING]}


def test_goal_types_are_case_insensitive_and_targets_canonical():
    """Goal types are lower-cased; 5E+4, 50000.0 and 50000 are one target."""
    brief = normalize(
        with_changes(
            goals=[
                {"type": " Leads ", "description": "Demo requests", "target": 50000.0, "unit": "demos"},
                {"type": "sales", "description": "Orders", "target": Decimal("2.50")},
            ]
        )
    )
    assert [g.type for g in brief.goals] == ["leads", "sales"]
    assert brief.goals[0].target == Decimal(50000)
    assert str(brief.goals[0].target) == "50000"
    assert str(brief.goals[1].target) == "2.5"


def test_identical_goals_are_kept_once():
    goal = {"type": "leads", "description": "Demo requests"}
    brief = normalize(with_changes(goals=[goal, {**goal, "description": "demo requests"}]))
    assert len(brief.goals) == 1


@pytest.mark.parametrize(
    ("budget", "amount", "currency"),
    [
        ({"amount": 1000}, Decimal("1000.00"), "USD"),
        ({"amount": 1000, "currency": " eur "}, Decimal("1000.00"), "EUR"),
        ({"amount": 0}, Decimal("0.00"), "USD"),
        ({"amount": 12000.5, "currency": "gbp"}, Decimal("12000.50"), "GBP"),
        ({"currency": "JPY"}, None, "JPY"),
        ({}, None, ""),
    ],
)
def test_budget_amounts_and_currencies(budget, amount, currency):
    """Amounts keep cents; the currency is upper-case and defaults to USD only with an amount."""
    brief = normalize(with_changes(budget=budget))
    assert (brief.budget.amount, brief.budget.currency) == (amount, currency)


def test_a_brief_without_budget_has_no_currency():
    assert normalize(minimal()).budget.currency == ""


@pytest.mark.parametrize(
    ("currency", "message"),
    [
        ("EURO", m.BAD_CURRENCY_FORMAT),
        ("€", m.BAD_CURRENCY_FORMAT),
        ("US", m.BAD_CURRENCY_FORMAT),
        ("ABC", m.UNKNOWN_CURRENCY.format(code="ABC")),
        ("xau", m.UNKNOWN_CURRENCY.format(code="XAU")),
    ],
)
def test_currencies_must_be_real_iso_codes(currency, message):
    assert errors_of(with_changes(budget={"amount": 10, "currency": currency})) == {"budget.currency": [message]}


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (-0.01, m.NEGATIVE),
        (10.001, m.TOO_MANY_DECIMALS),
        (True, m.NOT_A_NUMBER),
        ("100", m.NOT_A_NUMBER),
        (10**12, m.TOO_LARGE.format(limit="1,000,000,000,000")),
    ],
)
def test_bad_budget_amounts(amount, message):
    assert errors_of(with_changes(budget={"amount": amount})) == {"budget.amount": [message]}


def test_preferred_terms_are_trimmed_lowered_sorted_and_no_ops_dropped():
    """The avoid side is lower-cased and trimmed; swaps that change nothing are dropped."""
    # given
    terms = {" Utilize ": " use ", "leverage": "use", "Email": "email", "in order to": "to"}
    # when
    brief = normalize(with_changes(brand={"preferred_terms": terms}))
    # then
    assert brief.brand.preferred_terms == (
        PreferredTerm(avoid="in order to", use="to"),
        PreferredTerm(avoid="leverage", use="use"),
        PreferredTerm(avoid="utilize", use="use"),
    )


def test_preferred_terms_that_conflict_or_reintroduce_a_banned_term_are_errors():
    errors = errors_of(
        with_changes(
            brand={
                "banned_terms": ["cheap"],
                "preferred_terms": {"Utilize": "use", "utilize": "employ", "inexpensive": "Cheap"},
            }
        )
    )
    assert errors == {
        'brand.preferred_terms["utilize"]': [m.CONFLICTING_REPLACEMENT.format(avoid="utilize")],
        'brand.preferred_terms["inexpensive"]': [m.REPLACEMENT_IS_BANNED.format(use="Cheap")],
    }


def test_banned_terms_that_name_the_product_are_kept_for_qc_to_report():
    """Intake accepts a banned word the product name needs; QC, not intake, fails the assets."""
    brief = normalize(with_changes(product={"name": "Crème Box Pro"}, brand={"banned_terms": ["pro", "cheap"]}))
    assert brief.brand.banned_terms == ("pro", "cheap")


def test_an_exclusion_may_not_exclude_a_planned_channel():
    errors = errors_of(with_changes(channels=["x", "email"], scope={"exclusions": ["Twitter", "Politics"]}))
    assert errors == {"scope.exclusions[0]": [m.EXCLUDES_PLANNED_CHANNEL.format(channel="x")]}


def test_brand_details_are_canonical():
    brief = normalize(
        with_changes(
            brand={
                "colors": ["#f5e6c8", "navy", "#F5E6C8"],
                "allowed_domains": ["Zoe.Example.org.", "zoe.example.org"],
                "max_grade_level": 8,
            },
            language="EN-gb",
        )
    )
    assert brief.brand.colors == ("#F5E6C8", "navy")
    assert brief.brand.allowed_domains == ("zoe.example.org",)
    assert brief.brand.max_grade_level == 8.0
    assert brief.language == "en-GB"


def test_bad_brand_details_and_language():
    errors = errors_of(
        with_changes(
            brand={"allowed_domains": ["https://zoe.example.org/"], "max_grade_level": 42}, language="English!"
        )
    )
    assert errors == {
        "brand.allowed_domains[0]": [m.BAD_DOMAIN],
        "brand.max_grade_level": [m.OUT_OF_RANGE.format(low=1, high=20)],
        "language": [m.BAD_LANGUAGE],
    }


def test_defaults_of_a_minimal_intake():
    """Optional fields fall back to empty values, not sponsored, English."""
    brief = normalize(minimal())
    assert brief.sponsored is False
    assert brief.language == "en"
    assert brief.brand.banned_terms == ()
    assert brief.delivery.email == ""
    assert (brief.created_at, brief.updated_at) == (NOW, NOW)


def test_optional_nulls_mean_not_given():
    brief = normalize(with_changes(client={"website": None}, budget=None, brand=None, sponsored=None))
    assert brief.client.website == ""
    assert brief.budget.amount is None
    assert brief.sponsored is False


def test_urls_and_emails_are_validated():
    errors = errors_of(
        with_changes(
            client={"website": "zoe.example.org", "contact_email": "zoe@"},
            product={"url": "javascript:alert(1)"},
            delivery={"email": "ops@zoe.example.org", "webhook_url": "http://127.0.0.1:8099/hook"},
        )
    )
    assert errors == {"client.website": [m.BAD_URL], "client.contact_email": [m.BAD_EMAIL], "product.url": [m.BAD_URL]}


# --- dates -----------------------------------------------------------------------------------


def test_end_before_start_is_an_error_on_the_end():
    errors = errors_of(with_changes(timeline={"start": "2027-05-10", "end": "2027-05-09"}))
    assert errors == {"timeline.end": [m.END_BEFORE_START]}


def test_a_one_day_timeline_is_allowed():
    brief = normalize(with_changes(timeline={"start": "2027-05-10", "end": "2027-05-10"}))
    assert brief.timeline.start == brief.timeline.end == dt.date(2027, 5, 10)
    assert brief.timeline.days == 1


@pytest.mark.parametrize("value", ["10/05/2027", "2027-02-30", "2027-05-10T00:00:00Z", "20270510", 20270510])
def test_dates_must_be_iso_calendar_dates(value):
    errors = errors_of(with_changes(timeline={"start": value}))
    assert errors == {"timeline.start": [m.BAD_DATE]}


# --- parsing and fingerprint -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("{bad", "Expecting property name"),
        ('{"a": 1, "a": 2}', "appears twice"),
        ('{"amount": NaN}', "NaN"),
        (b"\xff\xfe{}", "not valid UTF-8"),
        ("", "Expecting value"),
    ],
)
def test_text_that_is_not_strict_json_is_rejected_at_the_root(raw, fragment):
    with pytest.raises(ValidationFailed) as caught:
        parse_intake_text(raw)
    assert list(caught.value.errors) == ["$"]
    assert fragment in caught.value.errors["$"][0]


def test_json_text_parses_with_exact_decimals_and_a_bom():
    assert parse_intake_text('\ufeff{"amount": 0.10}'.encode()) == {"amount": Decimal("0.10")}


def test_fingerprint_ignores_key_order_ids_and_time():
    """The same content in any key order, with any ids, gives the same fingerprint."""
    # given
    payload = json.loads((EXAMPLES / "b2b-saas-launch.json").read_text(encoding="utf-8"))
    reordered = json.loads(json.dumps(_reverse_keys(payload)))
    # when
    first = normalize(payload)
    second = normalize_intake(reordered, brief_id=uuid.uuid4(), intake_id=uuid.uuid4(), now=NOW + dt.timedelta(days=3))
    # then
    assert list(reordered) != list(payload)
    assert first.fingerprint == second.fingerprint
    assert re.fullmatch(r"[0-9a-f]{64}", first.fingerprint)


def test_fingerprint_ignores_spelling_that_normalizes_away():
    a = normalize(with_changes(channels=["Twitter"], budget={"amount": 10}))
    b = normalize(with_changes(channels=[" x "], budget={"amount": 10.0, "currency": "usd"}))
    assert a.fingerprint == b.fingerprint


def test_fingerprint_changes_with_content():
    payload = minimal()
    changed = copy.deepcopy(payload)
    changed["audience"]["description"] = "Lyon commuters"
    assert normalize(payload).fingerprint != normalize(changed).fingerprint


def _reverse_keys(value):
    if isinstance(value, dict):
        return {k: _reverse_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reverse_keys(v) for v in value]
    return value
