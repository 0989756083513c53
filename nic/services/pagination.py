"""Pages of a list whose total is already known (a counter, or a count taken in the same query).

Flask-SQLAlchemy's `db.paginate` runs a COUNT of the whole list on every
page; where a counter or the page's own query already knows the total, this
Pagination (the same class the templates' pager reads) takes it instead.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from nic.extensions import db


class KnownTotalPagination(Pagination):
    """`KnownTotalPagination(page=, per_page=, items=, total=)`; pages past the end are empty."""

    def _query_items(self) -> list[Any]:
        return self._query_args["items"]

    def _query_count(self) -> int:
        return self._query_args["total"]


# How many pages past the current one a windowed pager counts (and so may offer).
WINDOW_PAGES = 10


def window_paginate(query: sa.Select, page: int, per_page: int) -> KnownTotalPagination:
    """A page of a long list whose full count would cost more than the page (a member's
    thousands of posts, each tested against what the viewer may see): the count stops
    WINDOW_PAGES pages past this one, so the pager offers the pages up to there and then
    "Next", and costs the same on page 1 of 30 posts as of 30,000. Two queries."""
    page = max(page, 1)
    offset = (page - 1) * per_page
    items = list(db.session.scalars(query.limit(per_page).offset(offset)))
    ahead = query.with_only_columns(sa.literal_column("1")).order_by(None)
    window = ahead.offset(offset).limit(per_page * WINDOW_PAGES + 1).subquery()
    seen = db.session.scalar(sa.select(sa.func.count()).select_from(window)) or 0
    return KnownTotalPagination(page=page, per_page=per_page, error_out=False, items=items,
                                total=offset + seen)  # fmt: skip
