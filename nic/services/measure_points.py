"""A school's points on a measure: one per period, entered by the school's own team.

Periods are named by their first day: a weekly measure's point for any day of a
week is that week's Monday (a date, or an ISO week such as 2026-W10), a monthly
one's the 1st (2026-03), a term's the day the term began. A percent is entered
as a numerator of a denominator (so the network's percent can be weighted), a
rate as a count per exposure. Entering a period again updates it, never
duplicates. A batch (the quick form's one row, a CSV upload, the API's bulk
call) is checked whole first: any bad row refuses the batch with an error per
row, and nothing of it is saved.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

import sqlalchemy as sa

from nic import policy
from nic.database import begin_write
from nic.errors import NotFound, ValidationError
from nic.extensions import db
from nic.models import Cycle, Measure, MeasurePoint, School, Unit, utcnow
from nic.models.measures import Frequency, period_label
from nic.policy import Actor
from nic.services import chart_summaries
from nic.services.access import refusal
from nic.services.measures import MeasureAccess
from nic.services.upsert import upsert_many
from nic.services.validation import NUMBER, clean_number, clean_text

NO_ENTRY = "Only the school's own team enters its points."
ARCHIVED = "This measure is retired: its points are kept, and no new ones are entered."
MAX_ROWS = 2_000
NOTE_MAX = 300
EARLIEST = date(2000, 1, 1)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
T = TypeVar("T")
_ID = re.compile(r"[0-9]{1,9}")
_HINT = {
    Frequency.WEEKLY.value: "give a date in the week (2026-03-02 or 3/2/2026) or a week (2026-W10)",
    Frequency.MONTHLY.value: "give the month (2026-03) or a date in it",
    Frequency.TERM.value: "give the date the term began (2026-01-05 or 1/5/2026)",
}


@dataclass(frozen=True)
class PointInput:
    """One point as entered (raw values; the service checks each)."""

    period: object
    value: object = None
    numerator: object = None
    denominator: object = None
    note: object = ""
    cycle_id: object = None


@dataclass(frozen=True)
class CheckedRow:
    number: int  # 1-based, as the person counts rows of their form or file
    period: date
    values: dict[str, object]
    action: str  # "create", "update" or "same"


@dataclass(frozen=True)
class Batch:
    """A checked batch, ready to save: what will be created, updated and left alone."""

    school: School
    rows: list[CheckedRow]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)


class RowErrors(ValidationError):
    """Rows that cannot be saved: `rows` maps each row number to its fields' messages."""

    def __init__(self, rows: dict[int, dict[str, str]]) -> None:
        some = "1 row has a problem" if len(rows) == 1 else f"{len(rows):,} rows have problems"
        # Each problem under its row, for handlers that only know `fields`.
        super().__init__({f"rows.{n}.{name}": text for n, problems in rows.items()
                          for name, text in problems.items()})  # fmt: skip
        self.message = f"{some}; nothing was saved. Fix them and try again."
        self.rows = rows


def period_start(frequency: str, day: date) -> date:
    """The first day of the period a day falls in."""
    if frequency == Frequency.WEEKLY.value:
        return day - timedelta(days=day.weekday())
    if frequency == Frequency.MONTHLY.value:
        return day.replace(day=1)
    return day


