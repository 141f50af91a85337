import pytest

from foundation.paging import EndlessPagination, follow_cursor


def pages_from(links):
    """A fake API: each cursor names its page and the next cursor."""
    return lambda cursor: (f"page:{cursor}", links.get(cursor))


def test_every_page_once_in_order():
    fetch = pages_from({None: "b", "b": "c", "c": None})
    assert list(follow_cursor(None, fetch)) == ["page:None", "page:b", "page:c"]


def test_a_first_cursor_is_followed_from():
    fetch = pages_from({"a": "b", "b": None})
    assert list(follow_cursor("a", fetch)) == ["page:a", "page:b"]


@pytest.mark.parametrize("links", [{None: "b", "b": "b"}, {None: "b", "b": "c", "c": "b"}, {"a": "b", "b": "a"}])
def test_a_cursor_that_comes_back_is_refused(links):
    first = "a" if "a" in links else None
    with pytest.raises(EndlessPagination):
        list(follow_cursor(first, pages_from(links)))


def test_more_pages_than_the_bound_is_refused():
    with pytest.raises(EndlessPagination):
        list(follow_cursor(0, lambda n: (n, n + 1), max_pages=5))
