"""The template generator over real briefs: coverage, hard limits, facts only, determinism, fixes."""

from __future__ import annotations

import dataclasses
import json
import re
import uuid

import pytest

from kernel.channels import CHANNEL_LIMITS, hashtags_in, measure, x_weighted_length
from kernel.codec import to_primitive
from production.content import CLAIM_WORDS
from production.generators import TemplateGenerator
from production.repositories import InMemoryDraftRepository
from production.services import drafts_produce
from tests.factories import example_brief, example_brief_paths, make_brief, make_strategy

# Production may not import onboarding (import-linter), so the brief's value types are taken
# from a factory brief at run time.
_BASE = make_brief()
Client, Product, Brand = type(_BASE.client), type(_BASE.product), type(_BASE.brand)
PreferredTerm = type(_BASE.brand.preferred_terms[0])

PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{\w+\}|\[TBD\]|\bTODO\b|lorem ipsum|example\.com", re.IGNORECASE)
CTA_VERBS = {"Discover", "Take", "See", "Tell", "Share", "Join", "Read", "Explore", "Visit", "Get"}
CTA_VERBS |= {"Request", "Book", "Order", "Try", "Make"}
POSTAL = "12 Rue Oberkampf, 75011 Paris, France"


def _brief(channels: tuple[str, ...], **overrides):
    """A factory brief with a real-looking website (example.org links are placeholders) and a postal address."""
    client = Client(name="Zoë Café", website="https://zoecafe.fr", postal_address=POSTAL)
    return make_brief(channels=channels, client=client, **overrides)


def _briefs() -> dict[str, object]:
    briefs = {path.stem: example_brief(path) for path in example_brief_paths()}
    briefs["factory-social"] = _brief(("x", "linkedin", "instagram", "facebook"))
    briefs["factory-owned"] = _brief(
        ("email", "blog", "google_ads"),
        product=Product(
            name="Crème Box",
            description="A breakfast box of pastries and coffee delivered to your office by 8:30",
            value_propositions=("Fresh every morning", "Zero waste packaging", "Order by 10 pm for tomorrow"),
            proof_points=("Baked in our Paris kitchen since 2019",),
            offer="First box at half price",
            url="https://zoecafe.fr/box",
        ),
    )
    return briefs


def _produce(brief, run_id: uuid.UUID | None = None, strategy=None):
    strategy = strategy or make_strategy(brief)
    drafts = drafts_produce(
        run_id=run_id or uuid.uuid4(),
        brief=brief,
        strategy=strategy,
        drafts=InMemoryDraftRepository(),
        generator=TemplateGenerator(),
    )
    return strategy, drafts


@pytest.fixture(scope="module")
def produced():
    """Every brief with its strategy and drafts, generated once for the module."""
    return {name: (brief, *_produce(brief)) for name, brief in _briefs().items()}


def _fact_text(brief) -> str:
    """The brief's own words (not its rule lists), lower-cased: where a claim word may legitimately come from."""
    data = to_primitive(brief)
    return json.dumps([data["client"], data["product"], data["audience"], data["goals"]], ensure_ascii=False).lower()


def _mentions(text: str, term: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(term.lower())}(?!\w)", text.lower()) is not None


def _all_text(draft) -> str:
    return "\n".join([draft.title, draft.body, json.dumps(draft.fields, ensure_ascii=False)])


def test_example_briefs_are_covered(produced):
    """The shipped example briefs are part of this suite (plus two factory briefs)."""
    assert len(produced) == len(example_brief_paths()) + 2


def test_every_planned_asset_is_written_as_the_calendar_says(produced):
    """One draft per asset of the strategy's calendar: same channel, type, slot, time and pillar."""
    for _name, (_b, strategy, drafts) in produced.items():
        # then
        written = sorted((d.channel, d.slot, d.asset_type, d.scheduled_at, d.pillar) for d in drafts)
        planned = sorted((a.channel, a.slot, a.asset_type, a.scheduled_at, a.pillar) for a in strategy.calendar)
        assert written == planned
        assert {d.channel for d in drafts} == {p.channel for p in strategy.channel_plans}
        assert all(d.pillar for d in drafts) == bool(strategy.pillars)


def test_assets_stay_within_the_hard_limits(produced):
    """X 280 weighted, LinkedIn 3,000, Instagram 2,200 with at most 5 hashtags, Facebook 63,206, RSA fields."""
    for _name, (_b, _strategy, drafts) in produced.items():
        for draft in drafts:
            if draft.channel == "x":
                assert x_weighted_length(draft.body) <= 280, draft.body
            elif draft.channel == "linkedin":
                assert len(draft.body) <= 3000
                assert len(draft.title) <= 400
            elif draft.channel == "instagram":
                assert len(draft.body) <= 2200
                assert len(hashtags_in(draft.body)) <= CHANNEL_LIMITS["instagram"].max_hashtags
            elif draft.channel == "facebook":
                assert len(draft.body) <= 63206


