"""Schools trying a practice and reporting back; members marking it helpful.

A school has one report per practice: a second is an update of the first,
whose earlier text is kept (`PracticeTryRevision`). The practice's counters
(schools by outcome, helpful marks) change in the same transaction, so the
library's counts and sorts never drift from the rows. After each commit the
practice's authors hear of it live in their personal rooms (`practice_tried`),
the hook the notifications will use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from nic import events, policy
from nic.database import begin_write
from nic.errors import NotFound, PermissionDenied, ValidationError
from nic.extensions import db
from nic.models import (
    NotificationKind,
    Outcome,
    Practice,
    PracticeAuthor,
    PracticeHelpful,
    PracticeTry,
    PracticeTryRevision,
    School,
    User,
    utcnow,
)
from nic.services import cycles, notification_feed, notifications
from nic.services.access import refusal
from nic.services.mentions import render_with_mentions
from nic.services.practices import PracticeAccess
from nic.services.validation import clean_choice, clean_text

OUTCOMES = [o.value for o in Outcome]
NOTES_MAX = 10_000
GRADES_MAX = 60
PARTICIPANTS_MAX = 200
EARLIEST = date(2000, 1, 1)
KEEP = object()  # an update that does not name the try's cycle leaves it linked
CYCLE_CHOICE = "Choose one of your school's PDSA cycles started from this practice, or none."
_COUNTERS = {
    Outcome.ADOPTED.value: Practice.adopted_count,
    Outcome.ADAPTED.value: Practice.adapted_count,
    Outcome.STOPPED.value: Practice.stopped_count,
}


@dataclass(frozen=True)
class TryFields:
    tried_on: object
    outcome: object
    grade_band: object = ""
    participants: object = ""
    changes: object = ""
    observations: object = ""
    # The school's PDSA cycle of this practice it was run as; KEEP leaves an update's as it was.
    cycle_id: object = KEEP


@dataclass(frozen=True)
class _CleanTry:
    tried_on: date
    outcome: str
    grade_band: str
    participants: str
    changes: str
    observations: str
    cycle_id: object  # an id, None, or KEEP


def _clean(fields: TryFields, run_as: object) -> _CleanTry:
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    today = utcnow().date() + timedelta(days=1)  # a school a time zone ahead is not "future"
    if not isinstance(fields.tried_on, date) or not EARLIEST <= fields.tried_on <= today:
        errors["tried_on"] = "Give the date the school tried it (not in the future)."
    for name, limit, required in (
        ("grade_band", GRADES_MAX, False), ("participants", PARTICIPANTS_MAX, False),
        ("changes", NOTES_MAX, False), ("observations", NOTES_MAX, True),
    ):  # fmt: skip
        try:
            values[name] = clean_text(name, getattr(fields, name), max_length=limit,
                                      required=required)  # fmt: skip
        except ValidationError as exc:
            errors.update(exc.fields)
    try:
        values["outcome"] = clean_choice("outcome", fields.outcome, OUTCOMES)
    except ValidationError:
        errors["outcome"] = "Choose how it went: adopted, adapted or stopped."
    if errors:
        raise ValidationError(errors)
    return _CleanTry(tried_on=fields.tried_on, cycle_id=run_as, **values)  # type: ignore[arg-type]


def _run_as(user: User, practice_id: int, cycle_id: object) -> tuple[object, dict[str, str]]:
    """The cycle a try was run as: one of the user's school's, of this practice, that the
    user may see (anything else is one "not found" to the user: no cycle's existence leaks)."""
    if cycle_id is None or cycle_id is KEEP:
        return cycle_id, {}
    cycle = None
    if isinstance(cycle_id, int) and not isinstance(cycle_id, bool):
        try:
            cycle = cycles.get_cycle_for(user, cycle_id).cycle
        except NotFound:
            cycle = None
    if cycle is None or cycle.school_id != user.school_id or cycle.practice_id != practice_id:
        return None, {"cycle_id": CYCLE_CHOICE}
    return cycle.id, {}


def may_report_try(access: PracticeAccess, user: User) -> PracticeAccess:
    if not policy.can_report_try(user, access.item, access.membership, access.is_author):
        if user.school_id is None:
            raise PermissionDenied("Add your school to your profile to report a try.")
        raise refusal(user, "Only published practices can be tried.")
    return access


def my_try(practice_id: int, school_id: int | None) -> PracticeTry | None:
    if school_id is None:
        return None
    return db.session.scalar(
        sa.select(PracticeTry).where(
            PracticeTry.practice_id == practice_id, PracticeTry.school_id == school_id
        )
    )


def _bump(practice_id: int, outcome: str, by: int, tried: int) -> None:
    column = _COUNTERS[outcome]
    db.session.execute(
        sa.update(Practice)
        .where(Practice.id == practice_id)
        .values({column: column + by, Practice.tried_count: Practice.tried_count + tried})
    )


def record_try(access: PracticeAccess, user: User, fields: TryFields) -> PracticeTry:
    """Record (or update) this user's school's try; raises PermissionDenied, ValidationError."""
    practice = may_report_try(access, user).item
    run_as, problem = _run_as(user, practice.id, fields.cycle_id)
    try:
        clean = _clean(fields, run_as)
    except ValidationError as exc:
        raise ValidationError(exc.fields | problem) from None
    if problem:
        raise ValidationError(problem)
    begin_write()
    existing = my_try(practice.id, user.school_id)
    now = utcnow()
    if existing is None:
        report = PracticeTry(practice_id=practice.id, school_id=user.school_id, created_at=now)
        earlier = None
    else:
        report, earlier = existing, existing.outcome
        db.session.add(
            PracticeTryRevision(
                try_id=report.id, user_id=report.user_id, tried_on=report.tried_on,
                grade_band=report.grade_band, participants=report.participants,
                outcome=report.outcome, changes=report.changes,
                observations=report.observations, written_at=report.updated_at,
            )
        )  # fmt: skip
    report.user_id, report.updated_at = user.id, now
    report.tried_on, report.outcome = clean.tried_on, clean.outcome
    report.grade_band, report.participants = clean.grade_band, clean.participants
    report.changes, report.observations = clean.changes, clean.observations
    if clean.cycle_id is not KEEP:
        report.cycle_id = clean.cycle_id  # type: ignore[assignment]
    changes = render_with_mentions(clean.changes, user)
    observations = render_with_mentions(clean.observations, user)
    report.changes_html = changes.html if clean.changes else ""
    report.observations_html = observations.html
    if earlier is None:
        db.session.add(report)
        _bump(practice.id, clean.outcome, 1, 1)
    elif earlier != clean.outcome:
        _bump(practice.id, earlier, -1, 0)
        _bump(practice.id, clean.outcome, 1, 0)
    told: set[int] = set()
    if existing is None:  # a new school's try (an update of it tells them live only)
        told = notifications.practice_response(practice, user.id, NotificationKind.PRACTICE_TRIED)
    try:
        db.session.commit()
    except IntegrityError:
        # Two people of one school reported at once: the other one's report stands.
        db.session.rollback()
        raise ValidationError(
            "outcome", "Your school's report was just saved by someone else; reload to update it."
        ) from None
    db.session.refresh(practice)
    _tell_authors(practice, report, user, updated=existing is not None)
    notification_feed.publish_counts(told)
    return report


def _tell_authors(practice: Practice, report: PracticeTry, user: User, updated: bool) -> None:
    authors = db.session.scalars(
        sa.select(PracticeAuthor.user_id).where(PracticeAuthor.practice_id == practice.id)
    )
    school = db.session.get(School, report.school_id)
    data = {
        "practice_id": practice.id,
        "title": practice.title,
        "school": school.name if school else None,
        "outcome": report.outcome,
        "updated": updated,
        "by": user.name,
    }
    for author_id in authors:
        if author_id != user.id:
            events.publish("practice_tried", data, events.user_room(author_id))


def school_try(user: User, try_id: int | None) -> PracticeTry | None:
    """A try of the user's own school by its id (what a cycle planned from it starts from),
    or None."""
    if try_id is None or user.school_id is None:
        return None
    report = db.session.get(PracticeTry, try_id)
    return report if report is not None and report.school_id == user.school_id else None


def tries_of(practice_id: int) -> list[PracticeTry]:
    """Every school's report, latest first, with the school and reporter: one query."""
    return list(
        db.session.scalars(
            sa.select(PracticeTry)
            .options(joinedload(PracticeTry.school), joinedload(PracticeTry.user))
            .where(PracticeTry.practice_id == practice_id)
            .order_by(PracticeTry.updated_at.desc(), PracticeTry.id.desc())
        )
    )


def try_history(try_id: int) -> list[PracticeTryRevision]:
    return list(
        db.session.scalars(
            sa.select(PracticeTryRevision)
            .where(PracticeTryRevision.try_id == try_id)
            .order_by(PracticeTryRevision.id.desc())
        )
    )


def is_helpful_to(practice_id: int, user_id: int) -> bool:
    return db.session.get(PracticeHelpful, (practice_id, user_id)) is not None


def set_helpful(access: PracticeAccess, user: User, helpful: bool) -> Practice:
    """Mark the practice helpful, or take the mark back (one per person).

    Raises PermissionDenied for a draft.
    """
    practice = access.item
    if not policy.can_respond_to_practice(user, practice, access.membership, access.is_author):
        raise refusal(user, "Only published practices can be marked helpful.")
    begin_write()
    mark = db.session.get(PracticeHelpful, (practice.id, user.id))
    change = 0
    if helpful and mark is None:
        db.session.add(PracticeHelpful(practice_id=practice.id, user_id=user.id))
        change = 1
    elif not helpful and mark is not None:
        db.session.delete(mark)
        change = -1
    if change:
        db.session.execute(
            sa.update(Practice)
            .where(Practice.id == practice.id)
            .values(helpful_count=Practice.helpful_count + change)
        )
    told: set[int] = set()
    if change == 1:
        told = notifications.practice_response(practice, user.id, NotificationKind.PRACTICE_HELPFUL)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the same mark, from another tab at the same moment: it stands
        told = set()
    db.session.refresh(practice)
    notification_feed.publish_counts(told)
    return practice
