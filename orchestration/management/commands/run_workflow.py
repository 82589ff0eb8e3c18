"""`manage.py run_workflow`: run the client-to-delivery workflow in this process, with progress.

Exit status: 0 completed (or queued); 3 waiting for approval; 4 delivery failed (the package is
kept: `--retry` or `--cancel` it); 2 bad input; 1 any other outcome.

`--reject RUN_ID` takes revision flags (`--shift-budget linkedin:towards`, `--drop-channel x`,
`--add-channel facebook`, `--lead-with pillar-2`, `--tone more_formal`, `--add-kpi leads`,
`--remove-kpi clicks`, each repeatable) and/or `--notes`; it then prints how to get the next
version (`--brief BRIEF_ID --require-approval`), which applies them.

With memory persistence (`--persistence memory`, or AICMO_PERSISTENCE=memory) a run is a dry run:
nothing reaches the database, nobody is e-mailed or sent a webhook, and the package is written
under a new temporary directory that the command prints, never under MEDIA_ROOT.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings

from config import registry
from kernel.errors import AppError, NotFound, ValidationFailed
from orchestration import services
from orchestration.domain import RunStatus, StepRecord, StepStatus, WorkflowRun
from orchestration.reports import run_report
from orchestration.saga import Progress
from strategy import services as strategy_services

EXIT_COMPLETED, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_WAITING, EXIT_DELIVERY_FAILED = 0, 1, 2, 3, 4
DRY_RUN = "dry run: nothing is stored in the database, e-mailed or posted; the package goes under {folder}"

NEXT_VERSION = "next version: manage.py run_workflow --brief {brief_id} --require-approval"

# Revision flags of --reject: flag -> (request kind, the field its value fills). --shift-budget takes
# CHANNEL:towards|away; the others one value each. Every flag may be repeated; order is kept.
REVISION_FLAGS = {
    "--shift-budget": ("shift_budget", "channel:direction"),
    "--drop-channel": ("drop_channel", "channel"),
    "--add-channel": ("add_channel", "channel"),
    "--lead-with": ("lead_with_pillar", "pillar"),
    "--tone": ("tone", "direction"),
    "--add-kpi": ("add_kpi", "metric"),
    "--remove-kpi": ("remove_kpi", "metric"),
}
REVISION_HELP = {
    "--shift-budget": "With --reject: shift budget towards or away from a channel (linkedin:towards, x:away).",
    "--drop-channel": "With --reject: drop a channel from the plan.",
    "--add-channel": "With --reject: add a channel to the plan.",
    "--lead-with": "With --reject: the pillar the next version leads with (pillar-2).",
    "--tone": "With --reject: more_formal or more_casual.",
    "--add-kpi": "With --reject: add a KPI metric (leads, clicks, ...).",
    "--remove-kpi": "With --reject: remove a KPI metric.",
}

MARKS = {StepStatus.COMPLETED: "ok", StepStatus.FAILED: "FAILED", StepStatus.WAITING: "waiting"}


class Command(BaseCommand):
    help = "Run the client-to-delivery workflow for a brief file or an existing brief id, or act on a run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("brief", nargs="?", help="Path to an intake JSON file, or the id of an existing brief.")
        parser.add_argument(
            "--require-approval", action="store_true", help="Stop after the strategy until it is approved."
        )
        parser.add_argument(
            "--persistence", choices=["db", "memory"], help="Override AICMO_PERSISTENCE for this process."
        )
        parser.add_argument(
            "--new-brief",
            action="store_true",
            help="Store the intake as a new brief even when a brief with the same content exists.",
        )
        parser.add_argument("--queue", action="store_true", help="Create the run and enqueue it for a worker.")
        parser.add_argument("--resume", metavar="RUN_ID", help="Continue a run from its first unfinished step.")
        parser.add_argument("--resume-stale", action="store_true", help="Take over every run whose worker died.")
        parser.add_argument(
            "--approve", metavar="RUN_ID", help="Approve the strategy the run waits on, then resume it."
        )
        parser.add_argument("--by", default="", help="Who approves or rejects (default: the OS user).")
        parser.add_argument("--reject", metavar="RUN_ID", help="Reject the strategy the run waits on (compensates it).")
        parser.add_argument(
            "--notes",
            default="",
            help="Notes for --approve or --reject. To reject, give notes or at least one revision flag; phrases "
            'such as "shift budget to LinkedIn, lead with pillar 2, more formal" are read as requests.',
        )
        for flag, help_text in REVISION_HELP.items():
            parser.add_argument(flag, action=_Revision, dest="revisions", default=[], metavar="VALUE", help=help_text)
        parser.add_argument(
            "--brief", dest="brief_option", metavar="BRIEF_ID", help="The same as the positional brief argument."
        )
        parser.add_argument("--cancel", metavar="RUN_ID", help="Cancel a run; what it finished is compensated.")
        parser.add_argument(
            "--retry",
            metavar="RUN_ID",
            help="Retry a run that stopped on a failure: the hand-over of a delivery_failed run (what was "
            "delivered is not sent again), or the compensations of a compensation_failed one.",
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object instead of progress lines.")

    def handle(self, *args: Any, **opts: Any) -> None:
        with contextlib.ExitStack() as stack:
            if opts["persistence"]:
                stack.enter_context(override_settings(AICMO_PERSISTENCE=opts["persistence"]))
            self.dry_run = settings.AICMO_PERSISTENCE == "memory"
            if self.dry_run:
                stack.enter_context(self._dry_run_storage(opts["json"]))
            code = self._handle(opts)
        sys.stdout.flush()
        if code:
            raise SystemExit(code)

    def _dry_run_storage(self, as_json: bool) -> contextlib.AbstractContextManager:
        """Packages of a dry run go to a fresh temporary directory (nothing will serve them), not MEDIA_ROOT."""
        folder = tempfile.mkdtemp(prefix="aicmo-dry-run-")
        if not as_json:
            self.stdout.write(DRY_RUN.format(folder=folder))
        storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": folder}}
        return override_settings(STORAGES={**settings.STORAGES, "default": storage})

    # -------------------------------------------------------------------------------------------

    def _handle(self, opts: dict[str, Any]) -> int:
        self.as_json = opts["json"]
        self.warnings: list[dict[str, str]] = []
        self.reused_brief: str | None = None
        self.next_version = ""
        runs = registry.repository("orchestration.runs")
        progress = Progress(on_step=None if self.as_json else self._print_step)
        try:
            run = self._dispatch(opts, runs, progress)
        except ValidationFailed as exc:
            return self._bad_input(exc.errors)
        except NotFound as exc:
            return self._bad_input({"brief": [exc.message]} if opts["brief"] else {"run": [exc.message]})
        except AppError as exc:
            self.stderr.write(f"error: {exc.message}")
            return EXIT_FAILED
        if run is None:
            return EXIT_COMPLETED
        return self._outcome(run, runs)

    def _dispatch(self, opts: dict[str, Any], runs: Any, progress: Progress) -> WorkflowRun | None:
        strategies = registry.repository("strategy.documents")
        by = opts["by"] or _os_user()
        if opts["resume"]:
            return services.run_resume(run_id=_uuid(opts["resume"], "--resume"), runs=runs, progress=progress)
        if opts["resume_stale"]:
            resumed = services.runs_resume_stale(runs=runs, progress=progress)
            self._say(f"resumed {len(resumed)} stale run(s)")
            return resumed[-1] if resumed else None
        if opts["approve"]:
            run_id = _uuid(opts["approve"], "--approve")
            services.run_approve(run_id=run_id, by=by, notes=opts["notes"], runs=runs, strategies=strategies)
            return self._continue(run_id, runs, progress)
        if opts["reject"]:
            flags = opts["revisions"]
            if not opts["notes"].strip() and not flags:
                raise ValidationFailed(
                    {"--notes": ["rejecting needs notes or a revision flag (--shift-budget, --lead-with, ...)"]}
                )
            run_id = _uuid(opts["reject"], "--reject")
            requests = _requests(flags)
            try:
                services.run_reject(
                    run_id=run_id, by=by, notes=opts["notes"], requests=requests, runs=runs, strategies=strategies
                )
            except ValidationFailed as exc:
                raise ValidationFailed(_by_flag(exc.errors, flags)) from None
            run = self._continue(run_id, runs, progress)
            self.next_version = NEXT_VERSION.format(brief_id=run.brief_id)
            return run
        if opts["revisions"]:
            raise ValidationFailed({opts["revisions"][0][0]: ["revision flags go with --reject RUN_ID"]})
        if opts["cancel"]:
            return services.run_cancel(run_id=_uuid(opts["cancel"], "--cancel"), runs=runs, progress=progress)
        if opts["retry"]:
            return services.run_retry(run_id=_uuid(opts["retry"], "--retry"), runs=runs, progress=progress)
        opts["brief"] = opts["brief"] or opts["brief_option"]
        if not opts["brief"]:
            raise ValidationFailed(
                {"brief": ["give a brief file or brief id, or one of --resume/--approve/--reject/--cancel"]}
            )
        run = self._create(opts["brief"], opts["require_approval"], opts["new_brief"], runs)
        if opts["queue"]:
            services.run_enqueue(run_id=run.id)
            self._say(f"run {run.id} queued")
            return services.run_get(run_id=run.id, runs=runs)
        self._say(f"run {run.id}")
        return services.run_execute(run_id=run.id, progress=progress)

    def _create(self, brief: str, require_approval: bool, new_brief: bool, runs: Any) -> WorkflowRun:
        briefs = registry.repository("onboarding.briefs")
        path = Path(brief)
        if path.is_file():
            started = services.run_start_for_intake(
                runs=runs,
                briefs=briefs,
                raw=path.read_bytes(),
                source=f"cli:{path.name}",
                require_approval=require_approval,
                new_brief=new_brief,
                dry_run=self.dry_run,
            )
            self.warnings = [{"path": w.path, "message": w.message} for w in started.warnings]
            if not self.as_json:
                for warning in self.warnings:
                    self.stderr.write(f"warning: {warning['path']}: {warning['message']}")
            if started.reused_brief_id is not None:
                self.reused_brief = str(started.reused_brief_id)
                self._say(
                    f"reusing brief {started.reused_brief_id}: it has the same content as {path.name} "
                    "(--new-brief stores a new one)"
                )
            return started.run
        try:
            brief_id = UUID(brief)
        except ValueError:
            raise ValidationFailed({"brief": [f"{brief!r} is neither a readable file nor a brief id"]}) from None
        run, _ = services.run_start_for_brief(
            runs=runs, briefs=briefs, brief_id=brief_id, require_approval=require_approval, dry_run=self.dry_run
        )
        return run

    def _continue(self, run_id: UUID, runs: Any, progress: Progress) -> WorkflowRun:
        """After a decision, drive the run here unless a worker already did (the claim decides)."""
        run = services.run_get(run_id=run_id, runs=runs)
        if run.status in (RunStatus.WAITING_APPROVAL, RunStatus.COMPENSATING) and not run.claimed_by:
            return services.run_execute(run_id=run_id, progress=progress)
        return run

    # -- output ----------------------------------------------------------------------------------

    def _outcome(self, run: WorkflowRun, runs: Any) -> int:
        report = run_report(run, services.run_steps(run_id=run.id, runs=runs))
        report["warnings"] = self.warnings
        report["reused_brief"] = self.reused_brief
        if self.next_version:
            report["next_version"] = self.next_version.removeprefix("next version: ")
        if self.as_json:
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(f"outcome: {report['status']}")
            if report["error"]:
                self.stdout.write(
                    f"error: {report['error']['step']}: {report['error']['type']}: {report['error']['message']}"
                )
            if report["strategy_version"]:
                self.stdout.write(f"strategy: version {report['strategy_version']} ({report['strategy_id']})")
            if run.status == RunStatus.WAITING_APPROVAL:
                self.stdout.write(f"waiting for approval: manage.py run_workflow --approve {run.id} --by NAME")
                self.stdout.write(
                    f"or reject it: manage.py run_workflow --reject {run.id} --by NAME --notes TEXT "
                    "(and/or --shift-budget CHANNEL:towards, --lead-with pillar-2, --tone more_formal, ...)"
                )
            if run.status == RunStatus.DELIVERY_FAILED:
                self.stdout.write(
                    f"the package is kept: manage.py run_workflow --retry {run.id} (or --cancel {run.id})"
                )
            handover = next(
                (st["output"] for st in report["steps"] if st["name"] == "email_client" and st["output"]), None
            )
            if handover and handover.get("email"):
                self.stdout.write(f"e-mailed: {handover['email']}")
            if report["package"]:
                self.stdout.write(f"package: {report['package']}")
            if self.next_version:
                self.stdout.write(self.next_version)
        if run.status == RunStatus.COMPLETED:
            return EXIT_COMPLETED
        if run.status == RunStatus.WAITING_APPROVAL:
            return EXIT_WAITING
        if run.status == RunStatus.DELIVERY_FAILED:
            return EXIT_DELIVERY_FAILED
        if run.status == RunStatus.PENDING and run.claimed_by == "":
            return EXIT_COMPLETED  # queued for a worker
        return EXIT_FAILED

    def _print_step(self, step: StepRecord) -> None:
        duration = f"{step.duration_ms:8.1f} ms" if step.duration_ms is not None else ""
        label = step.name if step.kind.value == "forward" else f"undo {step.name}"
        line = f"  {label:<24} {MARKS[step.status]:<8} attempt {step.attempt} {duration}"
        if step.error:
            line += f"  {step.error.type}: {step.error.message}"
        self.stdout.write(line)
        self.stdout.flush()

    def _say(self, text: str) -> None:
        if not self.as_json:
            self.stdout.write(text)

    def _bad_input(self, errors: dict[str, list[str]]) -> int:
        if self.as_json:
            self.stderr.write(json.dumps({"errors": errors}, indent=2, ensure_ascii=False))
        else:
            self.stderr.write("the input has errors:")
            for path, messages in errors.items():
                for message in messages:
                    self.stderr.write(f"  {path}: {message}")
        return EXIT_BAD_INPUT


class _Revision(argparse.Action):
    """Appends (flag, value) to one list for every revision flag, so their order is kept."""

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, [*getattr(namespace, self.dest, []), (option_string, values)])


def _requests(flags: list[tuple[str, str]]) -> list:
    """The revision requests the flags ask for, in order; a malformed value names its flag."""
    requests = []
    for flag, value in flags:
        kind, shape = REVISION_FLAGS[flag]
        if shape == "channel:direction":
            channel, _, direction = value.rpartition(":")
            if not channel or not direction:
                raise ValidationFailed({flag: [f"{value!r}: give CHANNEL:towards or CHANNEL:away"]})
            requests.append(strategy_services.revision_request(kind, channel=channel, direction=direction))
        else:
            requests.append(strategy_services.revision_request(kind, **{shape: value}))
    return requests


def _by_flag(errors: dict[str, list[str]], flags: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The service's `requests[i].<field>` errors under the flag (and value) that made request i."""
    named: dict[str, list[str]] = {}
    for path, messages in errors.items():
        index = path.removeprefix("requests[").partition("]")[0]
        if path.startswith("requests[") and index.isdigit() and int(index) < len(flags):
            flag, value = flags[int(index)]
            path = f"{flag} {value}"
        named.setdefault(path, []).extend(messages)
    return named


def _uuid(value: str, option: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise ValidationFailed({option: [f"{value!r} is not a run id"]}) from None


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return "operator"
