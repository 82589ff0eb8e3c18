"""What the package writes cannot act on the client's machine: CSV cells are never formulas, and
strategy.html loads nothing from anywhere."""

from __future__ import annotations

import csv
import io
import re

import pytest

from delivery import packaging
from tests.factories import make_draft


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("https://evil.example","Refund")', '\'=HYPERLINK("https://evil.example","Refund")'),
        ("+1 555 0100", "'+1 555 0100"),
        ("-5% off", "'-5% off"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Fresh bread = happy mornings", "Fresh bread = happy mornings"),
        ("", ""),
        (None, ""),
        (87.5, "87.5"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_start_with_a_quote(value, written):
    """OWASP's triggers (=, +, -, @, tab, carriage return) at the start get a leading single quote."""
    assert packaging.csv_cell(value) == written


def test_the_calendar_csv_neutralises_every_cell_and_still_reads_back():
    """A title and a body that start with a formula arrive as text, and the file still parses."""
    # given
    draft = make_draft(title="=1+2", body='=HYPERLINK("https://evil.example/x","Click")\nFresh loaves.')
    # when
    text = packaging.render_calendar_csv([draft], {}).decode("utf-8")
    # then
    [header, row] = list(csv.reader(io.StringIO(text, newline="")))
    assert header == list(packaging.CALENDAR_CSV_HEADER)
    assert row[3] == "'=1+2"
    assert row[4].startswith("'=HYPERLINK(")
    assert not any(cell.startswith(packaging.CSV_FORMULA_TRIGGERS) for cell in row)


HOSTILE_MARKDOWN = """# Strategy

![pixel](https://tracker.example/pixel.gif)

<img src="https://tracker.example/p.gif"><img src=x onerror="alert(1)">
<script src="https://cdn.example/x.js"></script><script>alert(2)</script>
<link rel="stylesheet" href="https://cdn.example/x.css">
<style>@import url(https://cdn.example/y.css); @font-face { src: url(https://fonts.example/f.woff2) }</style>
<iframe src="https://evil.example"></iframe><video src="https://evil.example/v.mp4"></video>
<svg onload="alert(3)"><image href="https://tracker.example/i.png"/></svg>
<p style="background:url(https://tracker.example/bg.png)">Styled</p>

[a link](https://client.example/pricing) and [bad](javascript:alert(4)) and [data](data:text/html,hi)
"""


def test_strategy_html_loads_no_external_resource():
    """Images, scripts, styles, fonts, frames and media are dropped; links stay links; a CSP forbids loading."""
    # when
    document = packaging.render_strategy_html(HOSTILE_MARKDOWN, title="Plan", language="en")
    # then
    lowered = document.lower()
    for forbidden in ("<img", "<script", "<link", "<iframe", "<video", "<svg", "<image", "onerror", "onload"):
        assert forbidden not in lowered, forbidden
    assert "javascript:" not in lowered and "data:text" not in lowered
    assert "tracker.example" not in lowered and "cdn.example" not in lowered and "fonts.example" not in lowered
    assert 'href="https://client.example/pricing"' in document
    # The only <style> is the document's own, and the browser is told to load nothing.
    assert len(re.findall(r"<style", lowered)) == 1
    assert "url(" not in lowered
    assert f'<meta http-equiv="Content-Security-Policy" content="{packaging.HTML_CSP}">' in document
