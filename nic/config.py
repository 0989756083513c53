"""Configuration read from NIC_* environment variables.

`Config` is what `python wsgi.py` and `flask --app wsgi` use; `TestConfig` is
what the test suite starts from. Nothing here touches the disk or network at
import time: `load_config` is called by the app factory.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance_path: Path) -> str:
    """NIC_SECRET_KEY, else a key generated once into instance/ and reused.

    A constant key in the code would let anyone who read the source forge
    session cookies, so the fallback is random per installation.
    """
    configured = os.environ.get("NIC_SECRET_KEY")
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


def load_config(instance_path: Path) -> dict[str, object]:
    """Build the runtime configuration from the environment."""
    database_url = os.environ.get("NIC_DATABASE_URL") or (
        f"sqlite:///{instance_path / 'nic.sqlite3'}"
    )
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "NIC_HOST": os.environ.get("NIC_HOST", "127.0.0.1"),
        "NIC_PORT": int(os.environ.get("NIC_PORT", "5000")),
        "NIC_OPEN_REGISTRATION": _flag("NIC_OPEN_REGISTRATION", True),
        # gevent: see docs/BENCHMARKS.md for why.
        "NIC_ASYNC_MODE": os.environ.get("NIC_ASYNC_MODE", "gevent"),
        "NIC_MESSAGE_QUEUE": os.environ.get("NIC_MESSAGE_QUEUE") or None,
        # With NIC_MESSAGE_QUEUE: how long a silent server process still counts people as here.
        "NIC_PRESENCE_TTL": float(os.environ.get("NIC_PRESENCE_TTL", "15")),
        "NIC_RATELIMIT_STORAGE_URI": os.environ.get("NIC_RATELIMIT_STORAGE_URI", "memory://"),
        "NIC_ALLOWED_ORIGINS": [
            o.strip() for o in os.environ.get("NIC_ALLOWED_ORIGINS", "").split(",") if o.strip()
        ],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _flag("NIC_SECURE_COOKIES", False),
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": _flag("NIC_SECURE_COOKIES", False),
        # A sign-in unused for this long ends (nic.services.logins), and the
        # remember-me cookie lasts as long: people sign in again after it.
        "REMEMBER_COOKIE_DURATION": timedelta(days=int(os.environ.get("NIC_SIGN_IN_DAYS", "60"))),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
    }


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
