"""The seam rules catch each defect issue 11 found in real packages (its own quoted words) and stay
silent on copy written to the copy standard."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal

import pytest

from production.domain import Severity
from production.qc.engine import evaluate_draft, evaluate_run
from production.qc.rules import RULES_BY_ID, SEAM_RULES
from tests.qc_examples import (
    FOOTER,
    LINK,
    Audience,
    Brand,
    Client,
    Goal,
    PreferredTerm,
    Product,
    draft,
    good_run,
    tallyfold_brief,
    with_body,
)

NOW = dt.datetime(2027, 1, 3, 12, 0, tzinfo=dt.UTC)


def found(drafts, brief, rule_id):
    """{draft key: [(field, message), ...]} for one rule over a run."""
    run = evaluate_run(drafts, brief, threshold=80, now=NOW)
    by_key = {}
    for result in run.results:
        issues = [(i.field, i.message) for i in result.issues if i.rule_id == rule_id]
        if issues:
            by_key[run.key_for(result.draft_id)] = issues
    return by_key


def one(channel="linkedin", asset_type="linkedin_post", *, title="A title that reads whole", body="", **fields):
    return draft(channel, asset_type, 1, run_id=uuid.uuid4(), title=title, body=body, **fields)


def issues_of(result, rule_id):
    return [i for i in result.issues if i.rule_id == rule_id]


def evaluate(d, brief):
    return evaluate_draft(d, brief, threshold=80, now=NOW)


# --- good copy ---------------------------------------------------------------------------------


def test_copy_written_to_the_standard_passes_every_rule():
    """A run of good drafts passes QC; no seam rule says a word, and the only notes are minor lengths."""
    # given
    brief, drafts = tallyfold_brief(), good_run()

    # when
    run = evaluate_run(drafts, brief, threshold=80, now=NOW)

    # then
    assert run.passed
    noted = {(run.key_for(r.draft_id), i.rule_id) for r in run.results for i in r.issues}
    assert {rule for _, rule in noted} <= {"length.soft"}
    assert all(i.severity is Severity.MINOR for r in run.results for i in r.issues)
    assert all(r.score >= 95 for r in run.results)


def test_every_seam_rule_is_registered_and_applies_to_the_good_run():
    """Each new rule exists and was applied somewhere in the good run (so silence means it looked)."""
    # given
    brief = tallyfold_brief(sponsored=False)
    drafts = good_run()

    # when
    run = evaluate_run(drafts, brief, threshold=80, now=NOW)

    # then
    assert set(SEAM_RULES) <= set(RULES_BY_ID)
    assert all(r.rules_passed == r.rules_applied for r in run.results if not r.issues)


# --- copy.truncated ----------------------------------------------------------------------------


def test_truncated_headline_cut_from_a_value_proposition():
    """ "Close the books in 4 working" stops inside "...4 working days instead of 10"."""
    # given
    brief, drafts = tallyfold_brief(), good_run()
    ad = next(d for d in drafts if d.channel == "google_ads")
    headlines = [*ad.fields["headlines"][:6], "Close the books in 4 working", *ad.fields["headlines"][7:]]
    drafts = with_body(drafts, ad.key, "", headlines=headlines)

    # when
    issues = found(drafts, brief, "copy.truncated")

    # then
    assert issues == {
        ad.key: [
            (
                "headlines[6]",
                "'Close the books in 4 working' ends mid-phrase: it stops part way through "
                "'Close the books in 4 working days instead of 10' after 'working'.",
            )
        ]
    }
    assert RULES_BY_ID["copy.truncated"].severity is Severity.CRITICAL


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("headlines", "24/7 Emergency Plumbing by", "'24/7 Emergency Plumbing by' ends mid-phrase on 'by'."),
        ("headlines", "Every reconciliation leaves an", "'Every reconciliation leaves an' ends mid-phrase on 'an'."),
        ("descriptions", "Book a conversation with.", "'Book a conversation with.' ends mid-phrase on 'with'."),
        ("path2", "Partners-and", "'Partners-and' ends mid-phrase on 'and'."),
    ],
)
def test_truncated_field_ends_on_a_function_word(field, text, message):
    """A headline, description or display path that ends on a preposition, article or conjunction is cut."""
    # given
    ad = one("google_ads", "google_ads_rsa", title="Search ad", **{field: [text] if field != "path2" else text})

    # when
    result = evaluate(ad, tallyfold_brief())

    # then
    [issue] = issues_of(result, "copy.truncated")
    assert issue.message == message
    assert issue.field == (f"{field}[0]" if field != "path2" else "path2")
    assert issue.severity is Severity.CRITICAL


def test_truncated_subject_ending_in_an_ellipsis():
    """A subject cut with an ellipsis ("...sign up…") is flagged, quoting it."""
    # given
    email = one("email", "email", body="Hi Sam,\n\nShort note.", subject="Your pilot starts when you sign up…")

    # when
    [issue] = issues_of(evaluate(email, tallyfold_brief()), "copy.truncated")

    # then
    assert (issue.field, issue.message) == (
        "subject",
        "'Your pilot starts when you sign up…' is cut off: it ends with an ellipsis.",
    )


def test_truncated_body_sentence_and_line():
    """A body sentence ending on "with" and a line ending on an article are cut; the rest of the body is not."""
    # given
    body = "Your close should not take two weeks.\nBook a conversation with.\nEvery reconciliation leaves an"
    post = one(body=body)

    # when
    issues = issues_of(evaluate(post, tallyfold_brief()), "copy.truncated")

    # then
    assert [(i.start, i.end) for i in issues] == [
        (body.index("Book"), body.index("with.") + 5),
        (body.index("Every"), len(body)),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "What are you waiting for?",
        "Stop by.",
        "Find the exceptions your team needs to look at.",
        "See what Tallyfold Close is about.",
        "The close your board has been waiting for.",
        "Worth waiting for.",
        "Plan A.",
        "Sign up.",
        "Try this.",
        "Close the books in 4 working days.",
        "Close the books in 4 working days instead of 10.",
        "SOC 2 Type II Report",
        "Month-End Close",
        "Matched and evidenced automatically",
        "Wait... there is more.",
        "Fresh bread with ☕",
    ],
)
def test_whole_phrases_are_not_truncated(text):
    """Stranded prepositions, phrasal verbs, questions and phrases that stop where a fact allows read whole."""
    # given
    ad = one("google_ads", "google_ads_rsa", title="Search ad", descriptions=[text])
    post = one(body=text)

    # when / then
    assert issues_of(evaluate(ad, tallyfold_brief()), "copy.truncated") == []
    assert issues_of(evaluate(post, tallyfold_brief()), "copy.truncated") == []


# --- copy.internal_leak ------------------------------------------------------------------------


def casa_aldea_brief(**overrides):
    values = {
        "client": Client(name="Casa Aldea", website="https://casaaldea.es", postal_address="Calle Real 4, Ronda"),
        "product": Product(
            name="Casa Aldea",
            kind="venue",
            description="A twelve-room hotel in the hills above Ronda",
            value_propositions=("Twelve rooms, one long lunch table", "Walks from the door into the Sierra"),
            offer="A third night on us for stays booked before 30 June",
            url="https://casaaldea.es/stay",
        ),
        "audience": Audience(
            description=(
                "Affluent couples aged 38 to 65 from the UK and Germany who take two or three short breaks a year"
            ),
            pains=("Weekends away feel rushed",),
            testimonials=("Worth the wait.", "The quietest three days we have had in years"),
        ),
        "brand": Brand(
            banned_terms=("luxury", "cheap"),
            allowed_phrases=("Small Luxury Hotels of the World",),
            hashtags=("#CasaAldea",),
        ),
        "channels": ("email", "instagram"),
    }
    values.update(overrides)
    return tallyfold_brief(**values)


def test_internal_leak_audience_description_in_an_email():
    """ "Who this e-mail is for: Affluent couples aged 38 to 65..." is the planning note, sent to those couples."""
    # given
    body = (
        "Who this e-mail is for: Affluent couples aged 38 to 65 from the UK and Germany.\n\n"
        "Twelve rooms, one long lunch table, and walks from the door into the Sierra.\n\n"
        "Book your stay: https://casaaldea.es/stay"
    )
    email = one("email", "email", body=body, subject="Three slow days above Ronda", footer="Calle Real 4, Ronda")

    # when
    result = evaluate(email, casa_aldea_brief())

    # then
    [leak] = issues_of(result, "copy.internal_leak")
    assert leak.message == (
        "'Affluent couples aged 38 to 65 from the UK and Germany' comes from the audience description: "
        "a planning note, not copy for the audience."
    )
    assert leak.severity is Severity.CRITICAL
    [label] = issues_of(result, "copy.meta_label")
    assert label.message == "'Who this e-mail is for:' is a template label, not copy."


def test_internal_leak_display_path_made_of_the_audience():
    """A display path "Adults-aged-25" is three words of the audience description."""
    # given
    brief = tallyfold_brief(
        audience=Audience(description="Adults aged 25 to 45 who want to get fit at home", pains=("No time",))
    )
    ad = one("google_ads", "google_ads_rsa", title="Search ad", path1="home-workouts", path2="Adults-aged-25")

    # when
    [leak] = issues_of(evaluate(ad, brief), "copy.internal_leak")

    # then
    assert (leak.field, leak.message) == (
        "path2",
        "'Adults-aged-25' comes from the audience description: a planning note, not copy for the audience.",
    )


def test_internal_leak_budget_kpi_target_and_goal():
    """The budget with its currency, a KPI target with its unit and a goal's description are planning notes."""
    # given
    body = (
        "We have £48,000 to spend this spring. Our aim: 300 demo requests.\n"
        "We want to book pilot demos with finance leaders at mid-sized companies."
    )
    post = one(body=body)

    # when
    messages = [i.message for i in issues_of(evaluate(post, tallyfold_brief()), "copy.internal_leak")]

    # then
    assert messages == [
        "'48,000' comes from the campaign budget: a planning note, not copy for the audience.",
        "'300 demo requests' comes from the KPI target of a goal ('Book pilot demos with finance leaders at "
        "mid-sized companies'): a planning note, not copy for the audience.",
        "'book pilot demos with finance leaders at mid-sized companies' comes from goal 1's description: "
        "a planning note, not copy for the audience.",
    ]


