"""Text columns compared as ``text.normalise`` leaves text (lower-case, no accents, words
separated by one space), in SQL: PostgreSQL's ``unaccent`` extension (created by migration
0006), or on SQLite the same Python function the search uses, registered on every connection
(``sqlite_functions_register``, connected in ``apps.py``)."""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Func

from arrimage.directory.text import normalise

SQLITE_FUNCTION = "arrimage_normalise"


class Normalised(Func):
    """``Normalised("name_fr")``: 'Hébergement d'urgence' -> 'hebergement d urgence'."""

    function = SQLITE_FUNCTION
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template=(
                "btrim(regexp_replace(lower(unaccent(%(expressions)s)), '[^0-9a-z]+', ' ', 'g'))"
            ),
            **extra,
        )


def _normalise_or_none(value: str | None) -> str | None:
    return None if value is None else normalise(str(value))


def sqlite_functions_register(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """On each new SQLite connection (Django's ``connection_created`` signal)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, 1, _normalise_or_none, deterministic=True
        )
