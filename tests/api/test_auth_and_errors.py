"""Authentication, permissions and the one error body: every endpoint, DRF's own errors included."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kernel.api import MISSING_PERMISSION, PAYLOAD_TOO_LARGE, VALIDATION_MESSAGE, flatten_errors
from kernel.permissions import APPROVE_STRATEGY
from tests.api.conftest import BRIEFS, RUNS, example_intake
from tests.api.endpoints import ANY, PUBLIC, operations

ENDPOINTS = operations()
NEEDS_CREDENTIALS = [op for op in ENDPOINTS if op not in PUBLIC]


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


def test_every_routed_operation_is_documented_and_nothing_else(api):
    """The operations the URL conf routes are exactly those the schema documents."""
    # given
    schema = api.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    # when
    documented = {(method, path) for path, ops in schema["paths"].items() for method in ops}
    # then
    listed = {(method, path.replace(str(ANY), "{" + _param(path) + "}")) for method, path in ENDPOINTS}
    assert documented == listed


def _param(path: str) -> str:
    segment = path.split("/")[3]
    return {"briefs": "brief_id", "strategies": "strategy_id", "runs": "run_id", "drafts": "draft_id"}.get(
        segment, "package_id"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), NEEDS_CREDENTIALS)
def test_anonymous_requests_are_refused_with_401(anon, method, path):
    """Nothing is readable or writable without credentials: 401 with the error body and a Token challenge."""
    # when
    response = getattr(anon, method)(path, {}, format="json")
    # then
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_token_is_refused_with_401(anon, db):
    """An unknown token is an authentication failure, in the same body."""
    # given
    anon.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    # when
    response = anon.get(BRIEFS)
    # then
    assert_error(response, 401, "authentication_failed")


def test_session_authentication_reads_the_api(client, user):
    """A logged-in session (the admin's) reads the API too."""
    # given
    client.force_login(user)
    # when
    response = client.get(BRIEFS)
    # then
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_deciding_on_a_strategy_without_the_permission_is_403(api, decision):
    """Approving or rejecting needs strategy.approve_strategy; others get a 403 naming it."""
    # when
    response = api.post(f"/api/v1/strategies/{ANY}/{decision}/", {"notes": "Tighter KPIs"}, format="json")
    # then
    error = assert_error(response, 403, "permission_denied")
    assert error["message"] == MISSING_PERMISSION.format(permissions=APPROVE_STRATEGY)


def test_an_unknown_address_under_api_is_a_404_in_the_error_body(api):
    """Addresses no endpoint serves (and ids that are not UUIDs) answer the API's 404, not an HTML page."""
    # when
    responses = [api.get("/api/v1/nothing-here/"), api.get("/api/v1/runs/not-a-uuid/")]
    # then
    for response in responses:
        assert_error(response, 404, "not_found")


def test_a_method_an_endpoint_lacks_is_a_405_naming_the_allowed_ones(api):
    """DELETE on the brief collection is refused; Allow lists GET and POST."""
    # when
    response = api.delete(BRIEFS)
    # then
    assert_error(response, 405, "method_not_allowed")
    assert {"GET", "POST"} <= {m.strip() for m in response["Allow"].split(",")}


def test_a_body_that_is_not_json_is_a_415(api):
    """Intakes and run requests are JSON; form data is refused."""
    # when
    responses = [
        api.post(BRIEFS, data="client=x", content_type="application/x-www-form-urlencoded"),
        api.post(RUNS, data="brief_id=x", content_type="text/plain"),
    ]
    # then
    for response in responses:
        assert_error(response, 415, "unsupported_media_type")


def test_malformed_json_is_a_400(api):
    """A run request that is not valid JSON is a parse error in the error body."""
    # when
    response = api.post(RUNS, data="{not json", content_type="application/json")
    # then
    assert_error(response, 400, "parse_error")


def test_bodies_over_the_size_limit_are_a_413_and_store_nothing(api, settings):
    """Requests larger than DATA_UPLOAD_MAX_MEMORY_SIZE are refused, parsed JSON and raw intakes alike."""
    # given
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    intake = example_intake("local-bakery")
    assert len(intake) > 1000
    # when
    raw = api.post(BRIEFS, data=intake, content_type="application/json")
    parsed = api.post(
        RUNS,
        data=b'{"brief_id": "%s", "pad": "%s"}' % (str(ANY).encode(), b"x" * 1200),
        content_type="application/json",
    )
    # then
    for response in (raw, parsed):
        error = assert_error(response, 413, "payload_too_large")
        assert error["message"] == PAYLOAD_TOO_LARGE.format(limit=1000)
    assert api.get(BRIEFS).json()["count"] == 0


def test_too_many_requests_are_a_429_with_retry_after(api, settings):
    """The per-user rate applies to every endpoint; past it the answer is a 429 with Retry-After."""
    # given
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "3/minute"},
    }
    # when
    statuses = [api.get(BRIEFS).status_code for _ in range(3)]
    refused = api.get(BRIEFS)
    # then
    assert statuses == [200, 200, 200]
    assert_error(refused, 429, "throttled")
    assert int(refused["Retry-After"]) > 0


def test_starting_runs_has_its_own_tighter_rate(api, settings):
    """Starting runs is throttled on its own scope, while reads go on."""
    # given
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "runs.start": "1/minute"},
    }
    # when
    first = api.post(RUNS, {"brief_id": str(ANY)}, format="json")
    second = api.post(RUNS, {"brief_id": str(ANY)}, format="json")
    # then
    assert first.status_code == 404
    assert_error(second, 429, "throttled")
    assert api.get(RUNS).status_code == 200


def test_serializer_errors_are_flattened_to_paths():
    """DRF's nested error detail becomes {path: [messages]} with dotted and indexed paths."""
    # given
    detail = {
        "goals": [{}, {"type": ["bad type"], "target": ["too big", "negative"]}],
        "timeline": {"end": ["before start"]},
        "non_field_errors": ["whole body"],
        "channels": ["must have one"],
    }
    # when
    flat = flatten_errors(detail)
    # then
    assert flat == {
        "goals[1].type": ["bad type"],
        "goals[1].target": ["too big", "negative"],
        "timeline.end": ["before start"],
        "$": ["whole body"],
        "channels": ["must have one"],
    }


def test_a_request_validation_error_lists_each_field(api):
    """A run request with several bad fields answers every one under its name."""
    # when
    response = api.post(RUNS, {"brief_id": "nope", "require_approval": "perhaps"}, format="json")
    # then
    error = assert_error(response, 400, "invalid")
    assert error["message"] == VALIDATION_MESSAGE
    assert set(error["fields"]) == {"brief_id", "require_approval"}


def test_a_session_write_without_a_csrf_token_is_a_403(user):
    """Session authentication keeps Django's CSRF protection for writes (token clients need none)."""
    # given
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    # when
    response = browser.post(RUNS, {"brief_id": str(ANY)}, content_type="application/json")
    # then
    error = assert_error(response, 403, "permission_denied")
    assert "CSRF" in error["message"]