def test_internal_leak_tactic_names_from_the_strategy():
    """Tactics handed to QC as planning notes are caught in copy; the same words are fine without them."""
    # given
    post = one(body="This post is part of our thought leadership series for finance controllers.")
    tactic = "Thought leadership series for finance controllers on LinkedIn"

    # when
    with_notes = evaluate_draft(post, tallyfold_brief(), threshold=80, now=NOW, notes=[tactic])
    without = evaluate(post, tallyfold_brief())

    # then
    [leak] = issues_of(with_notes, "copy.internal_leak")
    assert leak.message == (
        "'thought leadership series for finance controllers' comes from the strategy's tactics: "
        "a planning note, not copy for the audience."
    )
    assert issues_of(without, "copy.internal_leak") == []


def test_copy_about_the_audience_in_its_own_words_is_no_leak():
    """Writing to the reader with a few of the description's words, or public facts, is copy."""
    # given
    body = (
        "If your month-end close still runs on spreadsheets, the board waits for numbers.\n"
        "Close the books in 4 working days instead of 10. 48,000 transactions matched a night."
    )

    # when / then
    assert issues_of(evaluate(one(body=body), tallyfold_brief()), "copy.internal_leak") == []


# --- copy.meta_label ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("Who it is for: finance teams that close in Excel.", "Who it is for:"),
        ("The facts: 38 companies closed faster.", "The facts:"),
        ("Evidence, not adjectives: 38 companies closed faster.", "Evidence, not adjectives:"),
        ("**Hook:** Still closing in week two?", "Hook:"),
        ("Value: nightly matching.", "Value:"),
        ("- Proof: 38 companies.", "Proof:"),
        ("Tallyfold Close. Who it is for: controllers.", "Who it is for:"),
        ("## The facts", "The facts"),
    ],
)
def test_meta_labels_are_flagged(line, label):
    """Template labels at the start of a line or sentence, or as a heading, are quoted."""
    # given
    post = one(body=f"Close in four days with Tallyfold Close.\n{line}")

    # when
    [issue] = issues_of(evaluate(post, tallyfold_brief()), "copy.meta_label")

    # then
    assert issue.message == f"{label!r} is a template label, not copy.".replace('"', "'")
    assert issue.severity is Severity.CRITICAL


