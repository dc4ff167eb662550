"""Reading and writing the sealed columns of the case models, through the privacy kernel.

Every read takes the case's grant (:class:`arrimage.cases.access.CaseGrant`, or the kernel's
:class:`arrimage.privacy.grants.Grant`): the kernel opens a column only if the grant covers its
category and its row belongs to the grant's case or person. Writes encrypt for the row.
"""

import base64
import json
from datetime import date
from typing import Any, Protocol

from django.db import models

from arrimage.privacy.categories import Category
from arrimage.privacy.grants import Grant
from arrimage.privacy.sealing import sealed_open, sealed_write


class HasGrant(Protocol):
    @property
    def grant(self) -> Grant: ...


GrantLike = Grant | HasGrant


def _grant(grant: GrantLike) -> Grant:
    return grant if isinstance(grant, Grant) else grant.grant


def _default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot seal {type(value).__name__}")


def seal_json(instance: models.Model, column: str, data: dict[str, Any]) -> None:
    plaintext = json.dumps(data, default=_default, sort_keys=True)
    setattr(instance, column, sealed_write(instance=instance, field=column, plaintext=plaintext))


def open_json(grant: GrantLike, instance: models.Model, column: str) -> dict[str, Any]:
    if not getattr(instance, column):
        return {}
    return json.loads(sealed_open(grant=_grant(grant), instance=instance, field=column))


def seal_text(instance: models.Model, column: str, text: str) -> None:
    setattr(instance, column, sealed_write(instance=instance, field=column, plaintext=text))


def open_text(grant: GrantLike, instance: models.Model, column: str) -> str:
    if not getattr(instance, column):
        return ""
    return sealed_open(grant=_grant(grant), instance=instance, field=column)


def seal_bytes(instance: models.Model, column: str, content: bytes) -> None:
    plaintext = base64.b64encode(content).decode()
    setattr(instance, column, sealed_write(instance=instance, field=column, plaintext=plaintext))


def open_bytes(grant: GrantLike, instance: models.Model, column: str) -> bytes:
    return base64.b64decode(sealed_open(grant=_grant(grant), instance=instance, field=column))


def category_data(grant: GrantLike, instance: models.Model, category: Category) -> dict[str, Any]:
    """The fields of one category of a record with per-category sealed columns."""
    column = type(instance).SEALED_COLUMNS[category]  # type: ignore[attr-defined]
    return open_json(grant, instance, column)


def category_write(instance: models.Model, category: Category, data: dict[str, Any]) -> None:
    model = type(instance)
    allowed = {f for f, c in model.FIELD_CATEGORIES.items() if c == category}  # type: ignore[attr-defined]
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"fields {sorted(unknown)} are not in category {category}")
    seal_json(instance, model.SEALED_COLUMNS[category], data)  # type: ignore[attr-defined]
