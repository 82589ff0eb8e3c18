"""Each QC rule fires on real violating text, at the right field and span, and stays silent on clean text."""

from __future__ import annotations

import dataclasses
import datetime as dt

from kernel.channels import x_weighted_length
from production.domain import Severity
from production.qc.engine import evaluate_draft
from production.qc.rules import RULES_BY_ID, text_fields
from tests.factories import make_brief, make_draft

NOW = dt.datetime(2027, 1, 3, 12, 0, tzinfo=dt.UTC)
LINK = "https://zoe.example.org/box"

SIMPLE_ARTICLE = (
    "The Crème Box is a small box of fresh food for your commute. We bake the bread at five. "
    "You pick the box up on your way to work. It holds a warm croissant and a good coffee. "
    "You pay once a week and we do the rest. Most people eat on the train. Some take it to the desk. "
    "Order your box today and taste the difference."
)
PLAIN_ARTICLE = (
    "Commuters in Paris often skip breakfast because mornings are busy. "
    "The Crème Box changes that with a warm croissant, fresh fruit and a good coffee, made before sunrise. "
    "You collect your box at a café near your station, so you never wait in a long queue. "
    "Every ingredient comes from local farms, and the packaging is reusable. "
    "Order your box today and enjoy a calmer morning."
)
DENSE_ARTICLE = (
    "Notwithstanding considerable organisational heterogeneity, metropolitan commuters demonstrate "
    "systematically underestimated nutritional vulnerabilities attributable to institutionally "
    "entrenched scheduling incompatibilities, consequently necessitating comprehensive, "
    "individualised, preparation-independent alimentary interventions. Contemporary "
    "epidemiological investigations substantiate correspondingly elevated physiological "
    "consequences associated with habitual breakfast discontinuation among professionally "
    "overextended metropolitan populations, particularly those experiencing considerable "
    "occupational unpredictability. Order your box."
)


def brief_with(**brand):
    """The factory brief with some brand guidelines changed."""
    brief = make_brief()
    return dataclasses.replace(brief, brand=dataclasses.replace(brief.brand, **brand))


def evaluate(draft, brief=None, siblings=()):
    return evaluate_draft(draft, brief or make_brief(), threshold=80, now=NOW, siblings=siblings)


def issues_of(result, rule_id):
    return [i for i in result.issues if i.rule_id == rule_id]


def span(draft, issue):
    texts = {f.name: f.text for f in text_fields(draft)}
    return texts[issue.field][issue.start : issue.end]


def email_draft(**overrides):
    values = {
        "channel": "email",
        "asset_type": "email",
        "title": "Your Crème Box",
        "body": SIMPLE_ARTICLE,
        "fields": {
            "subject": "Fresh breakfast for your commute, from Zoë Café",
            "preheader": "A warm croissant and a coffee, ready when your train is",
            "cta": "Order your box",
            "link": LINK,
            "footer": "Zoë Café, 1 Rue de Lyon, Paris. Unsubscribe at any time.",
        },
    }
    values.update(overrides)
    return make_draft(**values)


def blog_draft(body, **overrides):
    return make_draft(channel="blog", asset_type="blog_article", title="Breakfast on the go", body=body, **overrides)


def test_clean_instagram_post_has_no_issues():
    """The factory's Instagram post passes every rule that applies to it."""
    # given
    draft = make_draft()

    # when
    result = evaluate(draft)

    # then
    assert result.issues == ()
    assert result.rules_passed == result.rules_applied > 0


def test_text_fields_name_nested_list_items():
    """Every string of a draft is checked, list items named by index, fields sorted by key."""
    # given
    draft = make_draft(fields={"headlines": ["One", "Two"], "cta": "Go", "count": 3})

    # when
    names = [f.name for f in text_fields(draft)]

    # then
    assert names == ["title", "body", "cta", "headlines[0]", "headlines[1]"]


def test_x_weighted_length_counts_a_url_as_23_and_an_emoji_as_2():
    """X's count: the URL weighs 23 whatever its length, each emoji 2."""
    # given
    url = "https://zoe.example.org/a/very/long/path/for/the/winter/menu/of/the/cafe"
    text = f"Fresh {url} ☕☕"

    # when
    weight = x_weighted_length(text)

    # then
    assert len(url) > 23
    assert weight == len("Fresh ") + 23 + 1 + 4


