"""The OpenAPI schema (drf-spectacular) and the Swagger UI docs, served with local assets."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from tests.api.endpoints import PUBLIC

SCHEMA = "/api/schema/"
DOCS = "/api/docs/"


@pytest.fixture
def client(client, user):
    """The schema and docs need a signed-in user: this one has no permission at all beyond that."""
    client.force_login(user)
    return client


def _schema(client) -> dict:
    response = client.get(SCHEMA, HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("address", [SCHEMA, DOCS])
def test_the_schema_and_docs_need_a_signed_in_user(anon, db, address):
    """Anonymous visitors get a 401: what the API offers is not public by default."""
    # when
    response = anon.get(address)
    # then
    assert response.status_code == 401


@pytest.mark.parametrize("address", [SCHEMA, DOCS])
def test_a_setting_opens_the_schema_and_docs(anon, db, settings, address):
    """AICMO_PUBLIC_API_DOCS publishes them for anyone."""
    # given
    settings.AICMO_PUBLIC_API_DOCS = True
    # when
    response = anon.get(address)
    # then
    assert response.status_code == 200


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    """drf-spectacular builds a valid OpenAPI 3 document with nothing guessed (warnings fail)."""
    # given
    target = tmp_path / "schema.yaml"
    # when
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), "--skip-checks")
    # then
    text = target.read_text()
    assert text.startswith("openapi: 3")
    assert "/api/v1/runs/{run_id}/" in text


def test_every_operation_documents_its_errors_with_the_error_body(client, db):
    """Each operation lists 400, 401, 403 and 429 with the shared Error body, and its success response;
    every one but the token exchange needs a token or a session."""
    # when
    schema = _schema(client)
    # then
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert any(code.startswith("2") for code in responses), (method, path)
            for code in ("400", "401", "403", "429"):
                [media] = responses[code]["content"].values()
                assert media["schema"] == {"$ref": "#/components/schemas/Error"}, (method, path, code)
            expected = [] if (method, path) in PUBLIC else [{"knoxApiToken": []}, {"cookieAuth": []}]
            assert operation.get("security", []) == expected, (method, path)
    error = schema["components"]["schemas"]["ErrorDetail"]
    assert set(error["properties"]) == {"code", "message", "fields"}
    assert error["required"] == ["code", "message"]


def test_starting_a_run_is_documented_as_202_with_location_and_idempotency_key(client, db):
    """The start operation documents 202 (and 200 for a repeat) with a Location header, and the key header."""
    # when
    operation = _schema(client)["paths"]["/api/v1/runs/"]["post"]
    # then
    for code in ("202", "200"):
        assert "Location" in operation["responses"][code]["headers"]
        assert operation["responses"][code]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/RunAccepted"
        }
    assert "409" in operation["responses"]
    [key] = [p for p in operation["parameters"] if p["in"] == "header"]
    assert key["name"] == "Idempotency-Key"
    assert key["schema"]["maxLength"] == 255


def test_lists_are_documented_as_pages_with_limit_and_offset(client, db):
    """List operations describe the page envelope and the limit/offset parameters besides their filters."""
    # when
    operation = _schema(client)["paths"]["/api/v1/briefs/"]["get"]
    # then
    names = {p["name"] for p in operation["parameters"]}
    assert names == {"limit", "offset", "status", "client_name"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PaginatedBriefList"
    }


def test_the_download_is_documented_as_a_zip(client, db):
    """The package download's success is application/zip; its errors stay JSON."""
    # when
    responses = _schema(client)["paths"]["/api/v1/packages/{package_id}/download/"]["get"]["responses"]
    # then
    assert list(responses["200"]["content"]) == ["application/zip"]
    assert list(responses["404"]["content"]) == ["application/json"]


def test_the_docs_page_serves_swagger_ui_from_local_static_files(client, db):
    """Swagger UI loads its scripts and styles from our static files (drf-spectacular-sidecar), never a CDN."""
    # when
    response = client.get(DOCS)
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    assert all(a.startswith("/static/drf_spectacular_sidecar/") for a in assets), assets
    assert "cdn" not in html.lower()
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
    assert SCHEMA in html