def test_words_that_only_look_like_labels_pass():
    """ "Value" and "proof" inside sentences, or a colon after other words, are copy."""
    # given
    body = (
        "The value: four days, not ten.\nProof matters to auditors: every match keeps its statement.\n"
        "What you get: an audit file that builds itself."
    )

    # when / then
    assert issues_of(evaluate(one(body=body), tallyfold_brief()), "copy.meta_label") == []


# --- copy.markup_dump --------------------------------------------------------------------------


def test_markup_dump_python_dict_under_a_duplicated_h1():
    """A blog ending in a dict dump under a second copy of its H1 is flagged twice, quoting both."""
    # given
    body = (
        "# How long should a month-end close take?\n\nMost teams take ten days.\n\n"
        "# How long should a month-end close take?\n\n"
        "{'heading': 'The problem', 'paragraphs': ['Close takes too long.']}"
    )
    blog = one("blog", "blog_article", title="How long should a month-end close take?", body=body)

    # when
    messages = [i.message for i in issues_of(evaluate(blog, tallyfold_brief()), "copy.markup_dump")]

    # then
    assert messages == [
        "'# How long should a month-end close take?' is a second H1 (the first is "
        "'How long should a month-end close take?').",
        "'{'heading':...' is data printed as text.",
    ]


@pytest.mark.parametrize(
    ("body", "dumped"),
    [
        ("Offer: None", "None"),
        ("Close in four days.\nTrue\n", "True"),
        ("Pilot length = None, please ask.", "None"),
        ("Our teams: ['Leeds', 'Bristol']", "['Leeds',..."),
        ("Score: NaN out of 10", "NaN"),
    ],
)
def test_markup_dump_values_and_lists(body, dumped):
    """Python values and literals printed in copy are data, quoted as written."""
    # when
    [issue] = issues_of(evaluate(one(body=body), tallyfold_brief()), "copy.markup_dump")

    # then
    assert issue.message == f"'{dumped}' is data printed as text."


