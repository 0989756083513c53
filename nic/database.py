"""Engine set-up per backend: SQLite pragmas, IMMEDIATE writes, pool sizing.

SQLite is the embedded default. Every connection gets foreign keys on, WAL
journaling and a busy timeout. A service that writes calls `begin_write()`
first, so its transaction begins IMMEDIATE: a read-then-write never fails
half-way with "database is locked" when another writer got there first, it
waits for the write lock up front instead. Read-only work begins DEFERRED
and never holds the write lock.

Under gevent a SQLite call blocks the whole event loop, so the app uses one
connection and a pool whose waiting is gevent-aware (the monkey-patched
QueuePool): greenlets queue for the connection instead of busy-waiting on
SQLite's lock, which would stall every client.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from nic.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 30_000

# Set by begin_write() for the current request, socket event or greenlet.
_write_intent: ContextVar[bool] = ContextVar("nic_write_intent", default=False)


def begin_write() -> None:
    """Declare that the unit of work about to start writes.

    A read transaction already open (say, the user loaded for this request)
    is ended first; loaded objects stay usable (expire_on_commit is off).
    """
    if _write_intent.get():
        return
    if db.session().in_transaction():
        db.session.commit()
    _write_intent.set(True)


def _transaction_ended(_session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        _write_intent.set(False)


def on_transaction_end(listener: Any) -> None:
    """Call `listener(session, transaction)` after every transaction (installed once).

    The factory installs these (nic.setup.register_extensions), never an import.
    """
    if not sa.event.contains(Session, "after_transaction_end", listener):
        sa.event.listen(Session, "after_transaction_end", listener)


def install_listeners() -> None:
    """This module's own: a finished transaction ends the write intent."""
    on_transaction_end(_transaction_ended)


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
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")
