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
