"""Search: one query interface over SQLite FTS5 and PostgreSQL full-text search.

`search(user, text, filters, page)` finds the threads (by title) and posts the
user may see, ranked, a page at a time. What the user may see is asked inside
the query (nic.services.visibility joined to the match), so results, totals,
counts by kind and snippets never include what a page would then hide; an
edit, a delete, a hide or leaving a group shows in the very next search.

Three queries a page whatever the size: the counts by kind (each counted up to
COUNT_CAP: "1,000+"), the page of matches, and their snippets (one per kind shown).

Ranking: the database's relevance (FTS5's bm25, PostgreSQL's ts_rank_cd), a
title match counting double, scaled by recent activity (a year-old post
counts half as much as today's). A kind with more than COUNT_CAP matches the
user may see has only its newest COUNT_CAP ranked (by id, after the visibility
rules): ranking every match of a common word cost most of its search, and
recency already favours the newest; "newest" and rare words are unaffected.
Snippets are made by the database with control characters around the matched
words, then escaped, then marked (`<mark>`): user text never becomes markup.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.orm import aliased

from nic import policy
from nic.errors import ValidationError
from nic.extensions import db
from nic.models import (
    ChatMessage,
    Group,
    LiveSession,
    Membership,
    Post,
    Practice,
    PracticeAuthor,
    PracticeTry,
    Question,
    Thread,
    User,
)
from nic.models.search import INDEXED, PG_CONFIG, VECTOR
from nic.policy import Actor
from nic.services import search_query, visibility
from nic.services.pagination import KnownTotalPagination

PER_PAGE = 20
KINDS = ("thread", "post", "practice", "try", "session", "message", "question", "person")
KIND_LABELS = {
    "thread": "Threads", "post": "Posts", "practice": "Practices", "try": "Tried-it reports",
    "session": "Live sessions", "message": "Session chat", "question": "Session questions",
    "person": "People",
}  # fmt: skip
KIND_NAMES = {  # one result's kind, as its line says it
    "thread": "Thread", "post": "Post", "practice": "Practice", "try": "Tried-it report",
    "session": "Live session", "message": "Session chat", "question": "Session question",
    "person": "Person",
}  # fmt: skip
TITLE_KINDS = ("thread", "practice", "session", "person")  # what suggestions name
SORTS = ("relevance", "newest")
WHOLE_NETWORK = "Whole network"
ANONYMOUS = "Anonymous"  # who asked an anonymous question, as search says it
_START, _STOP = "\x02", "\x03"  # around matched words; user text has no control characters
SNIPPET_WORDS = 24
TITLE_WEIGHT = 2.0
PERSON_WEIGHT = 0.5  # a role or a school in common is a weak match; the People tab has them
HALF_LIFE_DAYS = 365
COUNT_CAP = 1000  # counts above it show as "1,000+" (counting every match cost most)


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
    group_id: int | None  # None: a practice shared with the whole network
    group_name: str
    author_id: int | None  # None: an anonymous question's asker, never named by search
    author_name: str
    created_at: datetime
    score: float
    thread_id: int


@dataclass(frozen=True)
class Results:
    query: str
    hits: list[Hit]
    pagination: KnownTotalPagination
    # By kind, before the kind filter; COUNT_CAP + 1 means "more than COUNT_CAP".
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.pagination.total or 0

    def count_label(self, kind: str | None = None) -> str:
        """A kind's count (None: all kinds) as the page shows it: "12", "1,000+"."""
        counts = [self.counts[kind]] if kind else list(self.counts.values())
        more = any(count > COUNT_CAP for count in counts)
        shown = sum(min(count, COUNT_CAP) for count in counts)
        return f"{shown:,}+" if more else f"{shown:,}"


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


_CONFIG = sa.literal_column(f"'{PG_CONFIG}'")
# The statements are built once per shape (nic.services.search._page_statement) and take
# the query text and the viewer as parameters: building them cost more than running them.
_TSQ = sa.bindparam("tsq", type_=sa.String)
_MATCH = sa.bindparam("match", type_=sa.String)
_VIEWER = sa.bindparam("viewer_id", type_=sa.Integer)


def _params(expression: str, user: Actor) -> dict[str, object]:
    key = "tsq" if _dialect() == "postgresql" else "match"
    return {key: expression, "viewer_id": user.id}


Seen = Callable[[bool, Any, int], list[sa.ColumnElement[bool]]]


