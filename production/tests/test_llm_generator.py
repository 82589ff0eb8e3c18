"""The OpenAI-compatible generator against a real loopback chat-completions server."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import uuid

import pytest
from werkzeug import Response

from config import registry
from kernel.channels import hashtags_in, x_weighted_length
from kernel.errors import TransientStepError
from production.generators import GENERATION_FAILED, GenerationFailed, OpenAIChatGenerator, TemplateGenerator
from tests.factories import make_brief, make_strategy

# Production may not import onboarding (import-linter), so the brief's value types are taken
# from a factory brief at run time.
_BASE = make_brief()
Client, Product, Brand = type(_BASE.client), type(_BASE.product), type(_BASE.brand)
PreferredTerm = type(_BASE.brand.preferred_terms[0])

MODEL = "test-model"
DISCLAIMER = "Prices include VAT."
SCHEDULED = dt.datetime(2027, 1, 4, 9, tzinfo=dt.UTC)


def search_only(brief):
    """The brief on Google Ads alone, with a goal search ads serve (50,000 people reached is beyond
    what its budget buys in search, and the strategy would rightly refuse it)."""
    visits = dataclasses.replace(brief.goals[0], type="traffic", description="Visits to the menu", target=None, unit="")
    return dataclasses.replace(brief, channels=("google_ads",), goals=(visits,))


@pytest.fixture
def brief():
    return make_brief(
        channels=("instagram", "x", "email"),
        client=Client(name="Zoë Café", website="https://zoecafe.fr", postal_address="12 Rue Oberkampf, Paris"),
        brand=Brand(
            tone="warm",
            banned_terms=("cheap",),
            preferred_terms=(PreferredTerm(avoid="utilize", use="use"),),
            hashtags=("#ZoeCafe",),
            disclaimers=(DISCLAIMER,),
        ),
    )


@pytest.fixture
def plans(brief):
    return {plan.channel: plan for plan in make_strategy(brief).channel_plans}


@pytest.fixture
def ledger(repo):
    return repo("production.llm_calls")


def _completion(content, *, usage=None) -> dict:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": MODEL,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": usage or {"prompt_tokens": 321, "completion_tokens": 87, "total_tokens": 408},
    }


INSTAGRAM_JSON = {
    "title": "Morning caption",
    "body": "Café on the go? Make the commute count.\n\nCrème Box is fresh every morning.",
    "cta": "Order your Crème Box today",
    "hashtags": ["#ZoeCafe", "#Paris", "#Cafe", "#Breakfast", "#Commute", "#Coffee", "#Morning"],
    "visual_brief": "Single image: a Crème Box on a café table at 8 am, window light.",
    "alt_text": "A Crème Box of pastries and a coffee on a café table",
}
EMAIL_JSON = {
    "subject": "Breakfast at your desk before 8:30",
    "preheader": "Fresh pastries and coffee, delivered to the office every weekday.",
    "body": "Hi there,\n\nCrème Box brings pastries and coffee to your desk, fresh every morning.",
    "cta": "Order your first Crème Box",
    "signoff": "See you at breakfast,\nZoë",
}
RSA_JSON = {
    "headlines": [
        "Crème Box",
        "Breakfast at Your Desk",
        "Fresh Every Morning",
        "Pastries and Coffee",
        "Order by 10 pm",
        "Delivered Before 8:30",
        "Zero Waste Packaging",
        "Baked in Paris",
        "Office Breakfast Boxes",
        "Order Your Box Today",
        "Coffee Included",
        "Made This Morning",
    ],
    "descriptions": ["Pastries and coffee at your desk before 8:30.", "Order by 10 pm for tomorrow morning."],
    "path1": "breakfast",
    "path2": "office",
    "callouts": ["Zero waste packaging"],
    "cta": "Order your box today",
}


def _generator(httpserver, ledger, **options) -> OpenAIChatGenerator:
    return OpenAIChatGenerator(
        base_url=httpserver.url_for("/v1"), model=MODEL, api_key="sk-test", timeout=5, ledger=ledger, **options
    )


def _generate(generator, brief, plan, run_id):
    return generator.generate(
        brief=brief,
        plan=plan,
        slot=1,
        asset_type=plan.asset_types[0],
        scheduled_at=SCHEDULED,
        run_id=run_id,
        strategy_id=uuid.uuid4(),
    )


def test_success_returns_the_structured_asset_with_code_added_parts_and_records_the_call(
    httpserver, ledger, brief, plans
):
    """A good completion becomes the draft; code adds the tracked link, the brand's own hashtags and the
    disclaimer; one ok ledger row carries the token counts."""
    # given
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(
        _completion(json.dumps(INSTAGRAM_JSON))
    )
    run_id = uuid.uuid4()
    # when
    draft = _generate(_generator(httpserver, ledger), brief, plans["instagram"], run_id)
    # then
    assert draft.generator == f"llm:{MODEL}"
    assert draft.template == "llm.instagram_caption.v2"
    assert draft.body.startswith("Café on the go? Make the commute count.")
    assert hashtags_in(draft.body) == ["#ZoeCafe"]  # invented hashtags are dropped
    assert draft.body.endswith(DISCLAIMER)
    assert "Link in bio." in draft.body
    assert draft.fields["link"].startswith("https://zoecafe.fr/?utm_source=instagram&utm_medium=social")
    assert draft.fields["visual_brief"] == INSTAGRAM_JSON["visual_brief"]
    assert draft.fields["alt_text"] == INSTAGRAM_JSON["alt_text"]
    assert "product.name" in draft.sources
    [call] = ledger.list(run_id=run_id)
    assert (call.status, call.error, call.model) == ("ok", "", MODEL)
    assert (call.prompt_tokens, call.completion_tokens) == (321, 87)
    assert re.fullmatch(r"[0-9a-f]{64}", call.prompt_hash)
    assert call.latency_ms > 0


def test_an_email_gets_the_footer_unsubscribe_link_and_cta_from_code(httpserver, ledger, brief, plans):
    """The model writes subject, preheader and body; the footer (address, unsubscribe link) is added once."""
    # given
    httpserver.expect_request("/v1/chat/completions").respond_with_json(_completion(json.dumps(EMAIL_JSON)))
    # when
    draft = _generate(_generator(httpserver, ledger), brief, plans["email"], uuid.uuid4())
    # then
    assert draft.fields["subject"] == EMAIL_JSON["subject"]
    assert draft.fields["preheader"] == EMAIL_JSON["preheader"]
    assert draft.body.count("12 Rue Oberkampf, Paris") == 1
    assert draft.fields["unsubscribe_url"] == "https://zoecafe.fr/unsubscribe"
    assert "Unsubscribe: https://zoecafe.fr/unsubscribe" in draft.body
    assert "Order your first Crème Box: https://zoecafe.fr/?utm_source=newsletter&utm_medium=email" in draft.body
    assert draft.body.count(DISCLAIMER) == 1


def test_a_search_ad_is_checked_whole_and_its_disclaimer_placed(httpserver, ledger, brief):
    """Twelve whole headlines pass; the disclaimer fits as a description; the final URL is tracked."""
    # given
    ads_brief = search_only(brief)
    plan = make_strategy(ads_brief).channel_plans[0]
    httpserver.expect_request("/v1/chat/completions").respond_with_json(_completion(json.dumps(RSA_JSON)))
    # when
    draft = _generate(_generator(httpserver, ledger), ads_brief, plan, uuid.uuid4())
    # then
    assert draft.fields["headlines"] == RSA_JSON["headlines"]
    assert draft.fields["descriptions"][-1] == DISCLAIMER
    assert draft.fields["final_url"].startswith("https://zoecafe.fr/?utm_source=google&utm_medium=cpc")
    assert draft.fields["pins"] == [{"text": "Crème Box", "position": "HEADLINE_1"}]


@pytest.mark.parametrize(
    ("channel", "answer", "problem"),
    [
        (
            "google_ads",
            {**RSA_JSON, "headlines": [*RSA_JSON["headlines"][:11], "Fresh every"]},
            "ends mid-phrase",
        ),
        ("google_ads", {**RSA_JSON, "headlines": RSA_JSON["headlines"][:5]}, "is too short"),
        (
            "google_ads",
            {
                **RSA_JSON,
                "descriptions": [
                    "Pastries and coffee at your desk before 8:30 every weekday, baked in our kitchen…",
                    "x",
                ],
            },
            "ends mid-phrase",
        ),
        ("email", {**EMAIL_JSON, "preheader": EMAIL_JSON["subject"] + " and more to come"}, "preheader"),
        ("email", {**EMAIL_JSON, "preheader": "Breakfast at your desk before 8:30"}, "is too short"),
        ("instagram", {**INSTAGRAM_JSON, "body": "A cheap breakfast for busy mornings."}, "bans or excludes"),
        ("instagram", {**INSTAGRAM_JSON, "alt_text": ""}, "visual_brief and alt_text"),
    ],
)
def test_an_asset_short_of_the_contract_is_refused_not_trimmed(
    httpserver, ledger, brief, plans, channel, answer, problem
):
    """Truncated or over-long fields, a repeated preheader, a banned term or a missing alt text are
    refused (the template writes the asset instead); nothing is cut to fit."""
    # given
    ads_brief = search_only(brief)
    plan = make_strategy(ads_brief).channel_plans[0] if channel == "google_ads" else plans[channel]
    httpserver.expect_request("/v1/chat/completions").respond_with_json(_completion(json.dumps(answer)))
    run_id = uuid.uuid4()
    # when
    with pytest.raises(GenerationFailed, match=re.escape(problem)):
        _generate(
            _generator(httpserver, ledger, fallback_to_template=False),
            ads_brief if channel == "google_ads" else brief,
            plan,
            run_id,
        )
    # then
    [call] = ledger.list(run_id=run_id)
    assert call.status == "error"
    assert problem in call.error


def test_request_speaks_chat_completions_with_the_briefs_facts(httpserver, ledger, brief, plans):
    """The endpoint receives the model, a JSON response format, the bearer key and a prompt carrying the facts."""
    # given
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(
        _completion(json.dumps(INSTAGRAM_JSON))
    )
    # when
    _generate(_generator(httpserver, ledger), brief, plans["instagram"], uuid.uuid4())
    # then
    [(request, _response)] = httpserver.log
    payload = request.get_json()
    assert request.headers["Authorization"] == "Bearer sk-test"
    assert payload["model"] == MODEL
    assert payload["response_format"] == {"type": "json_object"}
    system, user = payload["messages"]
    assert system["role"] == "system"
    assert user["role"] == "user"
    assert "Crème Box" in system["content"]
    assert "cheap" in system["content"]
    assert "hard 2200" in system["content"]
    assert '"visual_brief"' in system["content"]
    assert "instagram_caption" in user["content"]
    # Planning notes are never sent, so the model cannot publish them.
    assert brief.audience.description not in system["content"] + user["content"]


def test_the_same_prompt_hashes_the_same(httpserver, ledger, brief, plans):
    """Two calls for the same asset record the same prompt hash."""
    httpserver.expect_request("/v1/chat/completions").respond_with_json(_completion(json.dumps(INSTAGRAM_JSON)))
    generator = _generator(httpserver, ledger)
    run_id = uuid.uuid4()
    _generate(generator, brief, plans["instagram"], run_id)
    _generate(generator, brief, plans["instagram"], run_id)
    first, second = ledger.list(run_id=run_id)
    assert first.prompt_hash == second.prompt_hash


def test_http_error_falls_back_to_the_template_and_is_recorded(httpserver, ledger, brief, plans):
    """An HTTP 500 is logged as an error and the template writes the draft, saying so."""
    # given
    httpserver.expect_request("/v1/chat/completions").respond_with_data("upstream exploded", status=500)
    run_id = uuid.uuid4()
    # when
    draft = _generate(_generator(httpserver, ledger, fallback_to_template=True), brief, plans["x"], run_id)
    # then
    assert draft.generator == f"template (fallback from llm:{MODEL})"
    assert any(f.startswith(f"generator.fallback: llm:{MODEL} failed (HTTP 500") for f in draft.fixes)
    assert x_weighted_length(draft.body) <= 280
    template_draft = TemplateGenerator().generate(
        brief=brief,
        plan=plans["x"],
        slot=1,
        asset_type="x_post",
        scheduled_at=SCHEDULED,
        run_id=run_id,
        strategy_id=draft.strategy_id,
    )
    assert draft.body == template_draft.body
    [call] = ledger.list(run_id=run_id)
    assert call.status == "error"
    assert "HTTP 500" in call.error
    assert "upstream exploded" in call.error
    assert (call.prompt_tokens, call.completion_tokens) == (0, 0)


def test_http_error_without_fallback_raises_a_transient_failure(httpserver, ledger, brief, plans):
    """Without the fallback, an HTTP 500 raises GenerationFailed (retryable) and is still recorded."""
    # given
    httpserver.expect_request("/v1/chat/completions").respond_with_data("busy", status=500)
    run_id = uuid.uuid4()
    # when
    with pytest.raises(GenerationFailed) as caught:
        _generate(_generator(httpserver, ledger, fallback_to_template=False), brief, plans["email"], run_id)
    # then
    assert isinstance(caught.value, TransientStepError)
    assert caught.value.message.startswith(
        GENERATION_FAILED.format(channel="email", slot=1, asset_type="email", reason="HTTP 500")
    )
    assert [c.status for c in ledger.list(run_id=run_id)] == ["error"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("Sure! Here is your post: great coffee.", "is not JSON"),
        (json.dumps(["a", "list"]), "is not a JSON object"),
        (json.dumps({"body": "Only a body"}), "'cta' is a required property"),
        (json.dumps({**INSTAGRAM_JSON, "hashtags": "#one #two"}), "is not of type 'array'"),
    ],
)
def test_malformed_completion_falls_back_or_fails(httpserver, ledger, brief, plans, content, problem):
    """Non-JSON content, a wrong shape or missing fields count as errors: fallback when allowed, else failure."""
    # given
    httpserver.expect_request("/v1/chat/completions").respond_with_json(_completion(content))
    run_id = uuid.uuid4()
    # when
    fallback = _generate(_generator(httpserver, ledger, fallback_to_template=True), brief, plans["instagram"], run_id)
    with pytest.raises(GenerationFailed, match=re.escape(problem)):
        _generate(_generator(httpserver, ledger, fallback_to_template=False), brief, plans["instagram"], run_id)
    # then
    assert fallback.generator.startswith("template (fallback")
    calls = ledger.list(run_id=run_id)
    assert [c.status for c in calls] == ["error", "error"]
    assert all("malformed completion" in c.error and problem in c.error for c in calls)
    assert calls[0].prompt_tokens == 321  # the endpoint answered, so its usage is kept


def test_body_that_is_not_a_completion_is_malformed(httpserver, ledger, brief, plans):
    """A 200 whose body is not a chat completion is an error like any other."""
    httpserver.expect_request("/v1/chat/completions").respond_with_response(
        Response("<html>proxy login</html>", status=200, content_type="text/html")
    )
    run_id = uuid.uuid4()
    with pytest.raises(GenerationFailed, match="response body is not JSON"):
        _generate(_generator(httpserver, ledger, fallback_to_template=False), brief, plans["x"], run_id)
    assert ledger.list(run_id=run_id)[0].status == "error"


def test_unreachable_endpoint_falls_back(ledger, brief, plans, httpserver):
    """A connection refused is recorded and the template takes over."""
    # given: a port nobody listens on once the server is stopped
    url = httpserver.url_for("/v1")
    httpserver.stop()
    generator = OpenAIChatGenerator(base_url=url, model=MODEL, timeout=2, ledger=ledger)
    run_id = uuid.uuid4()
    try:
        # when
        draft = _generate(generator, brief, plans["x"], run_id)
    finally:
        httpserver.start()
    # then
    assert draft.generator.startswith("template (fallback")
    [call] = ledger.list(run_id=run_id)
    assert call.status == "error"
    assert "ConnectError" in call.error


def test_registry_builds_either_generator_from_settings(settings, httpserver):
    """The template generator accepts the LLM options; the LLM generator is built from the same settings."""
    # given
    options = {"base_url": "http://127.0.0.1:9/v1", "model": MODEL, "api_key": "", "timeout": 3.0}
    options["fallback_to_template"] = False
    settings.AICMO_GENERATOR = {"BACKEND": "production.generators.TemplateGenerator", "OPTIONS": options}
    # when / then
    assert isinstance(registry.generator(), TemplateGenerator)
    settings.AICMO_GENERATOR = {"BACKEND": "production.generators.OpenAIChatGenerator", "OPTIONS": options}
    built = registry.generator()
    assert isinstance(built, OpenAIChatGenerator)
    assert (built.model, built.fallback_to_template, built.name) == (MODEL, False, f"llm:{MODEL}")
