"""Configuration read from NIC_* environment variables.

`Config` is what `python wsgi.py` and `flask --app wsgi` use; `TestConfig` is
what the test suite starts from. Nothing here touches the disk or network at
import time: `load_config` is called by the app factory.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from environs import Env, EnvError, EnvValidationError
from marshmallow.validate import OneOf, Range

ASYNC_MODES = ("gevent", "threading")


class ConfigError(Exception):
    """Some NIC_* variables hold values nic cannot use; the message names each one."""


def _secret_key(configured: str, instance_path: Path) -> str:
    """NIC_SECRET_KEY, else a key generated once into instance/ and reused.

    A constant key in the code would let anyone who read the source forge
    session cookies, so the fallback is random per installation.
    """
    if configured:
        return configured
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SMTP_SCHEMES = {"smtp": 587, "smtps": 465}
TRUE_WORDS = {"1", "on", "yes", "true"}


def parse_smtp_url(value: str) -> dict[str, object] | None:
    """Flask-Mailman's MAIL_* settings from `smtp://user:pass@host:587?starttls=1`.

    `smtps://` is TLS from the first byte (port 465 by default); `smtp://`
    with `?starttls=1` upgrades the connection (port 587 by default). The
    user name and password are URL-decoded, so `%40` stands for `@`.
    Empty: None (no SMTP). Raises EnvError, which environs reports under NIC_SMTP_URL.
    """
    if not value.strip():
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in SMTP_SCHEMES or not parts.hostname:
        raise EnvError("Use smtp://user:password@host:587?starttls=1 or smtps://host:465.")
    try:
        port = parts.port or SMTP_SCHEMES[parts.scheme]
    except ValueError:
        raise EnvError("The port must be a number from 1 to 65535.") from None
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = sorted(set(options) - {"starttls", "timeout"})
    if unknown:
        raise EnvError(f"Unknown option {', '.join(unknown)}: use starttls or timeout.")
    starttls = options.get("starttls", "0").lower() in TRUE_WORDS
    if starttls and parts.scheme == "smtps":
        raise EnvError("smtps:// is already encrypted: leave out starttls.")
    try:
        timeout = float(options.get("timeout", "30"))
    except ValueError:
        raise EnvError("timeout must be a number of seconds.") from None
    return {
        "MAIL_SERVER": parts.hostname,
        "MAIL_PORT": port,
        "MAIL_USERNAME": unquote(parts.username) if parts.username else None,
        "MAIL_PASSWORD": unquote(parts.password) if parts.password else None,
        "MAIL_USE_SSL": parts.scheme == "smtps",
        "MAIL_USE_TLS": starttls,
        "MAIL_TIMEOUT": timeout,
    }


def parse_domains(value: str) -> list[str]:
    """`a.org, @b.org` as ["a.org", "b.org"]: lower-cased, a leading @ dropped, blanks left
    out. Raises EnvError for an entry that cannot be a mail domain."""
    domains = []
    for entry in value.split(","):
        domain = entry.strip().lower().removeprefix("@")
        if not domain:
            continue
        if "@" in domain or "." not in domain or any(c.isspace() for c in domain):
            raise EnvError(f"{entry.strip()!r} is not a mail domain: write them as a.org, b.org.")
        domains.append(domain)
    return list(dict.fromkeys(domains))


def _problems(exc: EnvValidationError) -> str:
    return "".join(
        f"\n  {name}: {' '.join(messages) if isinstance(messages, list) else messages}"
        for name, messages in sorted(exc.error_messages.items())
    )


def load_config(instance_path: Path) -> dict[str, object]:
    """Build the runtime configuration from the environment (environs: typed, checked).

    Every variable is read before any is refused, so one ConfigError names
    all the wrong ones ("NIC_PORT: Not a valid integer.").
    """
    env = Env(eager=False)
    env.add_parser("smtp_url", parse_smtp_url)
    env.add_parser("domains", parse_domains)
    secret_key = env.str("NIC_SECRET_KEY", "")
    sign_in_days = env.int("NIC_SIGN_IN_DAYS", 60, validate=Range(1, 3650))
    secure_cookies = env.bool("NIC_SECURE_COOKIES", False)
    host = env.str("NIC_HOST", "127.0.0.1")
    port = env.int("NIC_PORT", 5000, validate=Range(1, 65535))
    config: dict[str, object] = {
        "SQLALCHEMY_DATABASE_URI": env.str("NIC_DATABASE_URL", "")
        or f"sqlite:///{instance_path / 'nic.sqlite3'}",
        "NIC_HOST": host,
        "NIC_PORT": port,
        # Links in mails are absolute to this (no request to take the host from in a job).
        "NIC_BASE_URL": env.str("NIC_BASE_URL", "")
        or f"http://{'[' + host + ']' if ':' in host else host}:{port}",
        # Mail (nic.mail): SMTP when NIC_SMTP_URL is set, else files in the outbox folder.
        "NIC_SMTP": env.smtp_url("NIC_SMTP_URL", ""),
        "NIC_MAIL_OUTBOX": env.str("NIC_MAIL_OUTBOX", "") or str(instance_path / "outbox"),
        "NIC_MAIL_FROM": env.str("NIC_MAIL_FROM", "nic <no-reply@localhost>"),
        # Background jobs (nic.jobs): SQLite file unless NIC_MESSAGE_QUEUE names a Redis.
        "NIC_JOBS_DATABASE": env.str("NIC_JOBS_DATABASE", "")
        or str(instance_path / "jobs.sqlite3"),
        # Consumers `python wsgi.py` runs beside the web server; 0 when `flask jobs` runs them.
        "NIC_JOBS_WORKERS": env.int("NIC_JOBS_WORKERS", 1, validate=Range(0, 64)),
        "NIC_JOBS_IMMEDIATE": False,
        # Off unless set: a network's people arrive by invitation (nic.services.invitations)
        # or from an administrator; on, /register is open, to NIC_REGISTRATION_DOMAINS if set.
        "NIC_OPEN_REGISTRATION": env.bool("NIC_OPEN_REGISTRATION", False),
        "NIC_REGISTRATION_DOMAINS": env.domains("NIC_REGISTRATION_DOMAINS", ""),
        # How long an invitation's link works; sending it again starts the days anew.
        "NIC_INVITATION_DAYS": env.int("NIC_INVITATION_DAYS", 7, validate=Range(1, 365)),
        # gevent: see docs/BENCHMARKS.md for why.
        "NIC_ASYNC_MODE": env.str("NIC_ASYNC_MODE", "gevent", validate=OneOf(ASYNC_MODES)),
        "NIC_MESSAGE_QUEUE": env.str("NIC_MESSAGE_QUEUE", "") or None,
        # With NIC_MESSAGE_QUEUE: how long a silent server process still counts people as here.
        "NIC_PRESENCE_TTL": env.float("NIC_PRESENCE_TTL", 15.0, validate=Range(min=1)),
        "NIC_RATELIMIT_STORAGE_URI": env.str("NIC_RATELIMIT_STORAGE_URI", "memory://"),
        # Uploaded files (nic.storage): instance/uploads unless set; a shared volume for
        # several server processes.
        "NIC_UPLOAD_DIR": env.str("NIC_UPLOAD_DIR", "") or None,
        "NIC_ALLOWED_ORIGINS": [
            origin.strip() for origin in env.list("NIC_ALLOWED_ORIGINS", []) if origin.strip()
        ],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
    }
    try:
        env.seal()
    except EnvValidationError as exc:
        raise ConfigError(f"check these settings:{_problems(exc)}") from None
    # A sign-in unused for this long ends (nic.services.logins), and the
    # remember-me cookie lasts as long: people sign in again after it.
    config["REMEMBER_COOKIE_DURATION"] = timedelta(days=sign_in_days)
    config["SECRET_KEY"] = _secret_key(secret_key, instance_path)
    return config


def suite_config(database_url: str) -> dict[str, object]:
    """Overrides the test suite applies on top of `load_config`."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-used-outside-tests",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "NIC_ASYNC_MODE": "threading",
        # The suite signs people up; tests of the limits set these themselves.
        "NIC_OPEN_REGISTRATION": True,
        "NIC_REGISTRATION_DOMAINS": [],
        "SERVER_NAME": "localhost",
        "RATELIMIT_ENABLED": True,
        # Jobs run as they are enqueued; tests of the queue itself turn this off.
        "NIC_JOBS_IMMEDIATE": True,
    }
