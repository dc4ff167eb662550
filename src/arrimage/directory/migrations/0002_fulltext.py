"""The full-text index over ``SearchEntry.doc``: SQLite FTS5, or a PostgreSQL GIN index.

``doc`` is already lower-case and unaccented (arrimage.directory.text.normalise), so both
engines index plain words: the 'simple' configuration on PostgreSQL, unicode61 on SQLite.
The PostgreSQL vector is stripped of positions (ranking is done on names, in Python), which
keeps rows small enough to stay out of TOAST.

On SQLite the triggers live on ``directory_searchentry``: a later migration that makes Django
rebuild that table (SQLite's way of altering some columns) drops them, and must create them
again (``SQLITE_UP[1:]``) and rebuild the index
(``INSERT INTO directory_search_fts(directory_search_fts) VALUES ('rebuild')``).
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE directory_search_fts USING fts5("
    "doc, content='directory_searchentry', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3 4')",
    "CREATE TRIGGER directory_search_ai AFTER INSERT ON directory_searchentry BEGIN "
    "INSERT INTO directory_search_fts(rowid, doc) VALUES (new.id, new.doc); END",
    "CREATE TRIGGER directory_search_ad AFTER DELETE ON directory_searchentry BEGIN "
    "INSERT INTO directory_search_fts(directory_search_fts, rowid, doc) "
    "VALUES ('delete', old.id, old.doc); END",
    "CREATE TRIGGER directory_search_au AFTER UPDATE OF doc ON directory_searchentry BEGIN "
    "INSERT INTO directory_search_fts(directory_search_fts, rowid, doc) "
    "VALUES ('delete', old.id, old.doc); "
    "INSERT INTO directory_search_fts(rowid, doc) VALUES (new.id, new.doc); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS directory_search_au",
    "DROP TRIGGER IF EXISTS directory_search_ad",
    "DROP TRIGGER IF EXISTS directory_search_ai",
    "DROP TABLE IF EXISTS directory_search_fts",
]
POSTGRES_UP = [
    "ALTER TABLE directory_searchentry ADD COLUMN doc_tsv tsvector "
    "GENERATED ALWAYS AS (strip(to_tsvector('simple'::regconfig, doc))) STORED",
    "CREATE INDEX directory_search_tsv ON directory_searchentry USING gin (doc_tsv)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS directory_search_tsv",
    "ALTER TABLE directory_searchentry DROP COLUMN IF EXISTS doc_tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
