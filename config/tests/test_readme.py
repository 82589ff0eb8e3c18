"""The README documents every setting once: its configuration table lists exactly the environment
variables that config/settings.py and gunicorn.conf.py read."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _read_by_settings() -> set[str]:
    """Names passed to django-environ (`env.str("X")`, `env.db_url("X")`, `env("X")`, ...)."""
    tree = ast.parse((ROOT / "config" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
            continue
        func = node.func
        by_env = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env"
        )
        if by_env and isinstance(node.args[0].value, str):
            names.add(node.args[0].value)
    return names


def _read_by_gunicorn() -> set[str]:
    return set(re.findall(r'os\.environ\.get\("([A-Z0-9_]+)"', (ROOT / "gunicorn.conf.py").read_text()))


def _documented() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([A-Z0-9_]+)` \|", section, flags=re.MULTILINE)


def test_every_variable_the_settings_read_is_in_the_readme_table_and_nothing_else():
    # given
    read = _read_by_settings() | _read_by_gunicorn()
    documented = _documented()
    # then
    assert sorted(read - set(documented)) == [], "read but not documented"
    assert sorted(set(documented) - read) == [], "documented but never read"
    assert len(documented) == len(set(documented)), "documented twice"
    assert {"TIME_ZONE", "AICMO_PUBLIC_BASE_URL", "CACHE_URL", "SECURE_HSTS_SECONDS"} <= read
