"""The brief's typed facts (issue: the brief as typed facts) and input that can never break a run."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from onboarding import intake as m
from onboarding.domain import KeyDate
from onboarding.tests.test_intake import errors_of, normalize, with_changes

FULL_FACTS = {
    "client": {"phone": "+1 503 555 0100", "timezone": "America/Chicago"},
    "product": {
        "kind": "Local_Service",
        "category": "emergency plumbing",
        "alternative": "waiting for a callback from a big franchise",
        "price": "$89 call-out fee",
        "offer": "Free drain check with any repair",
        "offer_expires": "2027-02-15",
    },
    "audience": {
        "search_terms": ["emergency plumber columbus", "burst pipe repair", "Burst pipe repair"],
        "testimonials": ["Came out at 2 a.m. and fixed it in an hour."],
    },
    "timeline": {
        "launch": "2027-01-11",
        "key_dates": [{"date": "2027-02-01", "label": "Frozen pipe week"}, {"date": "2027-01-20", "label": "Open day"}],
    },
    "brand": {"allowed_phrases": ["Small Luxury Hotels of the World"], "banned_terms": ["luxury"]},
}


def test_every_new_fact_is_read_into_the_brief():
    """Each new fact lands on the normalized brief in its canonical form."""
    # when
    brief = normalize(with_changes(**FULL_FACTS))
    # then
    assert (brief.client.phone, brief.client.timezone) == ("+1 503 555 0100", "America/Chicago")
    assert brief.product.kind == "local_service"
    assert brief.product.category == "emergency plumbing"
    assert brief.product.alternative == "waiting for a callback from a big franchise"
    assert brief.product.price == "$89 call-out fee"
    assert brief.product.offer_expires == dt.date(2027, 2, 15)
    assert brief.audience.search_terms == ("emergency plumber columbus", "burst pipe repair")
    assert brief.audience.testimonials == ("Came out at 2 a.m. and fixed it in an hour.",)
    assert brief.timeline.launch == dt.date(2027, 1, 11)
    assert brief.timeline.key_dates == (
        KeyDate(dt.date(2027, 1, 20), "Open day"),
        KeyDate(dt.date(2027, 2, 1), "Frozen pipe week"),
    )
    assert brief.brand.allowed_phrases == ("Small Luxury Hotels of the World",)


@pytest.mark.parametrize(
    "phone", ["+15035550100", "(503) 555-0100", "503.555.0100", "020 7946 0321", "+44 20 7946 0321"]
)
def test_phone_numbers_are_kept_as_written(phone):
    assert normalize(with_changes(client={"phone": phone})).client.phone == phone


def test_every_example_uses_the_typed_facts():
    """The shipped examples say what kind of product they sell, in which time zone, with search terms."""
    from onboarding.tests.test_intake import example_paths

    for path in example_paths():
        brief = normalize(m.parse_intake_text(path.read_text(encoding="utf-8")))
        assert brief.product.kind and brief.product.category and brief.product.alternative, path.name
        assert brief.client.timezone and brief.audience.search_terms and brief.audience.testimonials, path.name
        assert m.intake_warnings(brief) == (), path.name


def test_launch_defaults_to_the_start_and_facts_default_to_empty():
    brief = normalize(with_changes())
    assert brief.timeline.launch == brief.timeline.start == brief.timeline.first_publish_day
    assert brief.timeline.key_dates == ()
    assert (brief.product.kind, brief.client.timezone, brief.product.offer_expires) == ("", "", None)


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"client": {"phone": "call me"}}, "client.phone", m.BAD_PHONE),
        ({"client": {"phone": "+1 555"}}, "client.phone", m.BAD_PHONE),
        ({"client": {"timezone": "Mars/Olympus"}}, "client.timezone", m.BAD_TIMEZONE),
        ({"client": {"timezone": "GMT+2"}}, "client.timezone", m.BAD_TIMEZONE),
        ({"product": {"kind": "gadget"}}, "product.kind", m.BAD_PRODUCT_KIND),
        ({"product": {"category": 7}}, "product.category", m.NOT_A_STRING),
        ({"product": {"offer_expires": "next Friday"}}, "product.offer_expires", m.BAD_DATE),
        ({"product": {"offer_expires": "2026-12-31"}}, "product.offer_expires", None),
        ({"audience": {"search_terms": "plumber"}}, "audience.search_terms", m.NOT_A_LIST),
        ({"audience": {"testimonials": [""]}}, "audience.testimonials[0]", m.BLANK),
        ({"timeline": {"launch": "2027-03-01"}}, "timeline.launch", None),
        (
            {"timeline": {"key_dates": [{"date": "2026-12-01", "label": "Too early"}]}},
            "timeline.key_dates[0].date",
            None,
        ),
        ({"timeline": {"key_dates": [{"date": "2027-01-20"}]}}, "timeline.key_dates[0].label", m.REQUIRED),
        ({"brand": {"allowed_phrases": ["ok", 3]}}, "brand.allowed_phrases[1]", m.NOT_A_STRING),
    ],
)
def test_an_invalid_value_of_each_new_fact_names_its_field(changes, path, message):
    """Every new fact refuses bad values with an error under its own path."""
    errors = errors_of(with_changes(**changes))
    assert list(errors) == [path]
    if message is not None:
        assert errors[path] == [message]


def test_a_misspelt_key_date_field_is_named_with_the_field_it_meant():
    errors = errors_of(with_changes(timeline={"key_dates": [{"dtae": "2027-01-20", "label": "x"}]}))
    assert errors == {
        "timeline.key_dates[0].date": [m.REQUIRED],
        "timeline.key_dates[0].dtae": [m.DID_YOU_MEAN.format(suggestion="timeline.key_dates[0].date")],
    }


def test_time_rules_between_fields_name_the_later_field():
    """Launch and key dates inside the timeline; an offer that expires before the campaign; too long a campaign."""
    errors = errors_of(
        with_changes(
            product={"offer_expires": "2026-12-20"},
            timeline={"launch": "2027-03-01", "key_dates": [{"date": "2027-06-01", "label": "Late"}]},
        )
    )
    inside = m.OUTSIDE_TIMELINE.format(start="2027-01-04", end="2027-02-28")
    assert errors == {
        "product.offer_expires": [m.OFFER_EXPIRES_BEFORE_START.format(start="2027-01-04")],
        "timeline.launch": [inside],
        "timeline.key_dates[0].date": [inside],
    }


def test_a_ten_year_timeline_is_refused():
    errors = errors_of(with_changes(timeline={"start": "2027-01-01", "end": "2036-12-31"}))
    assert errors == {"timeline.end": [m.TIMELINE_TOO_LONG.format(years=3)]}


def test_a_three_year_timeline_is_allowed():
    brief = normalize(with_changes(timeline={"start": "2027-01-01", "end": "2030-01-01"}))
    assert brief.timeline.days == 1097


@pytest.mark.parametrize("year", ["1999", "2101", "9999"])
def test_years_outside_2000_to_2100_are_refused(year):
    errors = errors_of(with_changes(timeline={"end": f"{year}-01-01"}))
    assert errors == {"timeline.end": [m.YEAR_OUT_OF_RANGE]}


# --- input that can never break a run ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        (
            {"client": {"name": "Acme\r\nBcc: victim@example.org"}},
            "client.name",
            m.CONTROL_CHARACTER.format(found="U+000D"),
        ),
        ({"product": {"name": "Crème\tBox"}}, "product.name", m.CONTROL_CHARACTER.format(found="U+0009")),
        (
            {"client": {"contact_email": "a@b.org\nX-Injected: 1"}},
            "client.contact_email",
            m.CONTROL_CHARACTER.format(found="U+000A"),
        ),
        (
            {"product": {"url": "https://ok.example.org/\x85x"}},
            "product.url",
            m.CONTROL_CHARACTER.format(found="U+0085"),
        ),
        ({"brand": {"hashtags": ["#ok\x1b"]}}, "brand.hashtags[0]", m.CONTROL_CHARACTER.format(found="U+001B")),
        ({"product": {"description": "Line one\nLine two\x00"}}, "product.description", m.NUL_CHARACTER),
        ({"audience": {"description": "commuters \ud800"}}, "audience.description", m.LONE_SURROGATE),
        ({"client": {"name": "Ac\u200bme"}}, "client.name", m.INVISIBLE_CHARACTER.format(found="U+200B")),
        (
            {"brand": {"banned_terms": ["fr\u202eee"]}},
            "brand.banned_terms[0]",
            m.INVISIBLE_CHARACTER.format(found="U+202E"),
        ),
        ({"budget": {"amount": Decimal("1" * 5000)}}, "budget.amount", m.TOO_MANY_DIGITS),
        (
            {"goals": [{"type": "sales", "description": "x", "target": Decimal("1" * 16)}]},
            "goals[0].target",
            m.TOO_MANY_DIGITS,
        ),
        (
            {"goals": [{"type": "sales", "description": "x", "target": Decimal("1.125")}]},
            "goals[0].target",
            m.TOO_MANY_DECIMALS,
        ),
    ],
)
def test_hostile_text_and_numbers_are_refused_with_their_path(changes, path, message):
    """Control characters in one-line fields, NUL anywhere, lone surrogates, invisible characters in
    names and terms, and numbers too long to store are each a clear error on their field."""
    assert errors_of(with_changes(**changes)) == {path: [message]}


def test_multi_line_fields_keep_line_breaks_and_drop_carriage_returns():
    brief = normalize(
        with_changes(product={"description": "One.\r\nTwo.\rThree."}, client={"postal_address": "1 Rue\n75011 Paris"})
    )
    assert brief.product.description == "One.\nTwo.\nThree."
    assert brief.client.postal_address == "1 Rue\n75011 Paris"


def test_a_five_thousand_digit_integer_in_json_text_reaches_the_field_check():
    """Python's int() refuses 4,300+ digits with an error naming no field; the parser keeps it as a Decimal."""
    raw = '{"budget": {"amount": ' + "9" * 5000 + "}}"
    assert m.parse_intake_text(raw)["budget"]["amount"] == Decimal("9" * 5000)


