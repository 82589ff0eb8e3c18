"""Intake normalization: one JSON intake in, a validated, canonical Brief out (pure; no ORM).

Every problem is collected with its field path and raised at once as `ValidationFailed`, so a
client fixes its intake in one round trip.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.validators import DomainNameValidator, URLValidator, validate_email

from kernel.channels import channel_for
from kernel.codec import to_primitive
from kernel.errors import ValidationFailed
from onboarding.domain import (
    CHANNELS,
    GOAL_TYPES,
    Audience,
    Brand,
    Brief,
    Budget,
    Client,
    DeliveryContacts,
    Goal,
    PreferredTerm,
    Product,
    Scope,
    Timeline,
)

# --- Messages (tests import these) -------------------------------------------------------------
NOT_JSON = "not valid JSON: {detail}"
NOT_UTF8 = "not valid UTF-8: {detail}"
NOT_AN_OBJECT = "must be a JSON object"
UNKNOWN_FIELD = "unknown field"
REQUIRED = "this field is required"
NOT_A_STRING = "must be a string"
BLANK = "must not be blank"
TOO_LONG = "must be at most {max_length} characters"
NOT_A_LIST = "must be a list"
EMPTY_LIST = "must have at least one item"
NOT_A_NUMBER = "must be a number"
NOT_A_BOOLEAN = "must be true or false"
NEGATIVE = "must not be negative"
TOO_MANY_DECIMALS = "must have at most 2 decimal places"
TOO_LARGE = "must be less than {limit}"
OUT_OF_RANGE = "must be between {low} and {high}"
BAD_GOAL_TYPE = "must be one of: " + ", ".join(GOAL_TYPES)
UNKNOWN_CHANNEL = "unknown channel {value!r}; use one of: " + ", ".join(CHANNELS)
BAD_DATE = "must be an ISO date like 2027-03-31"
END_BEFORE_START = "must not be before timeline.start"
BAD_CURRENCY_FORMAT = "must be a 3-letter ISO 4217 currency code such as USD or EUR"
UNKNOWN_CURRENCY = "{code!r} is not an ISO 4217 currency code"
BAD_URL = "must be an absolute http(s) URL"
BAD_EMAIL = "must be a valid e-mail address"
BAD_HASHTAG = "must be one word of letters, digits or underscores after '#'"
BAD_DOMAIN = "must be a domain name such as example.com"
BAD_LANGUAGE = "must be a language tag such as en or en-GB"
BLANK_TERM = "the term to avoid must not be blank"
CONFLICTING_REPLACEMENT = "{avoid!r} is given two different replacements"
REPLACEMENT_IS_BANNED = "the replacement {use!r} is a banned term"
EXCLUDES_PLANNED_CHANNEL = "excludes {channel!r}, which is one of the brief's channels"

# --- Vocabulary ----------------------------------------------------------------------------------
NAME_MAX_LENGTH = 200  # client and product names are indexed columns of that width
AMOUNT_LIMIT = Decimal(10) ** 12  # budget_amount is DECIMAL(14, 2)
CENT = Decimal("0.01")
GRADE_RANGE = (1, 20)

# ISO 4217 currencies in circulation (fund codes, precious metals and test codes left out).
ISO_4217_CODES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
    BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
    KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
    MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
    SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS
    UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    """.split()  # noqa: SIM905 (a table of codes reads better than 150 quoted strings)
)
DEFAULT_CURRENCY = "USD"
DEFAULT_LANGUAGE = "en"

# The fields an intake may carry, per object; anything else is reported, never dropped.
FIELDS: dict[str, frozenset[str]] = {
    "$": frozenset(
        {"client", "product", "goals", "audience", "channels", "timeline", "budget", "brand", "scope", "delivery"}
        | {"sponsored", "language"}
    ),
    "client": frozenset({"name", "website", "contact_email", "postal_address", "industry"}),
    "product": frozenset({"name", "description", "value_propositions", "proof_points", "offer", "url"}),
    "goal": frozenset({"type", "description", "target", "unit"}),
    "audience": frozenset({"description", "pains", "phrases", "locations"}),
    "timeline": frozenset({"start", "end"}),
    "budget": frozenset({"amount", "currency"}),
    "brand": frozenset(
        {"tone", "voice_notes", "banned_terms", "preferred_terms", "disclaimers", "colors", "hashtags"}
        | {"substantiated_claims", "allowed_domains", "max_grade_level"}
    ),
    "scope": frozenset({"deliverables", "exclusions"}),
    "delivery": frozenset({"email", "webhook_url"}),
}

