"""The practice library as a reader sees it: filtered, sorted pages of cards, drafts.

Every list asks the SQL form of `policy.can_view_practice` (`visible_clause`),
so nobody finds a practice, or counts one, that they may not open. A page of
cards costs a fixed number of queries: the page (with its total), then the
authors with their schools and the labels of all its practices at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload

from nic import policy
from nic.extensions import db
from nic.models import (
    Group,
    LabelKind,
    Membership,
    Practice,
    PracticeAuthor,
    PracticeLabel,
    PracticeStatus,
    PracticeTry,
    User,
)
from nic.policy import Actor
from nic.services.practice_fields import LEVELS, LEVERS
from nic.services.validation import link_ids

PER_PAGE = 20
PREVIEW_SUMMARY = 160
SORTS = {
    "newest": (Practice.published_at.desc(), Practice.id.desc()),
    "most_tried": (Practice.tried_count.desc(), Practice.published_at.desc(), Practice.id.desc()),
    "most_helpful": (
        Practice.helpful_count.desc(),
        Practice.published_at.desc(),
        Practice.id.desc(),
    ),
}
_ORDER = {LabelKind.LEVER: LEVERS, LabelKind.LEVEL: LEVELS}
SORT_LABELS = {"newest": "Newest", "most_tried": "Most tried", "most_helpful": "Most helpful"}


@dataclass(frozen=True)
class LibraryFilters:
    """The library's filters (None: any) and sort; values are checked by the caller."""

    lever: str | None = None
    level: str | None = None
    tag: str | None = None
    author_role: str | None = None
    school_id: int | None = None
    group_id: int | None = None
    sort: str = "newest"


@dataclass
class PracticeCard:
    """A practice as a list shows it: who wrote it (with their schools) and its labels."""

    practice: Practice
    authors: list[User] = field(default_factory=list)
    levers: list[str] = field(default_factory=list)
    levels: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def _authored_by(user_id: int) -> sa.Select:
    return sa.select(PracticeAuthor.practice_id).where(PracticeAuthor.user_id == user_id)


def visible_clause(user: Actor) -> sa.ColumnElement[bool]:
    """Published practices this user may open (the SQL form of `can_view_practice`)."""
    if not policy.is_signed_in(user):
        return sa.false()
    published = Practice.status == PracticeStatus.PUBLISHED.value
    if policy.is_admin(user):
        return published
    mine = sa.select(Membership.group_id).where(Membership.user_id == user.id)
    return sa.or_(
        sa.and_(published, sa.or_(Practice.group_id.is_(None), Practice.group_id.in_(mine))),
        Practice.id.in_(_authored_by(user.id)),
    )


def _with_label(kind: LabelKind, value: str) -> sa.ColumnElement[bool]:
    labelled = sa.select(PracticeLabel.practice_id).where(
        PracticeLabel.kind == kind.value, PracticeLabel.value == value
    )
    return Practice.id.in_(labelled)


