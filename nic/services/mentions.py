"""@mentions: the people and groups named in what members write, and who to suggest.

"@maria.lopez" in a post, a practice write-up, a try report or a chat message
becomes a link to her profile when the text is written (`render_with_mentions`),
and the ids of everyone it names come back for the notifications. The link goes
by id (`/u/id/<id>`, which sends on to `/u/<username>`), so it keeps working when
she changes her username; `flask rerender-markdown` keeps each text's links as
they were (nic.services.rerender). "@principals-circle" names a whole group, but
only when its writer facilitates it (policy.can_mention_group): otherwise, as
for a name nobody has, the text stays as written.

Who hears of a mention is not decided here: the notifications send only to those
who may see the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from nic import policy
from nic.errors import ValidationError
from nic.extensions import db
from nic.markup import (
    mention_handles,
    mention_links,
    render_chat,
    render_markdown,
    render_mentioning,
)
from nic.markup_extensions import HANDLE_MAX
from nic.models import Group, GroupRole, Membership, User
from nic.models.accounts import job_role_label
from nic.policy import Actor
from nic.services import groups

# Where mentions link. Paths, not url_for: texts are rendered in jobs and the CLI too,
# with no request to build URLs from; the users and groups blueprints serve these.
USER_PATH = "/u/id/{}"
GROUP_PATH = "/groups/{}"
# Handles looked up for one text at most (a text naming more links only these).
LOOKUP_MAX = 100
CANDIDATES_MAX = 8
GROUP_CANDIDATES_MAX = 3
USER, GROUP = "user", "group"


@dataclass(frozen=True)
class Rendered:
    """A text rendered with its mentions, and who it mentions."""

    html: str  # sanitised HTML with mention links
    user_ids: frozenset[int]  # users mentioned (resolved), author included if self-mention
    group_ids: frozenset[int]  # groups mentioned that the author may mention


@dataclass(frozen=True)
class _Target:
    kind: str
    id: int

    @property
    def href(self) -> str:
        return (USER_PATH if self.kind == USER else GROUP_PATH).format(self.id)


def _targets(handles: list[str], author: Actor) -> dict[str, _Target]:
    """The active people and the groups the author may mention, by handle: one query, and
    one more for the author's memberships when a group is named (admins need none)."""
    people = sa.select(sa.literal(USER).label("kind"), User.id, User.username.label("handle"))
    people = people.where(User.username.in_(handles), User.is_active_account.is_(True))
    named = sa.select(sa.literal(GROUP), Group.id, Group.slug).where(Group.slug.in_(handles))
    rows = db.session.execute(sa.union_all(people, named)).all()
    group_ids = [row.id for row in rows if row.kind == GROUP]
    mine = {}
    if group_ids and not policy.is_admin(author):
        mine = groups.memberships_by_group(author, group_ids)
    found: dict[str, _Target] = {}
    # A person before a group of the same handle (nic.services.handles keeps them apart).
    for row in sorted(rows, key=lambda row: row.kind != USER):
        if row.handle in found:
            continue
        if row.kind == GROUP and not policy.can_mention_group(author, mine.get(row.id)):
            continue
        found[row.handle] = _Target(row.kind, row.id)
    return found


def render_with_mentions(text: str, author: Actor, *, chat: bool = False) -> Rendered:
    """Render a text as `render_markdown` does (with `chat`, `render_chat`), @mentions linked.

    A mention is "@" and a username (any case) or a group's slug, outside code, links,
    email addresses and URLs, without the punctuation after it ("@maria."). Deactivated
    accounts, unknown names and groups the author does not facilitate stay plain text.
    No query when the text has no "@"; one (two when it names a group) otherwise.
    """
    handles = mention_handles(text)[:LOOKUP_MAX]
    targets = _targets(handles, author) if handles else {}
    if not targets:
        html = render_chat(text) if chat else render_markdown(text)
        return Rendered(html, frozenset(), frozenset())
    links = {handle: target.href for handle, target in targets.items()}
    html, linked = render_mentioning(text, links, chat=chat)
    mentioned = [targets[handle] for handle in linked]
    return Rendered(
        html,
        frozenset(t.id for t in mentioned if t.kind == USER),
        frozenset(t.id for t in mentioned if t.kind == GROUP),
    )


