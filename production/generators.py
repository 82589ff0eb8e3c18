"""Content generators: the template writer (default) and an OpenAI-compatible chat-completions writer.

Both return the same structured asset per family (social, email, blog, rsa). The template writer
composes it from the brief's facts (`production.writer`); the LLM writer asks for the family's
JSON, validates it against the same contract (shape, limits, whole fields, brand rules) and then
code, not the model, adds what must be exact: tracked links, the brand's own hashtags, the
sponsorship disclosure, the brief's disclaimers verbatim and the e-mail footer with its
unsubscribe link. The registry builds the configured generator with `AICMO_GENERATOR["OPTIONS"]`;
the template writer accepts and ignores the LLM options so one settings shape serves both.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import httpx
from django.conf import settings

from kernel import clock
from kernel.channels import CHANNEL_LIMITS, family_of
from kernel.errors import TransientStepError
from production.domain import Draft, LLMCall
from production.writer.assets import write_asset
from production.writer.contract import FAMILY_SHAPES, MalformedCompletion, finish_llm_asset
from production.writer.core import Asset, WritingLog
from production.writer.facts import facts_of

if TYPE_CHECKING:
    from onboarding.domain import Brief
    from strategy.domain import ChannelPlan, Pillar

GENERATION_FAILED = "The LLM could not write {channel} asset {slot} ({asset_type}): {reason}"
PROMPT_VERSION = "v2"
# Ids are derived from the run and the asset's natural key, so a retried step writes the same ids.
DRAFT_NAMESPACE = uuid.UUID("6f3b0c52-3a52-4d5e-9a38-0f1f2f7c9a11")


class GenerationFailed(TransientStepError):
    """The LLM did not deliver a usable asset and no fallback was configured; a retry may succeed."""

    code = "generation_failed"


class ContentGenerator(Protocol):
    name: str

    def generate(
        self,
        *,
        brief: Brief,
        plan: ChannelPlan,
        slot: int,
        asset_type: str,
        scheduled_at: datetime,
        run_id: uuid.UUID,
        strategy_id: uuid.UUID,
        pillar: Pillar | None = None,
        occasion: str = "",
        log: WritingLog | None = None,
        tone: str = "",
    ) -> Draft:
        """One finished draft for `plan.channel`, slot `slot` (not yet stored).

        `pillar` is the strategy pillar the asset serves; `occasion` the key date it is for; `log`
        what the run has written so far (so a run never repeats a sentence or an opening); `tone`
        the strategy's revised tone ("more formal", "more casual"; "" for the brand's own).
        """


def asset_key(channel: str, slot: int, asset_type: str) -> str:
    return f"{channel}-{slot:02d}-{asset_type}"


def unsubscribe_url() -> str:
    return getattr(settings, "AICMO_UNSUBSCRIBE_URL", "")


def build_draft(
    *,
    asset: Asset,
    generator: str,
    brief: Brief,
    channel: str,
    slot: int,
    asset_type: str,
    scheduled_at: datetime,
    run_id: uuid.UUID,
    strategy_id: uuid.UUID,
    notes: tuple[str, ...] = (),
    pillar: Pillar | None = None,
    occasion: str = "",
) -> Draft:
    """Wrap a written asset as a Draft, with its provenance (pillar sources first)."""
    pillar_sources = pillar.sources if pillar else ()
    return Draft(
        id=uuid.uuid5(DRAFT_NAMESPACE, f"{run_id}|{channel}|{asset_type}|{slot}"),
        run_id=run_id,
        brief_id=brief.id,
        strategy_id=strategy_id,
        channel=channel,
        asset_type=asset_type,
        slot=slot,
        title=asset.title,
        body=asset.body,
        fields=asset.fields,
        scheduled_at=scheduled_at,
        generator=generator,
        template=asset.template,
        sources=tuple(dict.fromkeys([*pillar_sources, *asset.sources])),
        fixes=(*notes, *asset.notes),
        pillar=pillar.key if pillar else "",
        occasion=occasion,
    )


class TemplateGenerator:
    """Composes every asset from the brief's facts with the phrase banks; deterministic, no network."""

    name = "template"

    def __init__(self, **_options: Any) -> None:
        # base_url, model, api_key, timeout and fallback_to_template belong to the LLM generator.
        pass

    def generate(
        self,
        *,
        brief: Brief,
        plan: ChannelPlan,
        slot: int,
        asset_type: str,
        scheduled_at: datetime,
        run_id: uuid.UUID,
        strategy_id: uuid.UUID,
        pillar: Pillar | None = None,
        occasion: str = "",
        log: WritingLog | None = None,
        notes: tuple[str, ...] = (),
        generator_name: str | None = None,
        tone: str = "",
    ) -> Draft:
        asset = write_asset(
            brief=brief,
            channel=plan.channel,
            asset_type=asset_type,
            key=asset_key(plan.channel, slot, asset_type),
            scheduled_at=scheduled_at,
            pillar=pillar,
            occasion=occasion,
            log=log,
            unsubscribe_url=unsubscribe_url(),
            tone=tone,
        )
        return build_draft(
            asset=asset,
            generator=generator_name or self.name,
            brief=brief,
            channel=plan.channel,
            slot=slot,
            asset_type=asset_type,
            scheduled_at=scheduled_at,
            run_id=run_id,
            strategy_id=strategy_id,
            notes=notes,
            pillar=pillar,
            occasion=occasion,
        )


