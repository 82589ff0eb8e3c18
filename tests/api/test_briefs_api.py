"""Briefs over the API: submit an intake (stored verbatim), list with filters and pages, read."""

from __future__ import annotations

import json
import uuid

import pytest

from onboarding import intake as messages
from onboarding.services import BRIEF_NOT_FOUND
from tests.api.conftest import BRIEFS, example_intake, submit
from tests.factories import example_brief_paths


@pytest.mark.parametrize("name", [p.stem for p in example_brief_paths()])
def test_each_example_intake_makes_a_brief_and_keeps_the_intake_verbatim(api, name):
    """POST /briefs/ answers 201 with the normalized brief and its URL; the raw intake is kept byte for byte."""
    # given
    body = example_intake(name)
    # when
    response = api.post(BRIEFS, data=body, content_type="application/json")
    # then
    assert response.status_code == 201, response.content
    brief = response.json()
    assert response["Location"] == f"http://testserver/api/v1/briefs/{brief['id']}/"
    assert brief["client"]["name"] == json.loads(body)["client"]["name"]
    assert brief["status"] == "normalized"
    assert len(brief["fingerprint"]) == 64
    intake = api.get(f"{BRIEFS}{brief['id']}/intake/").json()
    assert intake["id"] == brief["intake_id"]
    assert intake["payload"].encode("utf-8") == body
    assert intake["source"] == "api"
    assert api.get(response["Location"]).json() == brief


def test_an_intake_with_several_errors_names_each_one_by_path_and_stores_nothing(api):
    """Every problem comes back at once with its field path, and no brief or intake is stored."""
    # given
    intake = json.loads(example_intake("local-bakery"))
    intake["goals"][0]["type"] = "fame"
    intake["timeline"] = {"start": "2027-05-01", "end": "2027-04-01"}
    intake["channels"] = ["instagram", "telegraph"]
    intake["client"]["contact_email"] = "not-an-email"
    intake["colour"] = "blue"
    before = api.get(BRIEFS).json()["count"]
    # when
    response = api.post(BRIEFS, data=json.dumps(intake), content_type="application/json")
    # then
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {
        "goals[0].type": [messages.BAD_GOAL_TYPE],
        "timeline.end": [messages.END_BEFORE_START],
        "channels[1]": [messages.UNKNOWN_CHANNEL.format(value="telegraph")],
        "client.contact_email": [messages.BAD_EMAIL],
        "colour": [messages.UNKNOWN_FIELD],
    }
    assert api.get(BRIEFS).json()["count"] == before == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"client": ', messages.NOT_JSON.split(":")[0]),
        (b"[1, 2]", messages.NOT_AN_OBJECT),
        (b"\xff\xfe{}", messages.NOT_UTF8.split(":")[0]),
    ],
)
def test_a_body_that_is_not_an_intake_object_is_a_400_at_the_root(api, body, message):
    """Broken JSON, a non-object or bad UTF-8 is reported under `$`."""
    # when
    response = api.post(BRIEFS, data=body, content_type="application/json")
    # then
    assert response.status_code == 400
    [root] = response.json()["error"]["fields"]["$"]
    assert root.startswith(message)


def test_the_list_pages_newest_first(api):
    """Briefs come newest first in limit/offset pages with count and links."""
    # given
    made = [submit(api, example_intake(p.stem))["id"] for p in example_brief_paths()]
    # when
    first = api.get(BRIEFS, {"limit": 2}).json()
    second = api.get(first["next"]).json()
    # then
    assert first["count"] == len(made)
    ids = [b["id"] for b in first["results"]] + [b["id"] for b in second["results"]]
    assert ids == list(reversed(made))[: len(ids)]
    assert first["previous"] is None
    assert second["previous"] is not None


def test_the_list_filters_by_client_name_and_status(api):
    """client_name matches exactly; status filters by the brief's state."""
    # given
    bakery = submit(api, example_intake("local-bakery"))
    submit(api, example_intake("b2b-saas-launch"))
    # when
    by_client = api.get(BRIEFS, {"client_name": bakery["client"]["name"]}).json()
    delivered = api.get(BRIEFS, {"status": "delivered"}).json()
    # then
    assert [b["id"] for b in by_client["results"]] == [bakery["id"]]
    assert delivered["count"] == 0


def test_an_unknown_filter_value_is_a_400_naming_the_parameter(api):
    """A status that does not exist is a validation error on `status`."""
    # when
    response = api.get(BRIEFS, {"status": "lost"})
    # then
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["status"]