def test_a_language_the_generator_cannot_write_is_refused():
    errors = errors_of_with_languages(with_changes(language="fr-FR"), languages={"en"})
    assert errors == {"language": [m.LANGUAGE_NOT_WRITTEN.format(tag="fr-FR", languages="en")]}


def errors_of_with_languages(payload, *, languages):
    import uuid

    from kernel.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        m.normalize_intake(
            payload, brief_id=uuid.uuid4(), intake_id=uuid.uuid4(), now=dt.datetime.now(dt.UTC), languages=languages
        )
    return caught.value.errors


# --- warnings ---------------------------------------------------------------------------------------------


def _warnings(**changes):
    return {(w.path, w.message) for w in m.intake_warnings(normalize(with_changes(**changes)))}


def test_a_brief_without_a_time_zone_is_warned_that_times_are_utc():
    assert ("client.timezone", m.NO_TIMEZONE) in _warnings()
    assert not {w for w in _warnings(client={"timezone": "Europe/London"}) if w[0] == "client.timezone"}


def test_a_disclaimer_too_long_for_a_search_ad_is_a_warning_naming_channel_and_length():
    disclaimer = "Capital at risk. The value of investments can go down as well as up; past performance is no guide."
    found = _warnings(channels=["google_ads", "email"], brand={"disclaimers": [disclaimer]})
    expected = m.TOO_LONG_FOR_CHANNEL.format(length=len(disclaimer), field="description", channel="Google Ads", room=90)
    assert ("brand.disclaimers[0]", expected) in found
    assert not {w for w in _warnings(channels=["email"], brand={"disclaimers": [disclaimer]}) if "disclaimers" in w[0]}


def test_a_banned_term_in_the_product_or_proof_is_a_warning_unless_allowed():
    changes = {
        "product": {"name": "Casa Luxury Rooms", "proof_points": ["Member of Small Luxury Hotels of the World"]},
        "brand": {"banned_terms": ["luxury"]},
    }
    found = _warnings(**changes)
    assert ("product.name", m.BANNED_TERM_IN_FACT.format(term="luxury")) in found
    assert ("product.proof_points[0]", m.BANNED_TERM_IN_FACT.format(term="luxury")) in found
    allowed = {
        **changes,
        "brand": {"banned_terms": ["luxury"], "allowed_phrases": ["Small Luxury Hotels of the World"]},
    }
    assert not {w for w in _warnings(**allowed) if w[0] == "product.proof_points[0]"}