@dataclass(frozen=True)
class _Source:
    """One kind of result: its rows, their FTS5 table and columns, how they join to their
    group, and what the viewer must be allowed to see of them."""

    kind: str
    model: type
    fts: str
    columns: tuple[sa.ColumnElement, ...]
    snippet_column: int  # which column the snippet is cut from
    weight: float
    when: sa.ColumnElement
    author_id: sa.ColumnElement
    group_id: sa.ColumnElement | None  # None: the kind belongs to no group (people)
    title: sa.ColumnElement
    seen: Seen
    url: str  # formatted with (link, id)
    link: sa.ColumnElement  # the page the hit opens on (a session, a practice) or the row
    joins: tuple[tuple[type, sa.ColumnElement[bool]], ...] = ()  # on the way to the group
    thread: bool = False  # a thread or one of its posts
    # True for a row whose author is not named (an anonymous question): search shows
    # ANONYMOUS, and the author filters (who, their role, their school) never find it.
    anonymous: sa.ColumnElement[bool] | None = None

    def match(self):
        """(the condition, its relevance, higher better; the FTS5 table to select from)."""
        if _dialect() == "postgresql":
            vector = sa.literal_column(f'"{self.model.__tablename__}".{VECTOR}')
            query = sa.func.to_tsquery(_CONFIG, _TSQ)
            return vector.op("@@")(query), sa.func.ts_rank_cd(vector, query), None
        table = sa.table(self.fts, sa.column("rowid"))
        fts = sa.literal_column(self.fts)
        condition = fts.op("MATCH")(_MATCH)
        return condition, -sa.func.bm25(fts), table

    def snippet(self) -> sa.ColumnElement:
        column = self.columns[self.snippet_column]
        whole = self.kind in _WHOLE  # a title or a name: all of it, marked
        if _dialect() == "postgresql":
            query = sa.func.to_tsquery(_CONFIG, _TSQ)
            options = (
                f"StartSel={_START}, StopSel={_STOP}, HighlightAll=true" if whole else
                f"StartSel={_START}, StopSel={_STOP}, MaxWords={SNIPPET_WORDS}, MinWords=8, "
                "MaxFragments=2, FragmentDelimiter=\" … \""
            )  # fmt: skip
            return sa.func.ts_headline(_CONFIG, column, query, options)
        fts = sa.literal_column(self.fts)
        if whole:
            return sa.func.highlight(fts, self.snippet_column, _START, _STOP)
        return sa.func.snippet(fts, self.snippet_column, _START, _STOP, "…", SNIPPET_WORDS)

    def base(self, *columns: sa.ColumnElement):
        """SELECT `columns` of the matching rows, joined to their group (and thread); with
        the relevance and the row's id as the index knows it (FTS5's rowid: its order)."""
        condition, relevance, table = self.match()
        query = sa.select(*columns)
        if table is not None:
            query = query.select_from(table).join(self.model, self.model.id == table.c.rowid)
            key = table.c.rowid
        else:
            query = query.select_from(self.model)
            key = self.model.id
        for target, onclause in self.joins:
            query = query.join(target, onclause)
        if self.group_id is None:
            query = query.outerjoin(Group, sa.false())
        elif self.model in (Practice, PracticeTry):  # a network-wide practice: no group
            query = query.outerjoin(Group, Group.id == self.group_id)
        else:
            query = query.join(Group, Group.id == self.group_id)
        return query.where(condition), relevance, key


def _practice_seen(admin: bool, mine, viewer_id: int) -> list[sa.ColumnElement[bool]]:
    is_author = sa.exists().where(
        PracticeAuthor.practice_id == Practice.id, PracticeAuthor.user_id == viewer_id
    )
    return [visibility.practice_seen(admin, mine, is_author)]


def _thread_seen(admin: bool, mine, _viewer_id: int) -> list[sa.ColumnElement[bool]]:
    return [visibility.group_seen(admin, mine), visibility.thread_seen(admin, mine)]


def _post_seen(admin: bool, mine, viewer_id: int) -> list[sa.ColumnElement[bool]]:
    return [*_thread_seen(admin, mine, viewer_id), visibility.post_seen(admin, mine)]


def _session_seen(admin: bool, mine, _viewer_id: int) -> list[sa.ColumnElement[bool]]:
    return [visibility.group_seen(admin, mine)]


def _message_seen(admin: bool, mine, viewer_id: int) -> list[sa.ColumnElement[bool]]:
    return [*_session_seen(admin, mine, viewer_id), ChatMessage.deleted_at.is_(None)]


def _question_seen(admin: bool, mine, viewer_id: int) -> list[sa.ColumnElement[bool]]:
    """As the session's chat: its group's readers (questions are never hidden or deleted
    but with their session, and then the row is gone)."""
    return _session_seen(admin, mine, viewer_id)