def test_english_none_true_and_headings_pass():
    """ "None of our clients", "True story" and distinct headings are copy."""
    # given
    body = "## Why now?\nNone of our pilots ran over a week. True story.\n## What next?\nSetup fee: none."

    # when / then
    assert issues_of(evaluate(one(body=body), tallyfold_brief()), "copy.markup_dump") == []


# --- copy.repeated_sentence and copy.same_opening ----------------------------------------------


def test_repeated_sentence_across_two_assets():
    """ "How would this change your week? Share it with a colleague who needs it." on two posts is caught on both."""
    # given
    drafts = good_run()
    first, second = (d for d in drafts if d.channel == "linkedin")
    closing = "\n\nHow would this change your week? Share it with a colleague who needs it."
    drafts = with_body(drafts, first.key, first.body + closing)
    drafts = with_body(drafts, second.key, second.body + closing)

    # when
    issues = found(drafts, tallyfold_brief(), "copy.repeated_sentence")

    # then
    assert issues == {
        first.key: [
            ("body", f"'How would this change your week?' also appears in {second.key}."),
            ("body", f"'Share it with a colleague who needs it.' also appears in {second.key}."),
        ],
        second.key: [
            ("body", f"'How would this change your week?' also appears in {first.key}."),
            ("body", f"'Share it with a colleague who needs it.' also appears in {first.key}."),
        ],
    }


def test_the_briefs_own_words_and_the_footer_may_repeat():
    """A value proposition, a proof point and the legal footer may appear in every asset."""
    # given
    drafts = good_run()
    fact = "\n\nSOC 2 Type II report available on request."
    value = "\nEvery reconciliation matched and evidenced automatically."
    drafts = [dataclasses.replace(d, body=d.body + fact + value) if d.body else d for d in drafts]

    # when / then
    assert found(drafts, tallyfold_brief(), "copy.repeated_sentence") == {}
    assert all(FOOTER in d.body for d in drafts if d.channel == "email")


def test_sentence_written_twice_in_one_body():
    """A paragraph printed twice in one e-mail (the footer twice, say) is caught."""
    # given
    drafts = good_run()
    email = next(d for d in drafts if d.channel == "email")
    twice = "Our team can set up a pilot on your own ledger data within one week."
    drafts = with_body(drafts, email.key, f"{email.body}\n\n{twice}\n\n{twice}")

    # when
    issues = found(drafts, tallyfold_brief(), "copy.repeated_sentence")

    # then
    assert issues == {email.key: [("body", f"'{twice}' is written twice in body.")]}


def test_same_opening_on_one_channel():
    """Two LinkedIn posts opening with the same five words are flagged; an X post opening alike is not."""
    # given
    drafts = good_run()
    first, second = (d for d in drafts if d.channel == "linkedin")
    x_post = next(d for d in drafts if d.channel == "x")
    opening = "Still closing the books in week two? "
    drafts = with_body(drafts, first.key, opening + first.body)
    drafts = with_body(drafts, second.key, "Ad: " + opening + second.body)
    drafts = with_body(drafts, x_post.key, opening + x_post.body)

    # when
    issues = found(drafts, tallyfold_brief(sponsored=True), "copy.same_opening")

    # then
    assert issues == {
        first.key: [
            ("body", f"'Still closing the books in' opens {second.key} too: two linkedin assets open the same way.")
        ],
        second.key: [
            ("body", f"'Still closing the books in' opens {first.key} too: two linkedin assets open the same way.")
        ],
    }


# --- e-mail ------------------------------------------------------------------------------------


def test_subject_equals_preheader():
    """Subject and preheader both "30-day free trial with data migration included" wastes the preheader."""
    # given
    text = "30-day free trial with data migration included"
    email = one("email", "email", body="Hi Sam,\n\nA note.", subject=text, preheader=text + ".")

    # when
    [issue] = issues_of(evaluate(email, tallyfold_brief(brand=Brand())), "email.subject_equals_preheader")

    # then
    assert issue.message == f"The preheader repeats the subject word for word ('{text}.')."
    assert issue.field == "preheader"


def test_preheader_that_adds_to_the_subject_passes():
    """A preheader with its own detail passes; one that only restates the subject inside a longer line does not."""
    # given
    good = one("email", "email", body="Hi.", subject="Close March by day four", preheader="Nightly matching does it")
    padded = one(
        "email", "email", body="Hi.", subject="Close March by day four", preheader="Close March by day four, really"
    )

    # when / then
    assert issues_of(evaluate(good, tallyfold_brief()), "email.subject_equals_preheader") == []
    [issue] = issues_of(evaluate(padded, tallyfold_brief()), "email.subject_equals_preheader")
    assert (
        issue.message
        == "The preheader 'Close March by day four, really' repeats the subject 'Close March by day four'."
    )


