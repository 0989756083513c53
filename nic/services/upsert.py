"""INSERT ... ON CONFLICT DO UPDATE for SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from nic.extensions import db


def upsert(model: Any, values: dict[str, Any], index: list[str], update: dict[str, Any]) -> None:
    """Insert a row, or update the given columns of the row it clashes with."""
    statement = _insert(model, values)
    db.session.execute(statement.on_conflict_do_update(index_elements=index, set_=update))


def insert_missing(model: Any, values: dict[str, Any], index: list[str]) -> bool:
    """Insert a row unless one with the same key is there (then leave it as it is).
    Returns whether it inserted."""
    statement = _insert(model, values).on_conflict_do_nothing(index_elements=index)
    # RETURNING, not rowcount: psycopg reports no count for ON CONFLICT DO NOTHING here.
    return db.session.execute(statement.returning(sa.literal_column("1"))).first() is not None


def _insert(model: Any, values: dict[str, Any] | list[dict[str, Any]]) -> Any:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(model).values(values)


def upsert_many(
    model: Any, rows: list[dict[str, Any]], index: list[str], update: list[str]
) -> None:
    """Insert rows, or update the named columns of the rows they clash with, in one
    statement per 500 rows (under SQLite's limit on bound parameters)."""
    for start in range(0, len(rows), 500):
        statement = _insert(model, rows[start : start + 500])
        excluded = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=index, set_={name: excluded[name] for name in update}
        )
        db.session.execute(statement)


def _each(model: Any) -> Any:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(model.__table__)


def upsert_each(
    model: Any, rows: list[dict[str, Any]], index: list[str], update: list[str]
) -> None:
    """`upsert_many` as one executemany of a one-row statement: compiled once, so for
    thousands of rows far cheaper than VALUES lists that compile a parameter per cell."""
    if rows:
        statement = _each(model)
        excluded = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=index, set_={name: excluded[name] for name in update}
        )
        db.session.execute(statement, rows)


def insert_each_missing(model: Any, rows: list[dict[str, Any]], index: list[str]) -> None:
    """Insert the rows not already there (by `index`), leaving those that are as they are:
    one executemany."""
    if rows:
        db.session.execute(_each(model).on_conflict_do_nothing(index_elements=index), rows)
