"""PDSA cycles: a school's small test of a change idea, Plan, Do, Study, Act.

A cycle belongs to one school and one change idea (a DriverNode, archived
never deleted, so a cycle is never orphaned); it may start from a practice
write-up and from the cycle before it (`previous_id`: cycles chain into a
ramp). `group_id` None means the network may see it; set, only that group
(always the diagram's group for a group's diagram). Each phase's text is kept
as written and as sanitised HTML, rendered once when saved. `phase` is the
furthest phase with anything in it, kept for lists and filters.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nic.extensions import db
from nic.models.base import utcnow
from nic.models.practices import StoredFile

if TYPE_CHECKING:
    from nic.models.accounts import User
    from nic.models.improvement import DriverNode
    from nic.models.org import School


class Phase(enum.StrEnum):
    PLAN = "plan"
    DO = "do"
    STUDY = "study"
    ACT = "act"


PHASE_LABELS = {"plan": "Plan", "do": "Do", "study": "Study", "act": "Act"}


class Decision(enum.StrEnum):
    ADOPT = "adopt"
    ADAPT = "adapt"
    ABANDON = "abandon"


DECISION_LABELS = {"adopt": "Adopt", "adapt": "Adapt", "abandon": "Abandon"}

# Each phase's text fields, in the order the page shows them (each has a *_html twin).
PHASE_FIELDS = {
    Phase.PLAN.value: ("question", "prediction", "plan", "data_plan"),
    Phase.DO.value: ("did", "observations", "problems"),
    Phase.STUDY.value: ("results", "learned"),
    Phase.ACT.value: ("next_steps",),
}


def _text() -> Mapped[str]:
    return mapped_column(sa.Text, default="")


class Cycle(db.Model):
    __tablename__ = "pdsa_cycle"
    __table_args__ = (
        sa.Index("ix_pdsa_cycle_idea_school", "change_idea_id", "school_id"),
        # The dashboard's window: cycles worked on since a day (updated_at starts as created).
        sa.Index("ix_pdsa_cycle_updated_at", "updated_at"),
        sa.CheckConstraint(
            "planned_end IS NULL OR planned_start IS NULL OR planned_end >= planned_start",
            name="dates_in_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    change_idea_id: Mapped[int] = mapped_column(sa.ForeignKey("driver_node.id"))
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("peer_group.id", ondelete="CASCADE"), index=True
    )
    practice_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("practice.id", ondelete="SET NULL"), index=True
    )
    previous_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("pdsa_cycle.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # The live session it was committed to, "What will you test before we meet next?".
    session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("live_session.id", ondelete="SET NULL"), index=True
    )
    # Its discussion: an ordinary thread (nic.services.cycle_discussion).
    thread_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("thread.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    # The furthest phase with anything written (kept by the services on each save, for lists
    # and filters); phases may be written in any order, so earlier ones may still be empty.
    phase: Mapped[str] = mapped_column(sa.String(8), default=Phase.PLAN.value)
    planned_start: Mapped[date | None] = mapped_column(sa.Date)
    planned_end: Mapped[date | None] = mapped_column(sa.Date)
    question: Mapped[str] = _text()
    question_html: Mapped[str] = _text()
    prediction: Mapped[str] = _text()
    prediction_html: Mapped[str] = _text()
    plan: Mapped[str] = _text()
    plan_html: Mapped[str] = _text()
    data_plan: Mapped[str] = _text()
    data_plan_html: Mapped[str] = _text()
    did: Mapped[str] = _text()
    did_html: Mapped[str] = _text()
    observations: Mapped[str] = _text()
    observations_html: Mapped[str] = _text()
    problems: Mapped[str] = _text()
    problems_html: Mapped[str] = _text()
    results: Mapped[str] = _text()
    results_html: Mapped[str] = _text()
    learned: Mapped[str] = _text()
    learned_html: Mapped[str] = _text()
    decision: Mapped[str | None] = mapped_column(sa.String(8))
    next_steps: Mapped[str] = _text()
    next_steps_html: Mapped[str] = _text()
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    school: Mapped[School] = relationship(lazy="raise")
    change_idea: Mapped[DriverNode] = relationship(lazy="raise")
    created_by: Mapped[User | None] = relationship(lazy="raise")

    def has(self, phase: str) -> bool:
        """Anything written in this phase (Act: a decision or next steps)."""
        if phase == Phase.ACT.value and self.decision:
            return True
        return any(getattr(self, name) for name in PHASE_FIELDS[phase])

    def furthest_phase(self) -> str:
        return next((p for p in reversed(PHASE_FIELDS) if self.has(p)), Phase.PLAN.value)

    def overdue_phase(self, today: date) -> str | None:
        """The first phase still empty once the planned end has passed (None: on time)."""
        if self.decision or self.planned_end is None or today <= self.planned_end:
            return None
        return next((p for p in (Phase.DO.value, Phase.STUDY.value, Phase.ACT.value)
                     if not self.has(p)), None)  # fmt: skip

    @property
    def phase_label(self) -> str:
        return PHASE_LABELS[self.phase]

    @property
    def decision_label(self) -> str:
        return DECISION_LABELS.get(self.decision or "", "")


class CycleOwner(db.Model):
    """A co-owner of a cycle from any school (the cycle's own school's members own it too)."""

    __tablename__ = "pdsa_cycle_owner"

    cycle_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pdsa_cycle.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class StageSetting(db.Model):
    """A school team's own word on its stage with a change idea, over the one its cycles'
    decisions give. Rows are only added: the latest per school and change idea counts
    (`stage` None: back to the derived one), the earlier ones are its record."""

    __tablename__ = "stage_setting"
    __table_args__ = (sa.Index("ix_stage_setting_idea_school", "change_idea_id", "school_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_idea_id: Mapped[int] = mapped_column(sa.ForeignKey("driver_node.id"))
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("school.id"), index=True)
    stage: Mapped[str | None] = mapped_column(sa.String(16))
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    set_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    set_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class CycleAttachment(StoredFile, db.Model):
    """A file of the Study phase (data, a chart, de-identified student work), kept in
    nic.storage under a random key: the same shape as a practice's attachment."""

    __tablename__ = "cycle_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pdsa_cycle.id", ondelete="CASCADE"), index=True
    )