def _day(text: str, frequency: str) -> date:
    hint = _HINT[frequency]
    iso, us = _ISO_DATE.match(text), _US_DATE.match(text)
    week, month = _ISO_WEEK.match(text), _MONTH.match(text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if us:
            return date(int(us[3]), int(us[1]), int(us[2]))
        if week and frequency == Frequency.WEEKLY.value:
            return date.fromisocalendar(int(week[1]), int(week[2]), 1)
        if month and frequency == Frequency.MONTHLY.value:
            return date(int(month[1]), int(month[2]), 1)
    except ValueError:
        raise ValidationError("period", f"There is no such date: {hint}.") from None
    raise ValidationError(
        "period", f"This measure is {frequency.replace('term', 'per term')}: {hint}."
    )


def parse_period(frequency: str, raw: object, today: date) -> date:
    """The period a raw value names; raises ValidationError("period") for text that names
    none, a period of another frequency, or one that has not begun yet."""
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        day = raw
    elif isinstance(raw, str) and raw.strip():
        day = _day(raw.strip(), frequency)
    else:
        raise ValidationError("period", f"Which period? {_HINT[frequency].capitalize()}.")
    start = period_start(frequency, day)
    if start > period_start(frequency, today):
        raise ValidationError("period", "That period has not begun yet.")
    if start < EARLIEST:
        raise ValidationError("period", "Give a period from 2000 on.")
    return start


def _number(field: str, raw: object, *, message: str = NUMBER) -> float:
    number = clean_number(field, raw, message=message)
    if number is None:
        raise ValidationError(field, message)
    return number


def _parts(raw: PointInput, unit: str) -> tuple[float, float]:
    what = "how many in all" if unit == Unit.PERCENT.value else "the exposure"
    numerator = _number("numerator", raw.numerator,
                        message="Give the numerator, a number of 0 or more.")  # fmt: skip
    denominator = _number("denominator", raw.denominator,
                          message=f"Give the denominator ({what}), more than 0.")  # fmt: skip
    if numerator < 0:
        raise ValidationError("numerator", "The numerator cannot be below 0.")
    if denominator <= 0:
        raise ValidationError("denominator", "The denominator must be more than 0.")
    if unit == Unit.PERCENT.value and numerator > denominator:
        raise ValidationError(
            "numerator",
            f"The numerator ({numerator:g}) is more than the denominator ({denominator:g}).",
        )
    return numerator, denominator


def _values(measure: Measure, raw: PointInput) -> dict[str, object]:
    """The stored value (and its parts) of one raw point; raises ValidationError."""
    if measure.has_parts:
        numerator, denominator = _parts(raw, measure.unit)
        scale = 100.0 if measure.unit == Unit.PERCENT.value else measure.rate_per
        return {"value": numerator / denominator * scale, "numerator": numerator,
                "denominator": denominator}  # fmt: skip
    value = _number("value", raw.value)
    if measure.unit == Unit.COUNT.value and (value < 0 or value != int(value)):
        raise ValidationError("value", "A count is a whole number, 0 or more.")
    return {"value": value, "numerator": None, "denominator": None}


def _cycle_ids(school_id: int, rows: Sequence[PointInput]) -> set[int]:
    ids = {_id(r.cycle_id) for r in rows} - {None}
    if not ids:
        return set()
    found = sa.select(Cycle.id).where(Cycle.id.in_(ids), Cycle.school_id == school_id)
    return set(db.session.scalars(found))


def _id(raw: object) -> int | None:
    """An id from a form, a file or JSON: 1 to 9 ASCII digits ("²" and 10**30 are none)."""
    if isinstance(raw, bool):
        return None
    text = str(raw).strip() if isinstance(raw, str | int) else ""
    return int(text) if _ID.fullmatch(text) else None


def _cycle(raw: object, allowed: set[int]) -> int | None:
    if raw in (None, ""):
        return None
    cycle_id = _id(raw)
    if cycle_id not in allowed:
        raise ValidationError("cycle_id", "Choose one of your school's PDSA cycles.")
    return cycle_id


def _school_for(user: Actor, access: MeasureAccess, school_id: int) -> School:
    if access.measure.archived_at is not None:
        raise ValidationError("measure", ARCHIVED)
    school = db.session.get(School, school_id)
    if school is None:
        raise NotFound("No such school.")
    if not policy.can_enter_points(user, school_id):
        raise refusal(user, NO_ENTRY)
    return school


def check_points(
    user: Actor,
    access: MeasureAccess,
    school_id: int,
    rows: Sequence[PointInput],
    today: date | None = None,
) -> Batch:
    """Check a batch of one school's points without saving anything: each row's period and
    values, each period once, and whether it creates or updates a point.

    Raises NotFound (no such school), PermissionDenied (not the school's team),
    ValidationError (too many rows, a retired measure), RowErrors (the rows' problems).
    """
    school = _school_for(user, access, school_id)
    measure = access.measure
    if not rows:
        raise ValidationError("rows", "There are no points to save.")
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            "rows", f"This is {len(rows):,} rows; one upload takes up to {MAX_ROWS:,}."
        )
    today = today or utcnow().date()
    cycles = _cycle_ids(school_id, rows)
    errors: dict[int, dict[str, str]] = {}
    checked: list[tuple[int, date, dict[str, object]]] = []
    seen: dict[date, int] = {}
    for number, raw in enumerate(rows, start=1):
        problems: dict[str, str] = {}
        period = _collect(problems, parse_period, measure.frequency, raw.period, today)
        values = _collect(problems, _values, measure, raw)
        note = _collect(problems, clean_text, "note", raw.note, max_length=NOTE_MAX,
                        required=False)  # fmt: skip
        cycle_id = _collect(problems, _cycle, raw.cycle_id, cycles)
        if period is not None and period in seen:
            label = period_label(measure.frequency, period)
            problems["period"] = f"{label} is also on row {seen[period]}: give each period once."
        if problems:
            errors[number] = problems
            continue
        seen[period] = number
        checked.append((number, period, {**values, "note": note, "cycle_id": cycle_id}))
    if errors:
        raise RowErrors(errors)
    existing = _existing(measure.id, school_id, [p for _, p, _ in checked])
    return Batch(school, [CheckedRow(n, p, v, _action(existing.get(p), v)) for n, p, v in checked])


