"""Smoke test of the benchmark suite: the quick in-process sections run and report every figure.

No timing is asserted (figures depend on the machine); what is checked is that each section runs
real workflow runs end to end and hands back the keys and positive numbers the report relies on.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection

from bench import cli
from bench.api import parse_wrk
from bench.noop import NOOP

RUN_FIGURES = ("runs_per_s", "ms_median", "ms_p95", "samples", "sql", "sql_all", "savepoints", "transactions", "assets")

WRK_OUTPUT = """Running 20s test @ http://127.0.0.1:8123/api/v1/runs/8b0c/
  2 threads and 20 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.31ms    3.02ms  61.20ms   81.34%
    Req/Sec   812.44     61.02     0.94k    70.25%
  Latency Distribution
     50%   11.87ms
     75%   13.40ms
     90%   15.92ms
     99%   25.10ms
  32400 requests in 20.01s, 41.30MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   1619.19
Transfer/sec:      2.06MB
"""


@pytest.fixture
def bench_settings(settings, tmp_path):
    """What `python -m bench` adds to the settings: the no-op workflow, files and mail kept aside."""
    settings.AICMO_WORKFLOWS = {**settings.AICMO_WORKFLOWS, NOOP: "bench.noop.NOOP_SAGA"}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


@pytest.mark.django_db(transaction=True)
def test_quick_in_process_sections_report_every_figure(bench_settings):
    """Full runs, growth with channels and the engine's no-op sagas all report positive figures."""
    # given
    sections = ["full", "growth", "engine"]

    # when
    results = cli.measure(sections, vendor=connection.vendor, quick=True, runs=2)

    # then
    json.dumps(results)  # the figures are stored as JSON
    assert results["meta"]["machine"]["nproc"] >= 1
    for mode in ("memory", "db"):
        full = results["full"][mode]
        assert set(RUN_FIGURES) <= set(full)
        assert full["runs_per_s"] > 0 and full["ms_median"] > 0 and full["ms_p95"] >= full["ms_median"]
        assert full["assets"] == 15  # the 3-channel example brief
        assert [results["growth"][mode][c]["assets"] for c in ("1", "3", "7")] == [6, 15, 32]
        assert results["engine"][mode]["sagas_per_s"] > 0
    for case in (results["full"]["db"], results["growth"]["db"]["7"], results["engine"]["db"]):
        assert case["sql"] > 0 and case["transactions"] > 0
    assert results["full"]["memory"]["sql"] == 0
    assert results["growth"]["sql_spread_1_vs_7"] is not None
    assert {t["target"] for t in results["targets"]} >= {"sql_per_run", "sql_1_vs_7_channels"}
    assert "no-op 7 steps, db" in cli.render(results)


def test_wrk_output_gives_rate_latencies_and_failures():
    """The load generator's report is read into requests per second, p50/p99 in ms and failure counts."""
    # given
    output = WRK_OUTPUT

    # when
    figures = parse_wrk(output)

    # then
    assert figures == {
        "requests_per_s": 1619.2,
        "requests": 32400,
        "p50_ms": 11.87,
        "p99_ms": 25.1,
        "non_2xx": 3,
        "socket_errors": 0,
    }
