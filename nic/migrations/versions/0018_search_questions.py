"""search questions: a live session's Q&A questions are searched with its chat

SQLite: an FTS5 external-content table live_question_fts over
live_question.body (porter stemming, diacritics folded) kept by triggers,
built from the questions there are. PostgreSQL: a stored tsvector column
search_vector with a GIN index, as migrations 0013 and 0014 made them (a
generated column computes itself for the existing rows). (The DDL as
nic.models.search makes it as of this revision.)

Revision ID: 0024q
Revises: 0023f
Create Date: 2026-12-03 13:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0024q'
down_revision = '0023f'
branch_labels = None
depends_on = None

TOKENIZE = "porter unicode61 remove_diacritics 2"
TABLE, FTS, COLUMN = "live_question", "live_question_fts", "body"


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        insert = f"INSERT INTO {FTS}(rowid, {COLUMN}) VALUES (new.id, new.{COLUMN});"
        delete = (
            f"INSERT INTO {FTS}({FTS}, rowid, {COLUMN}) VALUES ('delete', old.id, old.{COLUMN});"
        )
        for statement in (
            f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMN}, content='{TABLE}', "
            f"content_rowid='id', tokenize='{TOKENIZE}')",
            f'CREATE TRIGGER {FTS}_ai AFTER INSERT ON "{TABLE}" BEGIN {insert} END',
            f'CREATE TRIGGER {FTS}_ad AFTER DELETE ON "{TABLE}" BEGIN {delete} END',
            f'CREATE TRIGGER {FTS}_au AFTER UPDATE OF {COLUMN} ON "{TABLE}" '
            f"BEGIN {delete} {insert} END",
            f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",  # the questions already asked
        ):
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(
            f'ALTER TABLE "{TABLE}" ADD COLUMN search_vector tsvector GENERATED ALWAYS AS '
            f"(to_tsvector('english', {COLUMN})) STORED"
        )
        op.execute(f'CREATE INDEX ix_{TABLE}_search ON "{TABLE}" USING gin (search_vector)')


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    elif dialect == "postgresql":
        op.execute(f'ALTER TABLE "{TABLE}" DROP COLUMN IF EXISTS search_vector')  # and its index
