"""End to end: a brief's text that a spreadsheet would run arrives in the package's calendar.csv as text."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from django.core.management import call_command

from delivery.packaging import CSV_FORMULA_TRIGGERS
from tests.factories import example_brief_paths

FORMULA = '=HYPERLINK("https://evil.example/refund","Click for a refund")'


def test_a_hyperlink_formula_in_a_pain_arrives_neutralised_in_calendar_csv(tmp_path, settings, capsys):
    """The pain reaches the copy (and so the calendar) verbatim, and no cell a spreadsheet would run is left:
    wherever the writer puts it, a cell never starts with it (or with any other formula trigger).
    Unit tests (delivery/tests/test_safe_outputs.py) cover a title and a body that start with it."""
    # given
    settings.MEDIA_ROOT = tmp_path / "media"
    [bakery] = [p for p in example_brief_paths() if p.stem == "local-bakery"]
    intake = json.loads(Path(bakery).read_text())
    intake["audience"]["pains"] = [FORMULA, *intake["audience"]["pains"][1:]]
    brief_file = tmp_path / "brief.json"
    brief_file.write_text(json.dumps(intake))
    # when
    call_command("run_workflow", str(brief_file), "--persistence", "memory", "--json")
    result = json.loads(capsys.readouterr().out)
    # then
    assert result["status"] == "completed", result
    with zipfile.ZipFile(result["package"]) as archive:
        text = archive.read("calendar.csv").decode("utf-8")
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    carrying = [cell for cell in cells if FORMULA in cell]
    assert carrying, "the pain did not reach the calendar"
    assert not any(cell.startswith(CSV_FORMULA_TRIGGERS) for cell in cells)
