"""Mail and the job queue: SMTP (a real server on loopback), the file outbox, retries.

Sending is a job: in the production configuration a request only enqueues
it, a consumer sends it, and a failed send is tried again later.
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from nic import jobs, mail
from nic.config import parse_smtp_url
from nic.realtime.installation import installation_scope
from tests.factories import make_user
from tests.mailserver import SECRET, USER, make_certificate, outbox, parts, smtp_server
from tests.servers import ROOT, free_port, migrate, server_env

BASE = "https://nic.example.org"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return make_certificate(tmp_path_factory.mktemp("smtp"))


@pytest.fixture
def smtp(app, certificate, monkeypatch):
    """A real SMTP server (STARTTLS, sign-in) and the app sending through it: its inbox."""
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust its certificate, verified as usual
    with smtp_server(cert, key) as (inbox, port):
        app.config["NIC_SMTP"] = parse_smtp_url(
            f"smtp://nic%40school.example:smtp-pass%20word@127.0.0.1:{port}?starttls=1"
        )
        mail.install(app)
        yield inbox


def test_a_mail_goes_through_a_real_smtp_server_over_tls_with_both_parts(app, client, smtp):
    app.config["NIC_BASE_URL"] = BASE
    maria = make_user("Maria Lopez", email="maria@example.org")
    client.post_form("/forgot-password", {"email": "Maria@Example.org "})
    inbox = smtp
    assert inbox.logins == [USER]  # signed in, which the server allows only after STARTTLS
    [message] = inbox.messages
    assert message["To"] == maria.email
    assert message["From"] == "nic <no-reply@localhost>"
    assert message["Subject"] == "Reset your nic password"
    assert message.is_multipart() and message.get_content_type() == "multipart/alternative"
    text, html = parts(message)
    assert "Hello Maria Lopez" in text and f"{BASE}/reset-password/" in text
    assert f'href="{BASE}/reset-password/' in html
    assert outbox(app) == []  # SMTP, not the outbox
    assert SECRET not in message.as_string()


def test_without_smtp_every_mail_lands_in_the_outbox(app, client):
    make_user("James Okafor", email="james@example.org")
    client.post_form("/forgot-password", {"email": "james@example.org"})
    [message] = outbox(app)
    assert message["To"] == "james@example.org"
    text, html = parts(message)
    assert "http://127.0.0.1:5000/reset-password/" in text  # NIC_BASE_URL's default
    assert "Choose a new password</a>" in html


@pytest.mark.parametrize(
    ("url", "expected"),
    [("smtp://mail.example:2525",
      {"MAIL_PORT": 2525, "MAIL_USE_TLS": False, "MAIL_USE_SSL": False}),
     ("smtp://u:p@mail.example?starttls=1",
      {"MAIL_PORT": 587, "MAIL_USE_TLS": True, "MAIL_USERNAME": "u"}),
     ("smtps://u:p%2Fq@mail.example",
      {"MAIL_PORT": 465, "MAIL_USE_SSL": True, "MAIL_PASSWORD": "p/q"})],
)  # fmt: skip
def test_smtp_urls_set_tls_and_sign_in(url, expected):
    settings = parse_smtp_url(url)
    assert settings["MAIL_SERVER"] == "mail.example"
    assert {key: settings[key] for key in expected} == expected


def test_the_request_only_enqueues_and_a_consumer_sends(app, client, queued):
    make_user("Maria Lopez", email="maria@example.org")
    response = client.post_form("/forgot-password", {"email": "maria@example.org"})
    assert response.status_code == 302
    assert queued.pending_count() == 1 and outbox(app) == []  # nothing sent in the request
    consumer = jobs.InProcessConsumer(queued, workers=1, worker_type="thread")
    consumer.start()
    try:
        deadline = time.monotonic() + 15
        while len(outbox(app)) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        consumer.stop(graceful=True)
    [message] = outbox(app)
    assert message["To"] == "maria@example.org"


def test_a_failed_send_is_retried_later_with_backoff_and_then_delivered(app, queued, smtp):
    smtp.refuse = 1  # the server is briefly unable to take mail
    mail.send("maria@example.org", "password_reset", "Reset your nic password",
              name="Maria", link=f"{BASE}/x", minutes=60)  # fmt: skip
    first = queued.dequeue()
    queued.execute(first)
    assert smtp.messages == [] and queued.pending_count() == 0
    [retry] = queued.scheduled()  # back in the queue, due in 30 s, one try fewer
    assert retry.retries == mail.SEND_RETRIES - 1
    wait = (retry.eta - queued._get_timestamp()).total_seconds()
    assert mail.FIRST_RETRY_SECONDS - 5 < wait <= mail.FIRST_RETRY_SECONDS
    assert retry.retry_delay == mail.FIRST_RETRY_SECONDS * 2  # the next wait is longer
    # What the consumer's scheduler does each second: run what is due by its clock.
    assert queued.read_schedule(queued._get_timestamp()) == []  # not yet
    [due] = queued.read_schedule(retry.eta)
    queued.execute(due, timestamp=retry.eta)
    [message] = smtp.messages
    assert message["To"] == "maria@example.org"


def test_jobs_queue_in_sqlite_by_default_and_in_redis_with_a_message_queue(app, queued):
    from huey.storage import RedisStorage, SqliteStorage

    assert isinstance(queued.storage, SqliteStorage)
    assert Path(app.config["NIC_JOBS_DATABASE"]).exists()
    try:
        socket.create_connection(("127.0.0.1", 6379), 0.5).close()
    except OSError:
        pytest.fail("This test needs Redis on 127.0.0.1:6379: start redis-server (see .ci/run).")
    app.config["NIC_MESSAGE_QUEUE"] = "redis://127.0.0.1:6379/0"
    jobs.install(app, f"nic:test{uuid.uuid4().hex[:8]}:jobs")
    try:
        assert isinstance(queued.storage, RedisStorage)
        mail.send("maria@example.org", "password_reset", "Reset your nic password",
                  name="Maria", link=f"{BASE}/x", minutes=60)  # fmt: skip
        assert queued.pending_count() == 1 and outbox(app) == []
        queued.execute(queued.dequeue())  # what a consumer on any machine does
        assert [m["To"] for m in outbox(app)] == ["maria@example.org"]
    finally:
        queued.flush()
        app.config["NIC_MESSAGE_QUEUE"] = None


@pytest.mark.server
def test_python_wsgi_py_runs_the_jobs_too_and_still_stops_when_told(tmp_path):
    """The README's run command is all a single machine needs: the consumer runs inside it."""
    port = free_port()
    env = server_env(
        f"sqlite:///{tmp_path / 'run.sqlite3'}",
        NIC_PORT=str(port), NIC_ASYNC_MODE="gevent", NIC_SECRET_KEY="jobs-test",
        NIC_BASE_URL="https://nic.example.org",
    )  # fmt: skip
    migrate(env)
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "create-user", "maria@example.org",
         "--name", "Maria Lopez", "--job-role", "principal", "--password", "a long passphrase"],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen([sys.executable, "wsgi.py"], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT)  # fmt: skip
    try:
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                form = browser.open(f"{url}/forgot-password", timeout=5).read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.2)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode({"csrf_token": token, "email": "maria@example.org"})
        answer = browser.open(f"{url}/forgot-password", data.encode(), timeout=10)
        assert answer.status == 200 and answer.url.endswith("/login")
        mails = []
        while not mails and time.monotonic() < deadline + 15:
            mails = outbox(tmp_path / "outbox")
            time.sleep(0.1)
        [message] = mails
        assert "https://nic.example.org/reset-password/" in parts(message)[0]
    finally:
        server.terminate()
        code = server.wait(timeout=10)  # SIGTERM still stops it: the consumer took no signals
        log.close()
    assert code is not None


@pytest.mark.server
def test_flask_jobs_sends_what_the_web_processes_queued(app, client, queued, database_url):
    """Scale-out: web servers with NIC_JOBS_WORKERS=0 queue; `flask --app wsgi jobs` sends."""
    jobs.install(app, f"nic:{installation_scope(app.config)}:jobs")  # the name every process uses
    make_user("Maria Lopez", email="maria@example.org")
    client.post_form("/forgot-password", {"email": "maria@example.org"})
    assert queued.pending_count() == 1 and outbox(app) == []
    env = server_env(
        database_url,
        NIC_JOBS_DATABASE=app.config["NIC_JOBS_DATABASE"],
        NIC_MAIL_OUTBOX=app.config["NIC_MAIL_OUTBOX"],
        NIC_SECRET_KEY=app.config["SECRET_KEY"],
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "--workers", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not outbox(app) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGINT)  # Huey's graceful stop
        worker.wait(timeout=20)
    [message] = outbox(app)
    assert message["To"] == "maria@example.org"
