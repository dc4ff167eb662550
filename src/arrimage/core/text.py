"""Text from outside, checked where it enters: one rule for the API, the forms and the services.

A text is refused when it holds a lone surrogate (no UTF-8 encoding exists for it: it cannot be
stored, encrypted or rendered), a NUL (PostgreSQL refuses it), any other control character
but tab, line feed and carriage return (a browser sends a textarea's line breaks as CR LF), or a
bidirectional embedding, override or isolate (U+202A to U+202E, U+2066 to U+2069), which
reorders the text on screen so that it reads otherwise than it is written (a spoofing trick;
the left-to-right and right-to-left marks U+200E and U+200F, which reorder nothing, stay).
Every text field has a length limit. The message is translated and names the field.

Three ways in, one rule:

- ``Text(max_length)`` in an ``Annotated[str, Text(...)]`` field of a django-ninja schema: the
  OpenAPI description gets ``maxLength`` and the pattern, and a refused value answers 422;
- ``TextField``, ``EmailField`` and ``URLField`` in a Django form: the error shows beside the
  field;
- ``text_check`` for the services that read ``request.POST`` themselves.

Behind them, ``storable_check`` is the last safety net: the database connections and the field
encryption call it, so a text that slipped past every form still cannot reach a table or a
ciphertext (``UnstorableText``, answered 400, never a 500 and never a poisoned row).
"""

import json
import re
from collections.abc import Callable, Iterable
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django import forms
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.utils.translation import gettext as _
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

# Every control character (Unicode category Cc: C0, DEL and C1) but tab, LF and CR; the
# bidirectional embeddings, overrides and isolates; and the surrogates, which are never valid
# alone in a Python string that came from outside.
REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# The same rule for the OpenAPI description (ECMA-262 syntax; the surrogates cannot be written
# in a pattern that every validator reads the same way, and JSON text cannot carry them encoded
# in UTF-8 anyway: only as \\u escapes, which the server refuses).
PATTERN = (
    "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f"
    "\\u202a-\\u202e\\u2066-\\u2069]*$"
)

# Length limits, by kind of text.
CODE = 64  # a choice or a code: "bed", "coordination", "QC-06"
NAME = 200  # a name, a title, a short line
PARAGRAPH = 2_000  # a description, an address, a reason
NOTE = 10_000  # a case note, a long description

# What can never be stored: a surrogate (no UTF-8 form) or a NUL (PostgreSQL refuses it).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
SURROGATE = re.compile("[\ud800-\udfff]")
# A JSON text holding an escaped NUL or an escaped surrogate (paired or not: decoding tells).
_ESCAPED = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


def character_name(character: str) -> str:
    """``U+0007``: how a message shows a character that cannot be shown itself."""
    return f"U+{ord(character):04X}"


def refused_character(value: str) -> str | None:
    """The first character the rule refuses, or None."""
    match = REFUSED.search(value)
    return match.group() if match else None


def character_message(field: object, character: str) -> str:
    return _("%(field)s contains a character that is not allowed (%(character)s).") % {
        "field": field,
        "character": character_name(character),
    }


def too_long_message(field: object, maximum: int) -> str:
    return _("%(field)s is too long: at most %(maximum)s characters.") % {
        "field": field,
        "maximum": maximum,
    }


def text_check(value: str, *, label: object, max_length: int) -> str:
    """``value`` if the rule accepts it, else ``ValidationError`` with a message naming
    ``label``. Does not strip: the caller decides."""
    character = refused_character(value)
    if character is not None:
        raise ValidationError(character_message(label, character), code="invalid_character")
    if len(value) > max_length:
        raise ValidationError(too_long_message(label, max_length), code="too_long")
    return value


# django-ninja (pydantic) ---------------------------------------------------------------------


class Text:
    """Metadata of ``Annotated[str, Text(200)]``: the rule and a length limit, in the OpenAPI
    description too."""

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.with_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema.update(maxLength=self.max_length, pattern=PATTERN)
        return json_schema

    def _check(self, value: str, info: core_schema.ValidationInfo) -> str:
        character = refused_character(value)
        if character is not None:
            raise PydanticCustomError(
                "text_character",
                "contains a character that is not allowed ({character})",
                {"character": character_name(character)},
            )
        if len(value) > self.max_length:
            raise PydanticCustomError(
                "text_too_long",
                "is too long: at most {max_length} characters",
                {"max_length": self.max_length},
            )
        return value

    def __repr__(self) -> str:
        return f"Text({self.max_length})"


