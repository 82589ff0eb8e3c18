"""The unit of work's contract, held by the database and the in-memory implementation alike: a block's
writes, across repositories, commit together or not at all; nested blocks undo only themselves."""

from __future__ import annotations

import json
import threading
import time

import pytest

from config import registry
from onboarding import services as onboarding
from orchestration import services as orchestration
from tests.factories import EXAMPLE_BRIEFS_DIR

BAKERY = (EXAMPLE_BRIEFS_DIR / "local-bakery.json").read_text()


class Boom(Exception):
    pass


@pytest.fixture
def stores(persistence):
    return registry.repository("onboarding.briefs"), registry.repository("orchestration.runs")


def submit(briefs, text=BAKERY):
    return onboarding.brief_submit(raw=text, source="test", briefs=briefs)


def start(runs):
    run, _ = orchestration.run_create(runs=runs, input={"intake": json.loads(BAKERY)})
    return run


def failing_block(uow, made: dict, **work) -> None:
    """Run each of `work`'s callables inside `with uow:` (keeping what they return in `made`), then raise."""
    with uow:
        for name, fn in work.items():
            made[name] = fn()
        raise Boom


def test_a_block_that_raises_leaves_nothing_of_what_it_wrote(stores):
    """Inserts, updates and deletes in two repositories are all undone when the block raises."""
    # given
    briefs, runs = stores
    kept = submit(briefs)
    made: dict = {}
    # when
    with pytest.raises(Boom):
        failing_block(
            registry.unit_of_work(),
            made,
            added=lambda: submit(briefs),
            run=lambda: start(runs),
            deleted=lambda: briefs.delete(kept.id),
        )
    # then
    assert made["deleted"] is True
    assert briefs.get(kept.id) == kept
    assert briefs.get(made["added"].id) is None
    assert runs.get(made["run"].id) is None
    assert briefs.count() == 1 and runs.count() == 0


def test_a_block_that_ends_commits_everything(stores):
    briefs, runs = stores
    with registry.unit_of_work():
        added = submit(briefs)
        run = start(runs)
    assert briefs.get(added.id) == added
    assert runs.get(run.id) == run


def test_an_inner_block_that_raises_undoes_only_itself(stores):
    """A nested block is a savepoint: its failure keeps what the outer block wrote before and after it."""
    briefs, runs = stores
    uow = registry.unit_of_work()
    made: dict = {}
    with uow:
        before = submit(briefs)
        with pytest.raises(Boom):
            failing_block(uow, made, inner=lambda: start(runs))
        after = start(runs)
    assert briefs.get(before.id) is not None
    assert runs.get(made["inner"].id) is None
    assert runs.get(after.id) is not None


def test_an_outer_failure_also_undoes_a_committed_inner_block(stores):
    _briefs, runs = stores
    uow = registry.unit_of_work()
    made: dict = {}

    def inner_block():
        with uow:
            return start(runs)

    with pytest.raises(Boom):
        failing_block(uow, made, run=inner_block)
    assert runs.get(made["run"].id) is None


def test_other_threads_see_a_memory_block_only_once_it_has_committed(settings):
    """In memory, a block holds the store as a write lock would: a reader in another thread waits for it."""
    settings.AICMO_PERSISTENCE = "memory"
    briefs = registry.repository("onboarding.briefs")
    seen: list[int] = []
    inside = threading.Event()

    def reader():
        inside.wait(timeout=5)
        seen.append(briefs.count())

    thread = threading.Thread(target=reader)
    thread.start()
    with registry.unit_of_work():
        submit(briefs)
        inside.set()
        time.sleep(0.2)  # the reader is blocked meanwhile
        submit(briefs)
    thread.join(timeout=5)
    assert seen == [2]
