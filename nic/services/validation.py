"""Small shared validators for service input."""

from __future__ import annotations

from zoneinfo import available_timezones

from nic.errors import ValidationError

TITLE_MAX = 200
BODY_MAX = 50_000


def clean_text(field: str, value: object, *, max_length: int, required: bool = True) -> str:
    """Strip a text value and check its length; raises ValidationError."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(field, "Must be text.")
    if "\x00" in value:
        # Invisible, never meant, and PostgreSQL refuses to store it.
        raise ValidationError(field, "Remove the invisible control character (NUL) from the text.")
    text = value.strip()
    if required and not text:
        raise ValidationError(field, "This field is required.")
    if len(text) > max_length:
        raise ValidationError(field, f"Must be at most {max_length:,} characters.")
    return text


def clean_choice(field: str, value: object, choices: list[str] | set[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ValidationError(field, f"Must be one of: {', '.join(sorted(choices))}.")
    return value


_ZONES: set[str] | None = None


def clean_time_zone(value: object) -> str:
    global _ZONES
    if _ZONES is None:
        _ZONES = available_timezones()
    if not isinstance(value, str) or value not in _ZONES:
        raise ValidationError("time_zone", "Choose a time zone from the list.")
    return value
