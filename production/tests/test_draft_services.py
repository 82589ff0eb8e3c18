"""Production use cases over both persistence modes: produce (idempotent), read, discard."""

from __future__ import annotations

import uuid

import pytest

from kernel.errors import NotFound
from production.generators import TemplateGenerator
from production.services import (
    DRAFT_NOT_FOUND,
    DraftNotFound,
    draft_get,
    drafts_discard,
    drafts_for_run,
    drafts_produce,
)
from tests.factories import make_brief, make_qc_result, make_strategy

# Production may not import onboarding (import-linter), so the brief's value types are taken
# from a factory brief at run time.
_BASE = make_brief()
Client, Product, Brand = type(_BASE.client), type(_BASE.product), type(_BASE.brand)
PreferredTerm = type(_BASE.brand.preferred_terms[0])


@pytest.fixture
def drafts(repo):
    return repo("production.drafts")


@pytest.fixture
def qc(repo):
    return repo("production.qc")


@pytest.fixture
def brief():
    client = Client(name="Zoë Café", website="https://zoecafe.fr", postal_address="12 Rue Oberkampf, Paris")
    return make_brief(channels=("x", "email", "blog"), client=client)


def test_produce_stores_every_draft_in_calendar_order(drafts, brief):
    """Producing a run stores its drafts; reading them back gives them by scheduled time."""
    # given
    run_id = uuid.uuid4()
    strategy = make_strategy(brief)
    # when
    produced = drafts_produce(
        run_id=run_id, brief=brief, strategy=strategy, drafts=drafts, generator=TemplateGenerator()
    )
    # then
    listed = drafts_for_run(run_id=run_id, drafts=drafts)
    assert listed == produced
    assert {d.channel for d in listed} == {"x", "email", "blog"}
    assert [d.scheduled_at for d in listed] == sorted(d.scheduled_at for d in listed)
    assert all(d.run_id == run_id and d.strategy_id == strategy.id and d.brief_id == brief.id for d in listed)


def test_a_retried_produce_step_writes_nothing_twice(drafts, brief):
    """Running the step again for the same run keeps the same drafts and ids."""
    # given
    run_id = uuid.uuid4()
    strategy = make_strategy(brief)
    first = drafts_produce(run_id=run_id, brief=brief, strategy=strategy, drafts=drafts, generator=TemplateGenerator())
    # when
    again = drafts_produce(run_id=run_id, brief=brief, strategy=strategy, drafts=drafts, generator=TemplateGenerator())
    # then
    assert [d.id for d in again] == [d.id for d in first]
    assert [d.body for d in again] == [d.body for d in first]
    assert len(drafts.list(brief_id=brief.id)) == len(first)


def test_draft_get_returns_the_draft_or_raises_not_found(drafts, brief):
    """A stored draft is returned; an unknown id raises DraftNotFound with the module's message."""
    # given
    [one, *_rest] = drafts_produce(
        run_id=uuid.uuid4(), brief=brief, strategy=make_strategy(brief), drafts=drafts, generator=TemplateGenerator()
    )
    missing = uuid.uuid4()
    # when / then
    assert draft_get(draft_id=one.id, drafts=drafts) == one
    with pytest.raises(DraftNotFound) as caught:
        draft_get(draft_id=missing, drafts=drafts)
    assert isinstance(caught.value, NotFound)
    assert caught.value.message == DRAFT_NOT_FOUND.format(draft_id=missing)


def test_discard_removes_the_runs_drafts_and_qc_results_and_is_idempotent(drafts, qc, brief):
    """Discarding a run (the compensation) deletes its QC results and drafts; other runs stay; a repeat is harmless."""
    # given
    strategy = make_strategy(brief)
    run_id, other_run = uuid.uuid4(), uuid.uuid4()
    mine = drafts_produce(run_id=run_id, brief=brief, strategy=strategy, drafts=drafts, generator=TemplateGenerator())
    theirs = drafts_produce(
        run_id=other_run, brief=brief, strategy=strategy, drafts=drafts, generator=TemplateGenerator()
    )
    qc.save_many([make_qc_result(d) for d in [*mine, *theirs]])
    # when
    deleted = drafts_discard(run_id=run_id, drafts=drafts, qc_results=qc)
    # then
    assert deleted == len(mine)
    assert drafts_for_run(run_id=run_id, drafts=drafts) == []
    assert qc.list_for_run(run_id) == []
    assert len(drafts_for_run(run_id=other_run, drafts=drafts)) == len(theirs)
    assert len(qc.list_for_run(other_run)) == len(theirs)
    assert drafts_discard(run_id=run_id, drafts=drafts, qc_results=qc) == 0
