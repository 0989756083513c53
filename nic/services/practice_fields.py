"""What an author fills in for a practice, checked: every problem reported at once.

nic.services.practices writes what `clean_fields` returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from nic import policy
from nic.errors import ValidationError
from nic.extensions import db
from nic.models import LabelKind, Lever, Membership, SchoolLevel, User
from nic.services.validation import BODY_MAX, TITLE_MAX, clean_text, too_long

SUMMARY_MAX = 300
TAG_MAX = 60
TAGS_MAX = 12
COAUTHORS_MAX = 10
LEVERS = [lever.value for lever in Lever]
LEVELS = [level.value for level in SchoolLevel]


@dataclass(frozen=True)
class PracticeFields:
    """What an author fills in. `group_id` None shares with the whole network."""

    title: object
    summary: object
    body: object
    levers: tuple[object, ...] = ()
    levels: tuple[object, ...] = ()
    tags: tuple[object, ...] = ()
    group_id: int | None = None
    coauthor_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class CleanFields:
    title: str
    summary: str
    body: str
    labels: tuple[tuple[str, str], ...]  # (kind, value), in display order
    group_id: int | None
    coauthor_ids: tuple[int, ...]


def normalize_tag(tag: str) -> str:
    """ "Data  Huddles " and "data huddles" are one tag."""
    return " ".join(tag.split()).casefold()


def _choices(field: str, values: tuple[object, ...], allowed: list[str], name: str) -> list[str]:
    if not isinstance(values, tuple | list) or not all(isinstance(v, str) for v in values):
        raise ValidationError(field, f"Choose {name} from the list.")
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ValidationError(field, f"Unknown {name}: {', '.join(unknown)}.")
    return [v for v in allowed if v in values]


def _tags(values: tuple[object, ...]) -> list[str]:
    if not isinstance(values, tuple | list) or not all(isinstance(v, str) for v in values):
        raise ValidationError("tags", "Tags must be text.")
    tags: list[str] = []
    for value in values:
        tag = normalize_tag(clean_text("tags", value, max_length=TAG_MAX * 4, required=False))
        if len(tag) > TAG_MAX:
            raise ValidationError("tags", f"Each tag must be at most {TAG_MAX} characters.")
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise ValidationError("tags", f"Use at most {TAGS_MAX} tags.")
    return tags


def _check_group(user: User, group_id: int | None, current: int | None) -> int | None:
    """The group to share with; a new one must be one of the editor's own groups (a co-author
    from elsewhere may still edit a practice already shared in its writer's group)."""
    if group_id is None or group_id == current:
        return group_id
    membership = db.session.get(Membership, (group_id, user.id)) if group_id > 0 else None
    if not policy.can_share_practice_in(user, membership):
        raise ValidationError(
            "group_id", "Share it with a group you belong to, or with the whole network."
        )
    return group_id


def _check_coauthors(user: User, ids: tuple[int, ...], writer_id: int) -> tuple[int, ...]:
    wanted = tuple(dict.fromkeys(i for i in ids if i != writer_id))
    if len(wanted) > COAUTHORS_MAX:
        raise ValidationError("coauthor_ids", f"Add at most {COAUTHORS_MAX} co-authors.")
    if wanted:
        found = set(
            db.session.scalars(
                sa.select(User.id).where(User.id.in_(wanted), User.is_active_account.is_(True))
            )
        )
        if found != set(wanted):
            raise ValidationError("coauthor_ids", "Choose co-authors from the people listed.")
    return wanted


def clean_fields(
    user: User, fields: PracticeFields, writer_id: int, publish: bool,
    current_group_id: int | None = None,
) -> CleanFields:  # fmt: skip
    """Every field checked, every problem reported at once; raises ValidationError."""
    errors: dict[str, str] = {}

    def check(name: str, step: Callable[[], Any]) -> Any:
        try:
            return step()
        except ValidationError as exc:
            errors.update(exc.fields or {name: exc.message})
            return None

    title = check("title", lambda: clean_text("title", fields.title, max_length=TITLE_MAX))
    summary = check(
        "summary",
        lambda: clean_text("summary", fields.summary, max_length=SUMMARY_MAX * 2, required=publish),
    )
    if summary is not None:
        summary = " ".join(summary.split())  # one paragraph
        if len(summary) > SUMMARY_MAX:
            errors["summary"] = too_long(len(summary), SUMMARY_MAX)
    body = check(
        "body", lambda: clean_text("body", fields.body, max_length=BODY_MAX, required=publish)
    )
    levers = check("levers", lambda: _choices("levers", fields.levers, LEVERS, "levers")) or []
    levels = check("levels", lambda: _choices("levels", fields.levels, LEVELS, "levels")) or []
    tags = check("tags", lambda: _tags(fields.tags)) or []
    if publish and not levers and "levers" not in errors:
        errors["levers"] = "Choose at least one lever."
    if publish and not levels and "levels" not in errors:
        errors["levels"] = "Choose at least one school level."
    group_id = check("group_id", lambda: _check_group(user, fields.group_id, current_group_id))
    coauthors = check(
        "coauthor_ids", lambda: _check_coauthors(user, fields.coauthor_ids, writer_id)
    )
    if errors:
        raise ValidationError(errors)
    labels = (
        [(LabelKind.LEVER.value, v) for v in levers]
        + [(LabelKind.LEVEL.value, v) for v in levels]
        + [(LabelKind.TAG.value, v) for v in tags]
    )
    return CleanFields(title, summary or "", body or "", tuple(labels), group_id, coauthors or ())
