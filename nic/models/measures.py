"""Shared measures: what a network counts over time, and each school's points.

A measure is defined once for the network (`group_id` None) or for one group,
and every school enters its own points on it, one per period (a week's Monday,
a month's first day, or a term's first day): re-entering a period updates it,
never duplicates (the unique constraint). A percent keeps its numerator and
denominator so the network's aggregate can be weighted; a rate keeps its count
and exposure. A phase is where a chart's centre line is (re)based: the chart of
one school (or the network's aggregate, `school_id` None) starts a new phase
after a sustained shift, with its own baseline.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nic.extensions import db
from nic.models.base import utcnow

if TYPE_CHECKING:
    from nic.models.accounts import User
    from nic.models.org import School


class MeasureKind(enum.StrEnum):
    OUTCOME = "outcome"
    PROCESS = "process"
    BALANCING = "balancing"


MEASURE_KIND_LABELS = {"outcome": "Outcome", "process": "Process", "balancing": "Balancing"}


class Unit(enum.StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    RATE = "rate"
    AVERAGE = "average"


UNIT_LABELS = {
    "count": "Count",
    "percent": "Percent (numerator of denominator)",
    "rate": "Rate (count per exposure)",
    "average": "Average",
}


class Frequency(enum.StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    TERM = "term"


FREQUENCY_LABELS = {"weekly": "Weekly", "monthly": "Monthly", "term": "Per term"}


class Direction(enum.StrEnum):
    UP = "up"
    DOWN = "down"


DIRECTION_LABELS = {"up": "Higher is better", "down": "Lower is better"}


def period_label(frequency: str, start: date) -> str:
    """A period as people say it: "Week of 2 Mar 2026", "Mar 2026", "Term from 5 Jan 2026"."""
    if frequency == Frequency.WEEKLY.value:
        return f"Week of {start.day} {start:%b %Y}"
    if frequency == Frequency.MONTHLY.value:
        return f"{start:%b %Y}"
    return f"Term from {start.day} {start:%b %Y}"


class Measure(db.Model):
    __tablename__ = "measure"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("peer_group.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(12))
    unit: Mapped[str] = mapped_column(sa.String(12))
    frequency: Mapped[str] = mapped_column(sa.String(12))
    direction: Mapped[str] = mapped_column(sa.String(4))
    # How it is collected, as written and as sanitised HTML (rendered once, when saved).
    definition: Mapped[str] = mapped_column(sa.Text, default="")
    definition_html: Mapped[str] = mapped_column(sa.Text, default="")
    # What is counted, for a rate's "per": e.g. 100 student-days (the rate is count / exposure
    # x rate_per).
    rate_per: Mapped[float] = mapped_column(default=1.0)
    unit_label: Mapped[str] = mapped_column(sa.String(60), default="")
    goal: Mapped[float | None] = mapped_column()
    baseline_points: Mapped[int] = mapped_column(default=12)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(default=1)
    archived_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    created_by: Mapped[User | None] = relationship(lazy="raise")

    @property
    def kind_label(self) -> str:
        return MEASURE_KIND_LABELS[self.kind]

    @property
    def unit_name(self) -> str:
        return UNIT_LABELS[self.unit]

    @property
    def frequency_label(self) -> str:
        return FREQUENCY_LABELS[self.frequency]

    @property
    def direction_label(self) -> str:
        return DIRECTION_LABELS[self.direction]

    @property
    def has_parts(self) -> bool:
        """A percent or a rate is entered as a numerator and a denominator."""
        return self.unit in (Unit.PERCENT.value, Unit.RATE.value)


class MeasureLink(db.Model):
    """A driver or change idea of the measure's diagram that the measure informs."""

    __tablename__ = "measure_link"

    measure_id: Mapped[int] = mapped_column(
        sa.ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True
    )
    node_id: Mapped[int] = mapped_column(
        sa.ForeignKey("driver_node.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class MeasurePoint(db.Model):
    __tablename__ = "measure_point"
    __table_args__ = (
        sa.UniqueConstraint("measure_id", "school_id", "period"),
        sa.Index("ix_measure_point_measure_period", "measure_id", "period"),
        sa.CheckConstraint("denominator IS NULL OR denominator > 0", name="denominator_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(sa.ForeignKey("measure.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"), index=True)
    # The period's first day: a week's Monday, a month's 1st, a term's first day.
    period: Mapped[date] = mapped_column(sa.Date)
    value: Mapped[float] = mapped_column()
    numerator: Mapped[float | None] = mapped_column()
    denominator: Mapped[float | None] = mapped_column()
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    # The PDSA cycle this point is annotated with ("exit tickets started").
    cycle_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("pdsa_cycle.id", ondelete="SET NULL"), index=True
    )
    entered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    entered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    school: Mapped[School] = relationship(lazy="raise")


class MeasurePhase(db.Model):
    """A (re)based centre line of one chart: from `starts_on`, the median of the baseline
    (the periods up to `baseline_until`, or the phase's first points when None)."""

    __tablename__ = "measure_phase"
    __table_args__ = (
        sa.Index("ix_measure_phase_chart", "measure_id", "school_id", "starts_on"),
        sa.CheckConstraint(
            "baseline_until IS NULL OR baseline_until >= starts_on", name="baseline_in_phase"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(sa.ForeignKey("measure.id", ondelete="CASCADE"))
    school_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("school.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date] = mapped_column(sa.Date)
    baseline_until: Mapped[date | None] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    set_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    set_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class MeasureChart(db.Model):
    """One school's run chart of a measure, summarised when its points, its phases or the
    measure change (nic.services.chart_summaries): how many points, the last period, and
    the run-chart signals in words, so the dashboard reads 500 rows instead of evaluating
    78,000 points. `signals` None: not evaluated yet (rows the migration made)."""

    __tablename__ = "measure_chart"

    measure_id: Mapped[int] = mapped_column(
        sa.ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True
    )
    school_id: Mapped[int] = mapped_column(
        sa.ForeignKey("school.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    points: Mapped[int]
    last_period: Mapped[date] = mapped_column(sa.Date)
    signals: Mapped[list[dict[str, object]] | None] = mapped_column(sa.JSON)
