"""Invalid query parameters and wrong types are 400s that name every parameter or field at fault."""

from __future__ import annotations

import uuid

import pytest

from kernel.api import EMPTY_PARAMETER, NO_PARAMETERS, REPEATED_PARAMETER
from tests.api.conftest import BRIEFS, RUNS, STRATEGIES

ANY = uuid.uuid4()


def _fields(response) -> dict:
    assert response.status_code == 400, (response.status_code, response.content)
    error = response.json()["error"]
    assert error["code"] == "invalid"
    return error["fields"]


@pytest.mark.parametrize("collection", [BRIEFS, RUNS, STRATEGIES])
def test_an_empty_status_is_a_400(api, collection):
    """`?status=` is not "any status": it names no status, so it is refused."""
    assert _fields(api.get(collection + "?status=")) == {"status": [EMPTY_PARAMETER]}


@pytest.mark.parametrize(
    "query",
    ["limit=5&limit=6", "offset=0&offset=10", "status=normalized&status=archived"],
)
def test_a_parameter_given_twice_is_a_400(api, query):
    """`limit` given twice (an array, to some clients) is ambiguous: refused, not the last one silently."""
    # when
    fields = _fields(api.get(f"{BRIEFS}?{query}"))
    # then
    [name] = fields
    assert fields[name] == [REPEATED_PARAMETER]


@pytest.mark.parametrize(
    "query",
    [
        "limit=abc",
        "limit=0",
        "limit=201",
        "limit=1.5",
        "limit=5.0",
        "limit=",
        "offset=-1",
        "offset=x",
        "offset=0.0",
        "offset=30511097037297319936",
    ],
)
def test_pagination_out_of_range_or_of_the_wrong_type_is_a_400(api, query):
    """DRF would quietly use the default page size; here the client hears about it."""
    assert list(_fields(api.get(f"{BRIEFS}?{query}"))) == [query.split("=")[0]]


def test_pagination_in_range_is_accepted(api, brief):
    # when
    response = api.get(f"{BRIEFS}?limit=200&offset=0")
    # then
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize("query", ["format=", "format=zip", "format=json"])
def test_format_on_the_download_is_an_unknown_parameter(api, query):
    """Content negotiation uses Accept; `?format=` is a 400, whatever its value."""
    # when
    fields = _fields(api.get(f"/api/v1/packages/{ANY}/download/?{query}"))
    # then
    assert fields == {"format": [NO_PARAMETERS]}


def test_an_unknown_parameter_is_a_400_naming_the_ones_the_operation_takes(api):
    """A typo in a filter name does not return everything unfiltered."""
    # when
    fields = _fields(api.get(f"{RUNS}?stauts=completed&brief=1"))
    # then
    assert set(fields) == {"stauts", "brief"}
    assert "brief_id" in fields["stauts"][0] and "status" in fields["stauts"][0]


@pytest.mark.parametrize("passed", ["yes", "1", "True", ""])
def test_a_boolean_filter_is_true_or_false_only(api, completed_run, passed):
    assert list(_fields(api.get(f"{RUNS}{completed_run['id']}/drafts/", {"passed": passed}))) == ["passed"]


def test_a_boolean_filter_reads_true(api, completed_run):
    # when
    response = api.get(f"{RUNS}{completed_run['id']}/drafts/", {"passed": "true"})
    # then
    assert response.status_code == 200
    assert response.json()["count"] > 0


@pytest.mark.parametrize("decision", ["approve", "reject"])
@pytest.mark.parametrize("notes", [12345, True, ["a"], {"a": 1}])
def test_notes_that_are_not_a_string_are_a_400(approver_api, decision, notes):
    """A numeric (or any non-string) `notes` is refused, not stored as "12345"."""
    # when
    response = approver_api.post(f"{STRATEGIES}{ANY}/{decision}/", {"notes": notes}, format="json")
    # then
    assert list(_fields(response)) == ["notes"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"brief_id": 12345}, "brief_id"),
        ({"brief_id": str(ANY), "require_approval": "true"}, "require_approval"),
        ({"brief_id": str(ANY), "require_approval": 1}, "require_approval"),
    ],
)
def test_starting_a_run_with_wrong_types_is_a_400(api, body, field):
    """An integer is not a UUID and "true" is not true: the schema's types hold."""
    assert list(_fields(api.post(RUNS, body, format="json"))) == [field]
