"""Browser tests: a real server process and Debian's chromium through Playwright.

Fixtures (mark tests that use them with @pytest.mark.browser):

- `live_server`: one `python wsgi.py` (gevent, HTTP and Socket.IO) per test
  run, on a free port, with its own migrated SQLite file. `live_server.url`
  is its base URL; `live_server.run(fn)` calls `fn()` inside an app context
  of an in-process app bound to the same database, to set up data with the
  services and factories. Return plain values (ids, emails) from `fn`.
- `browser`: a headless chromium shared by the run.
- `new_page`: `new_page(email=None, password=PASSWORD, width=1280)` opens a
  page in a fresh browser context (its own cookies: one per person), signed
  in through the login form when an email is given. The page collects
  `page.problems`: console errors and uncaught exceptions (a CSP violation
  shows up there), which tests can assert empty.

The server's log is printed when a test fails (see `pytest_runtest_makereport`).
"""

from __future__ import annotations

import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.factories import PASSWORD
from tests.servers import ROOT, free_port, migrate, server_env

CHROMIUM = "/usr/bin/chromium"
START_TIMEOUT = 30


@dataclass
class LiveServer:
    url: str
    database_url: str
    log_path: Path
    secret_key: str = ""  # the server's: links signed in set-up (unsubscribe) work there
    _app: Any = None

    def run(self, fn: Callable[[], Any]) -> Any:
        """Run `fn()` in an app context bound to the server's database."""
        from nic import create_app
        from nic.extensions import db

        if self._app is None:
            self._app = create_app(
                {
                    "SQLALCHEMY_DATABASE_URI": self.database_url,
                    "SECRET_KEY": self.secret_key,
                    "NIC_ASYNC_MODE": "threading",
                    # Mail from set-up, if any, goes where the server's goes (not instance/).
                    "NIC_JOBS_IMMEDIATE": True,
                    "NIC_MAIL_OUTBOX": str(self.log_path.parent / "outbox"),
                }
            )
        with self._app.app_context():
            try:
                return fn()
            finally:
                db.session.remove()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _wait_until_up(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The server exited early:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/login", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"The server did not answer in {START_TIMEOUT}s:\n{log_path.read_text()}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """A migrated database and `python wsgi.py` serving it (stopped at the end)."""
    folder = tmp_path_factory.mktemp("live_server")
    database_url = f"sqlite:///{folder / 'b.sqlite3'}"
    port = free_port()
    secret_key = secrets.token_hex(32)
    env = server_env(
        database_url,
        NIC_PORT=str(port),
        NIC_SECRET_KEY=secret_key,
        NIC_ASYNC_MODE="gevent",
        # Off by default in production; the browser tests sign people up.
        NIC_OPEN_REGISTRATION="on",
        PYTHONUNBUFFERED="1",
    )
    migrate(env)
    log_path = folder / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "wsgi.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    server = LiveServer(f"http://127.0.0.1:{port}", database_url, log_path, secret_key)
    try:
        _wait_until_up(server.url, process, log_path)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


def sign_in(page: Any, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def _console(page: Any, message: Any) -> None:
    """Console errors, with the failing URL (the browser's own text omits it)."""
    if message.type != "error":
        return
    where = message.location.get("url", "") if message.location else ""
    page.problems.append(f"{message.text} ({where})" if where else message.text)


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []

    def _new_page(
        email: str | None = None, password: str = PASSWORD, width: int = 1280, height: int = 900
    ) -> Any:
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.problems = []
        page.on("console", lambda msg: _console(page, msg))
        page.on("pageerror", lambda exc: page.problems.append(str(exc)))
        if email is not None:
            sign_in(page, live_server.url, email, password)
        return page

    yield _new_page
    for context in contexts:
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Attach the server's log to a failing browser test's report."""
    report = yield
    server = item.funcargs.get("live_server") if hasattr(item, "funcargs") else None
    if report.failed and server is not None:
        report.sections.append(("server log", server.log()[-8000:]))
    return report
