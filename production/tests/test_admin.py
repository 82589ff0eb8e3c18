"""The draft and QC admin: lists filtered by channel and verdict, the body with QC issues marked, read-only."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from django.urls import reverse

from kernel import clock
from production.domain import LLMCall, QCIssue, Severity
from production.models import DraftRecord, QCResultRecord
from tests.factories import make_draft, make_qc_result

pytestmark = pytest.mark.django_db

BODY = "Fresh every morning: the cheap Crème Box for Parisian commuters. Order yours today. #ZoeCafe"


@pytest.fixture
def stored():
    """Three drafts of one run: an Instagram post that failed QC, an e-mail that passed, a post not checked."""
    from config import registry

    drafts, qc = registry.repository("production.drafts"), registry.repository("production.qc")
    run_id = uuid.uuid4()
    failed = make_draft(run_id=run_id, body=BODY, title="Crème <b>Box</b>")
    passed = make_draft(run_id=run_id, channel="email", asset_type="newsletter", title="The morning letter")
    unchecked = make_draft(run_id=run_id, slot=2, title="Second post")
    drafts.save_many([failed, passed, unchecked])
    start = BODY.index("cheap")
    banned = QCIssue(
        rule_id="brand.banned_term",
        severity=Severity.CRITICAL,
        message="'cheap' is banned by the brief.",
        field="body",
        start=start,
        end=start + len("cheap"),
        suggestion="",
    )
    qc.save_many(
        [
            make_qc_result(failed, score=55.0, passed=False, issues=(banned,)),
            make_qc_result(passed, score=97.0, passed=True),
        ]
    )
    return {"failed": failed, "passed": passed, "unchecked": unchecked}


def ids(response) -> set:
    return {r.id for r in response.context["cl"].result_list}


def test_draft_changelist_filters_by_channel_and_qc_verdict(admin_client, stored):
    """Drafts are listed with their verdict; channel and pass/fail/unchecked filters narrow the list."""
    # given
    url = reverse("admin:production_draftrecord_changelist")
    # when
    everything = admin_client.get(url)
    email = admin_client.get(url, {"channel__exact": "email"})
    failed = admin_client.get(url, {"qc": "failed"})
    passed = admin_client.get(url, {"qc": "passed"})
    unchecked = admin_client.get(url, {"qc": "unchecked"})
    of_run = admin_client.get(url, {"run_id": str(stored["failed"].run_id)})
    searched = admin_client.get(url, {"q": "morning letter"})
    # then
    assert everything.status_code == 200
    page = everything.content.decode()
    assert 'aicmo-badge--bad">failed · 55' in page
    assert 'aicmo-badge--ok">passed · 97' in page
    assert "Crème &lt;b&gt;Box&lt;/b&gt;" in page
    assert ids(email) == {stored["passed"].id}
    assert ids(failed) == {stored["failed"].id}
    assert ids(passed) == {stored["passed"].id}
    assert ids(unchecked) == {stored["unchecked"].id}
    assert len(ids(of_run)) == 3
    assert ids(searched) == {stored["passed"].id}


def test_draft_page_marks_qc_issues_in_the_body_and_lists_them_inline(admin_client, stored):
    """The body reads as text with the offending words marked; the QC result and its issues sit below."""
    # when
    response = admin_client.get(reverse("admin:production_draftrecord_change", args=[stored["failed"].id]))
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert '<mark title="critical: &#x27;cheap&#x27; is banned by the brief.">cheap</mark>' in page
    assert "brand.banned_term" in page
    assert ">11 of 12</div>" in page  # rules passed of rules applied
    assert 'aicmo-badge--bad">failed · 55' in page
    assert "#ZoeCafe" in page


def test_highlighting_escapes_text_and_skips_bad_spans():
    """Marked text stays escaped; spans outside the text or overlapping an earlier one are not marked."""
    # given
    from production.admin import highlighted

    text = "<b>cheap</b> and cheap"
    issues = [
        QCIssueStub(start=3, end=8, message="banned"),
        QCIssueStub(start=5, end=10, message="overlap"),
        QCIssueStub(start=40, end=45, message="outside"),
    ]
    # when
    html = str(highlighted(text, issues))
    # then
    assert html == '&lt;b&gt;<mark title="critical: banned">cheap</mark>&lt;/b&gt; and cheap'


@dataclasses.dataclass
class QCIssueStub:
    """The fields of a QC issue row that highlighting reads."""

    start: int
    end: int
    message: str
    severity: str = "critical"


def test_qc_result_admin_lists_and_shows_issues(admin_client, stored):
    """QC results are listed by verdict and channel; a result's page lists its issues."""
    # given
    result = QCResultRecord.objects.get(draft_id=stored["failed"].id)
    url = reverse("admin:production_qcresultrecord_changelist")
    # when
    failed = admin_client.get(url, {"passed__exact": "0"})
    email = admin_client.get(url, {"draft__channel": "email"})
    page = admin_client.get(reverse("admin:production_qcresultrecord_change", args=[result.id]))
    # then
    assert ids(failed) == {result.id}
    assert ids(email) == {QCResultRecord.objects.get(draft_id=stored["passed"].id).id}
    assert page.status_code == 200
    assert "&#x27;cheap&#x27; is banned by the brief." in page.content.decode()


def test_llm_call_ledger_is_listed(admin_client):
    """The LLM call ledger has a list and a detail page."""
    # given
    from config import registry

    call = registry.repository("production.llm_calls").add(
        LLMCall(
            id=uuid.uuid4(),
            model="llama3.1",
            prompt_hash="f" * 64,
            prompt_tokens=120,
            completion_tokens=80,
            latency_ms=412.0,
            status="ok",
            error="",
            created_at=clock.now(),
        )
    )
    # when
    listing = admin_client.get(reverse("admin:production_llmcallrecord_changelist"))
    page = admin_client.get(reverse("admin:production_llmcallrecord_change", args=[call.id]))
    # then
    assert listing.status_code == 200
    assert "412 ms" in listing.content.decode()
    assert page.status_code == 200


def test_drafts_cannot_be_changed_by_post(admin_client, stored):
    """Production's services own drafts and QC: POSTs to their forms are refused and nothing changes."""
    # given
    draft = stored["failed"]
    result = QCResultRecord.objects.get(draft_id=draft.id)
    # when
    posted = admin_client.post(reverse("admin:production_draftrecord_change", args=[draft.id]), {"body": "x"})
    qc_posted = admin_client.post(
        reverse("admin:production_qcresultrecord_change", args=[result.id]), {"passed": "on", "score": 100}
    )
    # then
    assert (posted.status_code, qc_posted.status_code) == (403, 403)
    assert DraftRecord.objects.get(id=draft.id).body == BODY
    assert (QCResultRecord.objects.get(id=result.id).passed, result.score) == (False, 55.0)