# Django forms --------------------------------------------------------------------------------


def _form_check(field: forms.Field, value: Any) -> Any:
    character = refused_character(value) if isinstance(value, str) else None
    if character is not None:
        raise ValidationError(
            character_message(field.label or _("This field"), character),
            code="invalid_character",
        )
    return value


class TextField(forms.CharField):
    """A ``CharField`` that applies the rule; ``max_length`` is required. The check runs
    before the field's other validators, so the message names the character and the field."""

    def __init__(self, *, max_length: int, **kwargs: Any) -> None:
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value: Any) -> Any:
        return _form_check(self, super().to_python(value))


class EmailField(forms.EmailField):
    """Django's ``EmailField`` (which accepts control characters inside a quoted local part),
    with the rule."""

    def __init__(self, *, max_length: int = 254, **kwargs: Any) -> None:
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value: Any) -> Any:
        return _form_check(self, super().to_python(value))


class URLField(forms.URLField):
    """Django's ``URLField``, with the rule."""

    def __init__(self, *, max_length: int = 200, **kwargs: Any) -> None:
        super().__init__(max_length=max_length, **kwargs)

    def to_python(self, value: Any) -> Any:
        return _form_check(self, super().to_python(value))


CHECKED_FORM_FIELDS = (TextField, EmailField, URLField)


# The last safety net --------------------------------------------------------------------------


class UnstorableText(SuspiciousOperation):
    """A text with a surrogate or a NUL reached the database or the encryption: it would fail
    there or poison every page that reads it. Django answers 400 (the API too)."""


# Parameter types that hold no text: skipped at once.
_PLAIN = (int, float, Decimal, bytes, memoryview, date, time, timedelta, UUID, type(None))


def _nested(item: Any) -> Iterable[Any]:
    if isinstance(item, dict):
        return [*item.keys(), *item.values()]
    if isinstance(item, list | tuple | set | frozenset):
        return item
    if hasattr(item, "obj") and type(item).__module__.startswith("psycopg"):
        return [item.obj]  # psycopg's Jsonb wrapper of a JSONField value
    return ()


def storable_check(value: Any, *, where: str, nul: bool = True) -> None:
    """Raise ``UnstorableText`` if any text in ``value`` (a string, or the lists, tuples and
    dictionaries of a query's parameters or a JSON value) holds a surrogate, or a NUL when
    ``nul`` (a text column of PostgreSQL refuses it; a ciphertext does not care).

    A JSON text (SQLite keeps a JSONField as text, with ``\\u`` escapes) is decoded when it
    holds an escaped NUL or surrogate, so that a lone one is found; a paired one is an emoji."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            _text_storable(item, where=where, nul=nul)
        elif not isinstance(item, _PLAIN):
            stack.extend(_nested(item))


def _text_storable(text: str, *, where: str, nul: bool) -> None:
    if text.isascii():
        if nul and "\x00" in text:
            raise UnstorableText(f"a NUL character reached {where}")
    elif (UNSTORABLE if nul else SURROGATE).search(text):
        raise UnstorableText(f"a surrogate or a NUL character reached {where}")
    if "\\u" in text and _ESCAPED.search(text):
        _json_check(text, where=where, nul=nul)


def _json_check(text: str, *, where: str, nul: bool) -> None:
    try:
        decoded = json.loads(text)
    except ValueError:
        return  # not JSON: a text that shows a backslash and a u, which is fine
    try:
        storable_check(decoded, where=where, nul=nul)
    except UnstorableText:
        raise UnstorableText(f"an escaped surrogate or NUL character reached {where}") from None


def database_guard(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """A database execute wrapper: every query's parameters pass ``storable_check``."""
    if params:
        if many:
            params = list(params)
        storable_check(params, where="the database")
    return execute(sql, params, many, context)


def install_database_guard(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: the guard wraps every query of every connection
    (requests, commands, tasks)."""
    if database_guard not in connection.execute_wrappers:
        connection.execute_wrappers.append(database_guard)