def _collect(problems: dict[str, str], check: Callable[..., T], *args: object,
             **kwargs: object) -> T | None:  # fmt: skip
    """The check's result, or None with its field's message added to `problems`."""
    try:
        return check(*args, **kwargs)
    except ValidationError as error:
        problems.update(error.fields)
        return None


def _existing(measure_id: int, school_id: int, periods: list[date]) -> dict[date, MeasurePoint]:
    if not periods:
        return {}
    query = sa.select(MeasurePoint).where(
        MeasurePoint.measure_id == measure_id,
        MeasurePoint.school_id == school_id,
        MeasurePoint.period.between(min(periods), max(periods)),
    )
    return {p.period: p for p in db.session.scalars(query)}


def _action(point: MeasurePoint | None, values: dict[str, object]) -> str:
    if point is None:
        return "create"
    same = all(getattr(point, k) == v for k, v in values.items())
    return "same" if same else "update"


def save_batch(user: Actor, access: MeasureAccess, batch: Batch) -> Batch:
    """Save a checked batch in one transaction: new periods added, changed ones updated."""
    begin_write()
    now = utcnow()
    rows = [
        {"measure_id": access.measure.id, "school_id": batch.school.id, "period": r.period,
         "entered_by_id": user.id, "entered_at": now, "updated_at": now, **r.values}  # type: ignore[union-attr]
        for r in batch.rows
        if r.action != "same"
    ]  # fmt: skip
    changing = ["value", "numerator", "denominator", "note", "cycle_id", "updated_at",
                "entered_by_id"]  # fmt: skip
    upsert_many(MeasurePoint, rows, ["measure_id", "school_id", "period"], changing)
    chart_summaries.summarise(access.measure, [batch.school.id])  # type: ignore[union-attr]
    db.session.commit()
    return batch


def record_points(
    user: Actor,
    access: MeasureAccess,
    school_id: int,
    rows: Sequence[PointInput],
    today: date | None = None,
) -> Batch:
    """Check and save a batch of one school's points (see check_points for what it raises)."""
    return save_batch(user, access, check_points(user, access, school_id, rows, today))


def delete_point(user: Actor, access: MeasureAccess, point_id: int) -> None:
    """Remove a point entered in error. Raises NotFound, PermissionDenied."""
    point = db.session.get(MeasurePoint, point_id)
    if point is None or point.measure_id != access.measure.id:
        raise NotFound("No such point.")
    if not policy.can_enter_points(user, point.school_id):
        raise refusal(user, NO_ENTRY)
    begin_write()
    db.session.delete(point)
    chart_summaries.summarise(access.measure, [point.school_id])
    db.session.commit()


def points_of(measure_id: int, school_ids: Sequence[int] | None = None) -> list[MeasurePoint]:
    """A measure's points, by school and period (`school_ids`: only those schools')."""
    query = sa.select(MeasurePoint).where(MeasurePoint.measure_id == measure_id)
    if school_ids is not None:
        query = query.where(MeasurePoint.school_id.in_(list(school_ids)))
    return list(db.session.scalars(query.order_by(MeasurePoint.school_id, MeasurePoint.period)))
