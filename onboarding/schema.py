"""The intake schema: the one definition of what a client intake may say.

These pydantic models are the single source for three things: validation (with every problem
reported at once under its path, see `onboarding.intake`), the OpenAPI schema of
`POST /api/v1/briefs/` (drf-spectacular reads the models), and the README's field reference
(`onboarding.reference` renders it from the models). Add a field here and all three follow.

Field types carry their own checks (one-line text refuses control characters, numbers refuse
more than 15 digits before the point, dates stay within 2000-2100...) and canonicalise what
they accept (trimmed text, de-duplicated lists, channel aliases resolved). Rules that relate
two fields (a timeline's end after its start, key dates inside it) live in `onboarding.intake`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import phonenumbers
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import DomainNameValidator, URLValidator, validate_email
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict, WithJsonSchema
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import PydanticCustomError

from kernel.channels import CHANNELS, channel_for
from kernel.vocabulary import GOAL_TYPES, PRODUCT_KINDS

# --- Messages (tests import these) -------------------------------------------------------------
REQUIRED = "this field is required"
NOT_A_STRING = "must be a string"
BLANK = "must not be blank"
TOO_LONG = "must be at most {max_length} characters"
NOT_A_LIST = "must be a list"
EMPTY_LIST = "must have at least one item"
NOT_AN_OBJECT = "must be a JSON object"
NOT_A_NUMBER = "must be a number"
NOT_A_BOOLEAN = "must be true or false"
NEGATIVE = "must not be negative"
TOO_MANY_DECIMALS = "must have at most 2 decimal places"
TOO_MANY_DIGITS = "must have at most 15 digits before the decimal point"
TOO_LARGE = "must be less than {limit}"
OUT_OF_RANGE = "must be between {low} and {high}"
BAD_GOAL_TYPE = "must be one of: " + ", ".join(GOAL_TYPES)
BAD_PRODUCT_KIND = "must be one of: " + ", ".join(PRODUCT_KINDS)
UNKNOWN_CHANNEL = "unknown channel {value!r}; use one of: " + ", ".join(CHANNELS)
BAD_DATE = "must be an ISO date like 2027-03-31"
YEAR_OUT_OF_RANGE = "must be a date in the years 2000 to 2100"
BAD_CURRENCY_FORMAT = "must be a 3-letter ISO 4217 currency code such as USD or EUR"
UNKNOWN_CURRENCY = "{code!r} is not an ISO 4217 currency code"
BAD_URL = "must be an absolute http(s) URL"
BAD_EMAIL = "must be a valid e-mail address"
BAD_PHONE = "must be a phone number: E.164 such as +15035550100, or a national number such as (503) 555-0100"
BAD_TIMEZONE = "must be an IANA time zone such as Europe/London or America/Chicago"
BAD_HASHTAG = "must be one word of letters, digits or underscores after '#'"
BAD_DOMAIN = "must be a domain name such as example.com"
BAD_LANGUAGE = "must be a language tag such as en or en-GB"
CONTROL_CHARACTER = "must not contain control characters (such as line breaks, tabs or NUL); found {found}"
NUL_CHARACTER = "must not contain NUL characters"
LONE_SURROGATE = "must not contain unpaired surrogate characters (invalid Unicode)"
INVISIBLE_CHARACTER = "must not contain invisible or text-direction characters; found {found}"

# --- Vocabulary ----------------------------------------------------------------------------------
NAME_MAX_LENGTH = 200  # client and product names are indexed columns of that width
LINE_MAX_LENGTH = 500
TERM_MAX_LENGTH = 120
TEXT_MAX_LENGTH = 5000
MAX_INTEGER_DIGITS = 15
AMOUNT_LIMIT = Decimal(10) ** 12  # budget_amount is DECIMAL(14, 2)
CENT = Decimal("0.01")
GRADE_RANGE = (1, 20)
YEAR_RANGE = (2000, 2100)

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

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_HASHTAG_BODY = re.compile(r"\w+")
_HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
_PHONE_CHARACTERS = re.compile(r"\+?[0-9(][0-9 ()./-]*[0-9]")
# C0 and C1 controls; one-line text refuses all of them, multi-line text keeps line feeds and tabs.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Zero-width characters and bidirectional overrides: invisible, and able to hide a banned term.
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_url_validator = URLValidator(schemes=["http", "https"])
_domain_validator = DomainNameValidator()


def _fail(message: str) -> PydanticCustomError:
    """An error whose message is ours, whatever braces the offending value holds."""
    return PydanticCustomError("aicmo", "{message}", {"message": message})


def _describe(char: str) -> str:
    return f"U+{ord(char):04X}"


# --- text ------------------------------------------------------------------------------------------


def _text_checks(value: Any, *, multiline: bool, max_length: int, strict_chars: bool) -> str:
    if not isinstance(value, str):
        raise _fail(NOT_A_STRING)
    if "\x00" in value:
        raise _fail(NUL_CHARACTER)
    if _SURROGATE.search(value):
        raise _fail(LONE_SURROGATE)
    # Surrounding white space (a trailing line break included) is trimmed; inside, a one-line
    # field keeps no control character at all (a CR LF in a name could split an e-mail header).
    text = value.strip()
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = (_TEXT_CONTROL if multiline else _CONTROL).search(text)
    if control:
        raise _fail(CONTROL_CHARACTER.format(found=_describe(control.group())))
    if strict_chars and (hidden := _INVISIBLE.search(text)):
        raise _fail(INVISIBLE_CHARACTER.format(found=_describe(hidden.group())))
    if len(text) > max_length:
        raise _fail(TOO_LONG.format(max_length=max_length))
    return text


def _text_pattern(*, multiline: bool, strict_chars: bool, required: bool) -> str:
    """The JSON Schema `pattern` saying what `_text_checks` refuses, so the schema and the checks agree:
    NUL and the other control characters (one-line: all; multi-line: all but tab and line breaks),
    invisible characters where they are refused, and, when required, text that is only white space."""
    # Lone surrogates are left out: no UTF-8 body can carry one, and generators drop a pattern naming them.
    refused = (_TEXT_CONTROL if multiline else _CONTROL).pattern[1:-1]
    if strict_chars:
        refused += _INVISIBLE.pattern[1:-1]
    if not required:
        return f"^[^{refused}]*$"
    return f"^[^{refused}]*[^\\s{refused}][^{refused}]*$"


def _text_type(
    *,
    multiline: bool = False,
    max_length: int = LINE_MAX_LENGTH,
    strict_chars: bool = False,
    required: bool = False,
) -> Any:
    """A trimmed string; blank counts as not given (see `_required`), or is an error when `required`."""

    def check(value: Any) -> str:
        return _text_checks(value, multiline=multiline, max_length=max_length, strict_chars=strict_chars)

    pattern = _text_pattern(multiline=multiline, strict_chars=strict_chars, required=required)
    schema = WithJsonSchema({"type": "string", "maxLength": max_length, "pattern": pattern})
    if required:
        return Annotated[str, BeforeValidator(check), AfterValidator(_not_blank), schema]
    return Annotated[str, BeforeValidator(check), schema]


def _not_blank(text: str) -> str:
    if not text:
        raise _fail(BLANK)
    return text


Line = _text_type()
Text = _text_type(multiline=True, max_length=TEXT_MAX_LENGTH)
Name = _text_type(max_length=NAME_MAX_LENGTH, strict_chars=True, required=True)
Term = _text_type(max_length=TERM_MAX_LENGTH, strict_chars=True, required=True)
RequiredLine = _text_type(required=True)
RequiredText = _text_type(multiline=True, max_length=TEXT_MAX_LENGTH, required=True)


def _canonical(check: Callable[[str], str], schema: dict[str, Any]) -> Any:
    """A one-line string that must pass `check` (which returns its canonical spelling)."""

    def validate(value: Any) -> str:
        text = _text_checks(value, multiline=False, max_length=LINE_MAX_LENGTH, strict_chars=True)
        return check(text) if text else text

    return Annotated[str, BeforeValidator(validate), WithJsonSchema({"type": "string", **schema})]


def _django_check(validator: Callable[[str], None], message: str) -> Callable[[str], str]:
    def check(text: str) -> str:
        try:
            validator(text)
        except DjangoValidationError:
            raise _fail(message) from None
        return text

    return check


def _channel(text: str) -> str:
    canonical = channel_for(text)
    if canonical is None:
        raise _fail(UNKNOWN_CHANNEL.format(value=text))
    return canonical


def _hashtag(text: str) -> str:
    body = text.lstrip("#")
    if not _HASHTAG_BODY.fullmatch(body):
        raise _fail(BAD_HASHTAG)
    return f"#{body}"


def _domain(text: str) -> str:
    name = text.lower().rstrip(".")
    try:
        _domain_validator(name)
    except DjangoValidationError:
        raise _fail(BAD_DOMAIN) from None
    return name


def _color(text: str) -> str:
    return text.upper() if _HEX_COLOR.fullmatch(text) else text


def _phone(text: str) -> str:
    """Kept as written; E.164 numbers must be possible numbers, national ones 7 to 15 digits."""
    digits = re.sub(r"\D", "", text)
    if not _PHONE_CHARACTERS.fullmatch(text) or not 7 <= len(digits) <= 15:
        raise _fail(BAD_PHONE)
    if text.startswith("+"):
        try:
            possible = phonenumbers.is_possible_number(phonenumbers.parse(text, None))
        except phonenumbers.NumberParseException:
            possible = False
        if not possible:
            raise _fail(BAD_PHONE)
    return text


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _timezone(text: str) -> str:
    if text not in _zones():
        raise _fail(BAD_TIMEZONE)
    return text


def _language(text: str) -> str:
    if not _LANGUAGE_TAG.fullmatch(text):
        raise _fail(BAD_LANGUAGE)
    primary, *rest = text.split("-")
    # BCP 47 case conventions: language lower, script Title, region upper.
    subtags = [s.upper() if len(s) == 2 else s.title() if len(s) == 4 else s.lower() for s in rest]
    return "-".join([primary.lower(), *subtags])


def _currency(text: str) -> str:
    code = text.upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise _fail(BAD_CURRENCY_FORMAT)
    if code not in ISO_4217_CODES:
        raise _fail(UNKNOWN_CURRENCY.format(code=code))
    return code


def _choice(options: tuple[str, ...], message: str) -> Callable[[str], str]:
    def check(text: str) -> str:
        lowered = text.lower()
        if lowered not in options:
            raise _fail(message)
        return lowered

    return check


Url = _canonical(_django_check(_url_validator, BAD_URL), {"format": "uri", "pattern": "^https?://"})
Email = _canonical(_django_check(validate_email, BAD_EMAIL), {"format": "email"})
Phone = _canonical(_phone, {"pattern": _PHONE_CHARACTERS.pattern})
TimeZone = _canonical(_timezone, {"example": "Europe/London"})
Language = _canonical(_language, {"pattern": "^" + _LANGUAGE_TAG.pattern + "$", "example": "en-GB"})
Currency = _canonical(_currency, {"pattern": "^[A-Za-z]{3}$"})
Channel = _canonical(_channel, {"example": "linkedin"})
Hashtag = _canonical(_hashtag, {"pattern": r"^#?\w+$"})
Domain = _canonical(_domain, {"example": "example.com"})
Color = _canonical(_color, {"example": "#7A4B2A"})


def _any_case(options: tuple[str, ...]) -> dict[str, Any]:
    """A pattern matching any of `options` in any letter case (JSON Schema has no case-insensitive enum)."""
    spelled = ("".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in o) for o in options)
    return {"pattern": "^(?:" + "|".join(spelled) + ")$", "example": options[0]}


GoalType = _canonical(_choice(GOAL_TYPES, BAD_GOAL_TYPE), _any_case(GOAL_TYPES))
ProductKind = _canonical(_choice(PRODUCT_KINDS, BAD_PRODUCT_KIND), _any_case(PRODUCT_KINDS))


# --- lists --------------------------------------------------------------------------------------------


def _dedupe(items: list[str]) -> list[str]:
    """Keep the first of items that differ only in case, in their original order."""
    seen: set[str] = set()
    kept = []
    for item in items:
        if item.casefold() not in seen:
            seen.add(item.casefold())
            kept.append(item)
    return kept


def _items(item: Any, *, required: bool = False) -> Any:
    """A list of non-blank items (blank items are errors), de-duplicated case-insensitively."""
    each = Annotated[item, AfterValidator(_not_blank)]
    if required:
        return Annotated[list[each], Field(min_length=1), AfterValidator(_dedupe)]
    return Annotated[list[each], AfterValidator(_dedupe)]


# --- numbers and dates ----------------------------------------------------------------------------


def _number(value: Any) -> Decimal:
    """A JSON number (never a string or a boolean) with at most 15 digits before the point and 2 after."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise _fail(NOT_A_NUMBER)
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise _fail(NOT_A_NUMBER) from None
    if not number.is_finite():
        raise _fail(NOT_A_NUMBER)
    if number < 0:
        raise _fail(NEGATIVE)
    _sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite, checked above
    if len(digits) + exponent > MAX_INTEGER_DIGITS:
        raise _fail(TOO_MANY_DIGITS)
    if exponent < -2 and number != number.quantize(CENT):
        raise _fail(TOO_MANY_DECIMALS)
    number = number.normalize()
    # One spelling per value: 5E+4, 50000.0 and 50000 all become 50000.
    return number.quantize(Decimal(1)) if number.as_tuple().exponent > 0 else number  # type: ignore[operator]


