"""INSERT ... ON CONFLICT DO UPDATE for SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from nic.extensions import db


def upsert(model: Any, values: dict[str, Any], index: list[str], update: dict[str, Any]) -> None:
    """Insert a row, or update the given columns of the row it clashes with."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**values)
    db.session.execute(statement.on_conflict_do_update(index_elements=index, set_=update))