def _person_seen(_admin: bool, _mine, _viewer_id: int) -> list[sa.ColumnElement[bool]]:
    return [User.is_active_account.is_(True)]  # policy.can_view_profile: every member


_WHOLE = frozenset({"thread", "person"})
_SOURCES = {
    "thread": _Source("thread", Thread, "thread_fts", (Thread.title,), 0, TITLE_WEIGHT,
                      Thread.last_activity_at, Thread.author_id, Thread.group_id,
                      Thread.title, _thread_seen, "/threads/{1}", Thread.id, thread=True),
    "post": _Source("post", Post, "post_fts", (Post.body,), 0, 1.0,
                    Post.created_at, Post.author_id, Thread.group_id, Thread.title, _post_seen,
                    "/posts/{1}", Post.id, ((Thread, Thread.id == Post.thread_id),),
                    thread=True),
    "practice": _Source("practice", Practice, "practice_fts",
                        (Practice.title, Practice.summary, Practice.body,
                         Practice.search_extra), 2, 1.5,
                        Practice.published_at, Practice.created_by_id, Practice.group_id,
                        Practice.title, _practice_seen, "/practices/{1}", Practice.id),
    "try": _Source("try", PracticeTry, "practice_try_fts",
                   (PracticeTry.changes, PracticeTry.observations), 1, 1.0,
                   PracticeTry.created_at, PracticeTry.user_id, Practice.group_id,
                   Practice.title, _practice_seen, "/practices/{0}#try-{1}", Practice.id,
                   ((Practice, Practice.id == PracticeTry.practice_id),)),
    "session": _Source("session", LiveSession, "live_session_fts",
                       (LiveSession.title, LiveSession.agenda), 1, TITLE_WEIGHT,
                       LiveSession.starts_at, LiveSession.created_by_id, LiveSession.group_id,
                       LiveSession.title, _session_seen, "/sessions/{1}", LiveSession.id),
    "message": _Source("message", ChatMessage, "chat_message_fts", (ChatMessage.body,), 0,
                       1.0, ChatMessage.created_at, ChatMessage.author_id,
                       LiveSession.group_id, LiveSession.title, _message_seen,
                       "/sessions/{0}#message-{1}", LiveSession.id,
                       ((LiveSession, LiveSession.id == ChatMessage.session_id),)),
    "question": _Source("question", Question, "live_question_fts", (Question.body,), 0, 1.0,
                        Question.created_at, Question.author_id, LiveSession.group_id,
                        LiveSession.title, _question_seen, "/sessions/{0}#question-{1}",
                        LiveSession.id, ((LiveSession, LiveSession.id == Question.session_id),),
                        anonymous=Question.anonymous.is_(True)),
    "person": _Source("person", User, "user_fts", (User.search_text,), 0, PERSON_WEIGHT,
                      User.created_at, User.id, None, User.name, _person_seen,
                      "/u/id/{1}", User.id),
}  # fmt: skip


# Built once: a fresh alias per call cost more than running a rare word's query.
_AUTHOR = aliased(User, name="author")
_MINE = aliased(Membership, name="mine")


def _arm(admin: bool, source: _Source, filters: Filters, *, ranked: bool, cap: int = 0,
         newest: bool = False):  # fmt: skip
    """One kind's matches the user may see, filtered: ranked (kind, id, thread, when, score)
    for the page, or just the kind for counting (no ranking, no author unless filtered).
    `cap`: only the newest `cap` of them (by id) are ranked, for a common word;
    `newest`: their ids, newest first (what the cap counts)."""
    if ranked:
        thread_id = Thread.id if source.thread else sa.null()
        columns = (
            sa.literal(source.kind).label("kind"), source.model.id.label("id"),
            thread_id.label("thread_id"), source.when.label("created_at"),
        )  # fmt: skip
    else:
        columns = (sa.literal(source.kind).label("kind"),)
    query, relevance, key = source.base(*columns)
    if ranked:
        query = query.add_columns(_fresh(relevance * source.weight, source.when).label("score"))
    elif newest:
        query = query.with_only_columns(key).order_by(key.desc())
    query = query.outerjoin(
        _MINE, sa.and_(_MINE.group_id == Group.id, _MINE.user_id == _VIEWER)
    ).where(*source.seen(admin, _MINE, _VIEWER), *_filter_clauses(filters, source, _AUTHOR))
    if source.model is Post:
        query = query.where(sa.not_(_opens_a_found_thread()))
    if source.model is Thread:
        query = query.where(sa.not_(_discusses_a_found_practice(admin, filters)))
    if ranked or filters.job_role is not None or filters.school_id is not None:
        query = query.join(_AUTHOR, _AUTHOR.id == source.author_id)
    if cap:  # from the cap-th newest match the user may see
        oldest = (
            _arm(admin, source, filters, ranked=False, newest=True)
            .offset(cap - 1).limit(1).correlate(None).scalar_subquery()
        )  # fmt: skip
        query = query.where(key >= sa.func.coalesce(oldest, 0))
    return query


