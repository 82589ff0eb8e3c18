"""Brief use cases, run once per persistence mode: submit, read, list, move, discard."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from kernel.errors import InvalidTransition, NotFound, ValidationFailed
from onboarding import intake as intake_messages
from onboarding.domain import BriefStatus
from onboarding.services import (
    BAD_STATUS,
    BriefNotFound,
    IntakeNotFound,
    brief_discard,
    brief_get,
    brief_get_intake,
    brief_list,
    brief_set_status,
    brief_submit,
    brief_validate,
)

# pytest-django sets up the test database only for tests it sees need one at collection time; the
# `persistence` fixture asks for `db` at run time, so without this mark a run of this file alone has no tables.
pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "briefs"


@pytest.fixture
def briefs(repo):
    return repo("onboarding.briefs")


def example_text(name: str = "local-bakery") -> str:
    return (EXAMPLES / f"{name}.json").read_text(encoding="utf-8")


def stored_rows(briefs, persistence: str) -> int:
    """Intake and brief rows actually stored, read beneath the repository (which cannot list intakes)."""
    if persistence == "db":
        from onboarding.models import BriefRecord, IntakeRecord

        return IntakeRecord.objects.count() + BriefRecord.objects.count()
    return len(briefs._intakes) + len(briefs._briefs)


def test_submit_stores_the_brief_and_the_raw_text_verbatim(briefs, persistence):
    """The intake text is kept exactly as received, next to the brief normalized from it."""
    # given
    raw = '{\n  "client": {"name": " Zoë Café "},\t"product": {"name": "Crème ☕"},\n'
    raw += '"goals": [{"type": "Awareness", "description": "Be known"}], "audience": {"description": "Parisians"},'
    raw += '"channels": ["IG", "Newsletter"], "timeline": {"start": "2027-01-04", "end": "2027-02-28"}}  \n'
    # when
    brief = brief_submit(raw=raw, source="api", briefs=briefs)
    # then
    assert brief_get(brief_id=brief.id, briefs=briefs) == brief
    assert brief.client.name == "Zoë Café"
    assert brief.channels == ("instagram", "email")
    assert brief.status == BriefStatus.NORMALIZED
    intake = brief_get_intake(intake_id=brief.intake_id, briefs=briefs)
    assert intake.payload == raw
    assert intake.source == "api"
    assert intake.content_type == "application/json"
    assert intake.received_at == brief.created_at
    assert stored_rows(briefs, persistence) == 2


def test_submitted_bytes_are_kept_byte_for_byte(briefs):
    """Bytes are decoded as UTF-8 and stored so that encoding them again gives the same bytes."""
    # given
    raw = ("\ufeff" + example_text("regulated-finance")).encode("utf-8")
    # when
    brief = brief_submit(raw=raw, source="cli", briefs=briefs)
    # then
    stored = brief_get_intake(intake_id=brief.intake_id, briefs=briefs).payload
    assert stored.encode("utf-8") == raw
    assert brief.product.name == "Harbourline Stocks and Shares ISA"


def test_a_submitted_object_is_stored_as_its_json(briefs):
    """An already-parsed object is stored as JSON text without escaping non-ASCII characters."""
    # given
    payload = json.loads(example_text("local-bakery"))
    payload["client"]["name"] = "Crumb & Kettle — Café"
    # when
    brief = brief_submit(raw=payload, source="api", briefs=briefs)
    # then
    stored = brief_get_intake(intake_id=brief.intake_id, briefs=briefs).payload
    assert stored == json.dumps(payload, ensure_ascii=False)
    assert "Café" in stored
    assert brief.client.name == "Crumb & Kettle — Café"


def test_the_same_content_in_another_key_order_has_the_same_fingerprint(briefs):
    payload = json.loads(example_text("all-channels"))
    reordered = dict(reversed(list(payload.items())))
    first = brief_submit(raw=payload, source="api", briefs=briefs)
    second = brief_submit(raw=json.dumps(reordered, indent=4), source="cli", briefs=briefs)
    assert first.id != second.id
    assert first.fingerprint == second.fingerprint


def test_an_invalid_intake_reports_every_problem_and_stores_nothing(briefs, persistence):
    """Several faults come back together, with paths, and no intake or brief is written."""
    # given
    payload = json.loads(example_text("b2b-saas-launch"))
    payload["goals"][0]["type"] = "fame"
    payload["channels"].append("tiktok")
    payload["timeline"]["end"] = "2027-01-01"
    payload["product"]["colour"] = "teal"
    payload["budget"]["currency"] = "EURO"
    # when
    with pytest.raises(ValidationFailed) as caught:
        brief_submit(raw=json.dumps(payload), source="api", briefs=briefs)
    # then
    assert caught.value.errors == {
        "product.colour": [intake_messages.UNKNOWN_FIELD],
        "goals[0].type": [intake_messages.BAD_GOAL_TYPE],
        "channels[5]": [intake_messages.UNKNOWN_CHANNEL.format(value="tiktok")],
        "timeline.end": [intake_messages.END_BEFORE_START],
        "budget.currency": [intake_messages.BAD_CURRENCY_FORMAT],
    }
    assert brief_list(briefs=briefs) == []
    assert stored_rows(briefs, persistence) == 0


@pytest.mark.parametrize("raw", [b"\xc3\x28", "{not json", ["a", "list"], {"when": {1, 2}}])
def test_unreadable_input_is_rejected_at_the_root_and_stores_nothing(briefs, persistence, raw):
    with pytest.raises(ValidationFailed) as caught:
        brief_submit(raw=raw, source="api", briefs=briefs)
    assert list(caught.value.errors) == ["$"]
    assert brief_list(briefs=briefs) == []
    assert stored_rows(briefs, persistence) == 0


def test_validate_normalizes_without_storing(briefs, persistence):
    brief = brief_validate(raw=example_text("all-channels"))
    assert brief.sponsored is True
    assert brief_list(briefs=briefs) == []
    assert stored_rows(briefs, persistence) == 0


def test_missing_brief_and_intake_raise_not_found(briefs):
    with pytest.raises(BriefNotFound):
        brief_get(brief_id=uuid.uuid4(), briefs=briefs)
    with pytest.raises(IntakeNotFound) as caught:
        brief_get_intake(intake_id=uuid.uuid4(), briefs=briefs)
    assert isinstance(caught.value, NotFound)


def test_list_filters_by_status_and_client(briefs):
    """Lists are newest first and filter by status and exact client name."""
    # given
    bakery = brief_submit(raw=example_text("local-bakery"), source="api", briefs=briefs)
    finance = brief_submit(raw=example_text("regulated-finance"), source="api", briefs=briefs)
    brief_set_status(brief_id=bakery.id, status=BriefStatus.IN_PROGRESS, briefs=briefs)
    # when / then
    assert {b.id for b in brief_list(briefs=briefs)} == {bakery.id, finance.id}
    assert [b.id for b in brief_list(briefs=briefs, status="in_progress")] == [bakery.id]
    assert [b.id for b in brief_list(briefs=briefs, client_name=" Harbourline Investments ")] == [finance.id]
    assert brief_list(briefs=briefs, status=BriefStatus.DELIVERED) == []


def test_status_moves_follow_the_allowed_transitions(briefs):
    """A brief moves forward through work and delivery, can be put back, and cannot skip the work."""
    # given
    brief = brief_submit(raw=example_text(), source="api", briefs=briefs)
    # when / then
    with pytest.raises(InvalidTransition):
        brief_set_status(brief_id=brief.id, status=BriefStatus.DELIVERED, briefs=briefs)
    assert brief_set_status(brief_id=brief.id, status="in_progress", briefs=briefs).status == BriefStatus.IN_PROGRESS
    assert brief_set_status(brief_id=brief.id, status="in_progress", briefs=briefs).status == BriefStatus.IN_PROGRESS
    assert brief_set_status(brief_id=brief.id, status="delivered", briefs=briefs).status == BriefStatus.DELIVERED
    assert brief_set_status(brief_id=brief.id, status="archived", briefs=briefs).status == BriefStatus.ARCHIVED
    with pytest.raises(InvalidTransition):
        brief_set_status(brief_id=brief.id, status="in_progress", briefs=briefs)
    assert brief_get(brief_id=brief.id, briefs=briefs).status == BriefStatus.ARCHIVED


def test_unknown_status_and_missing_brief(briefs):
    brief = brief_submit(raw=example_text(), source="api", briefs=briefs)
    with pytest.raises(ValidationFailed) as caught:
        brief_set_status(brief_id=brief.id, status="done", briefs=briefs)
    assert caught.value.errors == {"status": [BAD_STATUS]}
    with pytest.raises(BriefNotFound):
        brief_set_status(brief_id=uuid.uuid4(), status="archived", briefs=briefs)


def test_discard_removes_brief_and_intake_and_is_idempotent(briefs, persistence):
    """Discarding twice is safe: the first call deletes both rows, the second reports nothing left."""
    # given
    brief = brief_submit(raw=example_text(), source="api", briefs=briefs)
    # when
    first = brief_discard(brief_id=brief.id, briefs=briefs)
    second = brief_discard(brief_id=brief.id, briefs=briefs)
    # then
    assert (first, second) == (True, False)
    with pytest.raises(BriefNotFound):
        brief_get(brief_id=brief.id, briefs=briefs)
    with pytest.raises(IntakeNotFound):
        brief_get_intake(intake_id=brief.intake_id, briefs=briefs)
    assert stored_rows(briefs, persistence) == 0


def test_source_must_be_a_short_label(briefs):
    with pytest.raises(ValidationFailed) as caught:
        brief_submit(raw=example_text(), source=" ", briefs=briefs)
    assert list(caught.value.errors) == ["source"]
    assert brief_list(briefs=briefs) == []


# --- receiving the same intake twice ------------------------------------------------------------------


def test_the_same_intake_received_twice_is_one_brief(briefs, persistence):
    """A second intake with the same content returns the first brief, stores nothing, and says so."""
    from onboarding.services import brief_receive

    # given
    first = brief_receive(raw=example_text(), source="test", briefs=briefs)
    reordered = json.dumps(dict(reversed(list(json.loads(example_text()).items()))))
    # when
    second = brief_receive(raw=reordered, source="test", briefs=briefs)
    # then
    assert (first.created, second.created) == (True, False)
    assert second.brief.id == first.brief.id
    assert stored_rows(briefs, persistence) == 2
    assert [w.path for w in second.warnings] == [w.path for w in first.warnings]


def test_asking_for_a_new_brief_makes_a_second_one(briefs, persistence):
    from onboarding.services import brief_receive

    first = brief_receive(raw=example_text(), source="test", briefs=briefs)
    second = brief_receive(raw=example_text(), source="test", briefs=briefs, new=True)
    assert second.created and second.brief.id != first.brief.id
    assert second.brief.fingerprint == first.brief.fingerprint
    assert stored_rows(briefs, persistence) == 4


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"client": {"name": "Crumb\r\nBcc: x@example.org"}}, "client.name"),
        ({"product": {"description": "Bread\u0000"}}, "product.description"),
        ({"audience": {"description": "Bakers \ud800"}}, "audience.description"),
        ({"timeline": {"start": "2027-09-06", "end": "9999-10-31"}}, "timeline.end"),
        ({"timeline": {"start": "2027-09-06", "end": "2037-09-05"}}, "timeline.end"),
    ],
)
def test_input_that_would_break_a_run_is_refused_and_nothing_is_stored(briefs, persistence, change, path):
    """Control characters, NUL, lone surrogates, year 9999 and a 10-year timeline: a clear error, no rows."""
    from onboarding.services import brief_receive

    payload = json.loads(example_text())
    for section, values in change.items():
        payload[section] = {**payload[section], **values}
    with pytest.raises(ValidationFailed) as caught:
        brief_receive(raw=json.dumps(payload), source="test", briefs=briefs)
    assert path in caught.value.errors
    assert stored_rows(briefs, persistence) == 0


def test_a_five_thousand_digit_amount_is_refused_and_nothing_is_stored(briefs, persistence):
    from onboarding.services import brief_receive

    text = example_text().replace('"amount": 3500', '"amount": ' + "7" * 5000)
    with pytest.raises(ValidationFailed) as caught:
        brief_receive(raw=text, source="test", briefs=briefs)
    assert caught.value.errors == {"budget.amount": [intake_messages.TOO_MANY_DIGITS]}
    assert stored_rows(briefs, persistence) == 0
