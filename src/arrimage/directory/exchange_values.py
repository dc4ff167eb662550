"""One HSDS field's value converted into a model field's, checked on the way: booleans,
dates and times, whole and decimal numbers, UUIDs, and text within the field's limit and
choices. A refused value raises ``ValueError`` with a translated reason. Nothing here reads
the database."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from arrimage.directory.exchange_kinds import BILINGUAL
from arrimage.directory.models import text_limit

POSITIVE = (
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
)


def as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _datetime(value: Any) -> datetime:
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def field_sources(entity: str, name: str) -> set[str]:
    """The HSDS fields a model field is read from."""
    if name in BILINGUAL.get(entity, {}):
        return {e for pair in BILINGUAL[entity].values() for e in pair if e}
    if entity == "location":
        special = {"is_confidential": {"confidential"}, "municipality_code": {"municipality"}}
        if name in special:
            return special[name]
    if entity == "taxonomy_term" and name == "taxonomy_name":
        return {"taxonomy"}
    return {name}


def source_value(entity: str, name: str, source: dict[str, Any]) -> Any:
    """The value of a model field in an HSDS record, where the names differ."""
    if entity == "location" and name == "is_confidential":
        return source.get("confidential", False)
    if entity == "location" and name == "municipality_code":
        return source.get("municipality", "")
    if entity == "location" and name == "region":
        return None
    if entity == "taxonomy_term" and name == "taxonomy_name":
        return source.get("taxonomy", "")
    return source.get(name)


def value_convert(model_field: models.Field, raw: Any) -> Any:  # type: ignore[type-arg]
    empty = raw is None or raw == ""
    if isinstance(model_field, models.BooleanField):
        if isinstance(raw, bool):
            return raw
        return str(raw).lower() == "true"
    if isinstance(model_field, models.DateTimeField):
        if empty:
            if model_field.null:
                return None
            raise ValueError(_("a date and time is required"))
        return _datetime(raw)
    if isinstance(model_field, models.DateField):
        if empty:
            if model_field.null:
                return None
            raise ValueError(_("a date is required"))
        return date.fromisoformat(str(raw))
    if isinstance(model_field, (models.IntegerField,)):
        if empty:
            if model_field.null:
                return None
            if model_field.has_default():
                return model_field.get_default()
            raise ValueError(_("a number is required"))
        number = float(raw)
        if not number.is_integer() or number < -(2**31) or number > 2**31:
            raise ValueError(_("not a whole number: %(value)s") % {"value": raw})
        if isinstance(model_field, POSITIVE) and number < 0:
            raise ValueError(_("must not be negative"))
        return int(number)
    if isinstance(model_field, models.FloatField):
        if empty:
            return None
        number = float(raw)
        if number != number or abs(number) == float("inf"):
            raise ValueError(_("not a number: %(value)s") % {"value": raw})
        return number
    if isinstance(model_field, models.UUIDField):
        if empty:
            return None
        try:
            return as_uuid(raw)
        except ValueError:
            raise ValueError(_("not a UUID: %(value)s") % {"value": raw}) from None
    text = "" if empty else str(raw)
    limit = text_limit(model_field)
    if len(text) > limit:
        raise ValueError(
            _("longer than %(max)s characters (%(length)s)") % {"max": limit, "length": len(text)}
        )
    if model_field.choices and text and text not in {c[0] for c in model_field.choices}:
        raise ValueError(_("not one of the allowed values: %(value)s") % {"value": text})
    if not text and not model_field.blank:
        raise ValueError(_("this field is required"))
    return text