def test_duplicate_subject_across_a_runs_emails():
    """Two e-mails of one run with the same subject name each other."""
    # given
    drafts = good_run()
    first, second = (d for d in drafts if d.channel == "email")
    drafts = with_body(drafts, second.key, second.body, subject=first.fields["subject"])

    # when
    issues = found(drafts, tallyfold_brief(), "email.duplicate_subject")

    # then
    subject = first.fields["subject"]
    assert issues == {
        first.key: [("subject", f"The subject '{subject}' is also the subject of {second.key}.")],
        second.key: [("subject", f"The subject '{subject}' is also the subject of {first.key}.")],
    }


# --- offer.expired -----------------------------------------------------------------------------


def bakery_brief():
    return tallyfold_brief(
        client=Client(name="Crumb & Kettle", website="https://crumbandkettle.com", timezone="America/Los_Angeles"),
        product=Product(
            name="Weekly Loaf Club",
            kind="subscription",
            offer="Your first loaf is on us when you join before October 1",
            offer_expires=dt.date(2026, 10, 1),
            value_propositions=("A naturally leavened loaf every Saturday",),
        ),
    )


def test_offer_promoted_after_it_ends():
    """ "join before October 1" in a post scheduled for October 13 is an expired offer."""
    # given
    post = dataclasses.replace(
        one("instagram", "instagram_caption", body="Your first loaf is on us when you join before October 1."),
        scheduled_at=dt.datetime(2026, 10, 13, 16, 0, tzinfo=dt.UTC),
    )

    # when
    [issue] = issues_of(evaluate(post, bakery_brief()), "offer.expired")

    # then
    assert issue.message == (
        "'Your first loaf is on us when you join before October 1' promotes the offer; "
        "this asset is scheduled for 2026-10-13, after the offer ended on 2026-10-01."
    )
    assert issue.severity is Severity.CRITICAL


def test_offer_before_it_ends_and_other_copy_after_it_pass():
    """The offer on its last local day passes, and after it a post that does not mention it passes."""
    # given
    last_day = dataclasses.replace(
        one("instagram", "instagram_caption", body="Join before October 1: your first loaf is on us."),
        # 06:00 UTC on 2 October is still 1 October in Portland.
        scheduled_at=dt.datetime(2026, 10, 2, 6, 0, tzinfo=dt.UTC),
    )
    later = dataclasses.replace(
        one("instagram", "instagram_caption", body="A naturally leavened loaf every Saturday. Join the club."),
        scheduled_at=dt.datetime(2026, 10, 13, 16, 0, tzinfo=dt.UTC),
    )

    # when / then
    assert issues_of(evaluate(last_day, bakery_brief()), "offer.expired") == []
    assert issues_of(evaluate(later, bakery_brief()), "offer.expired") == []


# --- terms.banned after normalisation ----------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("fr\u0435e", "fr\u0435e"),  # Cyrillic small ie
        ("fr\u200bee", "fr\u200bee"),  # zero-width space
        ("fr\u00adee", "fr\u00adee"),  # soft hyphen
        ("\uff46\uff52\uff45\uff45", "\uff46\uff52\uff45\uff45"),  # full-width letters
    ],
)
def test_banned_term_in_disguise(written, shown):
    """ "free" written with a look-alike letter or an invisible character is still the banned term."""
    # given
    post = one(body=f"Start a {written} pilot of Tallyfold Close today.")

    # when
    [issue] = issues_of(evaluate(post, tallyfold_brief()), "terms.banned")

    # then
    assert issue.message == (
        f"'{shown}' is the banned term 'free', written with look-alike or invisible characters "
        f"('Start a {shown} pilot of Tallyfold Close...')."
    )
    assert post.body[issue.start : issue.end] == shown


def test_banned_term_inside_an_allowed_phrase_passes():
    """ "luxury" is banned, but "Small Luxury Hotels of the World" is the brand's allowed phrase."""
    # given
    allowed = one("instagram", "instagram_caption", body="Casa Aldea is a member of Small Luxury Hotels of the World.")
    banned = one("instagram", "instagram_caption", body="Casa Aldea: pure luxury above Ronda.")

    # when / then
    assert issues_of(evaluate(allowed, casa_aldea_brief()), "terms.banned") == []
    [issue] = issues_of(evaluate(banned, casa_aldea_brief()), "terms.banned")
    assert issue.message == "'luxury' is a banned term for this brand ('Casa Aldea: pure luxury above Ronda.')."


def test_exclusions_are_folded_too():
    """An excluded topic written with a look-alike letter is still excluded."""
    # given
    post = one(body="No Cust\u043emer logos were harmed.")

    # when
    [issue] = issues_of(evaluate(post, tallyfold_brief()), "scope.exclusions")

    # then
    assert post.body[issue.start : issue.end] == "Cust\u043emer logos"