def _amount(number: Decimal) -> Decimal:
    if number >= AMOUNT_LIMIT:
        raise _fail(TOO_LARGE.format(limit=f"{AMOUNT_LIMIT:,}"))
    return number.quantize(CENT)


def _grade(number: Decimal) -> Decimal:
    if not GRADE_RANGE[0] <= number <= GRADE_RANGE[1]:
        raise _fail(OUT_OF_RANGE.format(low=GRADE_RANGE[0], high=GRADE_RANGE[1]))
    return number


Number = Annotated[Decimal, BeforeValidator(_number), WithJsonSchema({"type": "number", "minimum": 0})]
Amount = Annotated[Number, AfterValidator(_amount)]
GradeLevel = Annotated[
    Decimal,
    BeforeValidator(_number),
    AfterValidator(_grade),
    WithJsonSchema({"type": "number", "minimum": 1, "maximum": 20}),
]


def _date(value: Any) -> dt.date:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        raise _fail(BAD_DATE)
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise _fail(BAD_DATE) from None
    if not YEAR_RANGE[0] <= day.year <= YEAR_RANGE[1]:
        raise _fail(YEAR_OUT_OF_RANGE)
    return day


Date = Annotated[dt.date, BeforeValidator(_date), WithJsonSchema({"type": "string", "format": "date"})]
Flag = Annotated[bool, Strict()]


