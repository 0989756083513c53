"""Shared column helpers for the models."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Timezone-aware now in UTC (stored naive-UTC on SQLite, aware elsewhere)."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """Attach UTC to a timestamp read back naive (SQLite drops the offset)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def iso_utc(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z: the one time format of the API, the protocol and pages."""
    if value is None:
        return None
    return as_utc(value).isoformat().replace("+00:00", "Z")
