"""Production installs the runtime lock only; tests and tools come from the development lock on top of it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST_AND_TOOLS = {"pytest", "pytest-django", "pytest-httpserver", "playwright", "schemathesis", "ruff", "import-linter"}


def _pins(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text()
    return {m[0].lower(): m[1] for m in re.findall(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(\S+)", text, re.MULTILINE)}


def test_the_runtime_lock_ships_no_test_or_tooling_package():
    runtime = _pins("requirements.txt")
    assert not TEST_AND_TOOLS & set(runtime)
    assert {"django", "gunicorn", "whitenoise", "django-rest-knox", "django-axes", "standardwebhooks"} <= set(runtime)


def test_the_development_lock_adds_the_tools_and_agrees_with_the_runtime_pins():
    runtime, development = _pins("requirements.txt"), _pins("requirements-dev.txt")
    assert set(development) >= TEST_AND_TOOLS
    assert {name: development[name] for name in set(runtime) & set(development)} == {
        name: runtime[name] for name in set(runtime) & set(development)
    }


def test_every_direct_requirement_is_locked_at_the_version_asked_for():
    for source, lock in (("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt")):
        asked = _pins(source)
        locked = _pins(lock)
        assert asked, source
        assert {name: locked.get(name) for name in asked} == asked, source
