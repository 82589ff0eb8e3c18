"""The template generator on edge cases the example briefs do not cover: sparse briefs, reserved links,
long disclaimers on X, banned terms inside facts, kinds without facts."""

from __future__ import annotations

import dataclasses
import re

from kernel.channels import x_weighted_length
from production.tests.corpus import produce
from tests.factories import make_brief, make_strategy

# Production may not import onboarding (import-linter), so the brief's value types are taken
# from a factory brief at run time.
_BASE = make_brief()
Client, Product, Brand, Audience = type(_BASE.client), type(_BASE.product), type(_BASE.brand), type(_BASE.audience)
POSTAL = "12 Rue Oberkampf, 75011 Paris, France"


def _brief(channels: tuple[str, ...], **overrides):
    """A factory brief with a real-looking website (example.org links are placeholders) and a postal address."""
    client = Client(name="Zoë Café", website="https://zoecafe.fr", postal_address=POSTAL)
    return make_brief(channels=channels, client=client, **overrides)


def test_a_sparse_brief_still_writes_every_channel_whole():
    """With one value proposition and nothing else, every asset is written, names the product and ends whole."""
    # given
    brief = _brief(("linkedin", "x", "instagram", "facebook", "email", "blog", "google_ads"))
    # when
    strategy, drafts = produce(brief)
    # then
    assert len(drafts) == len(strategy.calendar)
    for draft in drafts:
        assert draft.body.strip()
        assert draft.fields["cta"]
        assert "Crème Box" in draft.body or "Zoë Café" in draft.body
        assert "{" not in draft.body
        assert "…" not in draft.body


def test_x_keeps_a_long_disclaimer_by_leaving_parts_out():
    """On X a mandatory disclaimer is kept verbatim; optional beats are left out to make room, never cut."""
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
    _strategy, drafts = produce(brief)
    # then
    assert drafts
    for draft in drafts:
        assert x_weighted_length(draft.body) <= 280
        assert draft.body.endswith(disclaimer)
        assert draft.fields["link"] in draft.body
        assert "…" not in draft.body


def test_reserved_example_domains_are_never_linked():
    """A brief whose only link is an example.org address gets no link, and the draft says why."""
    # given
    brief = make_brief(channels=("facebook",))  # website https://zoe.example.org
    # when
    _strategy, drafts = produce(brief)
    # then
    assert drafts
    for draft in drafts:
        assert "example.org" not in draft.body
        assert draft.fields["link"] == ""
        assert any(f.startswith("link.dropped: https://zoe.example.org") for f in draft.fixes)


def test_a_fact_carrying_a_banned_term_is_left_out_not_rewritten():
    """A value proposition with a banned word is not used (nor respelt); the other facts carry the copy."""
    # given
    brief = _brief(
        ("facebook", "email"),
        product=Product(
            name="Crème Box",
            value_propositions=("Cheap breakfast, made fresh", "Pastries from our own oven", "Coffee roasted in Paris"),
            url="https://zoecafe.fr",
        ),
        brand=Brand(tone="warm", banned_terms=("cheap",), hashtags=("#ZoeCafe",)),
    )
    # when
    _strategy, drafts = produce(brief)
    # then
    for draft in drafts:
        assert "cheap" not in draft.body.lower()
        assert "low-cost" not in draft.body.lower()
    assert any("Pastries from our own oven" in d.body or "pastries from our own oven" in d.body for d in drafts)


def test_avoided_terms_are_avoided_by_choosing_other_words_not_swapped():
    """A brand that avoids "discover" and "today" gets calls to action without them; nothing was swapped."""
    # given
    brief = _brief(
        ("linkedin", "facebook", "email"),
        brand=Brand(
            tone="warm",
            preferred_terms=(
                type(_BASE.brand.preferred_terms[0])(avoid="discover", use="find"),
                type(_BASE.brand.preferred_terms[0])(avoid="today", use="now"),
            ),
        ),
    )
    # when
    _strategy, drafts = produce(brief)
    # then
    for draft in drafts:
        words = draft.body.lower()
        assert "discover" not in words
        assert " today" not in words
        assert not any(f.startswith("terms.preferred") for f in draft.fixes)


def test_exclusions_are_never_mentioned_even_by_our_own_wording():
    """A brief excluding "guide" and "week" gets no sentence of ours that uses those words."""
    # given
    brief = _brief(("blog", "linkedin"), scope=type(_BASE.scope)(exclusions=("guide", "week")))
    # when
    _strategy, drafts = produce(brief)
    # then
    for draft in drafts:
        assert not re.search(r"\b(?:guide|week)\b", draft.body, re.IGNORECASE), draft.key


def test_plan_without_asset_types_uses_the_channel_default():
    """A plan that names no asset type gets the channel's usual one."""
    # given
    brief = _brief(("linkedin",))
    strategy = make_strategy(brief)
    plans = tuple(dataclasses.replace(p, asset_types=()) for p in strategy.channel_plans)
    # when
    _s, drafts = produce(brief, dataclasses.replace(strategy, channel_plans=plans))
    # then
    assert {d.asset_type for d in drafts} == {"linkedin_post"}


def test_drafts_record_their_pillar_and_its_sources():
    """Each draft records the pillar it serves, and the pillar's brief paths lead its sources."""
    # given
    brief = _brief(
        ("linkedin",),
        product=Product(
            name="Crème Box",
            value_propositions=("Fresh every morning", "Zero waste packaging"),
            proof_points=("Baked in Paris since 2019",),
            url="https://zoecafe.fr",
        ),
    )
    # when
    strategy, drafts = produce(brief)
    # then
    for draft in drafts:
        pillar = strategy.pillar(draft.pillar)
        assert pillar is not None
        assert draft.sources[: len(pillar.sources)] == pillar.sources
