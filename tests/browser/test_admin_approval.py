"""An operator approves a waiting run's strategy in a real browser, and the run completes.

Drives Debian's headless Chromium through Playwright against pytest-django's live server.
Skips when the browser or Playwright is missing, except in CI (CI=true), where it fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from orchestration import services
from orchestration.domain import RunStatus
from orchestration.models import RunRecord
from strategy.models import StrategyRecord
from tests.factories import EXAMPLE_BRIEFS_DIR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "browser"
PASSWORD = "approve-me-please"


def require_browser():
    """Playwright's sync API, or a skip (a failure under CI=true) naming what is missing."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
        missing.append("the playwright package (pip install playwright)")
    if missing:
        reason = "The browser test needs " + " and ".join(missing) + "."
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} CI=true: the browser test must run in CI.")
        pytest.skip(reason)
    return sync_playwright


@pytest.fixture
def reviewer():
    """A staff user who may read runs and strategies and approve strategies, nothing more."""
    user = User.objects.create_user("reviewer", password=PASSWORD, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_runrecord", "view_strategyrecord", "approve_strategy"])
    )
    return user


@pytest.fixture
def waiting_run(media_root):
    from config import registry

    runs = registry.repository("orchestration.runs")
    raw = (EXAMPLE_BRIEFS_DIR / "local-bakery.json").read_bytes()
    run = services.run_start_for_intake(
        runs=runs, briefs=registry.repository("onboarding.briefs"), raw=raw, source="test", require_approval=True
    ).run
    waiting = services.run_execute(run_id=run.id)
    assert waiting.status == RunStatus.WAITING_APPROVAL
    return waiting


def test_operator_approves_the_strategy_and_the_run_completes(live_server, reviewer, waiting_run):
    """Log in, open the waiting run, follow it to its strategy, approve, and see the run completed."""
    # given
    sync_playwright = require_browser()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    run_url = live_server.url + reverse("admin:orchestration_runrecord_change", args=[waiting_run.id])
    # when
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)

            page.goto(live_server.url + "/admin/")
            page.fill("#id_username", reviewer.username)
            page.fill("#id_password", PASSWORD)
            page.click("input[type=submit]")
            page.wait_for_selector("#site-name")

            page.goto(live_server.url + reverse("admin:orchestration_runrecord_changelist"))
            page.click(f"text={str(waiting_run.id)[:8]}")
            page.wait_for_selector("#run-state")
            waiting_text = page.inner_text("#run-state")
            page.screenshot(path=str(SCREENSHOTS / "admin-approval-waiting-run.png"), full_page=True)

            page.click("#review-strategy")
            page.wait_for_selector("#approve-strategy")
            page.screenshot(path=str(SCREENSHOTS / "admin-approval-strategy.png"), full_page=True)
            page.click("#approve-strategy")
            page.wait_for_selector(".messagelist .success")
            approved_text = page.inner_text("#strategy-review")

            page.goto(run_url)
            page.wait_for_selector("#run-state")
            completed_text = page.inner_text("#run-state")
            page.screenshot(path=str(SCREENSHOTS / "admin-approval.png"), full_page=True)
        finally:
            browser.close()
    # then
    assert "waiting approval" in waiting_text
    assert "Approved by reviewer" in approved_text
    assert "completed" in completed_text
    assert StrategyRecord.objects.get(id=waiting_run.strategy_id).status == "approved"
    assert RunRecord.objects.get(id=waiting_run.id).status == RunStatus.COMPLETED.value
    assert (SCREENSHOTS / "admin-approval.png").stat().st_size > 0
