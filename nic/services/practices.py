"""Practice write-ups: load-and-authorize, write drafts, publish, revise, delete.

A practice is written as a draft (only its authors see it), then published
to the whole network or to one group its writer belongs to. Publishing, and
every later save that changes a published practice, makes a revision.
Browsing the library is nic.services.library.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from nic import policy
from nic.database import begin_write
from nic.errors import NotFound, PermissionDenied
from nic.extensions import db
from nic.models import (
    LabelKind,
    Membership,
    Practice,
    PracticeAttachment,
    PracticeAuthor,
    PracticeLabel,
    PracticeRevision,
    PracticeStatus,
    User,
    utcnow,
)
from nic.policy import Actor
from nic.services import notification_feed, notifications, practice_discussion, search_documents
from nic.services.access import Access, refusal
from nic.services.mentions import mentioned_in, render_with_mentions
from nic.services.practice_fields import CleanFields, PracticeFields, clean_fields
from nic.services.validation import practice_links
from nic.storage import storage

NOT_FOUND = "No such practice."
# Where a new write-up starts: the sections people expect to read.
TEMPLATE = (
    "## The problem of practice\n\n\n"
    "## What we did\n\n\n"
    "## Evidence of impact\n\n\n"
    "## How to adapt it\n\n\n"
    "## Resources\n"
)


@dataclass(frozen=True)
class PracticeAccess(Access[Practice]):
    """A practice as one user sees it: also whether they are one of its authors."""

    is_author: bool


@functools.cache
def _practice_query() -> sa.Select:
    """A practice by id with its group, the user's membership of it, and their authorship."""
    user_id = sa.bindparam("user_id")
    member = sa.and_(Membership.group_id == Practice.group_id, Membership.user_id == user_id)
    author = sa.and_(PracticeAuthor.practice_id == Practice.id, PracticeAuthor.user_id == user_id)
    return (
        sa.select(Practice, Membership, PracticeAuthor.user_id)
        .outerjoin(Practice.group)
        .options(contains_eager(Practice.group))
        .outerjoin(Membership, member)
        .outerjoin(PracticeAuthor, author)
        .where(Practice.id == sa.bindparam("practice_id"))
    )


def get_practice_for(user: Actor, practice_id: int) -> PracticeAccess:
    """The practice if this user may see it: one query; raises NotFound for everyone else."""
    if not policy.is_signed_in(user):
        raise NotFound(NOT_FOUND)
    row = db.session.execute(
        _practice_query(), {"practice_id": practice_id, "user_id": user.id}
    ).first()
    if row is None or not policy.can_view_practice(user, row[0], row[1], row[2] is not None):
        raise NotFound(NOT_FOUND)
    return PracticeAccess(row[0], row[1], row[2] is not None)


def may_edit(access: PracticeAccess) -> PracticeAccess:
    """The access if its user is an author; raises PermissionDenied."""
    if not access.is_author:
        raise PermissionDenied("Only the practice's authors can change it.")
    return access


def get_practice_to_edit(user: Actor, practice_id: int) -> PracticeAccess:
    return may_edit(get_practice_for(user, practice_id))


def _labels_text(labels: tuple[tuple[str, str], ...]) -> str:
    return "\n".join(f"{kind}:{value}" for kind, value in labels)


def _write_labels(practice_id: int, labels: tuple[tuple[str, str], ...]) -> None:
    db.session.execute(sa.delete(PracticeLabel).where(PracticeLabel.practice_id == practice_id))
    db.session.add_all(PracticeLabel(practice_id=practice_id, kind=k, value=v) for k, v in labels)
    search_documents.refresh_practice(practice_id)


def _write_coauthors(practice: Practice, coauthor_ids: tuple[int, ...]) -> None:
    db.session.execute(
        sa.delete(PracticeAuthor).where(
            PracticeAuthor.practice_id == practice.id,
            PracticeAuthor.user_id != practice.created_by_id,
        )
    )
    db.session.add_all(
        PracticeAuthor(practice_id=practice.id, user_id=uid, position=n)
        for n, uid in enumerate(coauthor_ids, start=1)
    )


def _revise(practice: Practice, clean: CleanFields, author_id: int) -> None:
    """Record a revision if the published text or labels changed (the first publish always)."""
    labels = _labels_text(clean.labels)
    if practice.revision_number:
        latest = db.session.scalar(
            sa.select(PracticeRevision).where(
                PracticeRevision.practice_id == practice.id,
                PracticeRevision.number == practice.revision_number,
            )
        )
        was = (latest.title, latest.summary, latest.body, latest.labels) if latest else None
        if was == (clean.title, clean.summary, clean.body, labels):
            return
    practice.revision_number += 1
    db.session.add(
        PracticeRevision(
            practice_id=practice.id, number=practice.revision_number, title=clean.title,
            summary=clean.summary, body=clean.body, labels=labels, author_id=author_id,
        )
    )  # fmt: skip


