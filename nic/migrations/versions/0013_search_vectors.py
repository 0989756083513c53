"""search vectors: PostgreSQL stores each indexed row's tsvector

PostgreSQL: every indexed table (post, thread, live_session, practice) gets a
stored generated column search_vector = to_tsvector('english', <its columns>)
with a GIN index ix_<table>_search in place of 0012's expression index, so
ranking reads the stored vector instead of parsing every matching row again.
SQLite (FTS5) is unchanged. (The DDL as nic.models.search makes it as of this
revision.)

Revision ID: 0013v
Revises: 0012s
Create Date: 2026-12-02 20:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013v'
down_revision = '0012s'
branch_labels = None
depends_on = None

INDEXED = (
    ("post", ("body",)),
    ("thread", ("title",)),
    ("live_session", ("title", "agenda")),
    ("practice", ("title", "summary", "body")),
)


def _document(columns):
    if len(columns) == 1:
        return columns[0]
    return " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in INDEXED:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search")
        op.execute(
            f'ALTER TABLE "{table}" ADD COLUMN search_vector tsvector GENERATED ALWAYS AS '
            f"(to_tsvector('english', {_document(columns)})) STORED"
        )
        op.execute(f"CREATE INDEX ix_{table}_search ON {table} USING gin (search_vector)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in INDEXED:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_search")
        op.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
        op.execute(
            f"CREATE INDEX ix_{table}_search ON {table} "
            f"USING gin (to_tsvector('english', {_document(columns)}))"
        )
