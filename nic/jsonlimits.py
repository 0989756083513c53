"""JSON from outside, with a nesting limit: too deep is bad input (400), not a RecursionError.

Python's json module recurses once per level: a body of 50,000 `[` raised
RecursionError, which reached the 500 handler. Every JSON body nic reads
(Flask's `request.get_json`, the API's webargs parser) is decoded here.
"""

from __future__ import annotations

import json
from typing import Any

from flask.json.provider import DefaultJSONProvider

# Deeper than any body nic accepts (its deepest is an object of lists of objects).
MAX_DEPTH = 32


def _depth_ok(value: Any) -> bool:
    """Whether `value` nests at most MAX_DEPTH containers deep (iteratively: no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > MAX_DEPTH:
            return False
        stack.extend((child, depth + 1) for child in children)
    return True


class TooDeep(json.JSONDecodeError):
    """A JSON document nested more than MAX_DEPTH levels deep (a ValueError, as Flask wants)."""

    def __init__(self, document: str) -> None:
        super().__init__(f"JSON nested more than {MAX_DEPTH} levels deep", document, 0)


def loads(text: str | bytes, **options: Any) -> Any:
    """`json.loads` (with its `options`), raising TooDeep for nesting over MAX_DEPTH."""
    document = text.decode() if isinstance(text, bytes) else text
    try:
        value = json.loads(document, **options)
    except RecursionError as exc:
        raise TooDeep(document) from exc
    if not _depth_ok(value):
        raise TooDeep(document)
    return value


class LimitedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, decoding through `loads` (Flask answers a ValueError with 400)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s)
