"""Fixtures: one app per run, as new for every test, on SQLite or PostgreSQL (SuiteApp).

Set NIC_TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)
to run the same suite against PostgreSQL: the run gets a schema of its own,
dropped at the end, and every test starts from empty tables.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from nic import create_app, jobs
from nic.config import suite_config
from nic.extensions import db, limiter, socketio

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


class SuiteApp:
    """The one app of a test run, and how each test gets it back as new.

    Building an app costs more than most tests (20 blueprints, the OpenAPI
    document, every template compiled again), so the run builds it once.
    Each test then starts from what a new app would give it: the
    configuration and extensions as built (not what was built on first use:
    the live rate limits, presence), an empty database (SQLite: a copy of the empty
    schema, through SQLite's backup API; PostgreSQL: every table truncated),
    empty upload and mail folders, an empty job queue and rate limits, and
    the shared extension objects bound to this app again (a test that builds
    an app of its own rebinds them to that one).
    """

    def __init__(self, folder: Path, pg_schema: str | None) -> None:
        self.folder = folder
        self.pg_schema = pg_schema
        url = with_search_path(PG_URL, pg_schema) if pg_schema else (
            f"sqlite:///{folder / 'test.sqlite3'}"
        )  # fmt: skip
        self.app = create_app(
            {
                **suite_config(url),
                "NIC_UPLOAD_DIR": str(folder / "uploads"),
                "NIC_MAIL_OUTBOX": str(folder / "outbox"),
                "NIC_JOBS_DATABASE": str(folder / "jobs.sqlite3"),
            }
        )
        self.config = dict(self.app.config)
        self.extensions = dict(self.app.extensions)  # not what is built on first use
        self.bound = {name: dict(vars(ext)) for name, ext in self._shared().items()}
        self.jobs_name = jobs.huey.name
        with self.app.app_context():
            db.create_all()
            if pg_schema:
                self.emptying = self._emptying()
            else:
                self.empty = self._copy_of_empty_schema()
            db.session.remove()

    @staticmethod
    def _shared() -> dict[str, object]:
        return {"limiter": limiter, "socketio": socketio}

    def _copy_of_empty_schema(self) -> sqlite3.Connection:
        empty = sqlite3.connect(":memory:", check_same_thread=False)
        with db.engine.connect() as conn:
            conn.connection.driver_connection.backup(empty)
        return empty

    def fresh(self) -> Flask:
        app = self.app
        app.config.clear()
        app.config.update(self.config)
        app.extensions.clear()
        app.extensions.update(self.extensions)
        for name, ext in self._shared().items():
            vars(ext).clear()
            vars(ext).update({k: _own(v) for k, v in self.bound[name].items()})
        jobs.install(app, self.jobs_name)
        jobs.huey.flush()
        limiter.reset()
        for folder in ("uploads", "outbox"):
            shutil.rmtree(self.folder / folder, ignore_errors=True)
        with app.app_context():
            if self.pg_schema:
                with db.engine.begin() as conn:
                    conn.exec_driver_sql(self.emptying)
            else:
                db.engine.dispose()
                with db.engine.connect() as conn:
                    self.empty.backup(conn.connection.driver_connection)
        return app

    @staticmethod
    def _emptying() -> str:
        """PostgreSQL: every table truncated, every sequence restarted. (Deleting the rows
        is some 100 ms quicker, but the tables' pages then keep the rows of earlier tests,
        and a query without ORDER BY no longer returns rows in the order written.)"""
        tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        return f"TRUNCATE {tables} RESTART IDENTITY CASCADE"


def _own(value: object) -> object:
    """A container kept by an extension object is copied: init_app calls change them."""
    return copy.copy(value) if isinstance(value, dict | list | set) else value


@pytest.fixture(scope="session")
def suite_app(tmp_path_factory, pg_schema) -> SuiteApp:
    return SuiteApp(tmp_path_factory.mktemp("app"), pg_schema)


@pytest.fixture
def app(suite_app) -> Iterator[Flask]:
    app = suite_app.fresh()
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def database_url(app) -> str:
    """The test's database: the app's (a fresh one each test)."""
    return app.config["SQLALCHEMY_DATABASE_URI"]


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
