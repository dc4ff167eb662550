"""Search by stems, with typos, synonyms and field weights (docs/directory.md, Search).

The search documents now hold the Snowball stems of their words (French and English), and
``name_words`` becomes ``rank_terms``: what ranking reads of each candidate, every stem marked
with its field (name, taxonomy, description, eligibility) and the codes of its places. It keeps
its place before the long columns, so that SQLite reads it without walking their overflow
pages. A vocabulary table (``SearchTerm``) holds every word and stem, for the correction of
typos. Every row and the vocabulary are rebuilt here with the current indexing code (derived
data).

PostgreSQL: the ``pg_trgm`` extension (a GIN trigram index over the vocabulary's words: the
words close to a mistyped one, for typos) and ``unaccent`` (accent-insensitive search of
taxonomies and organisations) are created; both are trusted extensions, so the database
owner may create them. ``rank_terms`` is
kept in the row (storage ``main``, like the tsvector): ranking reads it for every candidate,
and out of line each would cost a TOAST lookup.

SQLite: changing the column's type makes Django rebuild ``directory_searchentry``, which drops
the full-text triggers of 0002; they are created again and the index rebuilt.
"""

import importlib

from django.db import migrations, models

FULLTEXT = importlib.import_module("arrimage.directory.migrations.0002_fulltext")

POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE INDEX directory_searchterm_trgm ON directory_searchterm "
    "USING gin (term gin_trgm_ops) WHERE kind = 'w'",
    "ALTER TABLE directory_searchentry ALTER COLUMN rank_terms SET STORAGE MAIN",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS directory_searchterm_trgm",
]
SQLITE_UP = [
    "DROP TRIGGER IF EXISTS directory_search_ai",
    "DROP TRIGGER IF EXISTS directory_search_ad",
    "DROP TRIGGER IF EXISTS directory_search_au",
    *FULLTEXT.SQLITE_UP[1:],
    "INSERT INTO directory_search_fts(directory_search_fts) VALUES ('rebuild')",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def rebuild(apps, schema_editor):
    """Every search row and the vocabulary again (rows are derived data)."""
    if not apps.get_model("directory", "SearchEntry").objects.exists():
        return
    from arrimage.directory.indexing import search_entries_rebuild

    search_entries_rebuild()


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_hsds_complete")]

    operations = [
        migrations.RenameField(
            model_name="searchentry", old_name="name_words", new_name="rank_terms"
        ),
        migrations.AlterField(
            model_name="searchentry",
            name="rank_terms",
            field=models.TextField(default=""),
        ),
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(max_length=1)),
                ("term", models.CharField(max_length=100)),
                ("length", models.PositiveSmallIntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["kind", "length"], name="search_term_length")],
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "term"), name="search_term_unique")
                ],
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"postgresql": POSTGRES_DOWN}),
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop),
    ]