def test_length_hard_uses_x_weighting_with_url_and_emoji():
    """An X post of 330 raw characters fits when its long URL weighs 23; emoji then push it over 280."""
    # given
    url = "https://zoe.example.org/a/very/long/path/for/the/winter/menu/of/the/cafe"
    base = "Crème Box " + "a" * 240 + " " + url
    fitting = make_draft(channel="x", asset_type="x_post", body=base, fields={"link": LINK})
    over = make_draft(channel="x", asset_type="x_post", body=base + " ☕☕☕☕", fields={"link": LINK})

    # when
    fitting_result, over_result = evaluate(fitting), evaluate(over)

    # then
    assert len(base) > 280
    assert x_weighted_length(base) == 274
    assert issues_of(fitting_result, "length.hard") == []
    [issue] = issues_of(over_result, "length.hard")
    assert (issue.severity, issue.field) == (Severity.CRITICAL, "body")
    assert (issue.start, issue.end) == (len(base) + 3, len(over.body))
    assert "283 weighted characters" in issue.message
    assert not over_result.passed


def test_length_hard_counts_listed_hashtags_on_x():
    """Hashtags listed apart from an X post's body still count toward the 280."""
    # given
    body = "Crème Box " + "b" * 265
    draft = make_draft(channel="x", asset_type="x_post", body=body, fields={"hashtags": ["#ZoeCafe"]})

    # when
    result = evaluate(draft)

    # then
    [issue] = issues_of(result, "length.hard")
    assert (issue.field, issue.start, issue.end) == ("body", len(body), len(body))


def test_length_hard_checks_each_rsa_headline_and_their_number():
    """An RSA headline over 30 characters is flagged at its overflow; two headlines are too few."""
    # given
    long_headline = "Crème Box: warm croissants at dawn"
    draft = make_draft(
        channel="google_ads",
        asset_type="google_ads_rsa",
        title="Crème Box",
        body="",
        fields={"headlines": ["Crème Box", long_headline], "descriptions": ["Order your box today.", "Fresh daily."]},
    )

    # when
    result = evaluate(draft)

    # then
    found = {(i.field, i.start, i.end) for i in issues_of(result, "length.hard")}
    assert found == {("headlines[1]", 30, len(long_headline)), ("headlines", 0, 0)}


def test_length_soft_flags_a_long_email_subject_only_as_minor():
    """An e-mail subject over 60 characters is a minor issue spanning the overflow."""
    # given
    subject = "Fresh breakfast for your commute, every morning, from Zoë Café"
    draft = email_draft(fields={**email_draft().fields, "subject": subject})

    # when
    result = evaluate(draft)
    clean = evaluate(email_draft())

    # then
    [issue] = issues_of(result, "length.soft")
    assert (issue.severity, issue.field, issue.start, issue.end) == (Severity.MINOR, "subject", 60, len(subject))
    assert issues_of(clean, "length.soft") == []


def test_banned_term_is_found_as_a_whole_word_in_any_case():
    """ "CHEAP" is banned (case-insensitive); "cheapest" is another word."""
    # given
    draft = make_draft(body="Crème Box: not CHEAP, just good. Order yours today.")
    clean = make_draft(body="Crème Box: the cheapskate's friend. Order yours today.")

    # when
    result, clean_result = evaluate(draft), evaluate(clean)

    # then
    [issue] = issues_of(result, "terms.banned")
    assert (issue.severity, issue.field) == (Severity.CRITICAL, "body")
    assert span(draft, issue) == "CHEAP"
    assert not result.passed
    assert issues_of(clean_result, "terms.banned") == []


def test_banned_word_inside_the_product_name_fails_the_draft():
    """A brief banning a word its own product name needs cannot pass: the name is flagged where it is used."""
    # given
    brief = brief_with(banned_terms=("box",))
    draft = make_draft()

    # when
    result = evaluate(draft, brief)

    # then
    banned = issues_of(result, "terms.banned")
    assert {i.field for i in banned} == {"title", "body"}
    assert all(i.severity is Severity.CRITICAL and span(draft, i) == "Box" for i in banned)
    title_issue = next(i for i in banned if i.field == "title")
    assert (title_issue.start, title_issue.end) == (draft.title.index("Box"), draft.title.index("Box") + 3)
    assert not result.passed


def test_preferred_term_suggests_the_replacement_in_matching_case():
    """ "Utilize" is a minor issue whose suggestion is the brand's word, capitalised like the original."""
    # given
    draft = make_draft(body="Utilize your commute: the Crème Box. Order yours today.")

    # when
    result = evaluate(draft)

    # then
    [issue] = issues_of(result, "terms.preferred")
    assert (issue.severity, issue.field, issue.start, issue.end) == (Severity.MINOR, "body", 0, 7)
    assert issue.suggestion == "Use"


