"""The full-text index: SQLite FTS5 tables kept by triggers, PostgreSQL tsvector columns.

On SQLite, the `*_fts` tables of INDEXED are external-content FTS5 tables over
post.body, thread.title, a session's title and agenda, a practice's title,
summary, write-up and `search_extra` (its tags and attachment captions), a
chat message's text, a session question's text, a tried-it report's notes, and a
person's `search_text` (name, job role, school); porter stemming, diacritics folded. Triggers keep
them in step with every insert, edit and delete, in the same transaction.
The two columns that hold text from other rows are kept by
nic.services.search_documents. On PostgreSQL, each table has a stored
generated column `search_vector` (`to_tsvector('english', ...)` of the same
columns) with a GIN index `ix_<table>_search`: stored, so ranking reads the
vector instead of parsing every matching row again (nic.services.search). The
models do not declare the column (SQLite has no tsvector); Alembic skips it. Who may see
a match is never in the index: the search query joins it to the rows and
asks the visibility rules there, so hiding, deleting, moving and leaving a
group show in the very next search.

`create_all` (the tests) gets the same DDL through the metadata events below;
migrations 0012, 0013, 0014 and 0018 (questions) have their own frozen copies.
"""

from __future__ import annotations

import sqlalchemy as sa

from nic.models.accounts import User
from nic.models.discussions import Post, Thread
from nic.models.live import ChatMessage, LiveSession, Question
from nic.models.practices import Practice, PracticeTry

TOKENIZE = "porter unicode61 remove_diacritics 2"
PG_CONFIG = "english"
# (table, FTS table, columns): what is indexed.
INDEXED = (
    ("post", "post_fts", ("body",)),
    ("thread", "thread_fts", ("title",)),
    ("live_session", "live_session_fts", ("title", "agenda")),
    ("practice", "practice_fts", ("title", "summary", "body", "search_extra")),
    ("chat_message", "chat_message_fts", ("body",)),
    ("practice_try", "practice_try_fts", ("changes", "observations")),
    ("user", "user_fts", ("search_text",)),
    ("live_question", "live_question_fts", ("body",)),
)
SEARCH_INDEXES = {f"ix_{table}_search" for table, _fts, _columns in INDEXED}  # PostgreSQL's
VECTOR = "search_vector"  # PostgreSQL's stored tsvector column on each indexed table


def sqlite_ddl(table: str, fts: str, columns: tuple[str, ...]) -> list[str]:
    """The FTS5 table over `table`'s `columns` and the triggers that keep it."""
    # The names are this module's constants, never input.
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    insert = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});"  # noqa: S608
    delete = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});"  # noqa: S608
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', "
        f"content_rowid='id', tokenize='{TOKENIZE}')",
        f'CREATE TRIGGER {fts}_ai AFTER INSERT ON "{table}" BEGIN {insert} END',
        f'CREATE TRIGGER {fts}_ad AFTER DELETE ON "{table}" BEGIN {delete} END',
        f'CREATE TRIGGER {fts}_au AFTER UPDATE OF {names} ON "{table}" BEGIN {delete} {insert} END',
    ]


def pg_document(columns: tuple[str, ...]) -> str:
    """The text PostgreSQL indexes for these columns (the search query repeats it exactly)."""
    if len(columns) == 1:
        return columns[0]
    return " || ' ' || ".join(f"coalesce({c}, '')" for c in columns)


def pg_ddl(table: str, columns: tuple[str, ...]) -> list[str]:
    """`table`'s stored tsvector column and its GIN index."""
    return [
        f'ALTER TABLE "{table}" ADD COLUMN {VECTOR} tsvector GENERATED ALWAYS AS '
        f"(to_tsvector('{PG_CONFIG}', {pg_document(columns)})) STORED",
        f'CREATE INDEX ix_{table}_search ON "{table}" USING gin ({VECTOR})',
    ]


def is_index_table(name: str) -> bool:
    """FTS5's own tables (post_fts, post_fts_data, ...): not models, for Alembic to skip."""
    return any(name == fts or name.startswith(f"{fts}_") for _t, fts, _c in INDEXED)


def include_object(obj: object, name: str | None, type_: str, reflected: bool,
                   compare_to: object) -> bool:  # fmt: skip
    """Alembic's filter: the index is the migrations' (FTS5's tables; PostgreSQL's
    tsvector columns and their GIN indexes, which the models do not declare)."""
    if name is None:
        return True
    if type_ == "table":
        return not is_index_table(name)
    if type_ == "column":
        return name != VECTOR
    return not (type_ == "index" and name in SEARCH_INDEXES)


def _install() -> None:
    models = (Post, Thread, LiveSession, Practice, ChatMessage, PracticeTry, User, Question)
    for model, (table, fts, columns) in zip(models, INDEXED, strict=True):
        for dialect, statements in (
            ("sqlite", sqlite_ddl(table, fts, columns)), ("postgresql", pg_ddl(table, columns)),
        ):  # fmt: skip
            for statement in statements:
                sa.event.listen(
                    model.__table__, "after_create", sa.DDL(statement).execute_if(dialect=dialect)
                )
        sa.event.listen(
            model.__table__, "before_drop",
            sa.DDL(f"DROP TABLE IF EXISTS {fts}").execute_if(dialect="sqlite"),
        )  # fmt: skip


_install()