def mentioned_in(html: str) -> tuple[set[int], set[int]]:
    """The people and groups a stored text's mention links name, by id (from their paths)."""
    found: dict[str, set[int]] = {USER_PATH: set(), GROUP_PATH: set()}
    for href in mention_links(html).values():
        base, _, ident = href.rpartition("/")
        path = base + "/{}"
        if ident.isdigit() and path in found:
            found[path].add(int(ident))
    return found[USER_PATH], found[GROUP_PATH]


# --- Suggestions while writing -------------------------------------------------------

_QUERY = re.compile(r"[a-z0-9][a-z0-9_.-]*", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """Someone (or a group) to mention, as the suggestions list shows them."""

    kind: str  # "user" or "group"
    id: int
    handle: str  # what goes after the "@"
    name: str
    job_role: str | None = None
    school: str | None = None
    in_group: bool = False  # a member of the group being written in

    @property
    def job_role_label(self) -> str | None:
        return job_role_label(self.job_role) if self.job_role else None


def clean_query(value: object) -> str:
    """What was typed after "@" (the "@" itself may come along), lower-cased;
    raises ValidationError."""
    text = value.removeprefix("@") if isinstance(value, str) else ""
    if not _QUERY.fullmatch(text) or len(text) > HANDLE_MAX:
        raise ValidationError(
            "q", f"Give the start of a name: 1 to {HANDLE_MAX} letters, digits, '.', '_' or '-'."
        )
    return text.lower()


def _people(user: Actor, q: str, group_id: int | None, limit: int) -> list[Candidate]:
    name = sa.func.lower(User.name)
    query = (
        sa.select(User)
        .options(joinedload(User.school))
        .where(
            User.is_active_account.is_(True),
            User.id != user.id,
            sa.or_(
                User.username.startswith(q, autoescape=True),
                name.startswith(q, autoescape=True),
                name.contains(f" {q}", autoescape=True),  # a later word: "lop" finds Maria Lopez
            ),
        )
        .limit(limit)
    )
    if group_id is None:
        rows = [(person, False) for person in db.session.scalars(query.order_by(name, User.id))]
    else:
        member = sa.and_(Membership.group_id == group_id, Membership.user_id == User.id)
        in_group = Membership.user_id.is_not(None)
        query = query.add_columns(in_group).outerjoin(Membership, member)
        rows = db.session.execute(query.order_by(in_group.desc(), name, User.id)).all()
    return [
        Candidate(
            kind=USER,
            id=person.id,
            handle=person.username,
            name=person.name,
            job_role=person.job_role,
            school=person.school.name if person.school else None,
            in_group=bool(is_member),
        )
        for person, is_member in rows
    ]


def _groups(user: Actor, q: str, limit: int) -> list[Candidate]:
    """The groups whose slug starts with `q` that this user may mention: the SQL form of
    policy.can_mention_group (all groups for admins, else those they facilitate)."""
    query = sa.select(Group).where(Group.slug.startswith(q, autoescape=True))
    if not policy.is_admin(user):
        query = query.join(
            Membership,
            sa.and_(
                Membership.group_id == Group.id,
                Membership.user_id == user.id,
                Membership.role == GroupRole.FACILITATOR.value,
            ),
        )
    found = db.session.scalars(query.order_by(Group.slug).limit(limit))
    return [Candidate(GROUP, group.id, group.slug, group.name) for group in found]


def mention_candidates(
    user: Actor, q: object, group_id: int | None = None, limit: int = CANDIDATES_MAX
) -> list[Candidate]:
    """Who to suggest after "@" + `q`: active people whose username, name or a later word
    of their name starts with it (the members of group `group_id` first, then the whole
    network, by name; not the user themself), then the groups they may mention whose slug
    starts with it. At most `limit`. Two queries, and one for the group.

    Raises ValidationError for a `q` that cannot start a handle, NotFound for a group
    this user may not see (as everywhere, outsiders learn nothing of it).
    """
    if not policy.is_signed_in(user):
        return []
    text = clean_query(q)
    if group_id is not None:
        groups.get_group_for(user, group_id)
    found_groups = _groups(user, text, min(GROUP_CANDIDATES_MAX, limit))
    people = _people(user, text, group_id, limit - len(found_groups))
    return [*people, *found_groups]