_OPENING = aliased(Post, name="opening")


def _opens_a_found_thread() -> sa.ColumnElement[bool]:
    """A thread's opening post when the thread's title matches too: the thread's hit stands
    for both, so a conversation is listed once (as Discourse lists a topic once)."""
    first = (
        sa.select(sa.func.min(_OPENING.id))
        .where(_OPENING.thread_id == Post.thread_id)
        .scalar_subquery()
    )
    condition, _relevance, table = _SOURCES["thread"].match()
    if table is not None:  # FTS5: the matching titles' rowids
        condition = Thread.id.in_(sa.select(table.c.rowid).where(condition))
    return sa.and_(Post.parent_id.is_(None), Post.id == first, condition)


def _discusses_a_found_practice(admin: bool, filters: Filters) -> sa.ColumnElement[bool]:
    """A practice's own discussion thread when the practice is found too (the viewer may see
    it and it passes the same filters): the thread's title repeats the practice's, so the
    practice's hit stands for both; the thread's replies are still posts of their own.
    Not correlated: the found practices' threads are listed once, not asked per thread."""
    found = (
        _arm(admin, _SOURCES["practice"], filters, ranked=False)
        .with_only_columns(Practice.thread_id)
        .where(Practice.thread_id.is_not(None))
        .correlate(None)
    )
    return Thread.id.in_(found)


@functools.lru_cache(maxsize=256)
def _counts_statement(dialect: str, admin: bool, filters: Filters, cap: int):
    """How many matches of each kind, counted up to `cap` + 1 ("1,000+")."""
    del dialect  # part of the cache's key: the statement is the dialect's
    return sa.union_all(*(
        sa.select(sa.literal(kind).label("kind"), sa.func.count().label("n")).select_from(
            _arm(admin, _SOURCES[kind], filters, ranked=False)
            .limit(cap + 1)
            .subquery(f"{kind}_found")
        )
        for kind in KINDS
    ))  # fmt: skip


def _counts(user: Actor, expression: str, filters: Filters) -> dict[str, int]:
    statement = _counts_statement(_dialect(), policy.is_admin(user), filters, COUNT_CAP)
    counts = dict.fromkeys(KINDS, 0)
    for kind, count in db.session.execute(statement, _params(expression, user)):
        counts[kind] = count
    return counts


@functools.lru_cache(maxsize=512)
def _page_statement(dialect: str, admin: bool, filters: Filters, kinds: tuple[str, ...],
                    capped: tuple[str, ...], cap: int, per_page: int, page: int):  # fmt: skip
    """The page of ranked matches of `kinds` (those in `capped` ranked among their newest
    `cap`)."""
    del dialect  # part of the cache's key: the statement is the dialect's
    arms = [
        _arm(admin, _SOURCES[kind], filters, ranked=True, cap=cap if kind in capped else 0)
        for kind in kinds
    ]
    shown = sa.union_all(*arms).subquery("shown")
    order = (
        [shown.c.created_at.desc(), shown.c.id.desc()] if filters.sort == "newest"
        else [shown.c.score.desc(), shown.c.created_at.desc(), shown.c.id.desc()]
    )  # fmt: skip
    return (
        sa.select(shown.c.kind, shown.c.id, shown.c.thread_id, shown.c.score, shown.c.created_at)
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )


def _filter_clauses(filters: Filters, source: _Source, author) -> list[sa.ColumnElement[bool]]:
    clauses = []
    when = source.when
    by_author = (filters.author_id, filters.job_role, filters.school_id)
    if source.anonymous is not None and any(f is not None for f in by_author):
        clauses.append(sa.not_(source.anonymous))  # who asked is not for search to tell
    if filters.group_id is not None:
        clauses.append(Group.id == filters.group_id)
    if filters.thread_id is not None:
        clauses.append(Thread.id == filters.thread_id if source.thread else sa.false())
    if filters.author_id is not None:
        clauses.append(source.author_id == filters.author_id)
    if filters.job_role is not None:
        clauses.append(author.job_role == filters.job_role)
    if filters.school_id is not None:
        clauses.append(author.school_id == filters.school_id)
    if filters.date_from is not None:
        clauses.append(when >= datetime.combine(filters.date_from, time.min))
    if filters.date_to is not None:
        clauses.append(when < datetime.combine(filters.date_to + timedelta(days=1), time.min))
    return clauses