# --- the LLM generator -----------------------------------------------------------------------


class OpenAIChatGenerator:
    """Asks an OpenAI-compatible endpoint (OpenAI, Ollama, LM Studio, vLLM) for each asset as JSON.

    Every call is written to the LLM ledger. On any failure (network, HTTP error, an answer that
    breaks the contract) it falls back to the template writer when `fallback_to_template`, noting
    it in the draft's generator name and fixes; otherwise it raises GenerationFailed.
    """

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str = "",
        timeout: float = 30.0,
        fallback_to_template: bool = True,
        ledger: Any = None,
        **_options: Any,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout = timeout
        self.fallback_to_template = fallback_to_template
        self._ledger = ledger
        self.template = TemplateGenerator()

    @property
    def name(self) -> str:
        return f"llm:{self.model}"

    @property
    def ledger(self) -> Any:
        if self._ledger is None:
            from config import registry

            self._ledger = registry.repository("production.llm_calls")
        return self._ledger

    def generate(
        self,
        *,
        brief: Brief,
        plan: ChannelPlan,
        slot: int,
        asset_type: str,
        scheduled_at: datetime,
        run_id: uuid.UUID,
        strategy_id: uuid.UUID,
        pillar: Pillar | None = None,
        occasion: str = "",
        log: WritingLog | None = None,
        tone: str = "",
    ) -> Draft:
        channel = plan.channel
        key = asset_key(channel, slot, asset_type)
        messages = build_messages(
            brief=brief,
            plan=plan,
            slot=slot,
            asset_type=asset_type,
            scheduled_at=scheduled_at,
            pillar=pillar,
            occasion=occasion,
            tone=tone,
        )

        def finish(data: dict[str, Any]) -> Asset:
            return finish_llm_asset(
                data,
                brief=brief,
                channel=channel,
                asset_type=asset_type,
                key=key,
                scheduled_at=scheduled_at,
                template=f"llm.{asset_type}.{PROMPT_VERSION}",
                unsubscribe_url=unsubscribe_url(),
                tone=tone,
            )

        try:
            asset = self._complete(messages, run_id=run_id, finish=finish)
        except (httpx.HTTPError, MalformedCompletion) as exc:
            reason = _reason(exc)
            if not self.fallback_to_template:
                raise GenerationFailed(
                    GENERATION_FAILED.format(channel=channel, slot=slot, asset_type=asset_type, reason=reason)
                ) from exc
            return self.template.generate(
                brief=brief,
                plan=plan,
                slot=slot,
                asset_type=asset_type,
                scheduled_at=scheduled_at,
                run_id=run_id,
                strategy_id=strategy_id,
                pillar=pillar,
                occasion=occasion,
                log=log,
                notes=(f"generator.fallback: {self.name} failed ({reason}); written by template",),
                generator_name=f"{self.template.name} (fallback from {self.name})",
                tone=tone,
            )
        return build_draft(
            asset=asset,
            generator=self.name,
            brief=brief,
            channel=channel,
            slot=slot,
            asset_type=asset_type,
            scheduled_at=scheduled_at,
            run_id=run_id,
            strategy_id=strategy_id,
            pillar=pillar,
            occasion=occasion,
        )

    def _complete(
        self, messages: list[dict[str, str]], *, run_id: uuid.UUID, finish: Callable[[dict[str, Any]], Asset]
    ) -> Asset:
        """One chat-completions call, recorded in the ledger whatever its outcome; the finished asset."""
        prompt_hash = hashlib.sha256(json.dumps(messages, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        payload = {
            "model": self.model,
            "messages": messages,
            "response_format": {"type": "json_object"},
            "temperature": 0.7,
            "seed": int(prompt_hash[:8], 16),
        }
        started = time.perf_counter()
        usage: dict[str, Any] = {}
        try:
            response = httpx.post(
                f"{self.base_url}/chat/completions", json=payload, headers=headers, timeout=self.timeout
            )
            if response.status_code >= 400:
                raise httpx.HTTPStatusError(
                    f"HTTP {response.status_code}: {response.text[:300]}", request=response.request, response=response
                )
            data = _json_object(response.text, "response body")
            usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
            asset = finish(_json_object(_message_content(data), "message content"))
        except (httpx.HTTPError, MalformedCompletion) as exc:
            self._record(prompt_hash, usage, started, run_id, status="error", error=_reason(exc))
            raise
        self._record(prompt_hash, usage, started, run_id, status="ok", error="")
        return asset

    def _record(
        self, prompt_hash: str, usage: dict[str, Any], started: float, run_id: uuid.UUID, *, status: str, error: str
    ) -> None:
        call = LLMCall(
            id=uuid.uuid4(),
            model=self.model,
            prompt_hash=prompt_hash,
            prompt_tokens=_int(usage.get("prompt_tokens")),
            completion_tokens=_int(usage.get("completion_tokens")),
            latency_ms=round((time.perf_counter() - started) * 1000, 3),
            status=status,
            error=error,
            created_at=clock.now(),
            run_id=run_id,
        )
        self.ledger.add(call)


def _reason(exc: Exception) -> str:
    if isinstance(exc, httpx.HTTPStatusError):
        return str(exc)
    if isinstance(exc, httpx.HTTPError):
        return f"{type(exc).__name__}: {exc}"
    return f"malformed completion: {exc}"


def _int(value: Any) -> int:
    return value if isinstance(value, int) and value >= 0 else 0


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise MalformedCompletion(f"the {what} is not JSON") from exc
    if not isinstance(data, dict):
        raise MalformedCompletion(f"the {what} is not a JSON object")
    return data


def _message_content(data: dict[str, Any]) -> str:
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise MalformedCompletion("no choices[0].message.content in the response") from exc
    if not isinstance(content, str):
        raise MalformedCompletion("choices[0].message.content is not a string")
    return content


def build_messages(
    *,
    brief: Brief,
    plan: ChannelPlan,
    slot: int,
    asset_type: str,
    scheduled_at: datetime,
    pillar: Pillar | None = None,
    occasion: str = "",
    tone: str = "",
) -> list[dict[str, str]]:
    """The chat messages for one asset: the rules and facts (system), the asset asked for (user).

    Planning notes (the audience description, KPIs, budget, tactics) are not sent: the model
    cannot publish what it never sees.
    """
    facts = facts_of(brief)
    family = family_of(plan.channel, asset_type)
    offer = facts.offer_on(scheduled_at)
    fact_sheet = {
        "client": facts.client.text,
        "product": facts.product.text,
        "product_kind": facts.kind,
        "category": facts.category.text if facts.category else "",
        "what_they_use_today": facts.alternative.text if facts.alternative else "",
        "product_description": facts.description.text if facts.description else "",
        "pains (turn into questions or 'you' sentences, never quote as nouns)": [p.fact.text for p in facts.pains],
        "the audience's own words about the problem": [q.fact.text for q in facts.phrases],
        "customer praise (use only as praise)": [q.fact.text for q in facts.testimonials],
        "value_propositions": [v.fact.text for v in facts.values],
        "proof_points": [p.text for p in facts.proofs],
        "offer": offer.text if offer else "",
        "price": facts.price.text if facts.price else "",
        "search_terms": [t.text for t in facts.search_terms],
        "tone": brief.brand.tone,
        "voice_notes": brief.brand.voice_notes,
        "language": facts.language,
    }
    if tone:
        fact_sheet["tone_revision"] = f"{tone} than the brand's tone (the strategy's reviewer asked for it)"
    limits = CHANNEL_LIMITS.get(plan.channel)
    limit_lines = []
    if limits:
        for name, limit in limits.fields.items():
            parts = [f"hard {limit.hard}" if limit.hard else "", f"at most {limit.soft}" if limit.soft else ""]
            parts.append(f"at least {limit.soft_min}" if limit.soft_min else "")
            unit = {"chars": "characters", "weighted": "X-weighted characters", "words": "words"}[limit.unit]
            limit_lines.append(f"- {name}: {', '.join(p for p in parts if p)} {unit}")
        if limits.max_hashtags:
            limit_lines.append(f"- hashtags: at most {limits.max_hashtags}")
    banned = ", ".join(brief.brand.banned_terms) or "none"
    avoid = ", ".join(f"{t.avoid} (write {t.use})" for t in brief.brand.preferred_terms) or "none"
    system = "\n".join(
        [
            f"You write {plan.channel} marketing copy for {facts.client.text}, in {facts.language}.",
            "Use only the facts below. Do not invent numbers, testimonials, awards, prices or claims.",
            "No superlatives or absolutes (best, #1, leading, guaranteed, risk-free) unless a fact says so.",
            f"Never use these banned terms: {banned}. Avoid these words: {avoid}.",
            f"Never mention: {', '.join(brief.scope.exclusions) or 'nothing excluded'}.",
            "No placeholders, no links, no hashtags in the text, no disclaimers, no footer: code adds them.",
            "Every field is written whole to its limit; never cut a sentence or end on 'and', 'the', '...'.",
            "No labels such as 'Hook:' or 'The facts:'. One asset, one job, one call to action starting with a verb.",
            "Limits:",
            *(limit_lines or ["- none beyond the shape below"]),
            "Reply with one JSON object and nothing else, with these keys:",
            json.dumps(FAMILY_SHAPES[family], ensure_ascii=False),
            "Facts:",
            json.dumps(fact_sheet, ensure_ascii=False),
        ]
    )
    focus = ""
    if pillar:
        focus = f" It serves this message: {pillar.message}" + (f" Its proof: {pillar.proof}." if pillar.proof else "")
        focus += f" The pain it answers: {pillar.pain}." if pillar.pain else ""
    user = (
        f"Write {asset_type} number {slot} for {plan.channel}, to be published {scheduled_at.isoformat()}."
        + focus
        + (f" It is written for {occasion}." if occasion else "")
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]
