"""Contract: both LLM ledgers behave the same (run once per persistence mode)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from kernel.errors import DuplicateError
from production.domain import LLMCall


def make_call(**overrides) -> LLMCall:
    values = {
        "id": uuid.uuid4(),
        "model": "llama3.1",
        "prompt_hash": "a" * 64,
        "prompt_tokens": 812,
        "completion_tokens": 240,
        "latency_ms": 1234.5,
        "status": "ok",
        "error": "",
        "created_at": dt.datetime(2027, 1, 4, 9, tzinfo=dt.UTC),
        "run_id": uuid.uuid4(),
    }
    values.update(overrides)
    return LLMCall(**values)


@pytest.fixture
def ledger(repo):
    return repo("production.llm_calls")


def test_round_trip(ledger):
    """A recorded call comes back equal, including an error text and a missing run."""
    call = make_call(status="error", error="HTTP 500: upstream ☠", run_id=None)
    assert ledger.add(call) == call
    assert ledger.list() == [call]


def test_same_call_twice_is_a_duplicate(ledger):
    """A ledger row is written once."""
    call = ledger.add(make_call())
    with pytest.raises(DuplicateError):
        ledger.add(call)
    assert len(ledger.list()) == 1


def test_list_is_oldest_first_and_filters_by_run(ledger):
    """Calls list in time order, ties by id, optionally only one run's."""
    # given
    run_id = uuid.uuid4()
    t0 = dt.datetime(2027, 1, 4, 9, tzinfo=dt.UTC)
    later = ledger.add(make_call(run_id=run_id, created_at=t0 + dt.timedelta(seconds=5)))
    tied = sorted((ledger.add(make_call(run_id=run_id, created_at=t0)) for _ in range(3)), key=lambda c: str(c.id))
    other = ledger.add(make_call(created_at=t0))
    # when / then
    assert ledger.list(run_id=run_id) == [*tied, later]
    assert len(ledger.list()) == 5
    assert other in ledger.list()


def test_delete_for_run(ledger):
    """Deleting a run's calls leaves others; repeating deletes nothing."""
    run_id = uuid.uuid4()
    ledger.add(make_call(run_id=run_id))
    ledger.add(make_call(run_id=run_id))
    other = ledger.add(make_call())
    assert ledger.delete_for_run(run_id) == 2
    assert ledger.list() == [other]
    assert ledger.delete_for_run(run_id) == 0
