"""Reading sealed columns in tests, to check what was stored. The application opens them only
through a grant (``privacy/sealing.py``); tests look under it with the cipher itself."""

import json
from typing import Any

from django.db import models

from arrimage.core.crypto import open_field


def stored_category(instance: models.Model, category: str) -> dict[str, Any]:
    """The fields of one category as stored in the row's sealed column."""
    column = type(instance).SEALED_COLUMNS[category]  # type: ignore[attr-defined]
    if not getattr(instance, column):
        return {}
    return json.loads(open_field(instance, column))
