"""For tests that run nic as a real server process: a free port, a migrated database.

Used by the browser tests, the real-server tests of the live protocol and the
fan-out benchmark, which all start `python wsgi.py` against a database file
of their own.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str, **settings: str) -> dict[str, str]:
    """This process's environment for a server on `database_url`, plus `settings`.

    Without NIC_MESSAGE_QUEUE, whatever the caller's shell has: each of these
    servers is a process on its own.
    """
    env = {**os.environ, "NIC_DATABASE_URL": database_url}
    env.pop("NIC_MESSAGE_QUEUE", None)
    if database_url.startswith("sqlite:///"):  # its jobs and mails beside it, not in instance/
        folder = Path(database_url.removeprefix("sqlite:///")).parent
        env["NIC_JOBS_DATABASE"] = str(folder / "jobs.sqlite3")
        env["NIC_MAIL_OUTBOX"] = str(folder / "outbox")
    return {**env, **settings}


def migrate(env: dict[str, str]) -> None:
    """`flask db upgrade` the database of `env` (what the README's run command does)."""
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )


@contextlib.contextmanager
def running_server(env: dict[str, str], log_path: Path, timeout: float = 30) -> Iterator[str]:
    """`python wsgi.py` with `env` (NIC_PORT set) until the block ends; yields its URL."""
    port = int(env["NIC_PORT"])
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "wsgi.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + timeout
        while True:
            assert process.poll() is None, log_path.read_text()
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
                break
            assert time.monotonic() < deadline, f"no answer in {timeout}s: {log_path.read_text()}"
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.kill()
        process.wait(timeout=10)
