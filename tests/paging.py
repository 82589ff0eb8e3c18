"""The paging contract every repository list honours (used by each context's contract tests)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def assert_pages(list_page: Callable[..., list[Any]], count: Callable[[], int], *, size: int = 2) -> list[Any]:
    """Pages of `size` from offset 0 put together are the whole list, in the same order, without a
    repeat; `count` is its length; a page past the end is empty. Returns the whole list."""
    whole = list_page(limit=None, offset=0)
    pages, offset = [], 0
    while True:
        page = list_page(limit=size, offset=offset)
        assert len(page) <= size
        if not page:
            break
        pages.extend(page)
        offset += size
    assert pages == whole
    assert len({getattr(item, "id", None) or id(item) for item in whole}) == len(whole)
    assert count() == len(whole)
    assert list_page(limit=size, offset=len(whole) + 5) == []
    assert list_page(limit=0, offset=0) == []
    return whole
