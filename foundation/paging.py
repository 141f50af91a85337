"""The one cursor-following loop, for APIs without a botocore paginator (Cost Explorer's
NextPageToken, Confluent's `metadata.next`): every page once, and a cursor that repeats
or never ends is refused rather than followed forever."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

Page = TypeVar("Page")
Cursor = TypeVar("Cursor")

MAX_PAGES = 1000


class EndlessPagination(ValueError):
    """The server sent a cursor it had sent before, or more pages than any real answer has."""


def follow_cursor(
    first: Cursor | None,
    fetch: Callable[[Cursor | None], tuple[Page, Cursor | None]],
    *,
    max_pages: int = MAX_PAGES,
) -> Iterator[Page]:
    """Yield `fetch(cursor)`'s pages from `first` until it returns no next cursor."""
    seen: set[Cursor] = set()
    cursor = first
    while True:
        if len(seen) >= max_pages:
            raise EndlessPagination(f"pagination does not end ({max_pages} pages)")
        page, following = fetch(cursor)
        yield page
        if not following:
            return
        if following in seen or following == first:
            raise EndlessPagination("pagination does not end (a cursor came back twice)")
        if cursor is not None:
            seen.add(cursor)
        seen.add(following)
        cursor = following
