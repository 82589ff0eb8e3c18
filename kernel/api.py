"""Shared REST plumbing: the error body and the one place errors become HTTP statuses, pagination,
the size-limited JSON parser, strict input fields and query parameters, throttles, permissions and
routing one URL to one view per method (the views' base class is kernel.endpoints.Endpoint).

Every error the API answers has one shape, whoever raised it (a use case, DRF or Django):

    {"error": {"code": "not_found", "message": "...", "fields": {"goals[0].type": ["..."]}}}

`fields` is present for validation errors only; nested paths are flattened (`a.b[0].c`), and
errors about the body as a whole sit under `$`.

Domain errors map to statuses here and nowhere else:

- ValidationFailed -> 400, with `fields` saying where;
- NotFound -> 404;
- Conflict (DuplicateError, InvalidTransition) -> 409: the request clashes with the current state;
- PermanentStepError -> 409: a workflow step cannot succeed in the current state (QC failed, a scope
  gap), so repeating the same request cannot help until the state changes;
- any other AppError -> 400;
- the database cannot be reached (a restart, a failover) -> 503 with Retry-After: nothing was
  stored (the request's transaction, if any, is rolled back), and the same request can be repeated.
"""

from __future__ import annotations

import enum
import io
import re
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.validators import RegexValidator
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, SimpleRateThrottle, UserRateThrottle

from kernel.errors import AppError, Conflict, NotFound, PermanentStepError, ValidationFailed
from kernel.uow import DATABASE_UNAVAILABLE

if TYPE_CHECKING:
    from rest_framework.views import APIView

# rest_framework.views is imported where it is used: it reads this module's parser and throttle
# classes from REST_FRAMEWORK while it loads, so importing it here would be circular.

VALIDATION_MESSAGE = "The input has errors."
DATABASE_UNAVAILABLE_MESSAGE = "The database cannot be reached right now; nothing was stored. Retry in a few seconds."
DATABASE_RETRY_AFTER_SECONDS = 5
PAYLOAD_TOO_LARGE = "The request body is larger than {limit} bytes."
ROOT_PATH = "$"

# --- the error body -------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable, machine-readable error code (not_found, invalid, ...).")
    message = serializers.CharField(help_text="A human-readable explanation.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation errors only: the messages for each field path, such as `goals[0].type`.",
    )

    class Meta:
        ref_name = "ErrorDetail"


class ErrorBodySerializer(serializers.Serializer):
    error = ErrorSerializer()

    class Meta:
        ref_name = "Error"


ERROR_DESCRIPTIONS = {
    400: "The input has errors (`fields` lists every one by path), or the request was refused.",
    401: "No valid credentials were given (token or session).",
    403: "The user lacks the permission this operation needs.",
    404: "Nothing exists at this id.",
    405: "The method is not allowed here.",
    409: "The request conflicts with the current state (a duplicate, or a state that forbids it).",
    413: "The request body is too large.",
    415: "The request body is not JSON.",
    429: "Too many requests; retry after the time the Retry-After header gives.",
    503: "The database cannot be reached for a moment; nothing was stored. Retry after the Retry-After header.",
}
# Answered by the HTTP server (gunicorn) before the application sees the request, so not in the error body.
URI_TOO_LONG = OpenApiResponse(description="The address with its query is too long (over 4 KB); nothing was done.")


def error_responses(*codes: int, media_type: str | None = None) -> dict[Any, OpenApiResponse]:
    """OpenAPI responses with the error body for `codes`; 400 (query parameters), 401, 403, 429 and 503
    are always included: every operation checks its query, its credentials, a permission and a rate,
    and answers 503 when the database is away. So is 414, which the HTTP server answers (without
    the error body) to an overlong address.

    `media_type` pins the errors to one type (JSON) where the operation's success is another (a zip).
    """
    wanted = sorted({400, 401, 403, 429, 503, *codes})
    responses: dict[Any, OpenApiResponse] = {
        ((code, media_type) if media_type else code): OpenApiResponse(
            ErrorBodySerializer, description=ERROR_DESCRIPTIONS[code]
        )
        for code in wanted
    }
    responses[414] = URI_TOO_LONG
    return responses