def _apply(practice: Practice, clean: CleanFields, user: User, publish: bool) -> set[int]:
    """Write the fields; returns who was told of a mention (to publish after commit)."""
    now = utcnow()
    # What the readers could see before: a draft's mentions told nobody yet.
    before = mentioned_in(practice.body_html) if practice.is_published else None
    practice.title, practice.summary, practice.body = clean.title, clean.summary, clean.body
    rendered = render_with_mentions(clean.body, user)
    practice.body_html = rendered.html if clean.body else ""
    practice.practice_links = practice_links(practice.body_html)
    practice.group_id, practice.updated_at = clean.group_id, now
    db.session.flush()
    _write_labels(practice.id, clean.labels)
    _write_coauthors(practice, clean.coauthor_ids)
    if publish and not practice.is_published:
        practice.status, practice.published_at = PracticeStatus.PUBLISHED.value, now
    if practice.is_published:
        _revise(practice, clean, user.id)
    return notifications.practice_written(practice, user.id, rendered, before)


def create_practice(user: Actor, fields: PracticeFields, *, publish: bool = False) -> Practice:
    """Write a new practice: a draft, or published at once (revision 1).

    A draft needs only a title; publishing needs the summary, the body, a
    lever and a school level too. Raises ValidationError with every problem.
    """
    if not policy.can_write_practice(user):
        raise refusal(user, "Sign in to write a practice.")
    begin_write()
    clean = clean_fields(user, fields, user.id, publish)
    practice = Practice(title=clean.title, summary="", body="", body_html="", created_by_id=user.id)
    db.session.add(practice)
    db.session.flush()
    db.session.add(PracticeAuthor(practice_id=practice.id, user_id=user.id, position=0))
    told = _apply(practice, clean, user, publish)
    db.session.commit()
    notification_feed.publish_counts(told)
    practice_discussion.open_discussion(practice, user)
    return practice


def update_practice(
    access: PracticeAccess, user: User, fields: PracticeFields, *, publish: bool = False
) -> Practice:
    """Save an author's changes; a published practice gets a revision when it changed.

    `publish` also publishes a draft. Raises PermissionDenied, ValidationError.
    """
    practice = may_edit(access).item
    begin_write()
    clean = clean_fields(
        user, fields, practice.created_by_id, publish or practice.is_published, practice.group_id
    )
    told = _apply(practice, clean, user, publish)
    db.session.commit()
    notification_feed.publish_counts(told)
    if practice.thread_id is None:
        writer = db.session.get(User, practice.created_by_id)
        practice_discussion.open_discussion(practice, *(u for u in (writer, user) if u))
    else:
        practice_discussion.follow(practice)
    return practice


def current_fields(practice: Practice) -> PracticeFields:
    """The practice as its form and `publish_practice` start from: two queries."""
    labels = db.session.execute(
        sa.select(PracticeLabel.kind, PracticeLabel.value).where(
            PracticeLabel.practice_id == practice.id
        )
    ).all()
    coauthors = db.session.scalars(
        sa.select(PracticeAuthor.user_id)
        .where(
            PracticeAuthor.practice_id == practice.id,
            PracticeAuthor.user_id != practice.created_by_id,
        )
        .order_by(PracticeAuthor.position)
    ).all()

    def of(kind: LabelKind) -> tuple[str, ...]:
        return tuple(value for k, value in labels if k == kind.value)

    return PracticeFields(
        practice.title, practice.summary, practice.body, of(LabelKind.LEVER),
        of(LabelKind.LEVEL), of(LabelKind.TAG), practice.group_id, tuple(coauthors),
    )  # fmt: skip


def publish_practice(access: PracticeAccess, user: User) -> Practice:
    """Publish a draft as it stands (revision 1); a published practice is left as it is.

    Raises PermissionDenied, or ValidationError naming what publishing still needs.
    """
    practice = may_edit(access).item
    if practice.is_published:
        return practice
    return update_practice(access, user, current_fields(practice), publish=True)


def delete_practice(access: PracticeAccess) -> None:
    """An author removes the practice, with its labels, revisions, tries, marks and files."""
    practice = may_edit(access).item
    begin_write()
    keys = list(
        db.session.scalars(
            sa.select(PracticeAttachment.storage_key).where(
                PracticeAttachment.practice_id == practice.id
            )
        )
    )
    thread_id = practice.thread_id
    db.session.delete(practice)
    db.session.commit()
    practice_discussion.withdraw(thread_id)
    for key in keys:  # after the commit: a failed delete must not lose the files
        storage().delete(key)