def test_required_terms_need_the_brand_or_product_name():
    """A post naming neither the brand nor the product is a major issue; accents and case do not matter."""
    # given
    anonymous = make_draft(title="Fresh breakfast", body="Fresh every morning. Order yours today.")
    named = make_draft(title="Fresh breakfast", body="Fresh every morning at zoe cafe. Order yours today.")

    # when
    result, named_result = evaluate(anonymous), evaluate(named)

    # then
    [issue] = issues_of(result, "terms.required")
    assert issue.severity is Severity.MAJOR
    assert "Crème Box" in issue.suggestion
    assert issues_of(named_result, "terms.required") == []


def test_mandatory_disclaimer_must_appear_verbatim():
    """A missing disclaimer is critical and suggested at the end of the body; present (even re-wrapped) passes."""
    # given
    disclaimer = "Offer valid in Paris while stocks last."
    brief = brief_with(disclaimers=(disclaimer,))
    missing = make_draft()
    present = make_draft(body=make_draft().body + "\nOffer valid in Paris\nwhile stocks last.")

    # when
    result, present_result = evaluate(missing, brief), evaluate(present, brief)

    # then
    [issue] = issues_of(result, "disclaimer.mandatory")
    assert (issue.severity, issue.field) == (Severity.CRITICAL, "body")
    assert issue.start == issue.end == len(missing.body)
    assert issue.suggestion == disclaimer
    assert issues_of(present_result, "disclaimer.mandatory") == []


def test_email_needs_postal_address_and_opt_out():
    """A commercial e-mail without the client's postal address or an opt-out fails on both."""
    # given
    fields = {**email_draft().fields, "footer": "Zoë Café, Paris."}
    draft = email_draft(fields=fields)

    # when
    result, clean = evaluate(draft), evaluate(email_draft())

    # then
    issues = issues_of(result, "email.compliance")
    assert [i.severity for i in issues] == [Severity.CRITICAL, Severity.CRITICAL]
    assert {i.field for i in issues} == {"footer"}
    assert [i.suggestion for i in issues] == ["1 Rue de Lyon, Paris", "Unsubscribe at any time with one click."]
    assert "opt out" in issues[1].message
    assert issues_of(clean, "email.compliance") == []


def test_rules_apply_to_the_channels_they_fit():
    """email.compliance fits e-mail only, readability long form only, duplicate every channel."""
    # given
    post, email, blog = make_draft(), email_draft(), blog_draft(SIMPLE_ARTICLE)

    # when / then
    assert [RULES_BY_ID["email.compliance"].fits(d) for d in (post, email, blog)] == [False, True, False]
    assert [RULES_BY_ID["readability.ease"].fits(d) for d in (post, email, blog)] == [False, True, True]
    assert all(RULES_BY_ID["duplicate"].fits(d) for d in (post, email, blog))


def test_sponsored_post_must_disclose_up_front():
    """For a sponsored brief, a post without "#ad" / "Ad" at the start fails; a late "#ad" is pointed at."""
    # given
    brief = make_brief(sponsored=True)
    late_body = "Crème Box: fresh every morning.\nWarm croissants.\nGood coffee.\nOrder yours today. #ad"
    late = make_draft(body=late_body)
    upfront = make_draft(body="Ad: Crème Box, fresh every morning. Order yours today.")

    # when
    late_result, upfront_result = evaluate(late, brief), evaluate(upfront, brief)
    unsponsored = evaluate(late)

    # then
    [issue] = issues_of(late_result, "disclosure.sponsored")
    assert (issue.severity, issue.field) == (Severity.CRITICAL, "body")
    assert span(late, issue) == "#ad"
    assert issues_of(upfront_result, "disclosure.sponsored") == []
    assert issues_of(unsponsored, "disclosure.sponsored") == []
    assert "disclosure.sponsored" not in {i.rule_id for i in unsponsored.issues}


def test_superlative_is_flagged_unless_the_brief_substantiates_it():
    """A superlative is a major claim, allowed once the brief substantiates it; "Best regards" is no claim."""
    # given
    body = "Crème Box: the best coffee in the 11th. Order yours today."
    draft = make_draft(body=body)
    substantiated = brief_with(substantiated_claims=("best coffee in the 11th",))
    sign_off = make_draft(body="Crème Box. Order yours today. Best regards, Zoë")

    # when
    result, allowed = evaluate(draft), evaluate(draft, substantiated)

    # then
    [issue] = issues_of(result, "claims.superlative")
    assert (issue.severity, issue.field) == (Severity.MAJOR, "body")
    assert span(draft, issue) == "best"
    assert issues_of(allowed, "claims.superlative") == []
    assert issues_of(evaluate(sign_off), "claims.superlative") == []


