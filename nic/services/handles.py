"""Handles: the names written after "@" (usernames, and group slugs).

`@maria.lopez` mentions a person and `@principals-circle` a whole group, in the
same texts, so the two share one namespace: a group's slug skips the usernames
taken, and nobody may take a group's slug as their username. Both are made from
a name the same way (lower-case ASCII letters and digits, joined by "." for
people and "-" for groups), then made unique with a number.
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa

from nic.extensions import db
from nic.models import Group, User

SLUG_BASE_MAX = 60  # of Group.slug's 80, leaving room for "-2", "-3"...
# An apostrophe inside a word joins it ("Maria's group" is marias-group, not maria-s-group).
_APOSTROPHE = re.compile(r"(?<=[a-z0-9])['\u2019](?=[a-z0-9])")
_NOT_NAME = re.compile(r"[^a-z0-9]+")


def handle_base(name: str, separator: str, limit: int) -> str:
    """`name` as a handle: ASCII letters and digits joined by `separator`, at most `limit`
    characters ("" when the name has none)."""
    folded = unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    lowered = folded.encode("ascii", "ignore").decode().lower()
    joined = _NOT_NAME.sub(separator, _APOSTROPHE.sub("", lowered)).strip(separator)
    return joined[:limit].strip(separator)


def taken(base: str, *, group_id: int | None = None) -> set[str]:
    """The usernames and group slugs (other than group `group_id`'s) that start with `base`.

    One query; `base` holds only letters, digits, dots and dashes, so it is no LIKE pattern.
    """
    users = sa.select(User.username.label("handle")).where(User.username.like(f"{base}%"))
    slugs = sa.select(Group.slug.label("handle")).where(Group.slug.like(f"{base}%"))
    if group_id is not None:
        slugs = slugs.where(Group.id != group_id)
    return set(db.session.scalars(sa.union_all(users, slugs)))


def first_free(base: str, used: set[str], joiner: str = "") -> str:
    """`base`, else `base2`, `base3`... (with `joiner` before the number): the first not used."""
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base}{joiner}{n}"
    return candidate


def unique_slug(name: str, group_id: int | None = None) -> str:
    """The slug for a group called `name` ("Principals' circle": principals-circle), made
    unique with "-2", "-3"... among the other groups' slugs and the usernames."""
    base = handle_base(name, "-", SLUG_BASE_MAX) or "group"
    return first_free(base, taken(base, group_id=group_id), "-")


def is_group_slug(handle: str) -> bool:
    """Whether some group is mentioned by this handle (so no one may take it as a username)."""
    return db.session.scalar(sa.select(Group.id).where(Group.slug == handle)) is not None