def _by_authors(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
    authors = (
        sa.select(PracticeAuthor.practice_id)
        .join(User, User.id == PracticeAuthor.user_id)
        .where(condition)
    )
    return Practice.id.in_(authors)


def library_query(user: Actor, filters: LibraryFilters) -> sa.Select:
    """Published practices this user may see that match the filters, in the chosen order."""
    query = sa.select(Practice).where(
        Practice.status == PracticeStatus.PUBLISHED.value, visible_clause(user)
    )
    if filters.lever:
        query = query.where(_with_label(LabelKind.LEVER, filters.lever))
    if filters.level:
        query = query.where(_with_label(LabelKind.LEVEL, filters.level))
    if filters.tag:
        query = query.where(_with_label(LabelKind.TAG, filters.tag))
    if filters.author_role:
        query = query.where(_by_authors(User.job_role == filters.author_role))
    if filters.school_id is not None:
        query = query.where(_by_authors(User.school_id == filters.school_id))
    if filters.group_id is not None:
        query = query.where(Practice.group_id == filters.group_id)
    return query.order_by(*SORTS.get(filters.sort, SORTS["newest"]))


def cards(practices: list[Practice]) -> list[PracticeCard]:
    """Cards for these practices, in their order: two queries whatever their number."""
    by_id = {p.id: PracticeCard(p) for p in practices}
    if not by_id:
        return []
    authors = db.session.execute(
        sa.select(PracticeAuthor.practice_id, User)
        .join(User, User.id == PracticeAuthor.user_id)
        .options(joinedload(User.school))
        .where(PracticeAuthor.practice_id.in_(by_id))
        .order_by(PracticeAuthor.practice_id, PracticeAuthor.position)
    )
    for practice_id, user in authors:
        by_id[practice_id].authors.append(user)
    labels = db.session.execute(
        sa.select(PracticeLabel.practice_id, PracticeLabel.kind, PracticeLabel.value)
        .where(PracticeLabel.practice_id.in_(by_id))
        .order_by(PracticeLabel.practice_id, PracticeLabel.value)
    )
    lists: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for practice_id, kind, value in labels:
        lists[practice_id][kind].append(value)
    for practice_id, card in by_id.items():
        found = lists[practice_id]
        card.levers = _in_order(found[LabelKind.LEVER.value], LabelKind.LEVER)
        card.levels = _in_order(found[LabelKind.LEVEL.value], LabelKind.LEVEL)
        card.tags = found[LabelKind.TAG.value]
    return list(by_id.values())


def _in_order(values: list[str], kind: LabelKind) -> list[str]:
    """Levers and levels in their defined order, as the forms list them."""
    order = _ORDER[kind]
    return sorted(values, key=lambda v: order.index(v) if v in order else len(order))


def browse(user: Actor, filters: LibraryFilters, page: int, per_page: int = PER_PAGE) -> Pagination:
    """One page of the library; its `items` are cards."""
    pagination = db.paginate(
        library_query(user, filters), page=page, per_page=per_page, error_out=False
    )
    pagination.items = cards(list(pagination.items))
    return pagination


def drafts_of(user: Actor) -> list[PracticeCard]:
    """The drafts this user is an author of, last changed first."""
    if not policy.is_signed_in(user):
        return []
    drafts = db.session.scalars(
        sa.select(Practice)
        .where(
            Practice.status == PracticeStatus.DRAFT.value,
            Practice.id.in_(_authored_by(user.id)),
        )
        .order_by(Practice.updated_at.desc(), Practice.id.desc())
    )
    return cards(list(drafts))


SCHOOL_LIST = 50


@dataclass(frozen=True)
class SchoolPractices:
    written: list[PracticeCard]
    tried: list[tuple[PracticeCard, PracticeTry]]


def school_practices(user: Actor, school_id: int) -> SchoolPractices:
    """What a school's people wrote and what the school tried, as this user may see it.

    Four queries whatever the numbers: the two lists, then their cards' authors and labels.
    """
    written = list(
        db.session.scalars(
            library_query(user, LibraryFilters(school_id=school_id)).limit(SCHOOL_LIST)
        )
    )
    tried = db.session.execute(
        sa.select(Practice, PracticeTry)
        .join(PracticeTry, PracticeTry.practice_id == Practice.id)
        .where(PracticeTry.school_id == school_id, visible_clause(user))
        .order_by(PracticeTry.tried_on.desc(), PracticeTry.id.desc())
        .limit(SCHOOL_LIST)
    ).all()
    all_cards = {c.practice.id: c for c in cards(written + [p for p, _ in tried])}
    return SchoolPractices(
        [all_cards[p.id] for p in written], [(all_cards[p.id], t) for p, t in tried]
    )


def tried_line(p: Practice) -> str:
    """ "Tried in 7 schools: 4 adopted, 2 adapted, 1 stopped · 3 found it helpful"."""
    if p.tried_count:
        counts = [(p.adopted_count, "adopted"), (p.adapted_count, "adapted"),
                  (p.stopped_count, "stopped")]  # fmt: skip
        schools = "school" if p.tried_count == 1 else "schools"
        parts = ", ".join(f"{n} {outcome}" for n, outcome in counts if n)
        line = f"Tried in {p.tried_count} {schools}: {parts}"
    else:
        line = "Not tried by another school yet"
    return f"{line} · {p.helpful_count} found it helpful" if p.helpful_count else line


@dataclass(frozen=True)
class PracticePreview:
    """What a text that links to a practice shows of it: a small card."""

    id: int
    title: str
    summary: str
    tried: str

    @classmethod
    def of(cls, p: Practice) -> PracticePreview:
        summary = p.summary if len(p.summary) <= PREVIEW_SUMMARY else (
            p.summary[: PREVIEW_SUMMARY - 1].rstrip() + "…")  # fmt: skip
        return cls(p.id, p.title, summary, tried_line(p))


def _linked(condition: sa.ColumnElement[bool], links: Iterable[str]) -> list[list[PracticePreview]]:
    """For each stored link list (`practice_links`), the previews the condition admits, in
    the text's order: one query for all of them (none when nothing links to a practice)."""
    lists = [link_ids(stored) for stored in links]
    wanted = sorted({i for ids in lists for i in ids})
    if not wanted:
        return [[] for _ in lists]
    found = {
        p.id: PracticePreview.of(p)
        for p in db.session.scalars(
            sa.select(Practice).where(
                Practice.id.in_(wanted),
                Practice.status == PracticeStatus.PUBLISHED.value,
                condition,
            )
        )
    }
    return [[found[i] for i in ids if i in found] for ids in lists]


def previews(user: Actor, links: Iterable[str]) -> list[list[PracticePreview]]:
    """The linked practices this user may see, for each text's `practice_links`. Others
    stay plain links: not even their titles show."""
    return _linked(visible_clause(user), links)


def room_previews(group: Group, links: Iterable[str]) -> list[list[PracticePreview]]:
    """The linked practices everyone who may see this group's pages may see, for a text
    that is broadcast to all of them at once (live chat): network-wide practices, and the
    group's own when the group is private (then its readers are its members and admins)."""
    shared = Practice.group_id.is_(None)
    if group.is_private:
        shared = sa.or_(shared, Practice.group_id == group.id)
    return _linked(shared, links)
