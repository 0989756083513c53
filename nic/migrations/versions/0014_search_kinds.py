"""search kinds: tried-it reports, session chat, people; a practice's tags and captions

Adds user.search_text (name, job role, school, district) and
practice.search_extra (labels and attachment captions), filled from the rows
there are; indexes them with chat_message.body and practice_try's notes.
SQLite: FTS5 tables chat_message_fts, practice_try_fts, user_fts, and
practice_fts rebuilt with search_extra. PostgreSQL: stored tsvector columns
with GIN indexes, as migration 0013 made them. (The DDL as nic.models.search
and nic.services.search_documents make it as of this revision.)

Revision ID: 0014k
Revises: 0013v
Create Date: 2026-12-02 20:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014k'
down_revision = '0013v'
branch_labels = None
depends_on = None

TOKENIZE = "porter unicode61 remove_diacritics 2"
PRACTICE_BEFORE = ("title", "summary", "body")
PRACTICE_AFTER = ("title", "summary", "body", "search_extra")
NEW = (
    ("chat_message", "chat_message_fts", ("body",)),
    ("practice_try", "practice_try_fts", ("changes", "observations")),
    ("user", "user_fts", ("search_text",)),
)
SEPARATOR = " · "
JOB_ROLE_LABELS = {
    "principal": "Principal", "assistant_principal": "Assistant principal",
    "instructional_coach": "Instructional coach", "teacher_leader": "Teacher leader",
    "district_leader": "District leader", "facilitator": "Facilitator", "other": "Other",
}
LABELS = {
    "lever": {
        "ilt": "Instructional leadership team", "coaching": "Instructional coaching",
        "plc": "Professional learning communities", "data_use": "Data use",
        "supervision_feedback": "Supervision and feedback",
        "time_scheduling": "Time and scheduling", "family_community": "Family and community",
        "other": "Other",
    },
    "level": {"elementary": "Elementary", "middle": "Middle", "high": "High"},
}


def _sqlite_create(table, fts, columns):
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    insert = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});"
    delete = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});"
    for statement in (
        f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', "
        f"content_rowid='id', tokenize='{TOKENIZE}')",
        f'CREATE TRIGGER {fts}_ai AFTER INSERT ON "{table}" BEGIN {insert} END',
        f'CREATE TRIGGER {fts}_ad AFTER DELETE ON "{table}" BEGIN {delete} END',
        f'CREATE TRIGGER {fts}_au AFTER UPDATE OF {names} ON "{table}" BEGIN {delete} {insert} END',
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ):
        op.execute(statement)


def _sqlite_drop(fts):
    for suffix in ("ai", "ad", "au"):
        op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
    op.execute(f"DROP TABLE IF EXISTS {fts}")


def _pg_document(columns):
    if len(columns) == 1:
        return columns[0]
    return " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)


def _pg_create(table, columns):
    op.execute(
        f'ALTER TABLE "{table}" ADD COLUMN search_vector tsvector GENERATED ALWAYS AS '
        f"(to_tsvector('english', {_pg_document(columns)})) STORED"
    )
    op.execute(f'CREATE INDEX ix_{table}_search ON "{table}" USING gin (search_vector)')


def _pg_drop(table):
    op.execute(f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS search_vector')  # and its index


def _fill():
    bind = op.get_bind()
    people = bind.execute(sa.text(
        'SELECT u.id, u.name, u.job_role, s.name, d.name FROM "user" u '
        "LEFT JOIN school s ON s.id = u.school_id LEFT JOIN district d ON d.id = s.district_id"
    )).all()
    for user_id, name, role, school, district in people:
        parts = [name, JOB_ROLE_LABELS.get(role, role)] + ([school, district] if school else [])
        bind.execute(sa.text('UPDATE "user" SET search_text = :t WHERE id = :i'),
                     {"t": SEPARATOR.join(parts), "i": user_id})
    extra = {}
    for practice_id, kind, value in bind.execute(sa.text(
        "SELECT practice_id, kind, value FROM practice_label ORDER BY practice_id, kind, value"
    )):
        extra.setdefault(practice_id, []).append(LABELS.get(kind, {}).get(value, value))
    for practice_id, caption in bind.execute(sa.text(
        "SELECT practice_id, caption FROM practice_attachment WHERE caption != '' ORDER BY id"
    )):
        extra.setdefault(practice_id, []).append(caption)
    for practice_id, parts in extra.items():
        bind.execute(sa.text("UPDATE practice SET search_extra = :t WHERE id = :i"),
                     {"t": SEPARATOR.join(parts), "i": practice_id})


def upgrade():
    dialect = op.get_bind().dialect.name
    op.add_column("user", sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    op.add_column(
        "practice", sa.Column("search_extra", sa.Text(), server_default="", nullable=False)
    )
    _fill()
    if dialect == "sqlite":
        _sqlite_drop("practice_fts")
        _sqlite_create("practice", "practice_fts", PRACTICE_AFTER)
        for table, fts, columns in NEW:
            _sqlite_create(table, fts, columns)
    elif dialect == "postgresql":
        _pg_drop("practice")
        _pg_create("practice", PRACTICE_AFTER)
        for table, _fts, columns in NEW:
            _pg_create(table, columns)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for _table, fts, _columns in NEW:
            _sqlite_drop(fts)
        _sqlite_drop("practice_fts")
        _sqlite_create("practice", "practice_fts", PRACTICE_BEFORE)
    elif dialect == "postgresql":
        for table, _fts, _columns in NEW:
            _pg_drop(table)
        _pg_drop("practice")
        _pg_create("practice", PRACTICE_BEFORE)
    # Not a batch: copying the table would drop practice_fts's triggers with it.
    op.execute("ALTER TABLE practice DROP COLUMN search_extra")
    op.execute('ALTER TABLE "user" DROP COLUMN search_text')
