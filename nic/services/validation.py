"""Small shared validators for service input."""

from __future__ import annotations

import math
import re
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from flask import current_app, has_request_context, request

from nic.errors import ValidationError
from nic.markup import linked_practice_ids

TITLE_MAX = 200
BODY_MAX = 50_000


# Control characters other than tab and line breaks (a textarea sends CR LF), and lone
# surrogates: text pasted from nowhere a person types, which PostgreSQL (NUL) or the
# sanitiser (a surrogate cannot be encoded) would refuse with an error, not a message.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def check_characters(value: str) -> str | None:
    """What is wrong with the characters of `value` as text a person wrote (None: nothing)."""
    found = _NOT_TEXT.search(value)
    if found is None:
        return None
    char = found.group()
    if "\ud800" <= char <= "\udfff":
        return f"Remove the broken character (U+{ord(char):04X}, half of a pair) from the text."
    name = "NUL" if char == "\x00" else f"U+{ord(char):04X}"
    return f"Remove the invisible control character ({name}) from the text."


def too_long(length: int, limit: int) -> str:
    """The one message for text over its limit: how long it is, the limit, how much to cut.

    Text over a limit is refused, never cut (the writer decides what to drop); the
    browser's counter (static/js/counters.js) says the same before anything is sent.
    """
    return (
        f"This is {length:,} characters; the limit is {limit:,}. Shorten it by {length - limit:,}."
    )


REQUIRED = "This cannot be empty."


def clean_text(field: str, value: object, *, max_length: int, required: bool = True) -> str:
    """Strip a text value and check its length; raises ValidationError (never truncates)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(field, "Must be text.")
    problem = check_characters(value)
    if problem:
        raise ValidationError(field, problem)
    text = value.strip()
    if required and not text:
        raise ValidationError(field, REQUIRED)
    if len(text) > max_length:
        raise ValidationError(field, too_long(len(text), max_length))
    return text


def clean_url(field: str, value: object, *, max_length: int = 500) -> str:
    """An optional web address (http or https, with a host), or ""; raises ValidationError.

    Only a web link a person can open: never javascript:, data: or a bare word.
    """
    text = clean_text(field, value, max_length=max_length, required=False)
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname or " " in text:
        raise ValidationError(
            field, "Give a web address that starts with https://, as the meeting app shows it."
        )
    return text


NUMBER = "Give a number, such as 80 or 2.5."


def clean_number(field: str, value: object, *, message: str = NUMBER) -> float | None:
    """A finite number from a form's text, a CSV cell or JSON ("1,234" reads as 1234);
    None for a blank; raises ValidationError(field, message) for anything else."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValidationError(field, message)
    try:
        number = float(value.strip().replace(",", "") if isinstance(value, str) else value)
    except (ValueError, OverflowError):  # OverflowError: an int past float's range
        raise ValidationError(field, message) from None
    if not math.isfinite(number) or abs(number) > 1e12:
        raise ValidationError(field, message)
    return number


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


def site_hosts() -> set[str]:
    """This site's own host names (for telling its links from other sites')."""
    hosts = set()
    if has_request_context():
        hosts.add(request.host.lower())
    if current_app.config.get("SERVER_NAME"):
        hosts.add(str(current_app.config["SERVER_NAME"]).lower())
    return hosts


def practice_links(html: str) -> str:
    """The practice ids a rendered text links to, as stored beside it ("3,17")."""
    return ",".join(str(i) for i in linked_practice_ids(html, site_hosts()))


def link_ids(stored: str) -> list[int]:
    return [int(i) for i in stored.split(",") if i]


def fit_title(title: str) -> str:
    """A title made from others' words (“Practice: …”), cut to TITLE_MAX with an ellipsis."""
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"
