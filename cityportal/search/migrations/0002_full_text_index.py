"""The full-text index over the analysed terms, in each database's own way.

SQLite: an FTS5 table with external content (the terms are stored once, in search_searchdocument),
kept in step by triggers. Its tokenizer only has to split on spaces: analysis.py made the terms.
PostgreSQL: a stored generated tsvector column (title A, summary B, body and scope D) with a GIN
index. The 'simple' configuration neither stems nor drops words: analysis.py did that already.
"""

from django.db import migrations

TABLE = "search_searchdocument"
COLUMNS = "scope, terms_title, terms_summary, terms_body"

SQLITE = [
    f"CREATE VIRTUAL TABLE search_document_fts USING fts5({COLUMNS}, content='{TABLE}', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER search_document_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO search_document_fts(rowid, {COLUMNS}) "
    "VALUES (new.id, new.scope, new.terms_title, new.terms_summary, new.terms_body); END",
    f"CREATE TRIGGER search_document_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO search_document_fts(search_document_fts, rowid, {COLUMNS}) "
    "VALUES ('delete', old.id, old.scope, old.terms_title, old.terms_summary, old.terms_body); END",
    f"CREATE TRIGGER search_document_au AFTER UPDATE ON {TABLE} BEGIN "
    f"INSERT INTO search_document_fts(search_document_fts, rowid, {COLUMNS}) "
    "VALUES ('delete', old.id, old.scope, old.terms_title, old.terms_summary, old.terms_body); "
    f"INSERT INTO search_document_fts(rowid, {COLUMNS}) "
    "VALUES (new.id, new.scope, new.terms_title, new.terms_summary, new.terms_body); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_document_au",
    "DROP TRIGGER IF EXISTS search_document_ad",
    "DROP TRIGGER IF EXISTS search_document_ai",
    "DROP TABLE IF EXISTS search_document_fts",
]
POSTGRESQL = [
    f"ALTER TABLE {TABLE} ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', terms_title), 'A') || "
    "setweight(to_tsvector('simple', terms_summary), 'B') || "
    "setweight(to_tsvector('simple', terms_body), 'D') || "
    "setweight(to_tsvector('simple', scope), 'D')) STORED",
    f"CREATE INDEX search_document_vector ON {TABLE} USING gin (vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS search_document_vector",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS vector",
]


def run(statements):
    def operation(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
