"""What a locked-out login answers (django-axes' AXES_LOCKOUT_CALLABLE): the API's error body under
/api/, a page in the admin's look elsewhere; 429 with Retry-After either way."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse

from kernel.api import error_body

LOCKED_OUT = "Too many wrong passwords: this account is locked for {minutes} minutes. An administrator can unlock it."
LOCKED_OUT_CODE = "locked_out"
STATUS = 429


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    message = LOCKED_OUT.format(minutes=max(1, seconds // 60))
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(error_body(LOCKED_OUT_CODE, message), status=STATUS)
    else:
        response = TemplateResponse(
            request, "admin/access/locked_out.html", {"message": message, "title": "Account locked"}, status=STATUS
        )
        response.render()
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
