"""Pages of a list whose total is already known (a counter, or a count taken in the same query).

Flask-SQLAlchemy's `db.paginate` runs a COUNT of the whole list on every
page; where a counter or the page's own query already knows the total, this
Pagination (the same class the templates' pager reads) takes it instead.
"""

from __future__ import annotations

from typing import Any

from flask_sqlalchemy.pagination import Pagination


class KnownTotalPagination(Pagination):
    """`KnownTotalPagination(page=, per_page=, items=, total=)`; pages past the end are empty."""

    def _query_items(self) -> list[Any]:
        return self._query_args["items"]

    def _query_count(self) -> int:
        return self._query_args["total"]
