"""Configuration read from NIC_* environment variables.

`Config` is what `python wsgi.py` and `flask --app wsgi` use; `TestConfig` is
what the test suite starts from. Nothing here touches the disk or network at
import time: `load_config` is called by the app factory.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from environs import Env, EnvValidationError
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
    secret_key = env.str("NIC_SECRET_KEY", "")
    sign_in_days = env.int("NIC_SIGN_IN_DAYS", 60, validate=Range(1, 3650))
    secure_cookies = env.bool("NIC_SECURE_COOKIES", False)
    config: dict[str, object] = {
        "SQLALCHEMY_DATABASE_URI": env.str("NIC_DATABASE_URL", "")
        or f"sqlite:///{instance_path / 'nic.sqlite3'}",
        "NIC_HOST": env.str("NIC_HOST", "127.0.0.1"),
        "NIC_PORT": env.int("NIC_PORT", 5000, validate=Range(1, 65535)),
        "NIC_OPEN_REGISTRATION": env.bool("NIC_OPEN_REGISTRATION", True),
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
        "NIC_OPEN_REGISTRATION": True,
        "SERVER_NAME": "localhost",
        "RATELIMIT_ENABLED": True,
    }
