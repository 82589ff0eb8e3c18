"""Every API operation, read from the URL conf: (method, path) with any UUID in the path's parameters.

Generated, not listed, so a new endpoint is in every test that walks this list from the day it exists.
"""

from __future__ import annotations

import re
import uuid

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

ANY = uuid.UUID("00000000-0000-4000-8000-000000000000")
API_PREFIX = "/api/v1/"
METHODS = ("get", "post", "put", "patch", "delete")
# Open without credentials on purpose: this is where a client exchanges a password for a token.
PUBLIC = {("post", "/api/v1/auth/token/")}


def _routes(patterns, prefix: str = "/"):
    for pattern in patterns:
        if not isinstance(pattern.pattern, RoutePattern):
            continue  # regular expressions: the catch-all 404, which serves no operation
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback


def _methods(callback) -> list[str]:
    by_method = getattr(callback, "callbacks_by_method", None)
    if by_method is not None:
        return sorted(m.lower() for m in by_method if m != "HEAD")
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    return [m for m in METHODS if hasattr(view, m)]


def operations() -> list[tuple[str, str]]:
    """(method, path) of every operation under /api/v1/, path parameters filled with ANY."""
    found = []
    for route, callback in _routes(get_resolver().url_patterns):
        if not route.startswith(API_PREFIX):
            continue
        path = re.sub(r"<(?:\w+:)?\w+>", str(ANY), route)
        found += [(method, path) for method in _methods(callback)]
    return sorted(found)


def view_class(method: str, path: str):
    """The view class that serves `method` on `path`."""
    from django.urls import resolve

    callback = resolve(path).func
    by_method = getattr(callback, "callbacks_by_method", None)
    if by_method is not None:
        callback = by_method[method.upper()]
    return callback.view_class
