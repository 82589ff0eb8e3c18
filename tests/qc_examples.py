"""Briefs with typed facts and a run of drafts written to the copy standard, for the QC seam tests.

The drafts are what an account director would forward: composed from the brief's facts, each
field whole, no planning notes, the brand's own hashtags, verbs that fit the product. Every QC
rule must stay silent on them; each seam test then breaks one of them the way issue 11 found
the old writer breaking copy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal

from onboarding.domain import (
    Audience,
    Brand,
    Brief,
    Budget,
    Client,
    Goal,
    KeyDate,
    PreferredTerm,
    Product,
    Scope,
    Timeline,
)
from production.domain import Draft
from tests.factories import make_brief, make_intake

# Test modules inside a context build briefs from these (a context may not import onboarding).
__all__ = ["Audience", "Brand", "Client", "Goal", "PreferredTerm", "Product"]

LINK = "https://tallyfold.com/close"
FOOTER = (
    "Tallyfold Ltd, 21 Clerkenwell Green, London EC1R 0DX, United Kingdom. "
    "Unsubscribe with one click: https://tallyfold.com/unsubscribe"
)


def tallyfold_brief(**overrides) -> Brief:
    """Tallyfold Close, month-end close software (the b2b example brief with its typed facts)."""
    values = {
        "intake_id": make_intake().id,
        "client": Client(
            name="Tallyfold",
            website="https://tallyfold.com",
            postal_address="Tallyfold Ltd, 21 Clerkenwell Green, London EC1R 0DX, United Kingdom",
            timezone="Europe/London",
        ),
        "product": Product(
            name="Tallyfold Close",
            kind="software",
            category="month-end close software",
            alternative="spreadsheets and chasing colleagues by e-mail",
            description=(
                "Month-end close software for mid-sized finance teams: it matches bank, ledger and sub-ledger "
                "balances every night, flags the exceptions, and keeps the evidence auditors ask for."
            ),
            value_propositions=(
                "Close the books in 4 working days instead of 10",
                "Every reconciliation matched and evidenced automatically",
                "An audit trail that is ready before the auditors arrive",
            ),
            proof_points=(
                "Beta finance teams cut their close from 9.5 to 4.2 working days (38 companies, 2026)",
                "SOC 2 Type II report available on request",
            ),
            offer="A 30-day pilot on your own ledger data, set up by our team in one week",
            offer_expires=dt.date(2027, 3, 31),
            url=LINK,
            price="£1,200 a month per entity",
        ),
        "goals": (
            Goal(
                type="leads",
                description="Book pilot demos with finance leaders at mid-sized companies",
                target=Decimal("300"),
                unit="demo requests",
            ),
        ),
        "audience": Audience(
            description=(
                "Financial controllers and CFOs at companies with 200 to 2,000 employees "
                "whose month-end close still runs on spreadsheets"
            ),
            pains=(
                "Month-end close drags on for two weeks",
                "Reconciliations live in fragile spreadsheets only one person understands",
            ),
            phrases=("we are always chasing the last reconciliation", "close week means late nights"),
            testimonials=("Worth the wait.", "We closed March in four days and nobody stayed late"),
            search_terms=("month-end close software", "bank reconciliation software"),
        ),
        "channels": ("linkedin", "x", "email", "blog", "google_ads"),
        "timeline": Timeline(
            start=dt.date(2027, 3, 1),
            end=dt.date(2027, 4, 25),
            key_dates=(KeyDate(date=dt.date(2027, 4, 5), label="UK tax year end"),),
        ),
        "budget": Budget(amount=Decimal("48000"), currency="GBP"),
        "brand": Brand(
            tone="confident, plain-spoken, practical",
            banned_terms=("revolutionary", "game-changer", "synergy", "disrupt", "free"),
            preferred_terms=(PreferredTerm(avoid="utilize", use="use"),),
            hashtags=("#MonthEndClose", "#FinanceOps"),
            allowed_domains=("tallyfold.com",),
            max_grade_level=10,
        ),
        "scope": Scope(deliverables=("LinkedIn posts", "E-mail newsletter"), exclusions=("Customer logos",)),
        "language": "en-GB",
    }
    values.update(overrides)
    return make_brief(**values)


def draft(channel: str, asset_type: str, slot: int, *, run_id: uuid.UUID, title: str, body: str, **fields) -> Draft:
    scheduled = fields.pop("scheduled_at", dt.datetime(2027, 3, 1 + slot, 9, 0, tzinfo=dt.UTC))
    return Draft(
        id=uuid.uuid4(),
        run_id=run_id,
        brief_id=uuid.uuid4(),
        strategy_id=uuid.uuid4(),
        channel=channel,
        asset_type=asset_type,
        slot=slot,
        title=title,
        body=body,
        fields=fields,
        scheduled_at=scheduled,
        generator="template",
        template=f"{asset_type}.test",
    )


def good_run(run_id: uuid.UUID | None = None) -> list[Draft]:
    """One asset per channel and a second LinkedIn post and e-mail, written to the copy standard."""
    run_id = run_id or uuid.uuid4()
    return [
        draft(
            "linkedin",
            "linkedin_post",
            1,
            run_id=run_id,
            title="Ten working days is too long to wait for your numbers",
            body=(
                "If your team still needs ten working days to close a month, the board sees March "
                "in the middle of April.\n\n"
                "Tallyfold Close matches bank, ledger and sub-ledger balances every night, so the exceptions "
                "are waiting for you on day one instead of day nine.\n\n"
                "Beta finance teams cut their close from 9.5 to 4.2 working days (38 companies, 2026).\n\n"
                "What would your controllers do with the week they get back?\n\n"
                f"See how the nightly match works: {LINK}?utm_source=linkedin&utm_medium=social\n\n"
                "#MonthEndClose #FinanceOps"
            ),
            hashtags=["#MonthEndClose", "#FinanceOps"],
            cta="See how the nightly match works",
            link=LINK,
        ),
        draft(
            "linkedin",
            "linkedin_post",
            2,
            run_id=run_id,
            title="Auditors should not wait for your evidence",
            body=(
                "Audit season should not mean a week of digging through shared drives.\n\n"
                "With Tallyfold Close, every reconciliation is matched and evidenced as it happens, and the "
                "trail is ready before the auditors arrive.\n\n"
                "Need our own controls checked first? Ask for the SOC 2 Type II report.\n\n"
                "Which part of your audit prep takes longest today?\n\n"
                f"Read how teams prepare: {LINK}?utm_source=linkedin&utm_medium=social\n\n"
                "#FinanceOps"
            ),
            hashtags=["#FinanceOps"],
            cta="Read how teams prepare",
            link=LINK,
        ),
        draft(
            "x",
            "x_post",
            1,
            run_id=run_id,
            title="Close in four working days",
            body=(
                "Ten working days to close a month? Beta teams on Tallyfold Close did it in 4.2. "
                f"{LINK}?utm_source=x&utm_medium=social #MonthEndClose"
            ),
            hashtags=["#MonthEndClose"],
            link=LINK,
        ),
        draft(
            "email",
            "email",
            1,
            run_id=run_id,
            title="Your March close, finished by the fourth working day",
            body=(
                "Hi Sam,\n\n"
                "When the close runs into its second week, your board reads numbers that are already old.\n\n"
                "Tallyfold Close matches every bank, ledger and sub-ledger balance overnight and lists the few "
                "exceptions your team needs to look at. Beta finance teams went from 9.5 to 4.2 working days "
                "(38 companies, 2026).\n\n"
                "Our team can set up a 30-day pilot on your own ledger data within one week, so you see the "
                "difference on a real month.\n\n"
                f"Start your pilot: {LINK}?utm_source=newsletter&utm_medium=email\n\n"
                "Priya, Tallyfold\n\n"
                f"{FOOTER}"
            ),
            subject="Your March close, done by working day four",
            preheader="Nightly matching leaves your team only the exceptions to check",
            cta="Start your pilot",
            link=LINK,
            footer=FOOTER,
        ),
        draft(
            "email",
            "email",
            2,
            run_id=run_id,
            title="What your auditors will ask for, ready in advance",
            body=(
                "Hi Sam,\n\n"
                "Most audit requests ask for proof your team made once already: the bank statement, the sign-off, "
                "the note on the odd line.\n\n"
                "Tallyfold Close keeps that proof with each match. So the audit file fills up as the month goes. "
                "Your auditors can also read our SOC 2 Type II report.\n\n"
                f"See a sample audit file: {LINK}?utm_source=newsletter&utm_medium=email\n\n"
                "Priya, Tallyfold\n\n"
                f"{FOOTER}"
            ),
            subject="The audit file that builds itself during the month",
            preheader="Every match keeps its statement, approval and note attached",
            cta="See a sample audit file",
            link=LINK,
            footer=FOOTER,
        ),
        draft(
            "blog",
            "blog_article",
            1,
            run_id=run_id,
            title="How long should a month-end close take?",
            body=(
                "# How long should a month-end close take?\n\n"
                "Most finance teams at companies of a few hundred people take eight to twelve working days. "
                "The teams that close in four do not work longer nights. They stop matching by hand.\n\n"
                "## Where do the days go?\n\n"
                "The first days go on bank matching. Someone exports statements, pastes them into a "
                "spreadsheet and ticks off lines. The middle days go on chasing the last reconciliations. "
                "The final days go on review, because nobody fully trusts a sheet that one person built.\n\n"
                "## What changes with nightly matching?\n\n"
                "Month-end close software such as Tallyfold Close matches bank, ledger and sub-ledger balances "
                "every night. On the first working day, your team starts from a short list of exceptions. "
                "Beta finance teams cut their close from 9.5 to 4.2 working days (38 companies, 2026).\n\n"
                "## How do you start?\n\n"
                f"Pick one entity and run a pilot on a real month. See how the pilot works: {LINK}"
                "?utm_source=blog&utm_medium=organic"
            ),
            meta_description=(
                "Most teams need eight to twelve working days to close a month. Here is where the days go "
                "and how nightly matching gets you to four."
            ),
            slug="month-end-close-how-long",
            focus_keyword="month-end close software",
            link=LINK,
        ),
        draft(
            "google_ads",
            "google_ads_rsa",
            1,
            run_id=run_id,
            title="Month-end close software",
            body="",
            headlines=[
                "Month-End Close Software",
                "Close in 4 Working Days",
                "Tallyfold Close",
                "Nightly Bank Matching",
                "Audit Trail Ready Early",
                "Book a Tallyfold Demo",
                "Try a 30-Day Pilot",
                "Built for Finance Teams",
                "Fewer Spreadsheets",
                "SOC 2 Type II Report",
                "Matches Every Night",
                "Start With One Entity",
            ],
            descriptions=[
                "Match bank, ledger and sub-ledger balances every night. See the exceptions on day one.",
                "Beta teams cut their close from 9.5 to 4.2 working days. Book a demo today.",
                "Keep the evidence your auditors ask for with every reconciliation.",
                "Try a 30-day pilot on your own ledger data, set up by our team in one week.",
            ],
            path1="month-end",
            path2="close",
            final_url=LINK,
            scheduled_at=dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC),
        ),
    ]


def with_body(drafts: list[Draft], key: str, body: str, **fields) -> list[Draft]:
    """The run with one draft's body (and fields) replaced."""
    return [dataclasses.replace(d, body=body, fields={**d.fields, **fields}) if d.key == key else d for d in drafts]
