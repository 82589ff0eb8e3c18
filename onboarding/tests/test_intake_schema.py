"""One intake schema: the OpenAPI request schema and the validator agree, and both follow the one definition.

The API's published schema (as drf-spectacular serves it) is turned back into JSON Schema and
checked with `jsonschema` against what the validator accepts: every valid example is valid by
both; a document the schema accepts fails the validator only on the content checks that JSON
Schema cannot express (intake.CONTENT_CHECKS); a structural fault fails both at the same path.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given, settings
from pydantic import Field, create_model
from schemathesis import GenerationMode

from kernel.errors import ValidationFailed
from onboarding import intake, reference, schema
from onboarding.intake import is_content_check, normalize_intake, parse_intake_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "briefs"
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    """The API's OpenAPI document, as `/api/schema/` serves it."""
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


@pytest.fixture(scope="module")
def published(openapi) -> dict[str, Any]:
    """The intake's request schema as the API publishes it, as plain JSON Schema."""
    document = openapi
    body = document["paths"]["/api/v1/briefs/"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    components = {name: _json_schema(s) for name, s in document["components"]["schemas"].items()}
    return {**_json_schema(body), "components": {"schemas": components}}


def _json_schema(value: Any) -> Any:
    """OpenAPI 3.0 -> JSON Schema: `nullable: true` becomes "or null"."""
    if isinstance(value, list):
        return [_json_schema(v) for v in value]
    if not isinstance(value, dict):
        return value
    converted = {k: _json_schema(v) for k, v in value.items() if k not in ("nullable", "example")}
    if value.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def schema_errors(published: dict[str, Any], document: Any) -> list[jsonschema.ValidationError]:
    validator = jsonschema.Draft202012Validator(published, format_checker=jsonschema.FormatChecker())
    return list(validator.iter_errors(document))


def validator_errors(document: Any) -> dict[str, list[str]]:
    try:
        normalize_intake(document, brief_id=uuid.uuid4(), intake_id=uuid.uuid4(), now=NOW)
    except ValidationFailed as exc:
        return exc.errors
    return {}


def examples() -> list[dict[str, Any]]:
    return [parse_intake_text(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.json"))]


def _plain(value: Any) -> Any:
    """Parsed intake values (Decimal) as JSON Schema sees them (numbers)."""
    return json.loads(json.dumps(value, default=float))


# --- agreement -----------------------------------------------------------------------------------


def test_every_example_is_valid_by_the_schema_and_the_validator(published):
    for document in examples():
        assert validator_errors(document) == {}
        assert schema_errors(published, _plain(document)) == []


def test_valid_spellings_the_validator_canonicalises_are_valid_by_the_schema(published):
    """Aliases, letter case and nulls for optional fields: accepted by both."""
    document = _plain(examples()[0])
    document["channels"] = ["Twitter", "LinkedIn"]
    document["goals"][0]["type"] = "LEADS"
    document["product"]["kind"] = "Software"
    document["budget"]["currency"] = "eur"
    document["client"]["website"] = None
    document["brand"] = None
    assert validator_errors(document) == {}
    assert schema_errors(published, document) == []


STRUCTURAL_FAULTS = [
    (("client",), "drop", "client"),
    (("product", "name"), "drop", "product.name"),
    (("goals",), [], "goals"),
    (("channels",), "linkedin", "channels"),
    (("timeline", "start"), 20270101, "timeline.start"),
    (("audience", "pains"), "slow", "audience.pains"),
    (("sponsored",), "yes", "sponsored"),
    (("budget", "amount"), "100", "budget.amount"),
    (("brand", "preferred_terms"), ["x"], "brand.preferred_terms"),
    (("client", "phone_number"), "+15035550100", "client.phone_number"),
    (("timeline", "key_dates"), [{"date": "2027-01-20"}], "timeline.key_dates[0].label"),
]


@pytest.mark.parametrize(("where", "value", "path"), STRUCTURAL_FAULTS, ids=[f[2] for f in STRUCTURAL_FAULTS])
def test_a_structural_fault_fails_both_at_the_same_path(published, where, value, path):
    # given
    document = copy.deepcopy(_plain(examples()[0]))
    parent = document
    for key in where[:-1]:
        parent = parent[key]
    if value == "drop":
        del parent[where[-1]]
    else:
        parent[where[-1]] = value
    # then
    assert path in validator_errors(document)
    assert schema_errors(published, document), f"the schema accepted a document with a fault at {path}"


def test_a_document_the_schema_accepts_fails_the_validator_only_on_content_checks(openapi, published):
    """Bodies schemathesis generates from the published schema: the validator agrees, or names a content check."""
    operation = schemathesis.openapi.from_dict(openapi)["/api/v1/briefs/"]["POST"]

    @given(case=operation.as_strategy(GenerationMode.POSITIVE))
    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        assert schema_errors(published, case.body) == []
        for path, messages in validator_errors(case.body).items():
            for message in messages:
                assert is_content_check(message), f"{path}: {message!r} is a rule the schema should express"

    check()


# --- one definition --------------------------------------------------------------------------------


def test_a_field_added_to_the_definition_appears_in_validation_openapi_and_the_reference():
    """Adding a field to the intake models is enough: the validator, the API schema and the README follow."""
    # given: the client section with one more field, in a copy of the intake definition
    client = create_model(
        "ClientIntake",
        __base__=schema.ClientIntake,
        loyalty_tier=(schema.Line | None, Field(None, description="The client's loyalty tier.")),
    )
    document_model = create_model("IntakeDocument", __base__=schema.IntakeDocument, client=(client, Field(...)))
    sample = {**_plain(examples()[0])}
    sample["client"] = {**sample["client"], "loyalty_tier": "gold"}
    # then: validation knows it (and refuses a wrong type under its path)
    assert document_model.model_validate(sample).client.loyalty_tier == "gold"
    bad = {**sample, "client": {**sample["client"], "loyalty_tier": 3}}
    assert "client.loyalty_tier" in intake.errors_for(document_model, bad)
    assert "client.loyalty_tier" in intake.errors_for(schema.IntakeDocument, sample)
    # and the OpenAPI schema and the README reference describe it
    openapi = schema.intake_json_schema(document_model)
    assert "loyalty_tier" in openapi["$defs"]["ClientIntake"]["properties"]
    assert "`client.loyalty_tier`" in reference.render(document_model)


def test_the_readme_reference_is_the_generated_one():
    """The README's intake reference is what `manage.py intake_reference` generates from the definition."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert reference.embedded(readme) == reference.render(), (
        "README.md's intake reference is stale: run `python manage.py intake_reference --write`"
    )
