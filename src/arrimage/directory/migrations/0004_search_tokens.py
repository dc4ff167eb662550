"""Faster search on PostgreSQL, and new tokens in every search document.

The search documents gain near tokens (``xw``: a radius search asks for a few of them instead of
tens of municipalities) and the tokens matching asks for (``xn``: names no status, no form of
exploitation; ``xa``: a free unit or full). Every row was rebuilt here with the indexing
code of the day; migration 0006 now does it (the rows are derived data).

On PostgreSQL the ``tsvector`` is kept in the row (storage ``main``): stored out of line, each
row a query tests costs a TOAST lookup, which made searches that read rows in order (a common
word and a filter) ten times slower; the long ``doc`` and ``summary`` go out of line instead.
The GIN index gets ``fastupdate = off``: availability changes rewrite search rows all day, and
a pending list would be scanned by every search until the next vacuum.
"""

from django.db import migrations

POSTGRES_UP = [
    "ALTER TABLE directory_searchentry ALTER COLUMN doc_tsv SET STORAGE MAIN",
    "ALTER INDEX directory_search_tsv SET (fastupdate = off)",
]
POSTGRES_DOWN = [
    "ALTER INDEX directory_search_tsv RESET (fastupdate)",
    "ALTER TABLE directory_searchentry ALTER COLUMN doc_tsv SET STORAGE EXTENDED",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


def rebuild(apps, schema_editor):
    """Every search row was rebuilt here with the indexing code of the day; migration 0006
    rebuilds them all again (with columns this one does not know yet), so nothing is left to
    do here."""


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_taxonomies")]
    operations = [
        migrations.RunPython(_run(POSTGRES_UP), _run(POSTGRES_DOWN)),
        migrations.RunPython(rebuild, migrations.RunPython.noop),
    ]
