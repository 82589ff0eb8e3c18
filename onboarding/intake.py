"""Intake normalization: one JSON intake in, a validated, canonical Brief out (pure; no ORM).

The intake's shape, field checks and canonical spellings are defined once, in
`onboarding.schema`. This module parses the text as strict JSON, validates it against that
schema, applies the rules that relate two fields (a timeline's end after its start, key dates
inside it, an exclusion that would drop a planned channel), and builds the domain Brief. Every
problem is collected with its field path and raised at once as `ValidationFailed`, so a client
fixes its intake in one round trip. Facts that are legal but will limit the output come back as
warnings (`intake_warnings`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import hashlib
import json
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, get_args, get_origin
from uuid import UUID

from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from kernel.channels import CHANNEL_LIMITS, channel_for
from kernel.channels import label as channel_label
from kernel.codec import to_primitive
from kernel.errors import ValidationFailed
from onboarding.domain import (
    Audience,
    Brand,
    Brief,
    Budget,
    Client,
    DeliveryContacts,
    Goal,
    KeyDate,
    PreferredTerm,
    Product,
    Scope,
    Timeline,
)
from onboarding.schema import (
    AMOUNT_LIMIT,
    BAD_CURRENCY_FORMAT,
    BAD_DATE,
    BAD_DOMAIN,
    BAD_EMAIL,
    BAD_GOAL_TYPE,
    BAD_HASHTAG,
    BAD_LANGUAGE,
    BAD_PHONE,
    BAD_PRODUCT_KIND,
    BAD_TIMEZONE,
    BAD_URL,
    BLANK,
    BUILTIN_MESSAGES,
    CONTROL_CHARACTER,
    EMPTY_LIST,
    INVISIBLE_CHARACTER,
    LONE_SURROGATE,
    NAME_MAX_LENGTH,
    NEGATIVE,
    NOT_A_BOOLEAN,
    NOT_A_LIST,
    NOT_A_NUMBER,
    NOT_A_STRING,
    NOT_AN_OBJECT,
    NUL_CHARACTER,
    OUT_OF_RANGE,
    REQUIRED,
    TOO_LARGE,
    TOO_LONG,
    TOO_MANY_DECIMALS,
    TOO_MANY_DIGITS,
    UNKNOWN_CHANNEL,
    UNKNOWN_CURRENCY,
    YEAR_OUT_OF_RANGE,
    BrandIntake,
    IntakeDocument,
    ProductIntake,
    TimelineIntake,
)

__all__ = [
    "AMOUNT_LIMIT",
    "BAD_CURRENCY_FORMAT",
    "BAD_DATE",
    "BAD_DOMAIN",
    "BAD_EMAIL",
    "BAD_GOAL_TYPE",
    "BAD_HASHTAG",
    "BAD_LANGUAGE",
    "BAD_PHONE",
    "BAD_PRODUCT_KIND",
    "BAD_TIMEZONE",
    "BAD_URL",
    "BLANK",
    "CONTROL_CHARACTER",
    "EMPTY_LIST",
    "INVISIBLE_CHARACTER",
    "LONE_SURROGATE",
    "NAME_MAX_LENGTH",
    "NEGATIVE",
    "NOT_AN_OBJECT",
    "NOT_A_BOOLEAN",
    "NOT_A_LIST",
    "NOT_A_NUMBER",
    "NOT_A_STRING",
    "NUL_CHARACTER",
    "OUT_OF_RANGE",
    "REQUIRED",
    "TOO_LARGE",
    "TOO_LONG",
    "TOO_MANY_DECIMALS",
    "TOO_MANY_DIGITS",
    "UNKNOWN_CHANNEL",
    "UNKNOWN_CURRENCY",
    "YEAR_OUT_OF_RANGE",
]

# --- Messages (tests import these) -------------------------------------------------------------
NOT_JSON = "not valid JSON: {detail}"
NOT_UTF8 = "not valid UTF-8: {detail}"
UNKNOWN_FIELD = "unknown field"
DID_YOU_MEAN = "unknown field; did you mean {suggestion}?"
END_BEFORE_START = "must not be before timeline.start"
TIMELINE_TOO_LONG = "must be at most {years} years after timeline.start"
OUTSIDE_TIMELINE = "must lie inside the timeline ({start} to {end})"
OFFER_EXPIRES_BEFORE_START = "must not be before timeline.start ({start}): the offer would never be promoted"
BLANK_TERM = "the term to avoid must not be blank"
CONFLICTING_REPLACEMENT = "{avoid!r} is given two different replacements"
REPLACEMENT_IS_BANNED = "the replacement {use!r} is a banned term"
EXCLUDES_PLANNED_CHANNEL = "excludes {channel!r}, which is one of the brief's channels"
LANGUAGE_NOT_WRITTEN = "{tag!r} cannot be written by the selected generator, which writes: {languages}"

# Warnings: legal facts that will limit the output.
NO_TIMEZONE = "not given: posts are scheduled in UTC, which may be the middle of the night for the audience"
TOO_LONG_FOR_CHANNEL = (
    "is {length} characters; a {field} on {channel} holds {room}, so it cannot appear there and goes to the "
    "landing page note instead"
)
BANNED_TERM_IN_FACT = (
    "contains the banned term {term!r}; copy that uses it will fail QC unless the phrase is listed in "
    "brand.allowed_phrases"
)

# What the JSON Schema cannot say and only the validator checks (the schema documents the shape,
# types and formats; these are checks of content). A document valid by the schema may still fail
# these, and only these; the README's reference and the agreement test list them.
CONTENT_CHECKS: tuple[str, ...] = (
    BLANK,
    BAD_URL,
    BAD_EMAIL,
    BAD_PHONE,
    BAD_TIMEZONE,
    BAD_DOMAIN,
    BAD_HASHTAG,
    UNKNOWN_CHANNEL,
    UNKNOWN_CURRENCY,
    BAD_DATE,
    YEAR_OUT_OF_RANGE,
    CONTROL_CHARACTER,
    NUL_CHARACTER,
    LONE_SURROGATE,
    INVISIBLE_CHARACTER,
    TOO_MANY_DIGITS,
    TOO_MANY_DECIMALS,
    TOO_LARGE,
    END_BEFORE_START,
    TIMELINE_TOO_LONG,
    OUTSIDE_TIMELINE,
    OFFER_EXPIRES_BEFORE_START,
    BLANK_TERM,
    CONFLICTING_REPLACEMENT,
    REPLACEMENT_IS_BANNED,
    EXCLUDES_PLANNED_CHANNEL,
    LANGUAGE_NOT_WRITTEN,
)


def is_content_check(message: str) -> bool:
    """Whether `message` comes from one of the CONTENT_CHECKS (templates compared up to their first field)."""
    return any(message.startswith(template.split("{")[0]) for template in CONTENT_CHECKS)


# --- Vocabulary ----------------------------------------------------------------------------------
DEFAULT_CURRENCY = "USD"
DEFAULT_LANGUAGE = "en"
MAX_TIMELINE_YEARS = 3
# JSON integers longer than this are kept as Decimal text, so no huge integer reaches int().
_INT_DIGITS_PARSED = 30

# Left out of the fingerprint: identity, bookkeeping and state, not content.
FINGERPRINT_EXCLUDES = ("id", "intake_id", "status", "fingerprint", "created_at", "updated_at")


class _DuplicateKey(ValueError):
    pass


# --- strict JSON -------------------------------------------------------------------------------------


def parse_intake_text(raw: str | bytes) -> object:
    """Parse intake text as strict JSON: UTF-8, no NaN or Infinity, no repeated keys, exact decimals."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationFailed({"$": [NOT_UTF8.format(detail=exc.reason)]}) from None
    try:
        return json.loads(
            raw.removeprefix("\ufeff"),
            parse_float=Decimal,
            parse_int=_parse_int,
            parse_constant=_reject_constant,
            object_pairs_hook=_object_without_repeats,
        )
    except json.JSONDecodeError as exc:
        detail = f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
    except (_DuplicateKey, RecursionError) as exc:
        detail = str(exc) or "nested too deeply"
    raise ValidationFailed({"$": [NOT_JSON.format(detail=detail)]})