# --- the intake ---------------------------------------------------------------------------------------


class _Section(BaseModel):
    """Unknown keys are errors; a JSON null means "not given"."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ClientIntake(_Section):
    """Who the work is for."""

    name: Name = Field(description="The client's name, as it should appear in copy.")
    website: Url | None = Field(None, description="The client's website (absolute http(s) URL).")
    contact_email: Email | None = Field(None, description="A public contact e-mail address.")
    postal_address: Text | None = Field(
        None, description="The sender's postal address (required in marketing e-mail footers)."
    )
    industry: Line | None = Field(None, description="The client's industry, in plain words.")
    phone: Phone | None = Field(
        None, description="A phone number: E.164 (+15035550100) or a national number, kept as written."
    )
    timezone: TimeZone | None = Field(
        None,
        description="The client's IANA time zone (Europe/London); posts are scheduled in it. "
        "Without it, times are UTC.",
    )


class ProductIntake(_Section):
    """What is being marketed."""

    name: Name = Field(description="The product, service, venue, event or cause being marketed.")
    description: Text | None = Field(None, description="What it is and does, in a few sentences.")
    value_propositions: _items(RequiredLine) | None = Field(
        None, description="What it does for the audience, one benefit each."
    )
    proof_points: _items(RequiredLine) | None = Field(
        None, description="Facts that back the value propositions (numbers, awards, history)."
    )
    offer: Line | None = Field(None, description="The offer to promote, if any.")
    url: Url | None = Field(None, description="The page copy links to.")
    kind: ProductKind | None = Field(
        None,
        description="One of: "
        + ", ".join(PRODUCT_KINDS)
        + " (any letter case). It decides the verbs copy uses (install, subscribe, order, book, call, "
        "visit, register, donate) and the register (a donor is not a customer).",
    )
    category: Line | None = Field(
        None, description='What it is, in the audience\'s words ("month-end close software").'
    )
    alternative: Line | None = Field(
        None, description='What the audience does today instead ("spreadsheets and chasing clients by e-mail").'
    )
    price: Line | None = Field(None, description='The price as the client states it ("£49 a month per firm").')
    offer_expires: Date | None = Field(None, description="The last day the offer may be promoted (ISO date).")


class GoalIntake(_Section):
    """One marketing goal."""

    type: GoalType = Field(description="One of: " + ", ".join(GOAL_TYPES) + " (any letter case).")
    description: RequiredLine = Field(description="The goal in the client's words.")
    target: Number | None = Field(None, description="The number to reach, if the client set one.")
    unit: Line | None = Field(None, description='What the target counts ("subscriptions", "% engagement rate").')


class AudienceIntake(_Section):
    """Who the copy speaks to."""

    description: RequiredText = Field(description="Who the audience is (a planning note: never published as copy).")
    pains: _items(RequiredLine) | None = Field(None, description="Problems the audience has, one per item.")
    phrases: _items(RequiredLine) | None = Field(
        None, description="Words the audience uses about the problem (never praise)."
    )
    locations: _items(RequiredLine) | None = Field(None, description="Where the audience is.")
    search_terms: _items(Term) | None = Field(
        None, description="Queries the client wants to be found for; they drive search ads and blog keywords."
    )
    testimonials: _items(RequiredLine) | None = Field(None, description="What happy customers say (praise only).")


class KeyDateIntake(_Section):
    """A date the plan must mark (Giving Tuesday, a trade show, a tax-year end)."""

    date: Date = Field(description="The day (ISO date), inside the timeline.")
    label: RequiredLine = Field(description="What happens that day.")


class TimelineIntake(_Section):
    """When the campaign runs."""

    start: Date = Field(description="The first day of the campaign (ISO date, years 2000-2100).")
    end: Date = Field(description="The last day; at most 3 years after the start.")
    launch: Date | None = Field(
        None, description="The day content starts going out (default: the start); inside the timeline."
    )
    key_dates: list[KeyDateIntake] | None = Field(None, description="Dates the plan must mark, inside the timeline.")


class BudgetIntake(_Section):
    """The media budget."""

    amount: Amount | None = Field(None, description="The total budget (at most 2 decimal places).")
    currency: Currency | None = Field(None, description="ISO 4217 code; USD when an amount is given without one.")


class BrandIntake(_Section):
    """How the brand speaks and what it rules out."""

    tone: Line | None = Field(None, description='The brand\'s tone ("warm, neighbourly", "formal", "technical").')
    voice_notes: Text | None = Field(None, description="Notes on the voice, which outrank the defaults.")
    banned_terms: _items(Term) | None = Field(None, description="Words copy must never use.")
    preferred_terms: dict[str, Term] | None = Field(
        None, description="Term to avoid -> term to use instead (the avoid side is matched case-insensitively)."
    )
    disclaimers: _items(RequiredText) | None = Field(None, description="Mandatory disclaimers, reproduced verbatim.")
    colors: _items(Color) | None = Field(
        None, description="Brand colours (#RRGGBB or names), used in client documents."
    )
    hashtags: _items(Hashtag) | None = Field(None, description="The brand's own hashtags (no others are invented).")
    substantiated_claims: _items(RequiredLine) | None = Field(
        None, description="Claims the client can prove, so QC allows them."
    )
    allowed_domains: _items(Domain) | None = Field(None, description="Domains copy may link to.")
    max_grade_level: GradeLevel | None = Field(
        None, description="A reading grade level long copy must not exceed (1-20)."
    )
    allowed_phrases: _items(Term) | None = Field(
        None,
        description="Proper nouns and fixed phrases exempt from banned-term checks "
        '("Small Luxury Hotels of the World" when "luxury" is banned).',
    )


class ScopeIntake(_Section):
    """What the work includes and leaves out."""

    deliverables: _items(RequiredLine) | None = Field(
        None, description='What the client expects to receive ("12 LinkedIn posts").'
    )
    exclusions: _items(RequiredLine) | None = Field(
        None, description="Topics, competitors or channels copy must not mention."
    )


class DeliveryIntake(_Section):
    """Where the finished package goes."""

    email: Email | None = Field(None, description="Who is e-mailed the package.")
    webhook_url: Url | None = Field(None, description="A URL that receives a signed package.delivered event.")


class IntakeDocument(_Section):
    """A client intake: the brief a marketing team works from (see examples/briefs/*.json)."""

    client: ClientIntake = Field(description="Who the work is for.")
    product: ProductIntake = Field(description="What is being marketed.")
    goals: Annotated[list[GoalIntake], Field(min_length=1)] = Field(description="One or more goals.")
    audience: AudienceIntake = Field(description="Who the copy speaks to.")
    channels: _items(Channel, required=True) = Field(
        description="Channels to plan: " + ", ".join(CHANNELS) + ' (aliases such as "Twitter" are accepted).'
    )
    timeline: TimelineIntake = Field(description="When the campaign runs.")
    budget: BudgetIntake | None = Field(None, description="The media budget.")
    brand: BrandIntake | None = Field(None, description="How the brand speaks and what it rules out.")
    scope: ScopeIntake | None = Field(None, description="What the work includes and leaves out.")
    delivery: DeliveryIntake | None = Field(None, description="Where the finished package goes.")
    sponsored: Flag | None = Field(
        None, description='True when the posts are paid partnerships (they get an "Ad" disclosure).'
    )
    language: Language | None = Field(
        None, description="A BCP 47 tag (en-GB, en-US); spelling and date formats follow it. Default: en."
    )


# Our message for each kind of error pydantic itself reports (the others are raised with ours).
BUILTIN_MESSAGES: dict[str, str] = {
    "missing": REQUIRED,
    "string_type": NOT_A_STRING,
    "list_type": NOT_A_LIST,
    "model_type": NOT_AN_OBJECT,
    "model_attributes_type": NOT_AN_OBJECT,
    "dict_type": NOT_AN_OBJECT,
    "bool_type": NOT_A_BOOLEAN,
    "too_short": EMPTY_LIST,
}


class OpenAPI30Schema(GenerateJsonSchema):
    """JSON Schema as OpenAPI 3.0 spells it: an optional field is `nullable`, not `anyOf [..., null]`."""

    def nullable_schema(self, schema: Any) -> JsonSchemaValue:
        inner = self.generate_inner(schema["schema"])
        if "$ref" in inner:
            return {"allOf": [inner], "nullable": True}
        return {**inner, "nullable": True}


def intake_json_schema(
    model: type[BaseModel] = IntakeDocument, *, ref_template: str = "#/components/schemas/{model}"
) -> dict[str, Any]:
    """The OpenAPI 3.0 schema of what `model` accepts (validation mode), sub-models under `$defs`."""
    return model.model_json_schema(mode="validation", ref_template=ref_template, schema_generator=OpenAPI30Schema)
