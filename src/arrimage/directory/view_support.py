"""What the directory's pages share: the reader's membership, or None for the public."""

from typing import Any

from django.http import HttpRequest


def request_membership(request: HttpRequest) -> Any:
    return getattr(request, "membership", None)