# --- markup.unsafe -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "Read more [x](javascript:alert(2))",
            "'[x](javascript:alert(2))' is a Markdown link to a javascript: URL: copy is plain text or Markdown.",
        ),
        (
            "Close faster <img src=x onerror=alert(1)>",
            "'<img src=x onerror=alert(1)>' is raw HTML with an event handler (onerror): copy is plain text or "
            "Markdown.",
        ),
        (
            "<svg onload=alert(1)> Close faster",
            "'<svg onload=alert(1)>' is raw HTML with an event handler (onload): copy is plain text or Markdown.",
        ),
        (
            "See [the plan](data:text/html;base64,PHNjcmlwdD4=)",
            "'[the plan](data:text/html;base64,PHNjcmlwdD4=)' is a Markdown link to a data: URL: copy is plain "
            "text or Markdown.",
        ),
        (
            "See [the plan](JaVa&#115;cript:alert(1))",
            "'[the plan](JaVa&#115;cript:alert(1))' is a Markdown link to a javascript: URL: copy is plain text or "
            "Markdown.",
        ),
        ("Close <b>faster</b>", "'<b>' is a raw HTML <b> tag: copy is plain text or Markdown."),
        (
            'Read <a href="vbscript:msgbox(1)">the plan</a>',
            "'<a href=\"vbscript:msgbox(1)\">' is raw HTML with a vbscript: link: copy is plain text or Markdown.",
        ),
    ],
)
def test_unsafe_markup_is_critical(body, message):
    """javascript:/data: links and raw HTML in a body fail the draft, quoting the markup."""
    # given
    post = one(body=body)

    # when
    result = evaluate(post, tallyfold_brief())

    # then
    issues = issues_of(result, "markup.unsafe")
    assert issues[0].message == message
    assert all(i.severity is Severity.CRITICAL for i in issues)
    assert not result.passed
    assert result.score < result.threshold


def test_unsafe_link_field():
    """A link field holding a javascript: URL (tab inside the scheme) is caught."""
    # given
    post = one(body="Close faster.", link="java\tscript:alert(1)")

    # when
    [issue] = issues_of(evaluate(post, tallyfold_brief()), "markup.unsafe")

    # then
    assert (issue.field, issue.message) == ("link", "'java script:alert(1)' is a javascript: link.")


def test_safe_markdown_and_text_pass():
    """https links, autolinks, code spans, "JavaScript: the basics" and "<3" are not unsafe markup."""
    # given
    body = f"[Read the guide]({LINK}) or <{LINK}>. JavaScript: the basics. Use `<div>` sparingly. I <3 closing early."

    # when / then
    assert issues_of(evaluate(one(body=body), tallyfold_brief()), "markup.unsafe") == []


# --- praise as pain, pasted clause -------------------------------------------------------------


def test_praise_quoted_as_a_pain():
    """ "'Worth the wait.' If that sounds like you..." treats a testimonial as a complaint."""
    # given
    post = one("instagram", "instagram_caption", body="“Worth the wait.” If that sounds like you, meet Casa Aldea.")

    # when
    [issue] = issues_of(evaluate(post, casa_aldea_brief()), "copy.praise_as_pain")

    # then
    assert (
        issue.message == "'Worth the wait' is a customer's praise, framed here as a pain ('if that sounds like you')."
    )
    assert issue.severity is Severity.CRITICAL


def test_praise_used_as_praise_passes():
    """A testimonial after the claim it supports is praise, as it should be."""
    # given
    body = "Twelve rooms and a long lunch table. “The quietest three days we have had in years,” wrote Anna."

    # when / then
    assert (
        issues_of(evaluate(one("instagram", "instagram_caption", body=body), casa_aldea_brief()), "copy.praise_as_pain")
        == []
    )


def test_fact_pasted_mid_sentence_keeps_its_capital():
    """ "facing Month-end close drags on for two weeks" pastes a pain into a sentence."""
    # given
    post = one(body="For finance teams facing Month-end close drags on for two weeks, there is a better way.")

    # when
    [issue] = issues_of(evaluate(post, tallyfold_brief()), "copy.pasted_clause")

    # then
    assert issue.message == (
        "'facing Month-end close drags on for two weeks, there is a better way.' pastes a brief fact into a "
        "sentence: 'Month-end' keeps its capital mid-sentence."
    )
    assert post.body[issue.start : issue.end] == "Month-end close drags"


def test_names_and_composed_pains_pass():
    """A pain composed into a question, and a name that is always capitalised, are not pasted clauses."""
    # given
    body = "Still closing the books two weeks after month-end? Tallyfold Close connects to Xero overnight."

    # when / then
    assert issues_of(evaluate(one(body=body), tallyfold_brief()), "copy.pasted_clause") == []


