"""Where a chart's centre line is based: a chosen baseline period, and re-basing.

By default a chart's median is that of its first points (the measure's
`baseline_points`). A school's team may choose the baseline period instead (the
weeks before a change began), and after a sustained shift start a new phase
from a period, whose median is taken from its own first points (or its own
chosen period): the old phase stays on the chart as it was. The network's
aggregate chart is based by who defines the measure. Rows are only added, so
a chart's history of re-basing is kept; `remove_phase` undoes one made in error.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from nic import policy
from nic.database import begin_write
from nic.errors import NotFound, ValidationError
from nic.extensions import db
from nic.models import MeasurePhase, School
from nic.models.measures import period_label
from nic.policy import Actor
from nic.services import chart_summaries
from nic.services.access import refusal
from nic.services.measure_points import parse_period
from nic.services.measures import MeasureAccess
from nic.services.validation import clean_text

NO_BASE = "Only the school's own team (or who defines the measure) bases its chart."
REASON_MAX = 300


def may_base(user: Actor, access: MeasureAccess, school_id: int | None) -> bool:
    """A school's chart: its team or the measure's editors; the network's: its editors."""
    if access.can_edit:
        return True
    return school_id is not None and policy.can_enter_points(user, school_id)


def phases_of(measure_id: int, school_id: int | None) -> list[MeasurePhase]:
    column = MeasurePhase.school_id
    mine = column.is_(None) if school_id is None else column == school_id
    query = sa.select(MeasurePhase).where(MeasurePhase.measure_id == measure_id, mine)
    return list(db.session.scalars(query.order_by(MeasurePhase.starts_on, MeasurePhase.id)))


def base_chart(
    user: Actor,
    access: MeasureAccess,
    school_id: int | None,
    starts: object,
    baseline_until: object = None,
    reason: object = "",
    today: date | None = None,
) -> MeasurePhase:
    """Start a phase of one chart (`school_id` None: the network's) at the period `starts`
    names, its baseline running to `baseline_until` (blank: its first points).

    Raises NotFound (no such school), PermissionDenied, ValidationError.
    """
    if school_id is not None and db.session.get(School, school_id) is None:
        raise NotFound("No such school.")
    if not may_base(user, access, school_id):
        raise refusal(user, NO_BASE)
    frequency = access.measure.frequency
    today = today or date.today()
    start = parse_period(frequency, starts, today)
    until = None
    if baseline_until not in (None, ""):
        try:
            until = parse_period(frequency, baseline_until, today)
        except ValidationError as error:
            raise ValidationError("baseline_until", error.message) from None
        if until < start:
            raise ValidationError(
                "baseline_until",
                f"The baseline ends before the phase begins ({period_label(frequency, start)}).",
            )
    text = clean_text("reason", reason, max_length=REASON_MAX, required=False)
    begin_write()
    phase = MeasurePhase(measure_id=access.measure.id, school_id=school_id, starts_on=start,
                         baseline_until=until, reason=text, set_by_id=user.id)  # type: ignore[union-attr]  # fmt: skip
    db.session.add(phase)
    _summarise(access, school_id)
    db.session.commit()
    return phase


def remove_phase(user: Actor, access: MeasureAccess, phase_id: int) -> int | None:
    """Undo a phase set in error (the chart goes back to the phases before it); returns the
    chart's school (None: the network's). Raises NotFound, PermissionDenied."""
    phase = db.session.get(MeasurePhase, phase_id)
    if phase is None or phase.measure_id != access.measure.id:
        raise NotFound("No such phase.")
    if not may_base(user, access, phase.school_id):
        raise refusal(user, NO_BASE)
    school_id = phase.school_id
    begin_write()
    db.session.delete(phase)
    _summarise(access, school_id)
    db.session.commit()
    return school_id


def _summarise(access: MeasureAccess, school_id: int | None) -> None:
    """A school's chart is summarised again (the dashboard's signals); the network's
    aggregate is drawn, never kept."""
    if school_id is not None:
        chart_summaries.summarise(access.measure, [school_id])
