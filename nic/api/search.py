"""/api/v1/search: the search box's results as JSON."""

from __future__ import annotations

from nic.api.auth import api_user
from nic.api.base import ApiBlueprint
from nic.api.pagination import envelope
from nic.api.schemas.common import page_of
from nic.api.schemas.search import SearchArgs, SearchHitSchema
from nic.services import search

bp = ApiBlueprint("api_search", __name__, tag="Search", description="Find what you may see.")


@bp.route("/search")
@bp.arguments(SearchArgs, location="query")
@bp.response(200, page_of(SearchHitSchema))
def search_all(args: dict):
    """Threads, posts and live sessions you may see matching `q`, best first (or newest)."""
    filters = search.Filters(
        kind=args.get("kind"), group_id=args.get("group_id"), thread_id=args.get("thread_id"),
        author_id=args.get("author_id"), job_role=args.get("job_role"),
        school_id=args.get("school_id"), date_from=args.get("from_"), date_to=args.get("to"),
        sort=args["sort"],
    )  # fmt: skip
    found = search.search(api_user, args["q"], filters, args["page"], args["per_page"])
    items = [
        {
            "kind": hit.kind, "id": hit.id, "title": hit.title, "snippet": str(hit.snippet),
            "url": hit.url,
            "group": {"id": hit.group_id, "name": hit.group_name} if hit.group_id else None,
            "author": {"id": hit.author_id, "name": hit.author_name},
            "created_at": hit.created_at, "score": hit.score,
        }
        for hit in found.hits
    ]  # fmt: skip
    return envelope(items, args, found.total)
