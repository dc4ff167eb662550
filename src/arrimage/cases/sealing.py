"""Reading and writing the sealed columns of the case models."""

import base64
import json
from datetime import date
from typing import Any

from django.db import models

from arrimage.core.crypto import open_field, seal_field
from arrimage.privacy.categories import Category


def _default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot seal {type(value).__name__}")


def seal_json(instance: models.Model, column: str, data: dict[str, Any]) -> None:
    setattr(
        instance,
        column,
        seal_field(instance, column, json.dumps(data, default=_default, sort_keys=True)),
    )


def open_json(instance: models.Model, column: str) -> dict[str, Any]:
    if not getattr(instance, column):
        return {}
    return json.loads(open_field(instance, column))


def seal_text(instance: models.Model, column: str, text: str) -> None:
    setattr(instance, column, seal_field(instance, column, text))


def open_text(instance: models.Model, column: str) -> str:
    return open_field(instance, column) if getattr(instance, column) else ""


def seal_bytes(instance: models.Model, column: str, content: bytes) -> None:
    setattr(instance, column, seal_field(instance, column, base64.b64encode(content).decode()))


def open_bytes(instance: models.Model, column: str) -> bytes:
    return base64.b64decode(open_field(instance, column))


def category_data(instance: models.Model, category: Category) -> dict[str, Any]:
    """The fields of one category of a record with per-category sealed columns."""
    column = type(instance).SEALED_COLUMNS[category]  # type: ignore[attr-defined]
    return open_json(instance, column)


def category_write(instance: models.Model, category: Category, data: dict[str, Any]) -> None:
    model = type(instance)
    allowed = {f for f, c in model.FIELD_CATEGORIES.items() if c == category}  # type: ignore[attr-defined]
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"fields {sorted(unknown)} are not in category {category}")
    seal_json(instance, model.SEALED_COLUMNS[category], data)  # type: ignore[attr-defined]
