"""Content generators: the template writer (default) and an OpenAI-compatible chat-completions writer.

A generator turns one planned asset into a finished `Draft`: it writes the structured fields
(by template, or by asking an LLM for JSON), then `content_fixes.finish` applies the same
mechanical fixes to either (swap map, hashtags, disclosure, disclaimers, hard limits). The
registry builds the configured generator with `AICMO_GENERATOR["OPTIONS"]`; the template
writer accepts and ignores the LLM options so one settings shape serves both.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from kernel import clock
from kernel.channels import CHANNEL_LIMITS, family_of
from kernel.errors import TransientStepError
from production.content import CLAIM_WORDS, Composed, Facts, compose
from production.content_fixes import BrandRules, finish
from production.domain import Draft, LLMCall

if TYPE_CHECKING:
    from onboarding.domain import Brief
    from strategy.domain import ChannelPlan, Pillar

GENERATION_FAILED = "The LLM could not write {channel} asset {slot} ({asset_type}): {reason}"
PROMPT_VERSION = "v1"
# Ids are derived from the run and the asset's natural key, so a retried step writes the same ids.
DRAFT_NAMESPACE = uuid.UUID("6f3b0c52-3a52-4d5e-9a38-0f1f2f7c9a11")
_FIX_SOURCES = (
    ("terms.preferred", "brand.preferred_terms"),
    ("disclaimer.added", "brand.disclaimers"),
    ("disclosure.sponsored", "sponsored"),
)


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
    ) -> Draft:
        """One finished draft for `plan.channel`, slot `slot` (fixes applied, not yet stored).

        `pillar` is the strategy pillar the asset serves; `occasion` the key date it is for.
        """


def build_draft(
    *,
    composed: Composed,
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
    """Finish composed fields (the mechanical fixes) and wrap them as a Draft."""
    finished = finish(
        channel=channel,
        asset_type=asset_type,
        title=composed.title,
        fields=composed.fields,
        rules=BrandRules.from_brief(brief),
    )
    fixes = (*notes, *composed.notes, *finished.fixes)
    rule_sources = [source for prefix, source in _FIX_SOURCES if any(f.startswith(prefix) for f in fixes)]
    return Draft(
        id=uuid.uuid5(DRAFT_NAMESPACE, f"{run_id}|{channel}|{asset_type}|{slot}"),
        run_id=run_id,
        brief_id=brief.id,
        strategy_id=strategy_id,
        channel=channel,
        asset_type=asset_type,
        slot=slot,
        title=finished.title,
        body=finished.body,
        fields=finished.fields,
        scheduled_at=scheduled_at,
        generator=generator,
        template=composed.template,
        sources=tuple(dict.fromkeys([*composed.sources, *rule_sources])),
        fixes=fixes,
        pillar=pillar.key if pillar else "",
        occasion=occasion,
    )


class TemplateGenerator:
    """Writes every asset from templates and the brief's facts; deterministic, no network."""

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
        notes: tuple[str, ...] = (),
        generator_name: str | None = None,
    ) -> Draft:
        facts = Facts.from_brief(brief)
        composed = compose(facts=facts, channel=plan.channel, asset_type=asset_type, slot=slot)
        return build_draft(
            composed=composed,
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


class MalformedCompletion(ValueError):
    """The endpoint answered, but not with the JSON object the prompt asked for."""


# The JSON each asset family must come back as (sent in the prompt, checked on return).
SHAPES: dict[str, dict[str, str]] = {
    "social": {
        "title": "string: a short internal title",
        "hook": "string: the opening line",
        "value": "string: the value, from the value propositions",
        "proof": "string: a proof point from the facts, or empty",
        "offer": "string: the offer from the facts, or empty",
        "cta": "string: a call to action starting with a verb",
        "hashtags": "array of strings: hashtags from the facts",
    },
    "email": {
        "subject": "string: 30-50 characters",
        "preheader": "string: 40-80 characters",
        "hook": "string: the opening paragraph",
        "value": "string: the value, from the value propositions",
        "proof": "string: proof points from the facts, or empty",
        "offer": "string: the offer from the facts, or empty",
        "cta": "string: a call to action starting with a verb",
    },
    "blog": {
        "title": "string",
        "meta_description": "string: 120-156 characters",
        "sections": "array of objects {heading: string, paragraphs: array of strings}; at least 300 words in all",
        "cta": "string: a call to action starting with a verb",
    },
    "rsa": {
        "headlines": "array of 5-15 distinct strings, each at most 30 characters",
        "descriptions": "array of 2-4 strings, each at most 90 characters",
        "path1": "string: at most 15 characters",
        "path2": "string: at most 15 characters",
        "cta": "string: a call to action starting with a verb",
    },
}
REQUIRED = {
    "social": ("hook", "value", "cta"),
    "email": ("subject", "preheader", "hook", "value", "cta"),
    "blog": ("title", "meta_description", "sections", "cta"),
    "rsa": ("headlines", "descriptions", "cta"),
}
LIST_FIELDS = frozenset({"hashtags", "headlines", "descriptions"})


class OpenAIChatGenerator:
    """Asks an OpenAI-compatible endpoint (OpenAI, Ollama, LM Studio, vLLM) for each asset as JSON.

    Every call is written to the LLM ledger. On any failure (network, HTTP error, malformed
    answer) it falls back to the template writer when `fallback_to_template`, noting it in the
    draft's generator name and fixes; otherwise it raises GenerationFailed.
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
    ) -> Draft:
        channel = plan.channel
        facts = Facts.from_brief(brief)
        family = family_of(channel, asset_type)
        messages = build_messages(
            brief=brief, facts=facts, plan=plan, slot=slot, asset_type=asset_type, scheduled_at=scheduled_at
        )
        try:
            composed = self._complete(messages, facts=facts, family=family, asset_type=asset_type, run_id=run_id)
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
                notes=(f"generator.fallback: {self.name} failed ({reason}); written by template",),
                generator_name=f"{self.template.name} (fallback from {self.name})",
            )
        return build_draft(
            composed=composed,
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
        self, messages: list[dict[str, str]], *, facts: Facts, family: str, asset_type: str, run_id: uuid.UUID
    ) -> Composed:
        """One chat-completions call, recorded in the ledger whatever its outcome."""
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
            content = _message_content(data)
            composed = parse_completion(_json_object(content, "message content"), facts, family, asset_type)
        except (httpx.HTTPError, MalformedCompletion) as exc:
            self._record(prompt_hash, usage, started, run_id, status="error", error=_reason(exc))
            raise
        self._record(prompt_hash, usage, started, run_id, status="ok", error="")
        return composed

    def _record(
        self, prompt_hash: str, usage: dict[str, Any], started: float, run_id: uuid.UUID, *, status: str, error: str
    ) -> None:
        self.ledger.add(
            LLMCall(
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
        )


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


def parse_completion(data: dict[str, Any], facts: Facts, family: str, asset_type: str) -> Composed:
    """The LLM's JSON as composed fields; links, footers and addresses always come from the brief."""
    for name in REQUIRED[family]:
        if not data.get(name):
            raise MalformedCompletion(f"the field {name!r} is missing or empty")
    fields: dict[str, Any] = {}
    for name in SHAPES[family]:
        value = data.get(name, [] if name in LIST_FIELDS else "")
        if name == "sections":
            fields[name] = _sections(value)
        elif name in LIST_FIELDS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise MalformedCompletion(f"the field {name!r} must be an array of strings")
            fields[name] = [v.strip() for v in value if v.strip()]
        else:
            if not isinstance(value, str):
                raise MalformedCompletion(f"the field {name!r} must be a string")
            fields[name] = value.strip()
    link = facts.link.text if facts.link else ""
    title = fields.pop("title", "") if family != "blog" else fields["title"]
    if family == "rsa":
        fields["final_url"] = link
        title = f"Search ad: {facts.product.text}"
    else:
        fields["link"] = link
    if family == "email":
        client = facts.client.text
        address = facts.postal_address.text if facts.postal_address else ""
        title = fields["subject"]
        fields["signoff"] = f"— The {client} team"
        fields["footer"] = "\n".join(
            [
                " · ".join(p for p in (client, address) if p),
                f"You are receiving this e-mail from {client}. To unsubscribe, reply “unsubscribe” "
                "and we will remove you from the list.",
            ]
        )
    if family == "blog":
        fields["headings"] = [s["heading"] for s in fields["sections"] if s["heading"]]
    return Composed(
        title=title or facts.product.text,
        fields=fields,
        template=f"llm.{asset_type}.{PROMPT_VERSION}",
        sources=_fact_sources(facts),
        notes=(f"link.dropped: {facts.dropped_link} is a reserved example domain",) if facts.dropped_link else (),
    )


def _sections(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise MalformedCompletion("the field 'sections' must be an array")
    sections = []
    for item in value:
        if not isinstance(item, dict):
            raise MalformedCompletion("each section must be an object")
        heading, paragraphs = item.get("heading", ""), item.get("paragraphs", [])
        if not isinstance(heading, str) or not isinstance(paragraphs, list):
            raise MalformedCompletion("a section needs a string heading and an array of paragraphs")
        if not all(isinstance(p, str) for p in paragraphs):
            raise MalformedCompletion("section paragraphs must be strings")
        sections.append({"heading": heading.strip(), "paragraphs": [p.strip() for p in paragraphs if p.strip()]})
    return sections


def _fact_sources(facts: Facts) -> tuple[str, ...]:
    """Every brief field the prompt handed to the model."""
    singles = (facts.product, facts.client, facts.audience, facts.description, facts.offer, facts.link, facts.tone)
    groups = (facts.pains, facts.phrases, facts.values, facts.proofs, facts.hashtags, facts.goal_types)
    found = [f.source for f in singles if f] + [f.source for group in groups for f in group]
    return tuple(dict.fromkeys(found))


def build_messages(
    *, brief: Brief, facts: Facts, plan: ChannelPlan, slot: int, asset_type: str, scheduled_at: datetime
) -> list[dict[str, str]]:
    """The chat messages for one asset: the rules and facts (system), the asset asked for (user)."""
    family = family_of(plan.channel, asset_type)
    fact_sheet = {
        "client": facts.client.text,
        "product": facts.product.text,
        "product_description": facts.description.text if facts.description else "",
        "audience": facts.audience.text,
        "pains": [f.text for f in facts.pains],
        "customer_phrases": [f.text for f in facts.phrases],
        "value_propositions": [f.text for f in facts.values],
        "proof_points": [f.text for f in facts.proofs],
        "offer": facts.offer.text if facts.offer else "",
        "hashtags": [f.text for f in facts.hashtags],
        "goals": [f.text for f in facts.goal_types],
        "tone": facts.tone.text if facts.tone else "",
    }
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
    system = "\n".join(
        [
            f"You write {plan.channel} marketing copy for {facts.client.text}.",
            "Use only the facts below. Do not invent numbers, testimonials, awards, prices or claims.",
            f"Do not use these words unless the facts contain them: {', '.join(CLAIM_WORDS)}.",
            f"Never use these banned terms: {banned}.",
            "No placeholders, no links (the link is added for you), no 'TODO', no 'lorem ipsum'.",
            "Structure: hook, value, proof, call to action. The call to action starts with a verb.",
            f"Tone: {fact_sheet['tone'] or 'clear and friendly'}.",
            "Limits:",
            *(limit_lines or ["- none beyond the shape below"]),
            "Reply with one JSON object and nothing else, with these keys:",
            json.dumps(SHAPES[family], ensure_ascii=False),
            "Facts:",
            json.dumps(fact_sheet, ensure_ascii=False),
        ]
    )
    tactic = plan.tactics[(slot - 1) % len(plan.tactics)] if plan.tactics else ""
    user = (
        f"Write {asset_type} number {slot} for {plan.channel}, to be published {scheduled_at.isoformat()}."
        + (f" Tactic: {tactic}." if tactic else "")
        + " Vary the angle from other slots."
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]
