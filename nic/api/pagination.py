"""Lists in the API's envelope: {"items", "page", "per_page", "total"}.

`page` and `per_page` arrive validated by `PageArgs` (1..100000, 1..100);
a page past the end is an empty list with the true total, not an error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from nic.extensions import db


def envelope(items: Sequence[Any], args: dict, total: int) -> dict:
    return {"items": list(items), "page": args["page"], "per_page": args["per_page"],
            "total": total}  # fmt: skip


def paginate(query: sa.Select, args: dict, present: Callable[[list], list] | None = None) -> dict:
    """One page of a query (two SQL statements: the rows and the count).

    `present` turns the page's rows into what the schema dumps, e.g. groups
    with the caller's role, loaded for the whole page at once.
    """
    page = db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
    items = list(page.items)
    return envelope(present(items) if present else items, args, page.total or 0)


def paginate_list(items: Sequence[Any], args: dict) -> dict:
    """One page of a list a service already loaded (short lists, e.g. revisions)."""
    start = (args["page"] - 1) * args["per_page"]
    return envelope(items[start : start + args["per_page"]], args, len(items))
