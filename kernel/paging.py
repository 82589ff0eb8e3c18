"""Paging done by the store: repositories return one page of a list (LIMIT/OFFSET in the database,
a slice of the sorted rows in memory) and count the whole of it apart.

`limit=None` means every row (internal callers that need them all); the API always passes a limit.
"""

from __future__ import annotations

from django.db.models import QuerySet


def page(qs: QuerySet, limit: int | None, offset: int) -> QuerySet:
    """`qs` cut to `limit` rows from `offset` by the database (LIMIT/OFFSET)."""
    if offset < 0 or (limit is not None and limit < 0):
        raise ValueError("limit and offset must not be negative")
    if limit is None:
        return qs[offset:] if offset else qs
    return qs[offset : offset + limit]