def error_body(code: str, message: str, fields: Mapping[str, Sequence[str]] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields is not None:
        error["fields"] = {path: [str(m) for m in messages] for path, messages in fields.items()}
    return {"error": error}


def flatten_errors(detail: Any, path: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {path: [messages]}, with paths like `goals[0].type`."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            if isinstance(key, int):  # a ListField's (or nested list serializer's) item, by index
                for p, msgs in flatten_errors(value, f"{path}[{key}]").items():
                    flat.setdefault(p, []).extend(msgs)
                continue
            key = str(key)
            if key == api_settings.NON_FIELD_ERRORS_KEY:
                child = path or ROOT_PATH
            else:
                child = f"{path}.{key}" if path else key
            for p, msgs in flatten_errors(value, child).items():
                flat.setdefault(p, []).extend(msgs)
    elif isinstance(detail, list) and any(isinstance(item, (Mapping, list)) for item in detail):
        for index, item in enumerate(detail):
            for p, msgs in flatten_errors(item, f"{path}[{index}]").items():
                flat.setdefault(p, []).extend(msgs)
    elif isinstance(detail, list):
        flat.setdefault(path or ROOT_PATH, []).extend(str(m) for m in detail)
    elif detail:
        flat.setdefault(path or ROOT_PATH, []).append(str(detail))
    return flat


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"

    def __init__(self) -> None:
        super().__init__(PAYLOAD_TOO_LARGE.format(limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE))


def app_error_status(exc: AppError) -> int:
    if isinstance(exc, ValidationFailed):
        return status.HTTP_400_BAD_REQUEST
    if isinstance(exc, NotFound):
        return status.HTTP_404_NOT_FOUND
    if isinstance(exc, (Conflict, PermanentStepError)):
        return status.HTTP_409_CONFLICT
    return status.HTTP_400_BAD_REQUEST


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every handled error as the one error body."""
    from rest_framework.views import exception_handler as drf_exception_handler
    from rest_framework.views import set_rollback

    if isinstance(exc, DATABASE_UNAVAILABLE):
        set_rollback()
        return Response(
            error_body("database_unavailable", DATABASE_UNAVAILABLE_MESSAGE),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, AppError):
        set_rollback()
        fields = exc.errors if isinstance(exc, ValidationFailed) else None
        message = VALIDATION_MESSAGE if isinstance(exc, ValidationFailed) else exc.message
        return Response(error_body(exc.code, message, fields), status=app_error_status(exc))
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    # DRF's own handler sets WWW-Authenticate, Retry-After and the rollback; the body is ours.
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("invalid", VALIDATION_MESSAGE, flatten_errors(exc.detail))
    else:
        code = getattr(exc.detail, "code", None) or exc.default_code
        response.data = error_body(str(code), str(exc.detail))
    return response


# --- requests -------------------------------------------------------------------------------------


class SizeLimitedJSONParser(JSONParser):
    """JSON bodies up to DATA_UPLOAD_MAX_MEMORY_SIZE bytes; a larger one is a 413, read no further."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is None or stream is None:
            return super().parse(stream, media_type, parser_context)
        data = stream.read(limit + 1)
        if len(data) > limit:
            raise PayloadTooLarge()
        return super().parse(io.BytesIO(data), media_type, parser_context)


def raw_json_body(request: Request) -> bytes:
    """The request body exactly as sent, once its content type is known to be JSON (else 415)."""
    if request.negotiator.select_parser(request, request.parsers) is None:
        raise exceptions.UnsupportedMediaType(request.content_type)
    return request.body  # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (RequestDataTooBig)


def validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """`data` as `serializer_class` validates it (a 400 with every problem by path otherwise)."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def filters(request: Request, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
    """The list view's validated filters (a 400 with every bad parameter otherwise); the view's other
    query parameters (pagination) were checked with it before the view ran (kernel.endpoints)."""
    given = {name: value for name, value in request.query_params.items() if name in serializer_class().fields}
    return validated(serializer_class, given)


class EnumChoiceField(serializers.ChoiceField):
    """One of a StrEnum's values, validated to the enum member (documented as the plain choices)."""

    def __init__(self, enum_class: type[enum.StrEnum], **kwargs: Any) -> None:
        self.enum_class = enum_class
        super().__init__(choices=[member.value for member in enum_class], **kwargs)

    def to_internal_value(self, data: Any) -> enum.StrEnum:
        return self.enum_class(super().to_internal_value(data))


NO_NUL = RegexValidator(r"^[^\x00]*$", "Null characters are not allowed.")


class StrictCharField(serializers.CharField):
    """A JSON string, and only a string: DRF's CharField would take 123 or true and store "123".

    NUL characters are refused (no database stores them in text), and the schema says so (`pattern`).
    """

    default_error_messages = {"not_a_string": "Must be a string."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(NO_NUL)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false (DRF's BooleanField also takes "yes", 1, "on"...)."""

    default_error_messages = {"not_a_boolean": "Must be true or false."}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("not_a_boolean")
        return data


class StrictUUIDField(serializers.UUIDField):
    """A UUID written as a JSON string (DRF's UUIDField also takes an integer)."""

    default_error_messages = {"not_a_string": "Must be a UUID string."}

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class QueryBooleanField(serializers.BooleanField):
    """A query parameter that is exactly `true` or `false`, as the schema documents it."""

    default_error_messages = {"invalid": 'Must be "true" or "false".'}

    def to_internal_value(self, data: Any) -> bool:
        if data not in ("true", "false"):
            self.fail("invalid")
        return data == "true"


class QueryIntegerField(serializers.IntegerField):
    """A query parameter written as a whole number (`5`, not `5.0` or ` 5`), as the schema documents it."""

    def to_internal_value(self, data: Any) -> int:
        if not (isinstance(data, str) and re.fullmatch(r"-?[0-9]+", data)):
            self.fail("invalid")
        return super().to_internal_value(data)


UNKNOWN_PARAMETER = "Unknown query parameter; this operation takes: {known}."
NO_PARAMETERS = "Unknown query parameter; this operation takes none."
REPEATED_PARAMETER = "Given more than once; give it once."
EMPTY_PARAMETER = "Given without a value; leave it out instead."


def query_parameters(
    request: Request,
    serializer_class: type[serializers.Serializer] | None,
    *,
    paginated: bool = False,
) -> dict[str, Any]:
    """The operation's query parameters, validated: a 400 naming every unknown, repeated or bad one.

    `serializer_class` declares the filters; `paginated` adds `limit` and `offset` (Pagination's range).
    """
    fields: dict[str, serializers.Field] = dict(serializer_class().fields) if serializer_class else {}
    if paginated:
        fields.update(Pagination.query_fields())
    errors: dict[str, list[str]] = {}
    for name in request.query_params:
        if name not in fields:
            known = ", ".join(sorted(fields))
            errors[name] = [UNKNOWN_PARAMETER.format(known=known) if known else NO_PARAMETERS]
        elif len(request.query_params.getlist(name)) > 1:
            errors[name] = [REPEATED_PARAMETER]
        elif request.query_params[name] == "":
            # DRF reads an empty optional parameter as "not given": `?status=` would list everything.
            errors[name] = [EMPTY_PARAMETER]
    if errors:
        raise exceptions.ValidationError(errors)
    # One serializer class for the filters and the pagination together (its fields are copied per use).
    query_serializer = type("QueryParameters", (serializers.Serializer,), dict(fields))
    return validated(query_serializer, request.query_params)


# --- responses ------------------------------------------------------------------------------------


class Pagination(LimitOffsetPagination):
    """`?limit=&offset=`, handed to the service so that the store reads only that page (see `paged_response`).

    Both are validated before the view runs (`query_parameters`): a limit outside 1..200 or an
    offset outside 0..2147483647 is a 400, not silently replaced by the default as DRF would.
    """

    max_limit = 200
    # Beyond any list we hold, and within every database's integers (a bigger one would be a 500).
    max_offset = 2_147_483_647

    @property
    def default_limit(self) -> int:  # read at use, so settings overrides apply
        return api_settings.PAGE_SIZE or 50

    @classmethod
    def query_fields(cls) -> dict[str, serializers.Field]:
        return {
            cls.limit_query_param: QueryIntegerField(min_value=1, max_value=cls.max_limit, required=False),
            cls.offset_query_param: QueryIntegerField(min_value=0, max_value=cls.max_offset, required=False),
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit},
            self.offset_query_param: {"minimum": 0, "maximum": self.max_offset},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


def object_response(
    view: APIView,
    instance: Any,
    serializer_class: type[serializers.BaseSerializer],
    *,
    status_code: int = status.HTTP_200_OK,
    headers: Mapping[str, str] | None = None,
    **context: Any,
) -> Response:
    """`instance` written by `serializer_class`, with the request in the context (as on a list page)."""
    data = serializer_class(instance, context={"request": view.request, **context}).data
    return Response(data, status=status_code, headers=headers)


def page_request(view: APIView) -> dict[str, int]:
    """The page the client asks for, as `limit` and `offset` keyword arguments for a list service."""
    paginator = view.pagination_class()
    return {"limit": paginator.get_limit(view.request), "offset": paginator.get_offset(view.request)}


def paged_response(
    view: APIView,
    items: Sequence[Any],
    total: int,
    serializer_class: type[serializers.BaseSerializer],
    **context: Any,
) -> Response:
    """One page the store read (`page_request` gave its bounds) and the list's total, in the
    paginator's envelope (count, next, previous, results): no list endpoint reads more rows than it shows."""
    paginator = view.pagination_class()
    paginator.request = view.request
    paginator.limit, paginator.offset = paginator.get_limit(view.request), paginator.get_offset(view.request)
    paginator.count = total
    data = serializer_class(items, many=True, context={"request": view.request, **context}).data
    return paginator.get_paginated_response(data)


# --- throttles: counted in the shared cache, one request at a time per key ----------------------------


class _RatesFromSettings:
    """Rates read at each request, so a settings override takes effect at once."""

    @property
    def THROTTLE_RATES(self) -> dict[str, str | None]:
        return api_settings.DEFAULT_THROTTLE_RATES


class LockedRateThrottle(SimpleRateThrottle):
    """DRF's throttle reads a client's request history from the cache and writes it back: two workers
    doing that at once both count from the same history, and requests over the limit get through.
    A short lock in the same cache makes the read and the write one step. `cache.add` is atomic in
    every shared backend (Redis SET NX; a database cache's primary key), so the lock holds across
    processes; a lock left by a dead process expires after LOCK_SECONDS.
    """

    LOCK_SECONDS = 5
    LOCK_POLL_SECONDS = 0.005

    def allow_request(self, request: Request, view: APIView) -> bool:
        key = self.get_cache_key(request, view) if self.rate is not None else None
        if key is None:
            return super().allow_request(request, view)
        lock = f"{key}:lock"
        deadline = time.monotonic() + self.LOCK_SECONDS
        acquired = self.cache.add(lock, 1, self.LOCK_SECONDS)
        while not acquired and time.monotonic() < deadline:
            time.sleep(self.LOCK_POLL_SECONDS)
            acquired = self.cache.add(lock, 1, self.LOCK_SECONDS)
        try:
            return super().allow_request(request, view)
        finally:
            if acquired:
                self.cache.delete(lock)


class AnonThrottle(_RatesFromSettings, AnonRateThrottle, LockedRateThrottle):
    pass


class UserThrottle(_RatesFromSettings, UserRateThrottle, LockedRateThrottle):
    pass


class ScopedThrottle(_RatesFromSettings, ScopedRateThrottle, LockedRateThrottle):
    """Applies only to views that set `throttle_scope` (expensive writes: submitting, starting runs)."""


# --- permissions ----------------------------------------------------------------------------------


MISSING_PERMISSION = "This operation needs the permission {permissions}."
UNDECLARED_PERMISSIONS = "This operation declares no permission, so nobody may use it."


class RequiredPermissions(BasePermission):
    """REST_FRAMEWORK's default: an authenticated user holding every permission the view names.

    A view lists them in `required_permissions` ("app_label.codename", the same ones the admin
    checks); `()` means any authenticated user. A view that names nothing is refused to everyone,
    so a new endpoint is closed until someone decides who may use it.
    """

    message = UNDECLARED_PERMISSIONS

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        required = getattr(view, "required_permissions", None)
        if required is None:
            self.message = UNDECLARED_PERMISSIONS
            return False
        missing = [perm for perm in required if not user.has_perm(perm)]
        if missing:
            self.message = MISSING_PERMISSION.format(permissions=", ".join(missing))
            return False
        return True


# --- routing --------------------------------------------------------------------------------------


def method_routes(name: str, **views: type[APIView]):
    """One URL served by one view per HTTP method (`get=BriefListApi, post=BriefSubmitApi`).

    Each operation keeps its own view class (serializers, permissions, throttles, schema); the
    OpenAPI schema sees each of them through `split_method_routes`. Other methods are a 405 that
    names the allowed ones.
    """
    from rest_framework.views import APIView

    callbacks = {method.upper(): view.as_view() for method, view in views.items()}
    if "GET" in callbacks:
        callbacks.setdefault("HEAD", callbacks["GET"])
    # The other methods answer 405 to any signed-in user: nothing to protect in saying what is allowed.
    others = type(name, (APIView,), {"required_permissions": (), **{m.lower(): _not_routed for m in callbacks}})
    fallback = others.as_view()

    def route(request, *args, **kwargs):
        return callbacks.get(request.method, fallback)(request, *args, **kwargs)

    route.cls = others
    route.initkwargs = {}
    route.csrf_exempt = True  # as DRF's views: SessionAuthentication enforces CSRF itself
    route.callbacks_by_method = callbacks
    return route


def _not_routed(self, request, *args, **kwargs):  # pragma: no cover - method_routes sends these elsewhere
    raise exceptions.MethodNotAllowed(request.method)


def split_method_routes(endpoints: list[tuple]) -> list[tuple]:
    """drf-spectacular PREPROCESSING_HOOKS: document each method of a `method_routes` URL by its own view."""
    return [
        (path, regex, method, getattr(callback, "callbacks_by_method", {}).get(method, callback))
        for path, regex, method, callback in endpoints
    ]
