"""search: the full-text index of posts, thread titles, live sessions and practices

SQLite: external-content FTS5 tables post_fts (post.body), thread_fts
(thread.title), live_session_fts (title, agenda) and practice_fts (title,
summary, body), porter stemming with diacritics folded, kept by triggers,
built from the rows there are. PostgreSQL: GIN indexes on
to_tsvector('english', ...) of the same columns. (The DDL as nic.models.search
makes it as of this revision.)

Revision ID: 0012s
Revises: 0011n
Create Date: 2026-12-02 17:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012s'
down_revision = '0011n'
branch_labels = None
depends_on = None

TOKENIZE = "porter unicode61 remove_diacritics 2"
INDEXED = (
    ("post", "post_fts", ("body",)),
    ("thread", "thread_fts", ("title",)),
    ("live_session", "live_session_fts", ("title", "agenda")),
    ("practice", "practice_fts", ("title", "summary", "body")),
)


def _sqlite_ddl(table, fts, columns):
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    insert = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});"
    delete = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', "
        f"content_rowid='id', tokenize='{TOKENIZE}')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {names} ON {table} BEGIN {delete} {insert} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def _pg_document(columns):
    if len(columns) == 1:
        return columns[0]
    return " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)


def upgrade():
    dialect = op.get_bind().dialect.name
    for table, fts, columns in INDEXED:
        if dialect == "sqlite":
            for statement in _sqlite_ddl(table, fts, columns):
                op.execute(statement)
        elif dialect == "postgresql":
            op.execute(
                f"CREATE INDEX ix_{table}_search ON {table} "
                f"USING gin (to_tsvector('english', {_pg_document(columns)}))"
            )


def downgrade():
    dialect = op.get_bind().dialect.name
    for table, fts, _columns in INDEXED:
        if dialect == "sqlite":
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
        elif dialect == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search")
