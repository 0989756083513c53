"""NIC_* settings: typed and checked when the app starts, every wrong one named at once."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

import pytest

from nic.config import ConfigError, load_config
from tests.servers import ROOT


def test_settings_are_read_with_their_types(monkeypatch, tmp_path):
    monkeypatch.setenv("NIC_PORT", "8080")
    monkeypatch.setenv("NIC_SECURE_COOKIES", "yes")
    monkeypatch.setenv("NIC_OPEN_REGISTRATION", "off")
    monkeypatch.setenv("NIC_ALLOWED_ORIGINS", " https://a.example , ,https://b.example")
    monkeypatch.setenv("NIC_SIGN_IN_DAYS", "14")
    monkeypatch.setenv("NIC_MESSAGE_QUEUE", "")
    config = load_config(tmp_path)
    assert config["NIC_PORT"] == 8080
    assert config["SESSION_COOKIE_SECURE"] is True and config["REMEMBER_COOKIE_SECURE"] is True
    assert config["NIC_OPEN_REGISTRATION"] is False
    assert config["NIC_ALLOWED_ORIGINS"] == ["https://a.example", "https://b.example"]
    assert config["REMEMBER_COOKIE_DURATION"] == timedelta(days=14)
    assert config["NIC_MESSAGE_QUEUE"] is None


def test_defaults_need_no_settings_and_the_secret_key_is_kept(monkeypatch, tmp_path):
    for name in ("NIC_PORT", "NIC_SECRET_KEY", "NIC_DATABASE_URL", "NIC_ASYNC_MODE"):
        monkeypatch.delenv(name, raising=False)
    first = load_config(tmp_path)
    assert first["NIC_PORT"] == 5000 and first["NIC_ASYNC_MODE"] == "gevent"
    assert str(first["SQLALCHEMY_DATABASE_URI"]).endswith("nic.sqlite3")
    assert load_config(tmp_path)["SECRET_KEY"] == first["SECRET_KEY"]


def test_every_wrong_setting_is_named_in_one_error(monkeypatch, tmp_path):
    monkeypatch.setenv("NIC_PORT", "eighty")
    monkeypatch.setenv("NIC_SECURE_COOKIES", "maybe")
    monkeypatch.setenv("NIC_ASYNC_MODE", "eventlet")
    monkeypatch.setenv("NIC_SIGN_IN_DAYS", "0")
    with pytest.raises(ConfigError) as refused:
        load_config(tmp_path)
    message = str(refused.value)
    for name in ("NIC_PORT", "NIC_SECURE_COOKIES", "NIC_ASYNC_MODE", "NIC_SIGN_IN_DAYS"):
        assert name in message
    assert "Not a valid integer." in message and "gevent, threading" in message
    assert not (tmp_path / "secret_key").exists()  # nothing written for a refused start


def test_the_server_refuses_to_start_with_a_message_not_a_traceback(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "NIC_PORT": "eighty", "NIC_ASYNC_MODE": "threading"}
    started = subprocess.run(
        [sys.executable, "wsgi.py"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert started.returncode == 1
    assert "NIC_PORT: Not a valid integer." in started.stderr
    assert "Traceback" not in started.stderr


def test_mail_and_jobs_default_to_files_in_the_instance_folder(monkeypatch, tmp_path):
    for name in ("NIC_SMTP_URL", "NIC_MAIL_OUTBOX", "NIC_JOBS_DATABASE", "NIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NIC_PORT", "8080")
    config = load_config(tmp_path)
    assert config["NIC_SMTP"] is None
    assert config["NIC_MAIL_OUTBOX"] == str(tmp_path / "outbox")
    assert config["NIC_JOBS_DATABASE"] == str(tmp_path / "jobs.sqlite3")
    assert config["NIC_BASE_URL"] == "http://127.0.0.1:8080"
    assert config["NIC_MAIL_FROM"] == "nic <no-reply@localhost>"


@pytest.mark.parametrize(
    ("url", "problem"),
    [("mail.example.org", "Use smtp://"), ("smtp://h:99999", "The port must be"),
     ("smtps://h?starttls=1", "already encrypted"), ("smtp://h?tls=1", "Unknown option tls"),
     ("smtp://h?timeout=soon", "timeout must be")],
)  # fmt: skip
def test_a_wrong_smtp_url_is_named_with_what_to_write(monkeypatch, tmp_path, url, problem):
    monkeypatch.setenv("NIC_SMTP_URL", url)
    monkeypatch.setenv("NIC_JOBS_WORKERS", "lots")
    with pytest.raises(ConfigError) as refused:
        load_config(tmp_path)
    assert "NIC_SMTP_URL" in str(refused.value) and problem in str(refused.value)
    assert "NIC_JOBS_WORKERS" in str(refused.value)