def test_responsive_search_ads_follow_google_rules(produced):
    """At least 5 distinct headlines of at most 30 characters, 2-4 descriptions of at most 90, paths of 15."""
    ads = [d for _b, _s, drafts in produced.values() for d in drafts if d.asset_type == "google_ads_rsa"]
    assert ads
    for ad in ads:
        headlines, descriptions = ad.fields["headlines"], ad.fields["descriptions"]
        assert 5 <= len({h.lower() for h in headlines}) == len(headlines) <= 15
        assert all(0 < len(h) <= 30 for h in headlines)
        assert 2 <= len(descriptions) <= 4
        assert all(0 < len(d) <= 90 for d in descriptions)
        assert len(ad.fields["path1"]) <= 15
        assert len(ad.fields["path2"]) <= 15
        assert ad.fields["final_url"].startswith("https://")


def test_blog_articles_are_long_enough_and_have_a_meta_description(produced):
    """Blog articles have a title, headings, at least 300 words and a 120-156 character meta description."""
    articles = [d for _b, _s, drafts in produced.values() for d in drafts if d.asset_type == "blog_article"]
    assert articles
    for article in articles:
        assert measure(article.body, "words") >= 300
        assert 120 <= len(article.fields["meta_description"]) <= 156
        assert article.title
        assert article.body.startswith(f"# {article.title}")
        assert len(article.fields["headings"]) >= 3
        assert all(f"## {heading}" in article.body for heading in article.fields["headings"])


def test_emails_are_complete_and_compliant(produced):
    """E-mails have subject, preheader, a verb-first call to action and a footer with postal address and opt-out."""
    for _name, (brief, _strategy, drafts) in produced.items():
        for email in (d for d in drafts if d.channel == "email"):
            fields = email.fields
            assert fields["subject"]
            assert len(fields["subject"]) <= 60
            assert fields["preheader"]
            assert len(fields["preheader"]) <= 80
            assert fields["cta"].split()[0] in CTA_VERBS
            assert fields["hook"]
            assert fields["value"] or not brief.product.value_propositions
            assert brief.client.postal_address in fields["footer"]
            assert "unsubscribe" in fields["footer"].lower()
            assert email.body.endswith(fields["footer"])


def test_every_asset_has_a_hook_and_a_verb_first_call_to_action(produced):
    """Social posts open with a hook and carry a call to action that starts with a verb."""
    for _name, (_b, _strategy, drafts) in produced.items():
        for draft in drafts:
            assert draft.fields["cta"].split()[0] in CTA_VERBS, draft.fields["cta"]
            if draft.channel in ("x", "linkedin", "instagram", "facebook"):
                assert draft.fields["hook"]
                assert draft.template.startswith(draft.asset_type)
                assert draft.sources


def test_no_placeholder_banned_term_or_unsupported_claim(produced):
    """Nothing has a placeholder; banned terms and claim words appear only where the brief's own facts say them."""
    for _name, (brief, _strategy, drafts) in produced.items():
        facts = _fact_text(brief)
        for draft in drafts:
            text = _all_text(draft)
            assert not PLACEHOLDER.search(text), PLACEHOLDER.search(text)
            for term in (*brief.brand.banned_terms, *CLAIM_WORDS):
                if _mentions(text, term):
                    assert _mentions(facts, term), f"{draft.key} adds {term!r}"


def test_same_brief_gives_byte_identical_drafts():
    """Two runs of one brief write the same titles, bodies, fields, times, templates, sources and fixes."""
    # given
    brief = _briefs()["factory-owned"]
    strategy = make_strategy(brief)

    def content(drafts):
        return [
            (
                d.key,
                d.scheduled_at,
                d.title,
                d.body,
                json.dumps(d.fields, sort_keys=True),
                d.template,
                d.sources,
                d.fixes,
            )
            for d in drafts
        ]

    # when
    _s, first = _produce(brief, strategy=strategy)
    _s, second = _produce(brief, strategy=strategy)
    # then
    assert content(first) == content(second)


def test_different_briefs_share_no_asset_body(produced):
    """No two briefs produce the same body for any asset."""
    owners: dict[str, str] = {}
    for name, (_b, _strategy, drafts) in produced.items():
        for draft in drafts:
            assert draft.body not in owners, f"{name} {draft.key} repeats {owners.get(draft.body)}"
            owners[draft.body] = f"{name} {draft.key}"


def test_assets_of_one_run_are_not_near_duplicates(produced):
    """Within a run, no two assets reach the 0.8 word-shingle Jaccard similarity QC flags."""

    def shingles(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"\w+", text.lower())
        return {tuple(words[i : i + 3]) for i in range(max(1, len(words) - 2))}

    for _name, (_b, _strategy, drafts) in produced.items():
        sets = [(d.key, shingles(d.body)) for d in drafts]
        for i, (key_a, a) in enumerate(sets):
            for key_b, b in sets[i + 1 :]:
                assert len(a & b) / len(a | b) < 0.8, (key_a, key_b)