def _details(params: dict[str, object], rows: list) -> dict[tuple[str, int], tuple]:
    """(kind, id) -> (title, snippet, group id, group name, author id, author name, link):
    one query per kind on the page."""
    found: dict[tuple[str, int], tuple] = {}
    author = _AUTHOR
    for kind, source in _SOURCES.items():
        ids = [row.id for row in rows if row.kind == kind]
        if not ids:
            continue
        author_id, author_name = author.id, author.name
        if source.anonymous is not None:
            author_id = sa.case((source.anonymous, sa.null()), else_=author.id)
            author_name = sa.case((source.anonymous, sa.literal(ANONYMOUS)), else_=author.name)
        query, _relevance, _key = source.base(
            source.model.id, source.title, source.snippet().label("snippet"), Group.id,
            Group.name, author_id, author_name, source.link,
        )  # fmt: skip
        query = query.join(author, author.id == source.author_id).where(source.model.id.in_(ids))
        for row in db.session.execute(query, params):
            found[(kind, row[0])] = tuple(row[1:])
    return found


def rebuild_index() -> str:
    """Build the full-text index again from the rows (FTS5's 'rebuild'): after a restore
    from a backup made without it, say. PostgreSQL's GIN indexes are the database's own."""
    if _dialect() != "sqlite":
        return "PostgreSQL keeps its search indexes itself: nothing to rebuild."
    for _table, fts, _columns in INDEXED:
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
    per_page: int = PER_PAGE, *, kinds: tuple[str, ...] | None = None,
) -> Results:  # fmt: skip
    """A page of what `user` may see matching `text`. Raises ValidationError for a query
    or filter that cannot be searched (too long, control characters, an unknown kind).

    `kinds`, given, is a quick look (suggest): only those kinds, ranked as usual, and no
    counts query (Results.counts is empty, the total is the hits shown)."""
    filters = clean_filters(filters)
    parsed = search_query.parse(text)
    empty = KnownTotalPagination(page=page, per_page=per_page, items=[], total=0, error_out=False)
    if parsed.is_empty or not policy.is_signed_in(user):
        return Results(str(text or "").strip(), [], empty, dict.fromkeys(KINDS, 0))
    expression = (
        search_query.to_tsquery(parsed) if _dialect() == "postgresql"
        else search_query.to_fts5(parsed)
    )  # fmt: skip
    quick = kinds is not None  # suggestions: no counts, always capped
    counts = {} if quick else _counts(user, expression, filters)
    kinds = kinds or ((filters.kind,) if filters.kind else KINDS)
    relevance = filters.sort == "relevance"
    capped = tuple(k for k in kinds if relevance and (quick or counts[k] > COUNT_CAP))
    statement = _page_statement(_dialect(), policy.is_admin(user), filters, tuple(kinds),
                                capped, COUNT_CAP, per_page, page)  # fmt: skip
    params = _params(expression, user)
    rows = db.session.execute(statement, params).all()
    total = sum(min(counts[kind], COUNT_CAP) for kind in kinds) if counts else len(rows)
    details = _details(params, rows)
    hits = []
    for row in rows:
        title, snippet, group_id, group_name, author_id, author_name, link = details[
            (row.kind, row.id)
        ]
        hits.append(
            Hit(
                kind=row.kind, id=row.id, title=title, snippet=mark(snippet or ""),
                url=_SOURCES[row.kind].url.format(link, row.id), group_id=group_id,
                group_name=group_name or WHOLE_NETWORK,
                author_id=author_id, author_name=author_name, created_at=row.created_at,
                score=round(float(row.score or 0), 6), thread_id=row.thread_id,
            )
        )  # fmt: skip
    pagination = KnownTotalPagination(
        page=page, per_page=per_page, items=hits, total=total, error_out=False
    )
    return Results(str(text).strip(), hits, pagination, counts)


def suggest(user: Actor, text: object, limit: int = 8) -> list[Hit]:
    """The best `limit` titles for what is being typed in the header's box (TITLE_KINDS:
    threads, practices, sessions, people), ranked and restricted to what `user` may see
    exactly as `search` does, without its counts query and always ranking only the newest
    COUNT_CAP matches of a kind. Fewer than two characters (or nothing to search for) is
    [] without a query. Raises ValidationError for text that cannot be searched (too
    long, control characters)."""
    parsed = search_query.parse(text)  # validates; pure, no database
    if parsed.is_empty or len(str(text).strip()) < 2 or limit < 1:
        return []
    return search(user, text, Filters(), 1, limit, kinds=TITLE_KINDS).hits
