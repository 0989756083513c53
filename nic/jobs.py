"""The background job queue: Huey, on a SQLite file by default, on Redis with NIC_MESSAGE_QUEUE.

Slow work (sending mail, later digests and reminders) is a job, never done
in the request. A job is a function decorated with `job(...)`; calling it
enqueues it and returns at once. A consumer runs the jobs: inside
`python wsgi.py` (NIC_JOBS_WORKERS greenlets beside the web server, the
default), or `flask --app wsgi jobs` as processes of their own (scale-out,
docs/deployment.md). Each job runs in an app context of the app that
installed the queue, with a database session of its own.

`huey` exists from import on (the decorators need it) but holds only an
in-memory queue until `install` binds it to the configured storage, so
importing opens no file or connection.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, has_app_context
from huey import Huey, crontab
from huey.consumer import Consumer
from huey.storage import RedisStorage, SqliteStorage

huey = Huey("nic", results=False, immediate=True)
_installed: list[Flask] = []


def install(app: Flask, name: str) -> None:
    """Bind the queue to `app`'s storage; `name` keeps installations apart on a shared Redis.

    NIC_JOBS_IMMEDIATE (tests only) runs each job as it is enqueued, in memory.
    """
    queue = app.config["NIC_MESSAGE_QUEUE"]
    if queue:
        huey.storage_class, huey.storage_kwargs = RedisStorage, {"url": queue}
    else:
        path = Path(app.config["NIC_JOBS_DATABASE"])
        path.parent.mkdir(parents=True, exist_ok=True)
        huey.storage_class, huey.storage_kwargs = SqliteStorage, {"filename": str(path)}
    huey.name = name
    huey.immediate = bool(app.config["NIC_JOBS_IMMEDIATE"])
    huey.storage.close()
    huey.storage = huey.create_storage()
    _installed[:] = [app]


def _in_app(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def in_app(*args: Any, **kwargs: Any) -> Any:
        if has_app_context():
            return func(*args, **kwargs)
        with _installed[0].app_context():
            return func(*args, **kwargs)

    return in_app


def job(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """Make a function a Huey task (`options`: retries, retry_delay, retry_backoff) run in the app.

    Enqueued from inside the app (a request, a command, another job) in
    immediate mode it runs in the caller's context; in a consumer, in a
    fresh app context of the installed app.
    """
    return lambda func: huey.task(**options)(_in_app(func))


def periodic(**when: str) -> Callable[[Callable[..., Any]], Any]:
    """Make a function a periodic Huey task: `when` is a crontab (minute="*/5", hour="7").

    Every consumer that runs periodic tasks starts it on schedule, so each one
    must be safe to run twice at once (claim its work in the database first).
    Calling the function enqueues it like any job (run at once in the tests).
    """
    return lambda func: huey.periodic_task(crontab(**when))(_in_app(func))


class InProcessConsumer(Consumer):
    """A consumer that shares its process: the web server keeps SIGINT and SIGTERM.

    Huey's own handlers only set a flag that `Consumer.run` polls; since the
    web server, not `run`, owns this process, they would leave it deaf to
    being stopped.
    """

    def _set_signal_handlers(self) -> None:
        return None


def start_consumer(app: Flask) -> Consumer | None:
    """Run NIC_JOBS_WORKERS workers beside the web server (greenlets under gevent); None if 0."""
    workers = app.config["NIC_JOBS_WORKERS"]
    if not workers or huey.immediate:
        return None
    worker_type = "greenlet" if app.config["NIC_ASYNC_MODE"] == "gevent" else "thread"
    consumer = InProcessConsumer(huey, workers=workers, worker_type=worker_type)
    consumer.start()
    return consumer


def run_consumer(workers: int) -> None:
    """Run a consumer in this process until it is stopped (Ctrl-C, SIGTERM): `flask jobs`."""
    huey.create_consumer(workers=workers, worker_type="thread").run()
