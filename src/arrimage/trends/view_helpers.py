"""What the trends pages share: the acting membership, a form's errors as one sentence, and
an id read from a form."""

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest

from arrimage.core.errors import NotFound


def membership_of(request: HttpRequest) -> Any:
    return request.membership  # type: ignore[attr-defined]


def errors_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def uuid_or_404(value: object) -> UUID:
    try:
        return UUID(str(value))
    except ValueError as error:
        raise NotFound from error