# Left out of the fingerprint: identity, bookkeeping and state, not content.
FINGERPRINT_EXCLUDES = ("id", "intake_id", "status", "fingerprint", "created_at", "updated_at")

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HASHTAG_BODY = re.compile(r"\w+")
_HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
_url_validator = URLValidator(schemes=["http", "https"])
_domain_validator = DomainNameValidator()


class _DuplicateKey(ValueError):
    pass


def parse_intake_text(raw: str | bytes) -> object:
    """Parse intake text as strict JSON: UTF-8, no NaN or Infinity, no repeated keys."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationFailed({"$": [NOT_UTF8.format(detail=exc.reason)]})
    try:
        return json.loads(
            raw.removeprefix("\ufeff"),
            parse_float=Decimal,
            parse_constant=_reject_constant,
            object_pairs_hook=_object_without_repeats,
        )
    except json.JSONDecodeError as exc:
        detail = f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
    except (_DuplicateKey, RecursionError) as exc:
        detail = str(exc) or "nested too deeply"
    raise ValidationFailed({"$": [NOT_JSON.format(detail=detail)]})


def _reject_constant(name: str) -> object:
    raise json.JSONDecodeError(f"{name} is not a JSON number", name, 0)


def _object_without_repeats(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def normalize_intake(payload: object, *, brief_id: UUID, intake_id: UUID, now: dt.datetime) -> Brief:
    """Validate a parsed intake as a whole and return its canonical Brief (with fingerprint)."""
    r = _Reader()
    if not isinstance(payload, Mapping):
        raise ValidationFailed({"$": [NOT_AN_OBJECT]})
    root = r.section(payload, "$", "$", required=True)

    client = r.client(root)
    product = r.product(root)
    goals = r.goals(root)
    audience = r.audience(root)
    channels = r.strings(root, "channels", "$", required=True, each=r.channel)
    timeline = r.timeline(root)
    budget = r.budget(root)
    brand = r.brand(root)
    scope = r.scope(root, channels=channels)
    delivery = r.delivery(root)
    sponsored = r.boolean(root, "sponsored", "$")
    language = r.language(root)
    if r.errors:
        raise ValidationFailed(r.errors)

    brief = Brief(
        id=brief_id,
        intake_id=intake_id,
        client=client,
        product=product,
        goals=goals,
        audience=audience,
        channels=channels,
        timeline=timeline,
        budget=budget,
        brand=brand,
        scope=scope,
        delivery=delivery,
        sponsored=sponsored,
        language=language,
        created_at=now,
        updated_at=now,
    )
    return _with_fingerprint(brief)


def brief_fingerprint(brief: Brief) -> str:
    """sha256 of the brief's content as canonical JSON (sorted keys), ids and timestamps left out."""
    content = to_primitive(brief)
    for key in FINGERPRINT_EXCLUDES:
        content.pop(key, None)
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _with_fingerprint(brief: Brief) -> Brief:
    return dataclasses.replace(brief, fingerprint=brief_fingerprint(brief))


def _at(path: str, key: str) -> str:
    return key if path == "$" else f"{path}.{key}"


def _dedupe(items: list[str]) -> tuple[str, ...]:
    """Keep the first of items that differ only in case, in their original order."""
    seen: set[str] = set()
    kept = []
    for item in items:
        if item.casefold() not in seen:
            seen.add(item.casefold())
            kept.append(item)
    return tuple(kept)


def _canonical_decimal(number: Decimal) -> Decimal:
    """One spelling per value: 5E+4, 50000.0 and 50000 all become 50000."""
    number = number.normalize()
    return number.quantize(Decimal(1)) if number.as_tuple().exponent > 0 else number


def _mentions(text: str, term: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text, flags=re.IGNORECASE) is not None