def test_absolute_claim_is_major_and_substantiable():
    """ "Satisfaction guaranteed" is a major absolute claim unless the brief lists it."""
    # given
    draft = make_draft(body="Crème Box. Satisfaction guaranteed. Order yours today.")
    brief = brief_with(substantiated_claims=("guaranteed",))

    # when
    result = evaluate(draft)

    # then
    [issue] = issues_of(result, "claims.absolute")
    assert issue.severity is Severity.MAJOR
    assert span(draft, issue) == "guaranteed"
    assert issues_of(evaluate(draft, brief), "claims.absolute") == []


def test_health_and_finance_claims_are_critical():
    """Health cures and guaranteed returns are critical, and substantiation does not excuse them."""
    # given
    body = "Crème Box cures hangovers. Guaranteed returns on your subscription. Order yours today."
    draft = make_draft(body=body)
    brief = brief_with(substantiated_claims=("cures hangovers", "guaranteed returns"))
    cured_ham = make_draft(body="Crème Box with cured ham. Order yours today.")

    # when
    result = evaluate(draft, brief)

    # then
    [health] = issues_of(result, "claims.health")
    [finance] = issues_of(result, "claims.finance")
    assert health.severity is finance.severity is Severity.CRITICAL
    assert span(draft, health) == "cures"
    assert span(draft, finance) == "Guaranteed returns"
    assert issues_of(evaluate(cured_ham), "claims.health") == []


def test_placeholders_are_critical_wherever_they_are():
    """Template variables, [TBD], lorem ipsum and example.com links fail the draft."""
    # given
    draft = make_draft(
        body="Hi {{first_name}}, the Crème Box is [TBD]. Lorem ipsum. Order yours today.",
        fields={"cta": "Order yours today.", "link": "https://example.com/offer"},
    )

    # when
    result = evaluate(draft)

    # then
    found = {(i.field, span(draft, i)) for i in issues_of(result, "placeholder")}
    assert found == {
        ("body", "{{first_name}}"),
        ("body", "[TBD]"),
        ("body", "Lorem ipsum"),
        ("link", "https://example.com/offer"),
    }
    assert all(i.severity is Severity.CRITICAL for i in issues_of(result, "placeholder"))


def test_cta_must_start_with_a_verb():
    """An e-mail's call to action that is a noun phrase is a major issue over the whole field."""
    # given
    draft = email_draft(fields={**email_draft().fields, "cta": "Fresh croissants"})

    # when
    result = evaluate(draft)

    # then
    [issue] = issues_of(result, "cta.present")
    assert (issue.severity, issue.field, issue.start, issue.end) == (Severity.MAJOR, "cta", 0, 16)
    assert issues_of(evaluate(email_draft()), "cta.present") == []


def test_cta_can_be_a_sentence_of_an_ad_description():
    """Without a cta field, an RSA description starting with a verb is the call to action."""
    # given
    fields = {
        "headlines": ["Crème Box", "Fresh every morning", "Warm croissants", "Coffee to go", "Zoë Café"],
        "descriptions": ["Breakfast for commuters. Order your box today.", "Fresh bread, good coffee."],
        "path1": "box",
    }
    with_cta = make_draft(channel="google_ads", asset_type="google_ads_rsa", body="", fields=fields)
    without = dataclasses.replace(
        with_cta, fields={**fields, "descriptions": ["Breakfast for commuters.", "Fresh bread, good coffee."]}
    )

    # when / then
    assert issues_of(evaluate(with_cta), "cta.present") == []
    [issue] = issues_of(evaluate(without), "cta.present")
    assert issue.severity is Severity.MAJOR


def test_hashtags_over_the_channel_maximum():
    """Six hashtags on Instagram (max 5) is a major issue at the sixth."""
    # given
    tags = ["#ZoeCafe", "#Paris", "#Breakfast", "#Coffee", "#Croissant", "#Commute"]
    draft = make_draft(fields={"hashtags": tags, "cta": "Order yours today.", "link": LINK})
    five = make_draft(fields={"hashtags": tags[:5], "cta": "Order yours today.", "link": LINK})

    # when
    result = evaluate(draft)

    # then
    [issue] = issues_of(result, "hashtags.count")
    assert (issue.severity, issue.field, issue.start, issue.end) == (Severity.MAJOR, "hashtags[5]", 0, 8)
    assert "#Commute" in issue.suggestion
    assert issues_of(evaluate(five), "hashtags.count") == []