# --- hashtags, disclosure, verbs ---------------------------------------------------------------


def plumber_brief(**brand):
    return tallyfold_brief(
        client=Client(name="Hale & Sons", website="https://halesons.co.uk", phone="+44 20 7946 0000"),
        product=Product(name="24/7 Emergency Plumbing", kind="local_service", url="https://halesons.co.uk"),
        brand=Brand(**brand),
    )


def test_invented_hashtag_from_the_product_name():
    """ "#247EmergencyPlumbing" when the brand gave no hashtags is invented; "#Plumbing" is not the product name."""
    # given
    post = one("x", "x_post", body="Burst pipe at 2 a.m.? Call Hale & Sons. #247EmergencyPlumbing #Plumbing")

    # when
    [issue] = issues_of(evaluate(post, plumber_brief()), "hashtags.invented")

    # then
    assert issue.message == "'#247EmergencyPlumbing' is made up from the product name; the brand gave no hashtags."


def test_hashtag_that_is_not_the_brands():
    """When the brand lists hashtags, any other is flagged; its own pass; "#1" is a rank, not a hashtag."""
    # given
    post = one(body="Rated #1 by controllers. #MonthEndClose #CloseFaster")

    # when
    [issue] = issues_of(evaluate(post, tallyfold_brief()), "hashtags.invented")

    # then
    assert issue.message == "'#CloseFaster' is not one of the brand's hashtags (#MonthEndClose, #FinanceOps)."


def test_disclosure_on_an_organic_post():
    """ "Ad:" on a LinkedIn post of an unsponsored brief is flagged; on search ads and sponsored briefs it is right."""
    # given
    post = one(body="Ad: Close the books in 4 working days instead of 10.")
    ad = one("google_ads", "google_ads_rsa", title="Search ad", descriptions=["Ad: Close in four days."])

    # when
    [issue] = issues_of(evaluate(post, tallyfold_brief()), "disclosure.unpaid")

    # then
    assert issue.message == "'Ad:' marks an organic LinkedIn asset as an ad; the brief is not sponsored."
    assert issues_of(evaluate(ad, tallyfold_brief()), "disclosure.unpaid") == []
    assert issues_of(evaluate(post, tallyfold_brief(sponsored=True)), "disclosure.unpaid") == []
    assert issues_of(evaluate(one(body="#ad Close faster."), tallyfold_brief()), "disclosure.unpaid") != []


@pytest.mark.parametrize(
    ("brief", "body", "message"),
    [
        (
            casa_aldea_brief(),
            "Order Casa Aldea today.",
            "'Order Casa Aldea today.': 'Order' does not fit a venue.",
        ),
        (
            tallyfold_brief(
                product=Product(name="Full Plates Year-End Appeal", kind="nonprofit_cause"),
                client=Client(name="Full Plates"),
            ),
            "Order Full Plates Year-End Appeal today.",
            "'Order Full Plates Year-End Appeal today.': 'Order' does not fit a nonprofit cause.",
        ),
        (
            plumber_brief(),
            "Have you tried 24/7 Emergency Plumbing yet?",
            "'Have you tried 24/7 Emergency Plumbing yet?': 'Have you tried' does not fit a local service.",
        ),
        (
            tallyfold_brief(product=Product(name="Harbourline ISA", kind="financial_product")),
            "Book a conversation with Harbourline.",
            "'Book a conversation with Harbourline.': 'Book a conversation' does not fit a financial product.",
        ),
    ],
)
def test_wrong_verb_for_the_product_kind(brief, body, message):
    """A call to action whose verb contradicts the product kind is flagged with the verbs that fit."""
    # when
    [issue] = issues_of(evaluate(one(body=body), brief), "cta.product_kind")

    # then
    assert issue.message == message
    assert issue.suggestion.startswith("Use a verb that fits: ")


def test_fitting_verbs_and_other_sentences_pass():
    """ "Book your stay" for a venue passes; "Order" opening a sentence about something else is no call to action."""
    # given
    body = "Book your stay at Casa Aldea. Order matters on a long lunch table: wine first."

    # when / then
    assert issues_of(evaluate(one(body=body), casa_aldea_brief()), "cta.product_kind") == []


def test_rules_without_facts_to_check_are_not_applied():
    """A brief without testimonials, product kind, offer or fact sentences does not count those rules as applied."""
    # given
    brief = tallyfold_brief(
        product=Product(name="Tallyfold Close"),
        audience=Audience(description="Controllers"),
        goals=(Goal(type="leads", description="Leads"),),
        budget=dataclasses.replace(tallyfold_brief().budget, amount=Decimal("1")),
    )
    post = one(body="Close in four days with Tallyfold Close.")

    # when
    result = evaluate(post, brief)
    full = evaluate(post, tallyfold_brief())

    # then: no praise to misuse, no kind to fit verbs to, no offer to expire, no sentence facts to paste
    assert result.rules_applied == full.rules_applied - 4


