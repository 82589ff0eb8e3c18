"""The base of every API view: the permissions its operation needs, and its query parameters checked.

Kept apart from kernel.api because rest_framework.views reads kernel.api's classes from
REST_FRAMEWORK while it loads (importing it there would be circular).
"""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.views import APIView

from kernel.api import query_parameters


class Endpoint(APIView):
    """One operation. Subclasses set `required_permissions` (kernel.api.RequiredPermissions refuses a
    view without it) and declare their query parameters in a `QuerySerializer` (lists call theirs
    `FilterSerializer`).

    Before the handler runs, after authentication, permissions and throttles: every query parameter
    must be one the operation takes (those, and `limit`/`offset` when it paginates), given once and
    valid, or the request is a 400 naming each bad one. `self.query` holds the valid values.
    """

    required_permissions: ClassVar[tuple[str, ...]]
    QuerySerializer: ClassVar[type[serializers.Serializer] | None] = None
    FilterSerializer: ClassVar[type[serializers.Serializer] | None] = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        declared = self.QuerySerializer or self.FilterSerializer
        paginated = getattr(self, "pagination_class", None) is not None
        self.query = query_parameters(request, declared, paginated=paginated)