def test_links_must_be_https_on_allowed_domains_and_not_shortened():
    """http, shorteners, foreign domains and scheme-less links are major issues, each at its span."""
    # given
    body = (
        "Crème Box. See http://zoe.example.org/menu and https://bit.ly/3xyz and "
        "https://competitor.test/menu and www.zoe.example.org/box. Order yours today."
    )
    draft = make_draft(body=body)

    # when
    result = evaluate(draft)

    # then
    found = {span(draft, i): i for i in issues_of(result, "links.syntax")}
    assert set(found) == {
        "http://zoe.example.org/menu",
        "https://bit.ly/3xyz",
        "https://competitor.test/menu",
        "www.zoe.example.org/box",
    }
    assert found["http://zoe.example.org/menu"].suggestion == "https://zoe.example.org/menu"
    assert all(i.severity is Severity.MAJOR for i in found.values())


def test_brief_allowed_domains_override_the_website():
    """When the brand lists allowed domains, only those (and their subdomains) pass."""
    # given
    brief = brief_with(allowed_domains=("zoe-shop.test",))
    draft = make_draft(fields={"link": "https://www.zoe-shop.test/box", "cta": "Order yours today."})
    website = make_draft(fields={"link": LINK, "cta": "Order yours today."})

    # when / then
    assert issues_of(evaluate(draft, brief), "links.syntax") == []
    [issue] = issues_of(evaluate(website, brief), "links.syntax")
    assert issue.field == "link"


def test_scope_exclusions_are_critical():
    """A topic the brief excludes fails the draft; a related but different word does not."""
    # given
    draft = make_draft(body="Crème Box: no Politics at breakfast. Order yours today.")
    related = make_draft(body="Crème Box: a political breakfast. Order yours today.")

    # when
    result = evaluate(draft)

    # then
    [issue] = issues_of(result, "scope.exclusions")
    assert issue.severity is Severity.CRITICAL
    assert span(draft, issue) == "Politics"
    assert issues_of(evaluate(related), "scope.exclusions") == []


def test_readability_passes_plain_long_form():
    """A plain-language blog article meets reading ease, grade and sentence length."""
    # given
    draft = blog_draft(SIMPLE_ARTICLE)

    # when
    result = evaluate(draft)

    # then
    assert [i for i in result.issues if i.rule_id.startswith("readability.")] == []
    assert result.passed


def test_readability_flags_dense_long_form():
    """Dense prose is a major reading-ease issue, a major grade issue and a minor long-sentence issue."""
    # given
    draft = blog_draft(DENSE_ARTICLE)

    # when
    result = evaluate(draft)

    # then
    [ease] = issues_of(result, "readability.ease")
    [grade] = issues_of(result, "readability.grade")
    [long_sentences] = issues_of(result, "readability.sentences")
    assert (ease.severity, grade.severity, long_sentences.severity) == (Severity.MAJOR, Severity.MAJOR, Severity.MINOR)
    assert (ease.field, ease.start, ease.end) == ("body", 0, len(DENSE_ARTICLE))
    assert len(span(draft, long_sentences).split()) > 20


def test_brief_grade_target_makes_readability_stricter():
    """An article at grade 7 passes the default target 9; a brief targeting 5 gets a minor issue, 3 a major."""
    # given
    draft = blog_draft(PLAIN_ARTICLE)
    target_5 = brief_with(max_grade_level=5)
    target_3 = brief_with(max_grade_level=3)

    # when
    default_result = evaluate(draft)
    minor_result, major_result = evaluate(draft, target_5), evaluate(draft, target_3)

    # then
    assert [i for i in default_result.issues if i.rule_id.startswith("readability.")] == []
    [minor] = issues_of(minor_result, "readability.grade")
    [major] = issues_of(major_result, "readability.grade")
    assert (minor.severity, major.severity) == (Severity.MINOR, Severity.MAJOR)
    assert "the target is 5" in minor.message


def test_short_social_posts_skip_reading_scores():
    """Readability rules do not apply to a post (short form), nor to a long-form text under 50 words."""
    # given
    short_blog = blog_draft("Crème Box. Order yours today.")

    # when
    result = evaluate(short_blog)

    # then
    assert [i for i in result.issues if i.rule_id.startswith("readability.")] == []
    assert evaluate(blog_draft(SIMPLE_ARTICLE)).rules_applied == result.rules_applied + 3


def test_brand_with_product_url_allows_its_domain_by_default():
    """Without allowed domains, links to the product URL's domain pass as well as the website's."""
    # given
    brief = make_brief()
    brief = dataclasses.replace(
        brief, product=dataclasses.replace(brief.product, url="https://box.zoe-shop.test/start")
    )
    draft = make_draft(fields={"link": "https://box.zoe-shop.test/start?src=ig", "cta": "Order yours today."})

    # when / then
    assert issues_of(evaluate(draft, brief), "links.syntax") == []