def _parse_int(text: str) -> int | Decimal:
    # Python refuses int() of more than 4,300 digits with a ValueError that would name no field;
    # a Decimal carries any length to the field's own digit check.
    return int(text) if len(text) <= _INT_DIGITS_PARSED else Decimal(text)


def _reject_constant(name: str) -> object:
    raise json.JSONDecodeError(f"{name} is not a JSON number", name, 0)


def _object_without_repeats(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


# --- validation ----------------------------------------------------------------------------------------


def normalize_intake(
    payload: object,
    *,
    brief_id: UUID,
    intake_id: UUID,
    now: dt.datetime,
    languages: Collection[str] | None = None,
) -> Brief:
    """Validate a parsed intake as a whole and return its canonical Brief (with fingerprint).

    `languages` are the primary language subtags the selected generator writes ("en"); a brief
    in another language is refused here rather than written in the wrong one.
    """
    if not isinstance(payload, Mapping):
        raise ValidationFailed({"$": [NOT_AN_OBJECT]})
    errors: dict[str, list[str]] = {}
    document: IntakeDocument | None = None
    try:
        document = IntakeDocument.model_validate(payload)
    except PydanticValidationError as exc:
        errors = _error_map(exc, IntakeDocument)
    sections = _valid_sections(payload, document, errors)
    for rule in RULES:
        for path, message in rule(sections, languages):
            errors.setdefault(path, []).append(message)
    if errors or document is None:
        raise ValidationFailed(errors)
    return _with_fingerprint(_brief(document, brief_id=brief_id, intake_id=intake_id, now=now))


def _valid_sections(
    payload: Mapping[str, Any], document: IntakeDocument | None, errors: Mapping[str, list[str]]
) -> dict[str, Any]:
    """Each top-level section that validated on its own, so the cross-field rules run despite errors elsewhere."""
    if document is not None:
        return {name: getattr(document, name) for name in IntakeDocument.model_fields}
    sections = {}
    for name in IntakeDocument.model_fields:
        if name not in payload or any(p == name or p.startswith((f"{name}.", f"{name}[")) for p in errors):
            continue
        try:
            sections[name] = _section_adapter(name).validate_python(payload[name])
        except PydanticValidationError:  # an error the root validation reported under another path
            continue
    return sections


@functools.cache
def _section_adapter(name: str) -> TypeAdapter[Any]:
    return TypeAdapter(IntakeDocument.model_fields[name].annotation)


def errors_for(model: type[BaseModel], payload: object) -> dict[str, list[str]]:
    """The field errors `model` (an intake definition) finds in `payload`, by path; {} when it is valid."""
    try:
        model.model_validate(payload)
    except PydanticValidationError as exc:
        return _error_map(exc, model)
    return {}


def _error_map(exc: PydanticValidationError, model: type[BaseModel]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for path, message in _pydantic_errors(exc, model):
        errors.setdefault(path, []).append(message)
    return errors


def _pydantic_errors(exc: PydanticValidationError, model: type[BaseModel]) -> Iterator[tuple[str, str]]:
    for error in exc.errors(include_url=False, include_input=False):
        loc = tuple(error["loc"])
        kind = error["type"]
        if kind == "aicmo":
            message = error["ctx"]["message"]
        elif kind == "extra_forbidden":
            message = _unknown_field(model, loc)
        elif kind == "missing" and _is_dict_key(loc):
            continue
        else:
            message = BUILTIN_MESSAGES.get(kind, error["msg"])
        yield format_path(loc), message


def format_path(loc: tuple[str | int, ...]) -> str:
    """('goals', 0, 'type') -> goals[0].type; a preferred-terms key -> brand.preferred_terms["utilize"]."""
    if not loc:
        return "$"
    path = ""
    for index, part in enumerate(loc):
        if isinstance(part, int):
            path += f"[{part}]"
        elif _is_dict_key(loc[: index + 1]):
            path += f"[{json.dumps(part, ensure_ascii=False)}]"
        else:
            path += f".{part}" if path else part
    return path


def _is_dict_key(loc: tuple[str | int, ...]) -> bool:
    """Whether the last element of `loc` is a key of a free-form mapping (the preferred-terms map)."""
    return len(loc) == 3 and loc[:2] == ("brand", "preferred_terms")


# --- "did you mean" -------------------------------------------------------------------------------------


def _unknown_field(model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    parent, key = loc[:-1], str(loc[-1])
    known = _fields_at(model, tuple("[]" if isinstance(p, int) else p for p in parent))
    suggestion = _closest(key, known)
    if suggestion is None:
        return UNKNOWN_FIELD
    prefix = format_path(parent)
    return DID_YOU_MEAN.format(suggestion=suggestion if prefix == "$" else f"{prefix}.{suggestion}")


def _closest(key: str, known: Collection[str]) -> str | None:
    folded = key.casefold()
    by_name = {name.casefold(): name for name in known}
    if folded in by_name:
        return by_name[folded]
    parts = set(re.split(r"[_\-\s]+", folded))
    contained = [name for name in known if name in parts or folded.startswith(name) or name.startswith(folded)]
    if contained:
        return max(contained, key=len)
    close = difflib.get_close_matches(folded, list(by_name), n=1, cutoff=0.6)
    return by_name[close[0]] if close else None


@functools.cache
def _fields_at(root: type[BaseModel], pattern: tuple[str, ...]) -> tuple[str, ...]:
    """The field names of the model at a location pattern (list indexes as "[]") under `root`."""
    model: type[BaseModel] | None = root
    for part in pattern:
        if model is None or part == "[]":
            continue
        field = model.model_fields.get(part)
        model = _model_in(field.annotation) if field else None
    return tuple(model.model_fields) if model else ()


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    origin = get_origin(annotation)
    return _model_in(origin) if origin not in (None, annotation) else None


# --- rules that relate fields ------------------------------------------------------------------------

Found = Iterator[tuple[str, str]]


def _timeline_rules(sections: Mapping[str, Any], languages: Collection[str] | None) -> Found:
    timeline: TimelineIntake | None = sections.get("timeline")
    if timeline is None:
        return
    start, end = timeline.start, timeline.end
    if end < start:
        yield "timeline.end", END_BEFORE_START
        return
    if end > _years_after(start, MAX_TIMELINE_YEARS):
        yield "timeline.end", TIMELINE_TOO_LONG.format(years=MAX_TIMELINE_YEARS)
        return
    inside = OUTSIDE_TIMELINE.format(start=start.isoformat(), end=end.isoformat())
    if timeline.launch is not None and not start <= timeline.launch <= end:
        yield "timeline.launch", inside
    for index, key_date in enumerate(timeline.key_dates or ()):
        if not start <= key_date.date <= end:
            yield f"timeline.key_dates[{index}].date", inside


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _offer_rules(sections: Mapping[str, Any], languages: Collection[str] | None) -> Found:
    product: ProductIntake | None = sections.get("product")
    timeline: TimelineIntake | None = sections.get("timeline")
    if product is None or timeline is None or product.offer_expires is None:
        return
    if product.offer_expires < timeline.start:
        yield "product.offer_expires", OFFER_EXPIRES_BEFORE_START.format(start=timeline.start.isoformat())


def _preferred_term_rules(sections: Mapping[str, Any], languages: Collection[str] | None) -> Found:
    brand: BrandIntake | None = sections.get("brand")
    if brand is None or not brand.preferred_terms:
        return
    banned = {term.casefold() for term in brand.banned_terms or ()}
    swaps: dict[str, str] = {}
    for raw_avoid, use in brand.preferred_terms.items():
        path = format_path(("brand", "preferred_terms", raw_avoid))
        avoid = raw_avoid.strip().lower()
        if not avoid:
            yield path, BLANK_TERM
            continue
        if use.casefold() == avoid.casefold():
            continue
        if use.casefold() in banned:
            yield path, REPLACEMENT_IS_BANNED.format(use=use)
            continue
        if swaps.get(avoid, use) != use:
            yield path, CONFLICTING_REPLACEMENT.format(avoid=avoid)
            continue
        swaps[avoid] = use


def _exclusion_rules(sections: Mapping[str, Any], languages: Collection[str] | None) -> Found:
    scope, channels = sections.get("scope"), sections.get("channels")
    if scope is None or not channels:
        return
    for index, exclusion in enumerate(scope.exclusions or ()):
        channel = channel_for(exclusion)
        if channel in channels:
            yield f"scope.exclusions[{index}]", EXCLUDES_PLANNED_CHANNEL.format(channel=channel)


def _language_rules(sections: Mapping[str, Any], languages: Collection[str] | None) -> Found:
    tag = sections.get("language") or DEFAULT_LANGUAGE
    if languages is not None and tag.split("-")[0] not in languages:
        yield "language", LANGUAGE_NOT_WRITTEN.format(tag=tag, languages=", ".join(sorted(languages)))


RULES: tuple[Callable[[Mapping[str, Any], Collection[str] | None], Found], ...] = (
    _timeline_rules,
    _offer_rules,
    _preferred_term_rules,
    _exclusion_rules,
    _language_rules,
)


# --- the domain Brief ----------------------------------------------------------------------------------


def _brief(document: IntakeDocument, *, brief_id: UUID, intake_id: UUID, now: dt.datetime) -> Brief:
    c, p, a, t = document.client, document.product, document.audience, document.timeline
    return Brief(
        id=brief_id,
        intake_id=intake_id,
        client=Client(
            name=c.name,
            website=c.website or "",
            contact_email=c.contact_email or "",
            postal_address=c.postal_address or "",
            industry=c.industry or "",
            phone=c.phone or "",
            timezone=c.timezone or "",
        ),
        product=Product(
            name=p.name,
            description=p.description or "",
            value_propositions=tuple(p.value_propositions or ()),
            proof_points=tuple(p.proof_points or ()),
            offer=p.offer or "",
            url=p.url or "",
            kind=p.kind or "",
            category=p.category or "",
            alternative=p.alternative or "",
            price=p.price or "",
            offer_expires=p.offer_expires,
        ),
        goals=_goals(document),
        audience=Audience(
            description=a.description,
            pains=tuple(a.pains or ()),
            phrases=tuple(a.phrases or ()),
            locations=tuple(a.locations or ()),
            search_terms=tuple(a.search_terms or ()),
            testimonials=tuple(a.testimonials or ()),
        ),
        channels=tuple(document.channels),
        timeline=Timeline(
            start=t.start,
            end=t.end,
            launch=t.launch or t.start,
            key_dates=tuple(
                sorted((KeyDate(date=k.date, label=k.label) for k in t.key_dates or ()), key=lambda k: k.date)
            ),
        ),
        budget=_budget(document),
        brand=_brand(document.brand),
        scope=Scope(
            deliverables=tuple(document.scope.deliverables or ()) if document.scope else (),
            exclusions=tuple(document.scope.exclusions or ()) if document.scope else (),
        ),
        delivery=DeliveryContacts(
            email=(document.delivery.email or "") if document.delivery else "",
            webhook_url=(document.delivery.webhook_url or "") if document.delivery else "",
        ),
        sponsored=bool(document.sponsored),
        language=document.language or DEFAULT_LANGUAGE,
        created_at=now,
        updated_at=now,
    )


def _goals(document: IntakeDocument) -> tuple[Goal, ...]:
    goals: list[Goal] = []
    for item in document.goals:
        goal = Goal(type=item.type, description=item.description, target=item.target, unit=item.unit or "")
        if not any(_same_goal(goal, kept) for kept in goals):
            goals.append(goal)
    return tuple(goals)


def _same_goal(a: Goal, b: Goal) -> bool:
    def key(goal: Goal) -> tuple:
        return goal.type, goal.description.casefold(), goal.target, goal.unit.casefold()

    return key(a) == key(b)


def _budget(document: IntakeDocument) -> Budget:
    budget = document.budget
    if budget is None:
        return Budget()
    currency = budget.currency or (DEFAULT_CURRENCY if budget.amount is not None else "")
    return Budget(amount=budget.amount, currency=currency)


def _brand(brand: BrandIntake | None) -> Brand:
    if brand is None:
        return Brand()
    return Brand(
        tone=brand.tone or "",
        voice_notes=brand.voice_notes or "",
        banned_terms=tuple(brand.banned_terms or ()),
        preferred_terms=_preferred_terms(brand.preferred_terms or {}),
        disclaimers=tuple(brand.disclaimers or ()),
        colors=tuple(brand.colors or ()),
        hashtags=tuple(brand.hashtags or ()),
        substantiated_claims=tuple(brand.substantiated_claims or ()),
        allowed_domains=tuple(brand.allowed_domains or ()),
        max_grade_level=float(brand.max_grade_level) if brand.max_grade_level is not None else None,
        allowed_phrases=tuple(brand.allowed_phrases or ()),
    )


def _preferred_terms(raw: Mapping[str, str]) -> tuple[PreferredTerm, ...]:
    """The avoid -> use map: avoid side lower-cased, no-op swaps dropped, sorted by avoid (rules checked it)."""
    swaps = {}
    for avoid, use in raw.items():
        key = avoid.strip().lower()
        if key and use.casefold() != key.casefold():
            swaps.setdefault(key, use)
    return tuple(PreferredTerm(avoid=avoid, use=swaps[avoid]) for avoid in sorted(swaps))


# --- fingerprint ----------------------------------------------------------------------------------------


def brief_fingerprint(brief: Brief) -> str:
    """sha256 of the brief's content as canonical JSON (sorted keys), ids and timestamps left out."""
    content = to_primitive(brief)
    for key in FINGERPRINT_EXCLUDES:
        content.pop(key, None)
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _with_fingerprint(brief: Brief) -> Brief:
    return dataclasses.replace(brief, fingerprint=brief_fingerprint(brief))


# --- warnings ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeWarning:
    """A legal fact that will limit the output, under its field path."""

    path: str
    message: str


# Where a fact must appear whole, per channel: (field it goes into, characters it may take).
# A search-ad description holds 90 characters; an X post must keep room for its point.
DISCLAIMER_ROOM = {
    "google_ads": ("description", CHANNEL_LIMITS["google_ads"].fields["descriptions"].hard),
    "x": ("post", 180),
}
OFFER_ROOM = {"google_ads": ("description", CHANNEL_LIMITS["google_ads"].fields["descriptions"].hard)}


def intake_warnings(brief: Brief) -> tuple[IntakeWarning, ...]:
    """What a valid brief says that will limit the output: no time zone, facts too long for a channel,
    banned terms inside the brief's own names and proof."""
    warnings: list[IntakeWarning] = []
    if not brief.client.timezone:
        warnings.append(IntakeWarning("client.timezone", NO_TIMEZONE))
    facts = [(f"brand.disclaimers[{i}]", text, DISCLAIMER_ROOM) for i, text in enumerate(brief.brand.disclaimers)]
    if brief.product.offer:
        facts.append(("product.offer", brief.product.offer, OFFER_ROOM))
    for path, text, rooms in facts:
        for channel in brief.channels:
            if channel in rooms and len(text) > rooms[channel][1]:
                field, room = rooms[channel]
                message = TOO_LONG_FOR_CHANNEL.format(
                    length=len(text), field=field, channel=channel_label(channel), room=room
                )
                warnings.append(IntakeWarning(path, message))
    named = [("product.name", brief.product.name), ("client.name", brief.client.name)]
    named += [(f"product.proof_points[{i}]", text) for i, text in enumerate(brief.product.proof_points)]
    for path, text in named:
        for term in _banned_terms_in(text, brief.brand.banned_terms, brief.brand.allowed_phrases):
            warnings.append(IntakeWarning(path, BANNED_TERM_IN_FACT.format(term=term)))
    return tuple(warnings)


def _banned_terms_in(text: str, banned: Collection[str], allowed: Collection[str]) -> list[str]:
    """Banned terms found in `text` as whole words, outside the allowed phrases."""
    for phrase in allowed:
        text = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", " ", text, flags=re.IGNORECASE)
    return [t for t in banned if re.search(rf"(?<!\w){re.escape(t)}(?!\w)", text, flags=re.IGNORECASE)]
