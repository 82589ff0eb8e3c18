"""The in-process benchmark sections (full runs, growth with channels, engine overhead) and the worker one.

Each section returns plain figures (dicts of numbers) keyed by persistence mode; `bench.cli` prints
and stores them. A case always warms up first, then times its runs in rounds (runs per second is
the median over rounds; ms per run the median and p95 over all runs), then counts database
activity over a few more runs (the counting itself slows a run down, so it is not timed).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test.utils import override_settings

from bench import briefs
from bench.measure import count_activity, median, time_runs
from bench.noop import NOOP, NOOP_STEPS
from config import registry
from orchestration import services
from orchestration.domain import RunStatus

MODES = ("memory", "db")


class BenchFailure(RuntimeError):
    """A measured run did not end the way the benchmark expects (it would measure the wrong thing)."""


@dataclass(frozen=True)
class Plan:
    """How much to measure: `runs` timed runs per case in `rounds` rounds after `warmup`; `counted` runs counted."""

    runs: int = 40
    rounds: int = 4
    warmup: int = 5
    counted: int = 3
    worker_runs: int = 300
    worker_rounds: int = 3
    memory_marks: tuple[int, int] = (100, 2000)

    @classmethod
    def quick(cls, runs: int | None = None) -> Plan:
        return cls(runs=runs or 6, rounds=2, warmup=1, counted=1, worker_runs=20, worker_rounds=1, memory_marks=(5, 20))


def _runs_repo():
    return registry.repository("orchestration.runs")


def run_intake(intake_text: str) -> Any:
    """One whole client-delivery run of an intake, in this process, as `manage.py run_workflow` does it."""
    run = services.run_start_for_intake(
        runs=_runs_repo(),
        briefs=registry.repository("onboarding.briefs"),
        raw=intake_text,
        source="bench",
        new_brief=True,
    ).run
    done = services.run_execute(run_id=run.id)
    if done.status != RunStatus.COMPLETED:
        raise BenchFailure(f"run {done.id} ended {done.status.value}: {done.error}")
    return done


def run_noop() -> Any:
    run, _ = services.run_create(runs=_runs_repo(), input={}, definition=NOOP)
    done = services.run_execute(run_id=run.id)
    if done.status != RunStatus.COMPLETED:
        raise BenchFailure(f"no-op run {done.id} ended {done.status.value}: {done.error}")
    return done


def _assets(run: Any) -> int:
    steps = services.run_steps(run_id=run.id, runs=_runs_repo())
    produced = next(s for s in steps if s.name == "produce_drafts" and s.kind.value == "forward")
    return int(produced.output["drafts"])


def _case(action, plan: Plan, mode: str, *, unit: str = "runs") -> dict[str, Any]:
    timings = time_runs(action, runs=plan.runs, rounds=plan.rounds, warmup=plan.warmup)
    figures: dict[str, Any] = timings.summary(unit)
    if mode == "db":
        figures.update(count_activity(action, samples=plan.counted))
    else:
        figures.update({"sql": 0, "sql_all": 0, "savepoints": 0, "transactions": 0})
        with _no_sql_allowed():
            action()
    return figures


class _no_sql_allowed:
    """Memory mode must not touch the database; a statement there would be a bug worth failing on."""

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self._refuse)
        self._wrapper.__enter__()

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)

    @staticmethod
    def _refuse(execute, sql, params, many, context):
        raise BenchFailure(f"memory mode ran SQL: {sql[:200]}")


def _in_mode(mode: str):
    registry.reset()
    return override_settings(AICMO_PERSISTENCE=mode)


def full(plan: Plan, *, channels: int = 3) -> dict[str, Any]:
    """Whole runs of the 3-channel example brief, in memory and in the database."""
    text = json.dumps(briefs.brief(channels))
    out: dict[str, Any] = {}
    for mode in MODES:
        with _in_mode(mode):
            figures = _case(lambda: run_intake(text), plan, mode)
            figures["assets"] = _assets(run_intake(text))
            out[mode] = figures
        registry.reset()
    return out


def growth(plan: Plan) -> dict[str, Any]:
    """The same with 1, 3 and 7 channels: time may grow with the assets, statements must not."""
    out: dict[str, Any] = {}
    for mode in MODES:
        out[mode] = {}
        for channels in sorted(briefs.VARIANTS):
            text = json.dumps(briefs.brief(channels))
            with _in_mode(mode):
                figures = _case(lambda text=text: run_intake(text), plan, mode)
                figures["assets"] = _assets(run_intake(text))
                out[mode][str(channels)] = figures
            registry.reset()
    db = out["db"]
    low, high = db["1"]["sql"], db["7"]["sql"]
    out["sql_spread_1_vs_7"] = round(abs(high - low) / low, 3) if low else None
    return out


def engine(plan: Plan) -> dict[str, Any]:
    """Sagas of seven no-op steps through the same engine: what orchestration costs per run."""
    out: dict[str, Any] = {}
    engine_plan = Plan(
        runs=plan.runs * 5, rounds=plan.rounds, warmup=plan.warmup * 2, counted=plan.counted
    )  # no-op sagas are cheap: measure more of them
    for mode in MODES:
        with _in_mode(mode):
            figures = _case(run_noop, engine_plan, mode, unit="sagas")
            figures["steps"] = NOOP_STEPS
            out[mode] = figures
        registry.reset()
    return out


# -- db_worker ---------------------------------------------------------------------------------


def workers(plan: Plan, *, counts: tuple[int, ...] = (1, 2)) -> dict[str, Any]:
    """No-op runs queued through the Tasks API and drained by 1 and 2 `db_worker` processes.

    Throughput is the runs divided by the span from the first task's start to the last one's end
    (django-tasks-db records both), so process start-up is left out; the wall time with start-up
    is reported beside it.
    """
    from django_tasks_db.models import DBTaskResult

    from orchestration.tasks import execute_run

    out: dict[str, Any] = {}
    with _in_mode("db"):
        _drain_queue(DBTaskResult)
        for count in counts:
            rates, walls = [], []
            for _ in range(plan.worker_rounds):
                ids = []
                for _ in range(plan.worker_runs):
                    run, _ = services.run_create(runs=_runs_repo(), input={}, definition=NOOP)
                    ids.append(execute_run.enqueue(str(run.id)).id)
                started = time.perf_counter()
                _start_workers(count)
                walls.append(time.perf_counter() - started)
                rates.append(_drained_rate(DBTaskResult, ids))
            out[str(count)] = {
                "runs_per_s": round(median(rates), 1),
                "wall_s_with_startup": round(median(walls), 2),
                "runs": plan.worker_runs,
                "rounds": plan.worker_rounds,
            }
    registry.reset()
    if len(counts) >= 2 and out[str(counts[0])]["runs_per_s"]:
        out["scaling_2_vs_1"] = round(out[str(counts[1])]["runs_per_s"] / out[str(counts[0])]["runs_per_s"], 2)
    return out


def worker_command() -> list[str]:
    return [
        sys.executable,
        "manage.py",
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        "--interval",
        "0.05",
    ]


def _start_workers(count: int) -> None:
    from bench.environment import PROJECT_DIR, child_env

    procs = [
        subprocess.Popen(worker_command(), cwd=PROJECT_DIR, env=child_env(), stderr=subprocess.PIPE)
        for _ in range(count)
    ]
    failures = []
    for proc in procs:
        _out, err = proc.communicate(timeout=600)
        if proc.returncode != 0:
            failures.append(err.decode(errors="replace")[-2000:])
    if failures:
        raise BenchFailure("db_worker failed:\n" + "\n".join(failures))


def _drained_rate(model, ids: list) -> float:
    from django.db.models import Max, Min

    tasks = model.objects.filter(id__in=ids)
    statuses = set(tasks.values_list("status", flat=True))
    if statuses != {"SUCCESSFUL"}:
        raise BenchFailure(f"queued no-op runs ended {sorted(statuses)}, expected all SUCCESSFUL")
    failed = [v for v in tasks.values_list("return_value", flat=True) if v != RunStatus.COMPLETED.value]
    if failed:
        raise BenchFailure(f"{len(failed)} queued no-op runs did not complete: {sorted(set(failed))}")
    span = tasks.aggregate(first=Min("started_at"), last=Max("finished_at"))
    seconds = (span["last"] - span["first"]).total_seconds()
    return len(ids) / seconds if seconds > 0 else 0.0


def _drain_queue(model) -> None:
    """Tasks left over from another section (the API's queued starts) would be drained first; drop them."""
    model.objects.all().delete()