def test_mechanical_fixes_are_applied_and_recorded():
    """Preferred terms, sponsorship disclosure, disclaimers and the Instagram hashtag cap are fixed and noted."""
    # given
    disclaimer = "Prices include VAT."
    brief = _brief(
        ("instagram", "facebook", "email", "google_ads"),
        sponsored=True,
        product=Product(
            name="Crème Box",
            value_propositions=("Utilize your commute for breakfast", "Zero waste packaging"),
            url="https://zoecafe.fr/box",
        ),
        brand=Brand(
            tone="warm",
            preferred_terms=(PreferredTerm(avoid="utilize", use="use"),),
            disclaimers=(disclaimer,),
            hashtags=tuple(f"#Tag{i}" for i in range(8)),
        ),
    )
    # when
    _strategy, drafts = _produce(brief)
    # then
    for draft in drafts:
        assert "utilize" not in _all_text(draft).lower()
        assert disclaimer in draft.body
        assert "brand.disclaimers" in draft.sources
        assert f"disclaimer.added: {disclaimer}" in draft.fixes
        if draft.channel in ("instagram", "facebook"):
            assert draft.body.startswith("Ad: ")
            assert "sponsored" in draft.sources
    instagram = [d for d in drafts if d.channel == "instagram"]
    assert all(len(hashtags_in(d.body)) == 5 for d in instagram)
    assert all(any(f.startswith("hashtags.cut: 8 -> 5") for f in d.fixes) for d in instagram)
    swapped = [d for d in drafts if "terms.preferred: utilize -> use" in d.fixes]
    assert swapped
    assert all("Use your commute" in d.body for d in swapped if "your commute" in d.body.lower())


def test_x_keeps_a_long_disclaimer_by_shortening_the_body():
    """On X a mandatory disclaimer is kept verbatim; the post body is shortened to make room."""
    # given
    disclaimer = (
        "Crème Box is sold by Zoë Café SAS, 12 Rue Oberkampf, Paris. Delivery within the 11th arrondissement, "
        "Monday to Friday."
    )
    brief = _brief(
        ("x",),
        product=Product(
            name="Crème Box",
            description="A breakfast box of pastries and coffee delivered to your office before the first meeting",
            value_propositions=("Pastries baked before dawn in our own kitchen on Rue Oberkampf",),
            proof_points=("Baked in our Paris kitchen since 2019, five mornings a week",),
            offer="Your first box at half price when you order before Friday",
            url="https://zoecafe.fr/box",
        ),
        brand=Brand(disclaimers=(disclaimer,), hashtags=("#ZoeCafe", "#Paris11")),
    )
    # when
    _strategy, drafts = _produce(brief)
    # then
    assert drafts
    for draft in drafts:
        assert x_weighted_length(draft.body) <= 280
        assert draft.body.endswith(disclaimer)
        assert draft.fields["link"] in draft.body
    assert any(f.startswith("length.trimmed: body to 280") for d in drafts for f in d.fixes)


def test_reserved_example_domains_are_never_linked():
    """A brief whose only link is an example.org address gets no link, and the draft says why."""
    # given
    brief = make_brief(channels=("facebook",))  # website https://zoe.example.org
    # when
    _strategy, drafts = _produce(brief)
    # then
    assert drafts
    for draft in drafts:
        assert "example.org" not in draft.body
        assert draft.fields["link"] == ""
        assert any(f.startswith("link.dropped: https://zoe.example.org") for f in draft.fixes)


def test_banned_term_in_a_brief_fact_is_kept_not_hidden():
    """A banned term inside a brief fact is left for QC to report; the generator adds none of its own."""
    # given
    brief = _brief(
        ("facebook",),
        product=Product(
            name="Crème Box", value_propositions=("Cheap breakfast, made fresh",), url="https://zoecafe.fr"
        ),
    )
    # when
    _strategy, drafts = _produce(brief)
    # then
    assert any("Cheap breakfast" in d.body for d in drafts)
    assert all(d.body.lower().count("cheap") <= d.body.count("Cheap breakfast") for d in drafts)


def test_plan_without_asset_types_uses_the_channel_default():
    """A plan that names no asset type gets the channel's usual one."""
    # given
    brief = _brief(("linkedin",))
    strategy = make_strategy(brief)
    plans = tuple(dataclasses.replace(p, asset_types=()) for p in strategy.channel_plans)
    # when
    _s, drafts = _produce(brief, strategy=dataclasses.replace(strategy, channel_plans=plans))
    # then
    assert {d.asset_type for d in drafts} == {"linkedin_post"}
