"""`python -m bench`: run the benchmark sections, print a table, write bench/results/latest-<db>.json."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

SECTIONS = ("full", "growth", "engine", "workers", "memory", "api")

# (section, path to the figure, limit, "max" or "min", what it says); checked against every result.
TARGETS = (
    ("sql_per_run", ("full", "db", "sql"), 60, "max", "SQL statements per 3-channel run"),
    ("sql_1_vs_7_channels", ("growth", "sql_spread_1_vs_7"), 0.10, "max", "SQL 1 vs 7 channels, relative spread"),
    ("runs_per_s_3ch_sqlite", ("full", "db", "runs_per_s"), 40, "min", "3-channel runs per second (SQLite)"),
    ("noop_sagas_per_s_sqlite", ("engine", "db", "sagas_per_s"), 150, "min", "no-op 7-step sagas per second (SQLite)"),
    ("workers_2_vs_1_pg", ("workers", "scaling_2_vs_1"), 1.5, "min", "2 db_workers vs 1 (PostgreSQL)"),
    ("api_read_p99_ms", ("api", "read", "p99_ms"), 50, "max", "GET run p99 ms at 20 clients"),
    ("rss_growth_mb_memory", ("memory", "memory", "growth_mb"), 10, "max", "RSS growth run 100 -> 2000 (memory mode)"),
    ("rss_growth_mb_db", ("memory", "db", "growth_mb"), 10, "max", "RSS growth run 100 -> 2000 (database)"),
)
ONLY_ON = {"runs_per_s_3ch_sqlite": "sqlite", "noop_sagas_per_s_sqlite": "sqlite", "workers_2_vs_1_pg": "postgresql"}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Few iterations: a smoke test, not figures to keep.")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"Comma-separated sections: {','.join(SECTIONS)}.")
    parser.add_argument("--runs", type=int, help="Timed runs per case (default 40; --quick 6).")
    parser.add_argument("--duration", type=int, default=20, help="Seconds of load per API endpoint (default 20).")
    parser.add_argument("--output", type=Path, help="Where to write the JSON (default bench/results/latest-<db>.json).")
    args = parser.parse_args(argv)
    args.sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(args.sections) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from bench import environment

    workspace = environment.prepare(os.environ.get("DATABASE_URL"))
    try:
        import django

        django.setup()
        environment.migrate()
        results = measure(
            args.sections, vendor=workspace.vendor, quick=args.quick, runs=args.runs, seconds=args.duration
        )
        output = args.output or environment.RESULTS_DIR / f"latest-{workspace.vendor}.json"
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, indent=2) + "\n")
        print(render(results))
        print(f"\nwritten: {output}")
    finally:
        workspace.close()
    return 0


def measure(
    sections: list[str], *, vendor: str, quick: bool = False, runs: int | None = None, seconds: int = 20
) -> dict[str, Any]:
    """Run `sections` against the configured database; the figures as one JSON-ready dict."""
    from bench import environment
    from bench import sections as bench_sections

    plan = bench_sections.Plan.quick(runs) if quick else bench_sections.Plan(**({"runs": runs} if runs else {}))
    results: dict[str, Any] = {
        "meta": {
            "database": vendor,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "quick": quick,
            "plan": {"runs": plan.runs, "rounds": plan.rounds, "warmup": plan.warmup, "counted": plan.counted},
            "machine": environment.machine(vendor),
        }
    }
    for name in SECTIONS:
        if name not in sections:
            continue
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        if name == "full":
            results["full"] = bench_sections.full(plan)
        elif name == "growth":
            results["growth"] = bench_sections.growth(plan)
        elif name == "engine":
            results["engine"] = bench_sections.engine(plan)
        elif name == "workers":
            results["workers"] = bench_sections.workers(plan)
        elif name == "memory":
            results["memory"] = memory(plan)
        elif name == "api":
            from bench.api import api

            results["api"] = api(seconds=5 if quick else seconds, counted=plan.counted)
            if "skipped" in results["api"]:
                print(f"bench: {results['api']['skipped']}", file=sys.stderr)
    results["targets"] = check_targets(results, vendor)
    return results


def memory(plan) -> dict[str, Any]:
    """RSS of a fresh process after the first and the last mark, in memory mode and in the database."""
    from bench.environment import PROJECT_DIR, child_env

    first, last = plan.memory_marks
    out: dict[str, Any] = {"runs": [first, last], "channels": 1}
    for mode in ("memory", "db"):
        cmd = [sys.executable, "-m", "bench.memory_probe", "--persistence", mode, "--marks", f"{first},{last}"]
        done = subprocess.run(cmd, cwd=PROJECT_DIR, env=child_env(), capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"memory probe ({mode}) failed:\n{done.stderr[-3000:]}")
        rss = json.loads(done.stdout)["rss_mb"]
        out[mode] = {
            f"rss_mb_at_{first}": rss[str(first)],
            f"rss_mb_at_{last}": rss[str(last)],
            "growth_mb": round(rss[str(last)] - rss[str(first)], 2),
            "kb_per_run": round((rss[str(last)] - rss[str(first)]) * 1024 / (last - first), 2),
        }
    return out


def _dig(results: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = results
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def check_targets(results: dict[str, Any], vendor: str) -> list[dict[str, Any]]:
    checked = []
    for name, path, limit, kind, label in TARGETS:
        value = _dig(results, path)
        if value is None or ONLY_ON.get(name, vendor) != vendor:
            continue
        met = value <= limit if kind == "max" else value >= limit
        checked.append({"target": name, "what": label, "value": value, "limit": limit, "kind": kind, "met": met})
    return checked


# -- the table ------------------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _rows(results: dict[str, Any]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    run_cols = ("runs_per_s", "ms_median", "ms_p95", "sql", "transactions", "savepoints", "assets")
    for mode, fig in (results.get("full") or {}).items():
        rows.append(("full", f"3 channels, {mode}", *(_fmt(fig.get(c)) for c in run_cols)))
    growth = results.get("growth") or {}
    for mode in ("memory", "db"):
        for channels, fig in (growth.get(mode) or {}).items():
            rows.append(("growth", f"{channels} channel(s), {mode}", *(_fmt(fig.get(c)) for c in run_cols)))
    for mode, fig in (results.get("engine") or {}).items():
        cols = ("sagas_per_s", "ms_median", "ms_p95", "sql", "transactions", "savepoints", "steps")
        rows.append(("engine", f"no-op 7 steps, {mode}", *(_fmt(fig.get(c)) for c in cols)))
    workers = results.get("workers") or {}
    for count in ("1", "2"):
        if count in workers:
            fig = workers[count]
            rows.append(
                ("workers", f"{count} db_worker(s)", _fmt(fig["runs_per_s"]), "", "", "", "", "", _fmt(fig["runs"]))
            )
    return rows


def render(results: dict[str, Any]) -> str:
    meta = results["meta"]
    machine = meta["machine"]
    lines = [
        f"AICMO bench on {machine['database']} - {machine['nproc']} CPU(s) {machine['cpu']}, "
        f"{machine['memory_gb']} GB, Python {machine['python']}, Django {machine['django']}"
        + (" (quick: not figures to keep)" if meta["quick"] else ""),
        "",
    ]
    header = ("section", "case", "per s", "ms med", "ms p95", "SQL", "tx", "savepts", "assets")
    rows = [header, *_rows(results)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for position, row in enumerate(rows):
        cells = zip(row, widths, strict=True)
        lines.append("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(cells)))
        if position == 0:
            lines.append("  ".join("-" * w for w in widths))
    if "scaling_2_vs_1" in (results.get("workers") or {}):
        lines.append(f"\nworkers: 2 vs 1 = {results['workers']['scaling_2_vs_1']}x")
    if "sql_spread_1_vs_7" in (results.get("growth") or {}):
        lines.append(f"growth: SQL per run, 1 vs 7 channels differs by {results['growth']['sql_spread_1_vs_7']:.1%}")
    mem = results.get("memory")
    if mem:
        first, last = mem["runs"]
        for mode in ("memory", "db"):
            fig = mem[mode]
            lines.append(
                f"memory ({mode}): RSS {fig[f'rss_mb_at_{first}']} MB after run {first}, "
                f"{fig[f'rss_mb_at_{last}']} MB after run {last}: +{fig['growth_mb']} MB ({fig['kb_per_run']} KB/run)"
            )
    api = results.get("api")
    if api:
        if "skipped" in api:
            lines.append(f"api: {api['skipped']}")
        else:
            for name, label in (("read", "GET /api/v1/runs/{id}/"), ("start", "POST /api/v1/runs/")):
                fig = api[name]
                lines.append(
                    f"api {label}: {fig['requests_per_s']} req/s, p50 {fig['p50_ms']} ms, p99 {fig['p99_ms']} ms, "
                    f"{fig['sql']:g} SQL/request, non-2xx {fig['non_2xx']}, socket errors {fig['socket_errors']} "
                    f"({api['connections']} clients, {api['workers']} gunicorn workers, {api['seconds']} s)"
                )
    if results.get("targets"):
        lines.append("\ntargets:")
        for t in results["targets"]:
            sign = "<=" if t["kind"] == "max" else ">="
            lines.append(f"  [{'met' if t['met'] else 'MISSED'}] {t['what']}: {t['value']} ({sign} {t['limit']})")
    return "\n".join(lines)
