"""Search: one query interface over SQLite FTS5 and PostgreSQL full-text search.

`search(user, text, filters, page)` finds the threads (by title) and posts the
user may see, ranked, a page at a time. What the user may see is asked inside
the query (nic.services.visibility joined to the match), so results, totals,
counts by kind and snippets never include what a page would then hide; an
edit, a delete, a hide or leaving a group shows in the very next search.

Two queries per page whatever the size: the page of matches (with the total,
a window count) and their snippets; one more for the counts by kind.

Ranking: the database's relevance (FTS5's bm25, PostgreSQL's ts_rank_cd), a
title match counting double, scaled by recent activity (a year-old post
counts half as much as today's). Snippets are made by the database with
control characters around the matched words, then escaped, then marked
(`<mark>`): user text never becomes markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.orm import aliased

from nic import policy
from nic.errors import ValidationError
from nic.extensions import db
from nic.models import Group, Membership, Post, Thread, User
from nic.models.search import INDEXED, PG_CONFIG
from nic.policy import Actor
from nic.services import search_query, visibility
from nic.services.pagination import KnownTotalPagination

PER_PAGE = 20
KINDS = ("thread", "post")
KIND_LABELS = {"thread": "Threads", "post": "Posts"}
SORTS = ("relevance", "newest")
_START, _STOP = "\x02", "\x03"  # around matched words; user text has no control characters
SNIPPET_WORDS = 24
TITLE_WEIGHT = 2.0
HALF_LIFE_DAYS = 365


@dataclass(frozen=True)
class Filters:
    kind: str | None = None
    group_id: int | None = None
    thread_id: int | None = None
    author_id: int | None = None
    job_role: str | None = None
    school_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    title: str
    snippet: Markup
    url: str
    group_id: int
    group_name: str
    author_id: int
    author_name: str
    created_at: datetime
    score: float
    thread_id: int


@dataclass(frozen=True)
class Results:
    query: str
    hits: list[Hit]
    pagination: KnownTotalPagination
    counts: dict[str, int] = field(default_factory=dict)  # by kind, before the kind filter

    @property
    def total(self) -> int:
        return self.pagination.total or 0


def mark(snippet: str) -> Markup:
    """Escape a database snippet, then mark what it bracketed: text never becomes markup."""
    text = str(escape(snippet))
    return Markup(text.replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S704 (escaped above)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _age_days(column: sa.ColumnElement) -> sa.ColumnElement[float]:
    if _dialect() == "postgresql":
        return sa.func.extract("epoch", sa.func.now() - column) / 86400.0
    return sa.func.julianday("now") - sa.func.julianday(column)


def _fresh(score: sa.ColumnElement, when: sa.ColumnElement) -> sa.ColumnElement[float]:
    """Relevance scaled by recency: 1 today, 1/2 after HALF_LIFE_DAYS, 1/3 after two."""
    return score / (1.0 + _age_days(when) / HALF_LIFE_DAYS)


@dataclass(frozen=True)
class _Source:
    """What one kind matches: the text column, its FTS5 table, and how to select it."""

    kind: str
    fts: str
    column: sa.ColumnElement
    weight: float


_SOURCES = {
    "thread": _Source("thread", "thread_fts", Thread.title, TITLE_WEIGHT),
    "post": _Source("post", "post_fts", Post.body, 1.0),
}


def _match(source: _Source, expression: str):
    """(the match condition, its relevance: higher is better, FROM clause target or None)."""
    if _dialect() == "postgresql":
        config = sa.literal_column(f"'{PG_CONFIG}'")
        vector = sa.func.to_tsvector(config, source.column)
        query = sa.func.to_tsquery(config, sa.bindparam("tsq", expression))
        return vector.op("@@")(query), sa.func.ts_rank_cd(vector, query), None
    table = sa.table(source.fts, sa.column("rowid"))
    fts = sa.literal_column(source.fts)
    condition = fts.op("MATCH")(sa.bindparam("match", expression))
    return condition, -sa.func.bm25(fts), table


def _viewer_membership(user: Actor):
    mine = aliased(Membership, name="mine")
    return mine, sa.and_(mine.group_id == Thread.group_id, mine.user_id == user.id)


def _selects(user: Actor, expression: str, filters: Filters, kinds: tuple[str, ...]):
    admin = policy.is_admin(user)
    mine, on = _viewer_membership(user)
    author = aliased(User, name="author")
    parts = []
    for kind in kinds:
        source = _SOURCES[kind]
        condition, relevance, table = _match(source, expression)
        if kind == "post":
            when, author_id, item_id = Post.created_at, Post.author_id, Post.id
        else:
            when, author_id, item_id = Thread.last_activity_at, Thread.author_id, Thread.id
        score = _fresh(relevance * source.weight, when)
        query = sa.select(
            sa.literal(kind).label("kind"), item_id.label("id"), Thread.id.label("thread_id"),
            score.label("score"), when.label("created_at"),
        )  # fmt: skip
        if table is not None:
            query = query.select_from(table)
            query = query.join(
                Post if kind == "post" else Thread,
                (Post.id if kind == "post" else Thread.id) == table.c.rowid,
            )
        else:
            query = query.select_from(Post if kind == "post" else Thread)
        if kind == "post":
            query = query.join(Thread, Thread.id == Post.thread_id)
        query = (
            query.join(Group, Group.id == Thread.group_id)
            .outerjoin(mine, on)
            .join(author, author.id == author_id)
            .where(
                condition,
                visibility.group_seen(admin, mine),
                visibility.thread_seen(admin, mine),
            )
        )
        if kind == "post":
            query = query.where(visibility.post_seen(admin, mine))
        query = query.where(*_filter_clauses(filters, author, author_id, when))
        parts.append(query)
    return parts


def _filter_clauses(filters: Filters, author, author_id, when) -> list[sa.ColumnElement[bool]]:
    clauses = []
    if filters.group_id is not None:
        clauses.append(Thread.group_id == filters.group_id)
    if filters.thread_id is not None:
        clauses.append(Thread.id == filters.thread_id)
    if filters.author_id is not None:
        clauses.append(author_id == filters.author_id)
    if filters.job_role is not None:
        clauses.append(author.job_role == filters.job_role)
    if filters.school_id is not None:
        clauses.append(author.school_id == filters.school_id)
    if filters.date_from is not None:
        clauses.append(when >= datetime.combine(filters.date_from, time.min))
    if filters.date_to is not None:
        clauses.append(when < datetime.combine(filters.date_to + timedelta(days=1), time.min))
    return clauses


def _snippets(user: Actor, expression: str, rows: list) -> dict[tuple[str, int], tuple[str, ...]]:
    """(kind, id) -> (title, snippet, group id, group name, author id, author name): one query
    per kind on the page."""
    found: dict[tuple[str, int], tuple] = {}
    author = aliased(User, name="author")
    for kind in KINDS:
        ids = [row.id for row in rows if row.kind == kind]
        if not ids:
            continue
        source = _SOURCES[kind]
        condition, _relevance, table = _match(source, expression)
        if _dialect() == "postgresql":
            config = sa.literal_column(f"'{PG_CONFIG}'")
            options = (
                f"StartSel={_START}, StopSel={_STOP}, MaxWords={SNIPPET_WORDS}, MinWords=8, "
                'MaxFragments=2, FragmentDelimiter=" … "'
            )
            snippet = sa.func.ts_headline(
                config, source.column, sa.func.to_tsquery(config, sa.bindparam("tsq", expression)),
                options,
            )  # fmt: skip
            if kind == "thread":
                snippet = sa.func.ts_headline(
                    config, source.column,
                    sa.func.to_tsquery(config, sa.bindparam("tsq", expression)),
                    f"StartSel={_START}, StopSel={_STOP}, HighlightAll=true",
                )  # fmt: skip
        else:
            fts = sa.literal_column(source.fts)
            if kind == "thread":
                snippet = sa.func.highlight(fts, 0, _START, _STOP)
            else:
                snippet = sa.func.snippet(fts, 0, _START, _STOP, "…", SNIPPET_WORDS)
        model = Post if kind == "post" else Thread
        author_id = Post.author_id if kind == "post" else Thread.author_id
        query = sa.select(model.id, Thread.title, snippet.label("snippet"), Group.id, Group.name,
                          author.id, author.name)  # fmt: skip
        if table is not None:
            query = query.select_from(table).join(model, model.id == table.c.rowid)
        else:
            query = query.select_from(model)
        if kind == "post":
            query = query.join(Thread, Thread.id == Post.thread_id)
        query = (
            query.join(Group, Group.id == Thread.group_id)
            .join(author, author.id == author_id)
            .where(condition, model.id.in_(ids))
        )
        for row in db.session.execute(query):
            found[(kind, row[0])] = tuple(row[1:])
    return found


def _url(kind: str, item_id: int) -> str:
    return f"/posts/{item_id}" if kind == "post" else f"/threads/{item_id}"


def rebuild_index() -> str:
    """Build the full-text index again from the rows (FTS5's 'rebuild'): after a restore
    from a backup made without it, say. PostgreSQL's GIN indexes are the database's own."""
    if _dialect() != "sqlite":
        return "PostgreSQL keeps its search indexes itself: nothing to rebuild."
    for _table, fts, _column in INDEXED:
        db.session.execute(sa.text(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')"))  # noqa: S608 (a constant name)
    db.session.commit()
    return "Search index rebuilt."


def clean_filters(filters: Filters) -> Filters:
    if filters.kind is not None and filters.kind not in KINDS:
        raise ValidationError("kind", f"Choose one of: {', '.join(KINDS)}.")
    if filters.sort not in SORTS:
        raise ValidationError("sort", "Sort by relevance or newest.")
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise ValidationError("to", "The end date is before the start date.")
    return filters


def search(
    user: Actor, text: object, filters: Filters = Filters(), page: int = 1,
    per_page: int = PER_PAGE,
) -> Results:  # fmt: skip
    """A page of what `user` may see matching `text`. Raises ValidationError for a query
    or filter that cannot be searched (too long, control characters, an unknown kind)."""
    filters = clean_filters(filters)
    parsed = search_query.parse(text)
    empty = KnownTotalPagination(page=page, per_page=per_page, items=[], total=0, error_out=False)
    if parsed.is_empty or not policy.is_signed_in(user):
        return Results(str(text or "").strip(), [], empty, dict.fromkeys(KINDS, 0))
    expression = (
        search_query.to_tsquery(parsed) if _dialect() == "postgresql"
        else search_query.to_fts5(parsed)
    )  # fmt: skip
    everything = sa.union_all(*_selects(user, expression, filters, KINDS)).subquery("found")
    counts = dict.fromkeys(KINDS, 0)
    for kind, count in db.session.execute(
        sa.select(everything.c.kind, sa.func.count()).group_by(everything.c.kind)
    ):
        counts[kind] = count
    kinds = (filters.kind,) if filters.kind else KINDS
    shown = sa.union_all(*_selects(user, expression, filters, kinds)).subquery("shown")
    order = (
        [shown.c.created_at.desc(), shown.c.id.desc()] if filters.sort == "newest"
        else [shown.c.score.desc(), shown.c.created_at.desc(), shown.c.id.desc()]
    )  # fmt: skip
    rows = db.session.execute(
        sa.select(shown.c.kind, shown.c.id, shown.c.thread_id, shown.c.score, shown.c.created_at)
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    total = sum(counts[kind] for kind in kinds)
    details = _snippets(user, expression, rows)
    hits = []
    for row in rows:
        title, snippet, group_id, group_name, author_id, author_name = details[(row.kind, row.id)]
        hits.append(
            Hit(
                kind=row.kind, id=row.id, title=title, snippet=mark(snippet or ""),
                url=_url(row.kind, row.id), group_id=group_id, group_name=group_name,
                author_id=author_id, author_name=author_name, created_at=row.created_at,
                score=round(float(row.score or 0), 6), thread_id=row.thread_id,
            )
        )  # fmt: skip
    pagination = KnownTotalPagination(
        page=page, per_page=per_page, items=hits, total=total, error_out=False
    )
    return Results(str(text).strip(), hits, pagination, counts)