class _Reader:
    """Reads one intake, collecting every problem under its path instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    # --- generic readers ------------------------------------------------------------------

    def section(self, value: object, path: str, kind: str, *, required: bool) -> Mapping | None:
        """An object with known fields: None when missing (optional: {}) or not an object."""
        if value is None:
            if required:
                self.fail(path, REQUIRED)
                return None
            return {}
        if not isinstance(value, Mapping):
            self.fail(path, NOT_AN_OBJECT)
            return None
        for key in value:
            if key not in FIELDS[kind]:
                self.fail(_at(path, str(key)), UNKNOWN_FIELD)
        return value

    def child(self, data: Mapping, key: str, path: str, *, required: bool = False) -> Mapping | None:
        return self.section(data.get(key), _at(path, key), key, required=required)

    def text(self, data: Mapping, key: str, path: str, *, required: bool = False, max_length: int | None = None) -> str:
        here = _at(path, key)
        value = data.get(key)
        if value is None:
            if required:
                self.fail(here, REQUIRED)
            return ""
        return self._text_value(value, here, required=required, max_length=max_length)

    def _text_value(self, value: object, here: str, *, required: bool, max_length: int | None = None) -> str:
        if not isinstance(value, str):
            self.fail(here, NOT_A_STRING)
            return ""
        text = value.strip()
        if required and not text:
            self.fail(here, BLANK)
            return ""
        if max_length is not None and len(text) > max_length:
            self.fail(here, TOO_LONG.format(max_length=max_length))
            return ""
        return text

    def strings(
        self,
        data: Mapping,
        key: str,
        path: str,
        *,
        required: bool = False,
        each: Callable[[str, str], str | None] | None = None,
    ) -> tuple[str, ...]:
        """A list of non-blank strings, trimmed, canonicalized by `each`, de-duplicated."""
        here = _at(path, key)
        value = data.get(key)
        if value is None:
            if required:
                self.fail(here, REQUIRED)
            return ()
        if not isinstance(value, list):
            self.fail(here, NOT_A_LIST)
            return ()
        if required and not value:
            self.fail(here, EMPTY_LIST)
            return ()
        items = []
        for index, item in enumerate(value):
            item_path = f"{here}[{index}]"
            text = self._text_value(item, item_path, required=True)
            if text and each is not None:
                text = each(text, item_path) or ""
            if text:
                items.append(text)
        return _dedupe(items)

    def number(self, data: Mapping, key: str, path: str) -> Decimal | None:
        here = _at(path, key)
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            self.fail(here, NOT_A_NUMBER)
            return None
        try:
            number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            self.fail(here, NOT_A_NUMBER)
            return None
        if number < 0:
            self.fail(here, NEGATIVE)
            return None
        return number

    def boolean(self, data: Mapping, key: str, path: str) -> bool:
        value = data.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(_at(path, key), NOT_A_BOOLEAN)
            return False
        return value

    def email(self, data: Mapping, key: str, path: str) -> str:
        return self._validated_text(data, key, path, validate_email, BAD_EMAIL)

    def url(self, data: Mapping, key: str, path: str) -> str:
        return self._validated_text(data, key, path, _url_validator, BAD_URL)

    def _validated_text(
        self, data: Mapping, key: str, path: str, validator: Callable[[str], None], message: str
    ) -> str:
        """An optional text that, when given, must pass a Django validator ("" and `message` when not)."""
        text = self.text(data, key, path)
        if text:
            try:
                validator(text)
            except ValidationError:
                self.fail(_at(path, key), message)
                return ""
        return text

    def date(self, data: Mapping, key: str, path: str) -> dt.date | None:
        here = _at(path, key)
        value = data.get(key)
        if value is None:
            self.fail(here, REQUIRED)
            return None
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
            self.fail(here, BAD_DATE)
            return None
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            self.fail(here, BAD_DATE)
            return None

    # --- item canonicalizers (for `strings(each=...)`) -----------------------------------------

    def channel(self, text: str, path: str) -> str | None:
        canonical = channel_for(text)
        if canonical is None:
            self.fail(path, UNKNOWN_CHANNEL.format(value=text))
        return canonical

    def hashtag(self, text: str, path: str) -> str | None:
        body = text.lstrip("#")
        if not _HASHTAG_BODY.fullmatch(body):
            self.fail(path, BAD_HASHTAG)
            return None
        return f"#{body}"

    def domain(self, text: str, path: str) -> str | None:
        name = text.lower().rstrip(".")
        try:
            _domain_validator(name)
        except ValidationError:
            self.fail(path, BAD_DOMAIN)
            return None
        return name

    @staticmethod
    def color(text: str, path: str) -> str:
        return text.upper() if _HEX_COLOR.fullmatch(text) else text

    # --- sections -----------------------------------------------------------------------------

    def client(self, root: Mapping) -> Client | None:
        data = self.child(root, "client", "$", required=True)
        if data is None:
            return None
        return Client(
            name=self.text(data, "name", "client", required=True, max_length=NAME_MAX_LENGTH),
            website=self.url(data, "website", "client"),
            contact_email=self.email(data, "contact_email", "client"),
            postal_address=self.text(data, "postal_address", "client"),
            industry=self.text(data, "industry", "client"),
        )

    def product(self, root: Mapping) -> Product | None:
        data = self.child(root, "product", "$", required=True)
        if data is None:
            return None
        return Product(
            name=self.text(data, "name", "product", required=True, max_length=NAME_MAX_LENGTH),
            description=self.text(data, "description", "product"),
            value_propositions=self.strings(data, "value_propositions", "product"),
            proof_points=self.strings(data, "proof_points", "product"),
            offer=self.text(data, "offer", "product"),
            url=self.url(data, "url", "product"),
        )

    def goals(self, root: Mapping) -> tuple[Goal, ...]:
        value = root.get("goals")
        if value is None:
            self.fail("goals", REQUIRED)
            return ()
        if not isinstance(value, list):
            self.fail("goals", NOT_A_LIST)
            return ()
        if not value:
            self.fail("goals", EMPTY_LIST)
            return ()
        goals: list[Goal] = []
        for index, item in enumerate(value):
            path = f"goals[{index}]"
            data = self.section(item, path, "goal", required=True)
            if data is None:
                continue
            goal = Goal(
                type=self.goal_type(data, path),
                description=self.text(data, "description", path, required=True),
                target=self.goal_target(data, path),
                unit=self.text(data, "unit", path),
            )
            if not any(_same_goal(goal, kept) for kept in goals):
                goals.append(goal)
        return tuple(goals)

    def goal_target(self, data: Mapping, path: str) -> Decimal | None:
        target = self.number(data, "target", path)
        return _canonical_decimal(target) if target is not None else None

    def goal_type(self, data: Mapping, path: str) -> str:
        kind = self.text(data, "type", path, required=True).lower()
        if kind and kind not in GOAL_TYPES:
            self.fail(_at(path, "type"), BAD_GOAL_TYPE)
            return ""
        return kind

    def audience(self, root: Mapping) -> Audience | None:
        data = self.child(root, "audience", "$", required=True)
        if data is None:
            return None
        return Audience(
            description=self.text(data, "description", "audience", required=True),
            pains=self.strings(data, "pains", "audience"),
            phrases=self.strings(data, "phrases", "audience"),
            locations=self.strings(data, "locations", "audience"),
        )

    def timeline(self, root: Mapping) -> Timeline | None:
        data = self.child(root, "timeline", "$", required=True)
        if data is None:
            return None
        start = self.date(data, "start", "timeline")
        end = self.date(data, "end", "timeline")
        if start is None or end is None:
            return None
        if end < start:
            self.fail("timeline.end", END_BEFORE_START)
            return None
        return Timeline(start=start, end=end)

    def budget(self, root: Mapping) -> Budget:
        data = self.child(root, "budget", "$") or {}
        amount = self.number(data, "amount", "budget")
        if amount is not None:
            if amount >= AMOUNT_LIMIT:
                self.fail("budget.amount", TOO_LARGE.format(limit=f"{AMOUNT_LIMIT:,}"))
                amount = None
            elif amount != amount.quantize(CENT):
                self.fail("budget.amount", TOO_MANY_DECIMALS)
                amount = None
            else:
                amount = amount.quantize(CENT)
        currency = self.currency(data)
        if amount is not None and not currency and "budget.currency" not in self.errors:
            currency = DEFAULT_CURRENCY
        return Budget(amount=amount, currency=currency)

    def currency(self, data: Mapping) -> str:
        code = self.text(data, "currency", "budget").upper()
        if not code:
            return ""
        if not re.fullmatch(r"[A-Z]{3}", code):
            self.fail("budget.currency", BAD_CURRENCY_FORMAT)
            return ""
        if code not in ISO_4217_CODES:
            self.fail("budget.currency", UNKNOWN_CURRENCY.format(code=code))
            return ""
        return code

    def brand(self, root: Mapping) -> Brand:
        data = self.child(root, "brand", "$") or {}

        # A banned term that the brand's own names need is accepted here: QC reports it on every
        # asset that names the product (terms.banned, critical), where the operator sees why.
        banned = self.strings(data, "banned_terms", "brand")
        grade = self.number(data, "max_grade_level", "brand")
        if grade is not None and not GRADE_RANGE[0] <= grade <= GRADE_RANGE[1]:
            self.fail("brand.max_grade_level", OUT_OF_RANGE.format(low=GRADE_RANGE[0], high=GRADE_RANGE[1]))
            grade = None
        return Brand(
            tone=self.text(data, "tone", "brand"),
            voice_notes=self.text(data, "voice_notes", "brand"),
            banned_terms=banned,
            preferred_terms=self.preferred_terms(data, banned),
            disclaimers=self.strings(data, "disclaimers", "brand"),
            colors=self.strings(data, "colors", "brand", each=self.color),
            hashtags=self.strings(data, "hashtags", "brand", each=self.hashtag),
            substantiated_claims=self.strings(data, "substantiated_claims", "brand"),
            allowed_domains=self.strings(data, "allowed_domains", "brand", each=self.domain),
            max_grade_level=float(grade) if grade is not None else None,
        )

    def preferred_terms(self, data: Mapping, banned: tuple[str, ...]) -> tuple[PreferredTerm, ...]:
        """The avoid -> use map: avoid side lower-cased, no-op swaps dropped, sorted by avoid."""
        value = data.get("preferred_terms")
        if value is None:
            return ()
        if not isinstance(value, Mapping):
            self.fail("brand.preferred_terms", NOT_AN_OBJECT)
            return ()
        swaps: dict[str, str] = {}
        banned_folded = {term.casefold() for term in banned}
        for raw_avoid, raw_use in value.items():
            path = f"brand.preferred_terms[{json.dumps(str(raw_avoid), ensure_ascii=False)}]"
            avoid = str(raw_avoid).strip().lower()
            use = self._text_value(raw_use, path, required=True)
            if not avoid:
                self.fail(path, BLANK_TERM)
                continue
            if not use or use.casefold() == avoid.casefold():
                continue
            if use.casefold() in banned_folded:
                self.fail(path, REPLACEMENT_IS_BANNED.format(use=use))
                continue
            if swaps.get(avoid, use) != use:
                self.fail(path, CONFLICTING_REPLACEMENT.format(avoid=avoid))
                continue
            swaps[avoid] = use
        return tuple(PreferredTerm(avoid=avoid, use=swaps[avoid]) for avoid in sorted(swaps))

    def scope(self, root: Mapping, *, channels: tuple[str, ...]) -> Scope:
        data = self.child(root, "scope", "$") or {}

        def not_a_planned_channel(text: str, path: str) -> str | None:
            channel = channel_for(text)
            if channel in channels:
                self.fail(path, EXCLUDES_PLANNED_CHANNEL.format(channel=channel))
                return None
            return text

        return Scope(
            deliverables=self.strings(data, "deliverables", "scope"),
            exclusions=self.strings(data, "exclusions", "scope", each=not_a_planned_channel),
        )

    def delivery(self, root: Mapping) -> DeliveryContacts:
        data = self.child(root, "delivery", "$") or {}
        return DeliveryContacts(
            email=self.email(data, "email", "delivery"),
            webhook_url=self.url(data, "webhook_url", "delivery"),
        )

    def language(self, root: Mapping) -> str:
        tag = self.text(root, "language", "$")
        if not tag:
            return DEFAULT_LANGUAGE
        if not _LANGUAGE_TAG.fullmatch(tag):
            self.fail("language", BAD_LANGUAGE)
            return DEFAULT_LANGUAGE
        primary, *rest = tag.split("-")
        # BCP 47 case conventions: language lower, script Title, region upper.
        subtags = [s.upper() if len(s) == 2 else s.title() if len(s) == 4 else s.lower() for s in rest]
        return "-".join([primary.lower(), *subtags])


def _same_goal(a: Goal, b: Goal) -> bool:
    return (a.type, a.description.casefold(), a.target, a.unit.casefold()) == (
        b.type,
        b.description.casefold(),
        b.target,
        b.unit.casefold(),
    )
