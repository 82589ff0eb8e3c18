"""`manage.py run_workflow`: the options scripts rely on, their output and their exit statuses."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from uuid import UUID

import pytest
from django.core.management import call_command

from config import registry
from orchestration.tests.support import EXAMPLES, closed_port, intake

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings, media_root, loopback_webhooks):
    settings.AICMO_RETRY_BACKOFF_SECONDS = 0
    settings.AICMO_WEBHOOK_ATTEMPTS = 1
    settings.AICMO_STEP_MAX_ATTEMPTS = 1


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("run_workflow", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def stored_runs_and_briefs():
    """What the database holds (the registry resolves the db implementations here)."""
    return registry.repository("orchestration.runs").list(), registry.repository("onboarding.briefs").list()


def write(tmp_path, data, name="brief.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return str(path)


def test_an_example_brief_runs_to_completion_with_progress_and_the_zip_path(media_root):
    code, out, _ = run(str(EXAMPLES / "local-bakery.json"))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("run ")
    for step in (
        "normalize_brief",
        "generate_strategy",
        "produce_drafts",
        "check_quality",
        "build_package",
        "notify_webhook",
        "email_client",
    ):
        assert any(line.split()[0] == step and " ok " in line and line.rstrip().endswith("ms") for line in lines[1:])
    assert "outcome: completed" in out
    package_line = next(line for line in lines if line.startswith("package: "))
    zip_path = package_line.removeprefix("package: ")
    assert zip_path.endswith("package.zip") and zip_path.startswith(str(media_root))


def test_json_output_has_the_documented_shape(media_root):
    code, out, _ = run(str(EXAMPLES / "regulated-finance.json"), "--json")
    report = json.loads(out)
    assert code == 0
    assert {"id", "status", "brief_id", "strategy_version", "steps", "package", "error"} <= set(report)
    assert report["status"] == "completed" and report["strategy_version"] == 1 and report["error"] is None
    assert {"name", "kind", "status", "attempt", "error"} <= set(report["steps"][0])
    assert report["package"].endswith("package.zip")


def test_require_approval_exits_3_and_approve_completes(media_root):
    code, out, _ = run(str(EXAMPLES / "local-bakery.json"), "--require-approval", "--json")
    waiting = json.loads(out)
    assert code == 3 and waiting["status"] == "waiting_approval" and waiting["package"] is None
    code, out, _ = run("--approve", waiting["id"], "--by", "Ada", "--json")
    assert code == 0
    assert json.loads(out)["status"] == "completed"
    code, out, _ = run("--approve", waiting["id"], "--by", "Ada", "--json")
    assert code == 0, "approving again changes nothing"


def test_reject_needs_notes_or_a_revision_flag_and_compensates(media_root):
    _, out, _ = run(str(EXAMPLES / "local-bakery.json"), "--require-approval", "--json")
    run_id = json.loads(out)["id"]
    code, _, err = run("--reject", run_id)
    assert code == 2 and "--notes" in err
    code, out, _ = run("--reject", run_id, "--notes", "more instagram please", "--by", "Ada", "--json")
    assert code == 1
    report = json.loads(out)
    assert report["status"] == "compensated"
    assert report["next_version"] == f"manage.py run_workflow --brief {report['brief_id']} --require-approval"


def test_reject_with_revision_flags_then_the_next_version_applies_them(media_root):
    """Issue 12 through the CLI: flags and notes on --reject, the printed command makes version 2,
    whose changes list each request and whose unapplied notes hold the free text."""
    # given
    _, out, _ = run(str(EXAMPLES / "b2b-saas-launch.json"), "--require-approval", "--json")
    waiting = json.loads(out)
    strategies = registry.repository("strategy.documents")
    v1 = strategies.get(UUID(waiting["strategy_id"]))
    # when
    code, out, _ = run(
        "--reject", waiting["id"], "--shift-budget", "LinkedIn:towards", "--lead-with", "pillar-2",
        "--tone", "more_formal", "--notes", "Too generic", "--by", "Ada",
    )  # fmt: skip
    next_line = next(line for line in out.splitlines() if line.startswith("next version: "))
    code_next, out_next, _ = run(*next_line.removeprefix("next version: manage.py run_workflow ").split(), "--json")
    # then
    assert code == 1 and "outcome: compensated" in out
    assert next_line == f"next version: manage.py run_workflow --brief {waiting['brief_id']} --require-approval"
    second = json.loads(out_next)
    assert code_next == 3 and second["strategy_version"] == 2
    v2 = strategies.get(UUID(second["strategy_id"]))
    assert [c.split(":")[0] for c in v2.changes] == [
        "Budget shifted towards LinkedIn",
        'Pillar 2 ("Every reconciliation matched and evidenced automatically") now leads',
        "Tone",
    ]
    assert v2.tone == "more formal"
    assert v2.unapplied_notes == ("Too generic",)
    assert v2.pillars[0].key == "pillar-2" and v1.pillars[0].key == "pillar-1"


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--shift-budget", "facebook:towards"], "--shift-budget facebook:towards: Facebook is not in this version"),
        (["--shift-budget", "linkedin"], "--shift-budget: 'linkedin': give CHANNEL:towards or CHANNEL:away"),
        (["--lead-with", "pillar-9"], "--lead-with pillar-9: 'pillar-9' is not a pillar of this version"),
        (["--add-kpi", "happiness"], "--add-kpi happiness: no KPI rule for 'happiness'"),
        (["--tone", "loud"], "--tone loud: 'loud' is not a direction for tone"),
    ],
)
def test_a_bad_revision_flag_exits_2_naming_the_flag(media_root, flags, named):
    _, out, _ = run(str(EXAMPLES / "b2b-saas-launch.json"), "--require-approval", "--json")
    waiting = json.loads(out)
    code, _, err = run("--reject", waiting["id"], *flags)
    assert code == 2
    assert named in err
    assert registry.repository("strategy.documents").get(UUID(waiting["strategy_id"])).status == "draft"


def test_cancel_a_waiting_run(media_root):
    _, out, _ = run(str(EXAMPLES / "local-bakery.json"), "--require-approval", "--json")
    run_id = json.loads(out)["id"]
    code, out, _ = run("--cancel", run_id, "--json")
    assert code == 1
    assert json.loads(out)["status"] == "cancelled"


def test_bad_input_exits_2_with_every_error_on_stderr_and_stores_nothing(tmp_path):
    data = intake("local-bakery", goals=[{"type": "fame", "description": ""}], channels=["myspace"])
    data["timeline"] = {"start": "2027-03-01", "end": "2027-02-01"}
    code, out, err = run(write(tmp_path, data))
    assert code == 2
    for path in ("goals[0].type", "channels[0]", "timeline.end"):
        assert path in err
    assert out == ""
    assert stored_runs_and_briefs() == ([], [])


def test_unreadable_json_and_unknown_brief_id_exit_2(tmp_path):
    assert run(write(tmp_path, "{not json"))[0] == 2
    assert run("3f1c1c1e-0000-4000-8000-000000000000")[0] == 2
    assert run("no/such/file.json")[0] == 2


def test_a_failing_run_exits_1_and_names_the_step(tmp_path, media_root):
    """A brief that bans a word of its own product name cannot have a strategy (its prose names the
    product): exit 1, compensated, the step and the banned term named, no package."""
    data = intake("b2b-saas-launch")
    data["brand"]["banned_terms"] = [*data["brand"].get("banned_terms", []), data["product"]["name"].split()[0]]
    code, out, _ = run(write(tmp_path, data), "--json")
    report = json.loads(out)
    assert code == 1
    assert report["status"] == "compensated"
    assert report["error"]["step"] == "generate_strategy"
    assert "uses the banned term 'Tallyfold'" in json.dumps(report["error"])
    assert report["package"] is None


def test_a_failed_delivery_exits_4_keeps_the_package_and_retry_goes_on_from_there(tmp_path, media_root, httpserver):
    """An unreachable webhook: exit 4, delivery_failed, the package kept and the retry command named;
    once the webhook answers, --retry completes the run without redoing a finished step."""
    # given a webhook that is down
    port = closed_port()
    data = intake("local-bakery", delivery={"webhook_url": f"http://127.0.0.1:{port}/hook"})
    code, out, _ = run(write(tmp_path, data))
    run_id = out.splitlines()[0].split()[1]
    # then
    assert code == 4
    assert "outcome: delivery_failed" in out
    assert f"--retry {run_id}" in out
    assert next(line for line in out.splitlines() if line.startswith("package: ")).endswith("package.zip")
    # when it is back (the brief's URL now answers) and the operator retries
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    runs = registry.repository("orchestration.runs")
    briefs = registry.repository("onboarding.briefs")
    held = runs.get(UUID(run_id))
    brief = briefs.get(held.brief_id)
    url = httpserver.url_for("/hook")
    briefs.save(dataclasses.replace(brief, delivery=dataclasses.replace(brief.delivery, webhook_url=url)))
    code, out, _ = run("--retry", run_id, "--json")
    # then
    report = json.loads(out)
    assert code == 0 and report["status"] == "completed"
    done = [(s["name"], s["attempt"]) for s in report["steps"] if s["status"] == "completed"]
    assert [name for name, _ in done] == [
        "normalize_brief",
        "generate_strategy",
        "await_approval",
        "produce_drafts",
        "check_quality",
        "build_package",
        "notify_webhook",
        "email_client",
    ]
    assert len(httpserver.log) == 1


def test_memory_persistence_is_a_dry_run_that_writes_and_sends_nothing(media_root, httpserver, mailoutbox, tmp_path):
    """--persistence memory: the run completes, but nothing reaches the database, MEDIA_ROOT, the webhook
    or the mail; the package is written under the temporary directory the command names."""
    # given a brief with a webhook that would answer
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    data = intake("local-bakery", delivery={"webhook_url": httpserver.url_for("/hook")})
    # when
    code, out, _ = run(write(tmp_path, data), "--persistence", "memory")
    # then
    assert code == 0 and "outcome: completed" in out
    folder = next(line for line in out.splitlines() if line.startswith("dry run: ")).rsplit(" ", 1)[1]
    package = next(line for line in out.splitlines() if line.startswith("package: ")).removeprefix("package: ")
    assert package.startswith(folder) and Path(package).is_file()
    assert not Path(media_root).exists() or not any(Path(media_root).rglob("*"))
    assert httpserver.log == [] and mailoutbox == []
    assert stored_runs_and_briefs() == ([], [])


def test_an_existing_brief_id_runs_again_as_a_new_version(media_root):
    _, out, _ = run(str(EXAMPLES / "local-bakery.json"), "--json")
    brief_id = json.loads(out)["brief_id"]
    code, out, _ = run(brief_id, "--json")
    assert code == 0
    assert json.loads(out)["strategy_version"] == 2


def test_queue_creates_a_pending_run_for_a_worker(settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        code, out, _ = run(str(EXAMPLES / "local-bakery.json"), "--queue", "--json")
    report = json.loads(out)
    assert code == 0
    assert report["status"] == "pending"
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [report["id"]]


def test_the_same_file_twice_reuses_its_brief_unless_a_new_one_is_asked_for(media_root):
    """The second run of an unchanged file says it reuses the brief (a new strategy version); --new-brief does not."""
    # given
    path = str(EXAMPLES / "local-service.json")
    first = json.loads(run(path, "--json")[1])
    # when
    code, out, _ = run(path)
    again = json.loads(run(path, "--json")[1])
    fresh = json.loads(run(path, "--new-brief", "--json")[1])
    # then
    assert code == 0
    assert f"reusing brief {first['brief_id']}" in out
    assert (again["brief_id"], again["reused_brief"]) == (first["brief_id"], first["brief_id"])
    assert again["strategy_version"] == 3
    assert fresh["brief_id"] != first["brief_id"] and fresh["reused_brief"] is None
    assert len(stored_runs_and_briefs()[1]) == 2


def test_warnings_are_printed_before_the_run(tmp_path, media_root):
    data = intake("local-service")
    del data["client"]["timezone"]
    code, _, err = run(write(tmp_path, data))
    assert code == 0
    assert "warning: client.timezone: not given" in err


@pytest.mark.parametrize(
    ("path", "spoil"),
    [
        ("client.name", lambda d: d["client"].update(name="Buckeye\r\nBcc: all@example.org")),
        ("product.description", lambda d: d["product"].update(description="Pipes\u0000")),
        ("audience.description", lambda d: d["audience"].update(description="Homeowners \ud83d")),
        ("timeline.end", lambda d: d["timeline"].update(end="9999-02-28")),
        ("timeline.end", lambda d: d["timeline"].update(end="2037-01-03")),
        ("budget.amount", None),
    ],
    ids=["crlf", "nul", "surrogate", "y9999", "10-years", "5000-digits"],
)
def test_input_that_would_break_a_run_exits_2_naming_the_field_and_stores_nothing(tmp_path, path, spoil):
    data = intake("local-service")
    if spoil is None:
        text = json.dumps(data).replace('"amount": 9000', '"amount": ' + "9" * 5000)
    else:
        spoil(data)
        text = json.dumps(data)
    code, out, err = run(write(tmp_path, text))
    assert code == 2
    assert f"{path}:" in err
    assert out == ""
    assert stored_runs_and_briefs() == ([], [])