def test_repeated_frame_around_different_facts_is_caught_and_a_quoted_fact_is_not():
    """The brief's facts are masked before sentences are compared: one frame around two testimonials is
    a repeated sentence; the offer repeated with a one-word lead-in is the brief's own words."""
    # given
    drafts = good_run()
    first, second = (d for d in drafts if d.channel == "linkedin")
    drafts = with_body(
        drafts,
        first.key,
        first.body + "\n\nIn the words of one of our customers: “Worth the wait.”\n\n"
        "And: a 30-day pilot on your own ledger data, set up by our team in one week.",
    )
    drafts = with_body(
        drafts,
        second.key,
        second.body + "\n\nIn the words of one of our customers: “We closed March in four days and nobody stayed "
        "late.”\n\nAnd: a 30-day pilot on your own ledger data, set up by our team in one week.",
    )

    # when
    issues = found(drafts, tallyfold_brief(), "copy.repeated_sentence")

    # then
    worth, closed = (
        "'In the words of one of our customers: “Worth the wait.”'",
        "'In the words of one of our customers:...in four days and nobody stayed late.”'",
    )
    assert issues == {
        first.key: [("body", f"{worth} repeats the words around the brief's facts in {second.key} ({closed}).")],
        second.key: [("body", f"{closed} repeats the words around the brief's facts in {first.key} ({worth}).")],
    }


def test_a_phrase_that_stops_at_a_name_is_whole():
    """Callouts "Serving Columbus" (stops at a name) and "Serving Columbus homes" (before "since") stop
    inside the proof point "Serving Columbus homes since 1998" where a phrase may end; "Serving Columbus homes
    since" does not."""
    # given
    brief = plumber_brief()
    brief = dataclasses.replace(
        brief, product=dataclasses.replace(brief.product, proof_points=("Serving Columbus homes since 1998",))
    )
    callouts = ["Serving Columbus", "Serving Columbus homes", "Serving Columbus homes since"]
    ad = one("google_ads", "google_ads_rsa", title="Search ad", callouts=callouts)

    # when
    issues = issues_of(evaluate(ad, brief), "copy.truncated")

    # then
    assert [(i.field, i.message) for i in issues] == [
        (
            "callouts[2]",
            "'Serving Columbus homes since' ends mid-phrase: it stops part way through "
            "'Serving Columbus homes since 1998' after 'since'.",
        )
    ]


def test_greetings_are_not_openings():
    """Two e-mails that both start "Hi Sam," but then differ open differently."""
    # given
    drafts = good_run()

    # when / then
    assert all(d.body.startswith("Hi Sam,") for d in drafts if d.channel == "email")
    assert found(drafts, tallyfold_brief(), "copy.same_opening") == {}


def test_the_preferred_spelling_is_not_flagged_as_the_avoided_one():
    """With "month end" -> "month-end", the text "month-end" is the preferred form; "month end" is not."""
    # given
    brief = tallyfold_brief(brand=Brand(preferred_terms=(PreferredTerm(avoid="month end", use="month-end"),)))
    post = one(body="Your month-end close, done by day four. Every month end, the same scramble.")

    # when
    [issue] = issues_of(evaluate(post, brief), "terms.preferred")

    # then
    assert issue.message == "Prefer 'month-end' over 'month end'."


def test_a_tactic_quoting_the_audience_is_one_leak_named_after_the_brief():
    """When a tactic repeats the audience description, the leaked words are reported once, as the audience's."""
    # given
    brief = tallyfold_brief()
    tactic = f"Reach {brief.audience.description} on LinkedIn with content on Tallyfold Close"
    post = one(body="For financial controllers and CFOs at companies with 200 to 2,000 employees.")

    # when
    result = evaluate_draft(post, brief, threshold=80, now=NOW, notes=[tactic])

    # then
    [leak] = issues_of(result, "copy.internal_leak")
    assert leak.message == (
        "'financial controllers and CFOs at companies with 200 to 2,000 employees' comes from the audience "
        "description: a planning note, not copy for the audience."
    )


def test_sentence_key_is_what_the_writer_can_check_before_writing():
    """The key copy.repeated_sentence compares: the brief's facts masked, None under six words of AICMO's own."""
    # given
    from production.qc.rules.duplicates import MASK, brief_text, fact_grams, sentence_key

    brief = tallyfold_brief()
    grams = fact_grams(brief)

    # when
    framed = sentence_key("In the words of one of our customers: “Worth the wait.”", grams)
    quoted = sentence_key("And: a 30-day pilot on your own ledger data, set up by our team in one week.", grams)

    # then
    assert framed == ("in", "the", "words", "of", "one", "of", "our", "customers", MASK)
    assert quoted is None
    assert " close the books in 4 working days instead of 10 " in brief_text(brief)
