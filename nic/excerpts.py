"""Short plain-text excerpts of sanitised post HTML: quotes of a parent, profile posts."""

from __future__ import annotations

import html
import re

import nh3

EXCERPT_LENGTH = 160
_SPACE = re.compile(r"\s+")


def excerpt(body_html: str, limit: int = EXCERPT_LENGTH) -> str:
    """The text of `body_html` (tags dropped, whitespace folded), cut at a word near
    `limit` characters with an ellipsis. Plain text: templates escape it."""
    text = _SPACE.sub(" ", html.unescape(nh3.clean(body_html, tags=set()))).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" .,;:") + "…"