@pytest.mark.parametrize("suffix", ["", "intake/"])
def test_an_unknown_brief_is_a_404(api, suffix):
    """Reading a brief (or its intake) that does not exist is a 404 naming it."""
    # given
    missing = uuid.uuid4()
    # when
    response = api.get(f"{BRIEFS}{missing}/{suffix}")
    # then
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": BRIEF_NOT_FOUND.format(brief_id=missing)}


# --- the same intake twice, warnings, and input that must never break a run ------------------------------


def test_the_same_intake_posted_twice_is_one_brief_unless_a_new_one_is_asked_for(api):
    """A second POST of equal content answers 200 with the first brief; `?new=1` makes a second brief."""
    # given
    body = example_intake("local-bakery")
    first = api.post(BRIEFS, data=body, content_type="application/json")
    # when
    again = api.post(BRIEFS, data=body, content_type="application/json")
    forced = api.post(f"{BRIEFS}?new=1", data=body, content_type="application/json")
    # then
    assert (first.status_code, again.status_code, forced.status_code) == (201, 200, 201)
    assert again.json()["id"] == first.json()["id"]
    assert again["Location"] == first["Location"]
    assert forced.json()["id"] != first.json()["id"]
    assert api.get(BRIEFS).json()["count"] == 2


def test_each_new_fact_comes_back_from_the_api(api):
    """The typed facts round-trip: what the intake said is what the brief reads."""
    # given
    intake = json.loads(example_intake("local-service"))
    # when
    brief = api.post(BRIEFS, data=json.dumps(intake), content_type="application/json").json()
    # then
    assert brief["client"]["phone"] == intake["client"]["phone"]
    assert brief["client"]["timezone"] == "America/New_York"
    product = brief["product"]
    assert (product["kind"], product["category"], product["offer_expires"]) == (
        "local_service",
        "emergency plumber",
        "2027-02-15",
    )
    assert product["alternative"] == intake["product"]["alternative"]
    assert product["price"] == intake["product"]["price"]
    assert brief["audience"]["search_terms"] == intake["audience"]["search_terms"]
    assert brief["audience"]["testimonials"] == intake["audience"]["testimonials"]
    assert brief["timeline"]["launch"] == "2027-01-04"
    assert brief["brand"]["allowed_phrases"] == []
    assert brief["warnings"] == []
    assert api.get(f"{BRIEFS}{brief['id']}/").json() == brief


def test_warnings_name_a_missing_time_zone_and_a_disclaimer_too_long_for_search_ads(api):
    # given
    intake = json.loads(example_intake("local-service"))
    del intake["client"]["timezone"]
    intake["brand"]["disclaimers"] = [
        "Ohio license PL.48213. Prices exclude parts and materials; visits after 10 p.m. carry a surcharge."
    ]
    # when
    brief = api.post(BRIEFS, data=json.dumps(intake), content_type="application/json").json()
    # then
    paths = {w["path"]: w["message"] for w in brief["warnings"]}
    assert paths["client.timezone"] == messages.NO_TIMEZONE
    assert "Google Ads" in paths["brand.disclaimers[0]"] and "90" in paths["brand.disclaimers[0]"]


HOSTILE = [
    ("client.name", lambda i: i["client"].update(name="Buckeye\r\nBcc: all@example.org")),
    ("product.description", lambda i: i["product"].update(description="Pipes\u0000")),
    ("audience.description", lambda i: i["audience"].update(description="Homeowners \ud83d")),
    ("budget.amount", None),
    ("timeline.end", lambda i: i["timeline"].update(end="9999-02-28")),
    ("timeline.end", lambda i: i["timeline"].update(end="2037-01-03")),
]


@pytest.mark.parametrize(
    ("path", "spoil"), HOSTILE, ids=["crlf", "nul", "surrogate", "5000-digits", "y9999", "10-years"]
)
def test_input_that_would_break_a_run_is_a_400_naming_the_field_and_stores_nothing(api, path, spoil):
    # given
    intake = json.loads(example_intake("local-service"))
    if spoil is None:
        body = json.dumps(intake).replace('"amount": 9000', '"amount": ' + "9" * 5000)
    else:
        spoil(intake)
        body = json.dumps(intake)
    # when
    response = api.post(BRIEFS, data=body, content_type="application/json")
    # then
    assert response.status_code == 400, response.content
    assert path in response.json()["error"]["fields"]
    assert api.get(BRIEFS).json()["count"] == 0


def test_a_language_the_generator_cannot_write_is_a_400_on_language(api):
    intake = json.loads(example_intake("local-service"))
    intake["language"] = "fr-FR"
    response = api.post(BRIEFS, data=json.dumps(intake), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "language": [messages.LANGUAGE_NOT_WRITTEN.format(tag="fr-FR", languages="en")]
    }
