"""Fixtures: a fresh app and database per test, on SQLite or PostgreSQL.

Set NIC_TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)
to run the same suite against PostgreSQL: the run gets a schema of its own,
dropped at the end, and every test starts from empty tables.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from nic import create_app
from nic.config import suite_config
from nic.extensions import db

PG_URL = os.environ.get("NIC_TEST_DATABASE_URL")


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Hash each distinct password once per run: scrypt is slow on purpose.

    The hash is still a real scrypt hash, checked by the real code.
    """
    from nic.services import accounts

    real = accounts.hash_password
    monkeypatch.setattr(
        accounts,
        "hash_password",
        lambda password: _HASHES.get(password) or _HASHES.setdefault(password, real(password)),
    )


_HASHES: dict[str, str] = {}


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str | None]:
    """On PostgreSQL, a schema for this run (tables created once)."""
    if not PG_URL:
        yield None
        return
    schema = f"nic_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    yield schema
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    engine.dispose()


def with_search_path(url: str, schema: str) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"


_pg_tables_created: set[str] = set()


@pytest.fixture
def database_url(tmp_path, pg_schema) -> str:
    if pg_schema:
        return with_search_path(PG_URL, pg_schema)
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
def app(database_url, pg_schema, tmp_path) -> Iterator[Flask]:
    app = create_app(
        {
            **suite_config(database_url),
            "NIC_UPLOAD_DIR": str(tmp_path / "uploads"),
            "NIC_MAIL_OUTBOX": str(tmp_path / "outbox"),
            "NIC_JOBS_DATABASE": str(tmp_path / "jobs.sqlite3"),
        }
    )
    with app.app_context():
        if pg_schema:
            if pg_schema not in _pg_tables_created:
                db.create_all()
                _pg_tables_created.add(pg_schema)
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            db.session.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.session.commit()
        else:
            db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


class Client(FlaskClient):
    """A test client that behaves like a browser against a real server.

    Each request runs in an app context of its own, so it gets a fresh
    database session and `g`, as in production (the test's own context
    would otherwise be reused, hiding stale-state bugs and queries).
    It also sends the CSRF token with form posts, like a browser.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # The test's own session then sees what the request committed.
        db.session.commit()
        db.session.expire_all()
        return response

    def csrf_token(self) -> str:
        # Followed: a session cookie whose sign-in has ended is sent on to /login.
        page = super().get("/login" if not self._signed_in() else "/", follow_redirects=True)
        found = re.search(r'name="csrf-token" content="([^"]+)"', page.get_data(as_text=True))
        assert found, "no csrf-token meta tag on the page"
        return found.group(1)

    def _signed_in(self) -> bool:
        with self.session_transaction() as session:
            return "_user_id" in session

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)


@pytest.fixture
def queued(app):
    """The job queue as in production: jobs wait in SQLite for a consumer (nic.jobs.huey)."""
    from nic import jobs

    app.config["NIC_JOBS_IMMEDIATE"] = False
    jobs.install(app, "nic:test:jobs")
    yield jobs.huey
    jobs.huey.flush()
    app.config["NIC_JOBS_IMMEDIATE"] = True
    jobs.install(app, "nic:test:jobs")


@pytest.fixture
def client(app) -> Client:
    app.test_client_class = Client
    return app.test_client()


@pytest.fixture
def login(client):
    """login(user): sign the test client in as this user (a real sign-in, cookie and row)."""
    from tests.factories import sign_in

    def _login(user) -> Client:
        sign_in(client, user)
        return client

    return _login


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ...; counter.count is the SQL statements run."""

    @contextmanager
    def _count():
        counter = QueryCounter()
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counter)

    return _count


@pytest.fixture
def captured_events(monkeypatch):
    """Every event the services publish during the test, as {"event", "data", "to"}."""
    from nic import events

    sent: list[dict] = []
    publish = events.publish

    def capture(event: str, data: dict, room: str) -> None:
        sent.append({"event": event, "data": data, "to": room})
        publish(event, data, room)

    monkeypatch.setattr(events, "publish", capture)
    return sent
