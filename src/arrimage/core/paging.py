"""One page-number parser for every paginated list.

A page number comes from a query string or an API parameter a person can type anything into:
missing, not a number, zero, negative, or 400000000000000000. None of it may fail a request or
reach the database as an offset past what it can count. ``page_number`` reads it: 1 for
anything that is not a whole number of at least 1, and at most ``MAX_PAGE`` (a list that long
is searched, not paged through).
"""

from typing import Any

MAX_PAGE = 10_000
# More digits than MAX_PAGE has is past it: no need to convert (nor to parse a huge string).
_DIGITS = len(str(MAX_PAGE))


def page_number(raw: Any, *, maximum: int = MAX_PAGE) -> int:
    """The page asked for, between 1 and ``maximum``."""
    if isinstance(raw, bool):
        return 1
    if isinstance(raw, int):
        return min(max(raw, 1), maximum)
    text = str(raw if raw is not None else "").strip()
    if not text.isdigit() or not text.isascii():
        return 1
    if len(text.lstrip("0")) > _DIGITS:
        return maximum
    return min(max(int(text), 1), maximum)
