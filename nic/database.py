"""Engine set-up per backend: SQLite pragmas, IMMEDIATE writes, pool sizing.

SQLite is the embedded default. Every connection gets foreign keys on, WAL
journaling and a busy timeout; every transaction begins IMMEDIATE, so a
read-then-write never fails half-way with "database is locked" when another
writer got there first: it waits for the write lock up front instead.

Under gevent a SQLite call blocks the whole event loop, so the app uses one
connection and a pool whose waiting is gevent-aware (the monkey-patched
QueuePool): greenlets queue for the connection instead of busy-waiting on
SQLite's lock, which would stall every client.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool

SQLITE_BUSY_TIMEOUT_MS = 30_000


def engine_options(database_url: str, async_mode: str) -> dict[str, Any]:
    """SQLAlchemy engine options for this database and async mode."""
    if not database_url.startswith("sqlite"):
        return {"pool_pre_ping": True}
    options: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    }
    if async_mode == "gevent":
        options.update(poolclass=QueuePool, pool_size=1, max_overflow=0, pool_timeout=60)
    return options


def configure_engine(engine: Engine) -> None:
    """Install the per-connection SQLite set-up; other backends need none."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself (below) instead of pysqlite.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
