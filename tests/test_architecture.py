"""The bounded contexts' import rules are enforced: a deliberate violation makes the contracts fail."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("config", "kernel", "access", "onboarding", "strategy", "production", "delivery", "orchestration")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--config", str(tree / ".importlinter"), "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path):
    """A copy of the project's packages and import contracts."""
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_the_project_keeps_its_import_contracts(tree):
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("production/services.py", "from strategy.models import StrategyRecord", "independent"),
        ("delivery/services.py", "from orchestration import services", "No context imports orchestration"),
        ("orchestration/workflow.py", "from production.repositories import DjangoDraftRepository", "never"),
        ("access/tokens.py", "from onboarding import services", "independent"),
    ],
)
def test_a_cross_context_import_breaks_the_contracts(tree, module, line, broken):
    """Importing another context's models, or orchestration from a context, fails lint-imports."""
    target = tree / module
    target.write_text(target.read_text() + f"\n{line}  # deliberate violation\n")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert broken in result.stdout.replace("\n", " ")
