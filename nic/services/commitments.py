"""Commitments: "What will you test before we meet next?", asked at the end of a session.

The facilitator opens the question (live or once ended); each participant
with a school answers with a change idea from the diagram (the group's, else
the network's) and what they will test, and the answer is a planned PDSA
cycle for their school (nic.services.cycles), tied to the session. The
session's record lists them, and so does the group's next session, which is
where the network's learning sessions and action periods meet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from nic import events, policy
from nic.database import begin_write
from nic.errors import Conflict, ValidationError
from nic.extensions import db
from nic.models import (
    Cycle,
    DriverDiagram,
    DriverNode,
    LiveSession,
    SessionStatus,
    iso_utc,
    utcnow,
)
from nic.policy import Actor
from nic.services import cycles
from nic.services import driver_diagrams as dd
from nic.services.access import refusal
from nic.services.cycle_reading import cycles_with_schools
from nic.services.live.access import LiveAccess, may_facilitate

QUESTION = "What will you test before we meet next?"
# What the session's room hears when the question is asked (docs/live-protocol.md).
COMMITMENTS_OPENED = "commitments_opened"


def open_commitments(access: LiveAccess) -> LiveSession:
    """Ask the question (once) and tell the session's room, whose pages then show the answer
    form they already hold; asking again changes and publishes nothing.

    Raises PermissionDenied, Conflict before the session starts.
    """
    may_facilitate(access, live=False)
    session = access.item
    if session.status == SessionStatus.SCHEDULED.value:
        raise Conflict("Ask for commitments once the session has started.")
    if session.commitments_opened_at is None:
        begin_write()
        session.commitments_opened_at = utcnow()
        db.session.commit()
        # Only the time: each page renders its own form (the member's school, their CSRF token).
        payload = {"session_id": session.id, "opened_at": iso_utc(session.commitments_opened_at)}
        events.publish(COMMITMENTS_OPENED, payload, events.session_room(session.id))
    return session


def _diagram_scopes(group_id: int) -> list[str]:
    return [dd.scope_of(group_id), dd.scope_of(None)]


def change_ideas_for(session: LiveSession) -> list[DriverNode]:
    """The change ideas to choose from: the group's diagram's, else the network's (one
    query), in the diagram's order."""
    rows = list(
        db.session.execute(
            dd.live_change_ideas(DriverDiagram.scope)
            .where(DriverDiagram.scope.in_(_diagram_scopes(session.group_id)))
            .order_by(DriverNode.parent_id, DriverNode.position)
        )
    )
    own = [n for n, scope in rows if scope != dd.NETWORK]
    return own or [n for n, _scope in rows]


def commit_to_test(
    user: Actor, access: LiveAccess, change_idea_id: int | None, fields: cycles.PlanFields
) -> Cycle:
    """A participant's answer: a planned cycle for their school on the chosen change idea.
    Raises ValidationError, PermissionDenied, Conflict (the question is not open)."""
    session = access.item
    if not policy.can_take_part_in_session(user, session, access.membership):
        raise refusal(user, "Only the session's participants can answer.")
    if session.commitments_opened_at is None:
        raise Conflict("The facilitator has not asked for commitments yet.")
    if change_idea_id not in {n.id for n in change_ideas_for(session)}:
        raise ValidationError("change_idea_id", "Choose a change idea from the list.")
    node = dd.get_node_for(user, change_idea_id)
    group_id = session.group_id if session.group.is_private else None
    cycle = cycles.plan_cycle(user, node, cycles.NewCycle(user.school_id, group_id), fields)
    begin_write()
    cycle.session_id = session.id
    db.session.commit()
    return cycle


def commitments_of(user: Actor, session_id: int) -> list:
    """The cycles committed to in a session that the user may see, with their schools."""
    return cycles_with_schools(user, Cycle.session_id == session_id)


@dataclass(frozen=True)
class Commitments:
    """What a session page shows of commitments: its own (asked or not, the answers, the
    change ideas to choose from, whether this user may answer or ask), and before the
    session starts the answers given at the group's last one."""

    asked: bool
    answers: list
    ideas: list[DriverNode]
    can_answer: bool
    can_ask: bool
    previous: LiveSession | None = None
    previous_answers: list = field(default_factory=list)


def section(user: Actor, access: LiveAccess) -> Commitments:
    """A constant number of queries whatever the number of answers.

    Until a session ends its page holds the answer form even before the question is
    asked (hidden), so that `commitments_opened` shows it in every open room without a
    reload; the change ideas are read for it then too.
    """
    session = access.item
    before, previous_answers = None, []
    if session.status == SessionStatus.SCHEDULED.value:
        before = previous_session(session)
        previous_answers = commitments_of(user, before.id) if before else []
    asked = session.commitments_opened_at is not None
    ready = asked or session.status != SessionStatus.ENDED.value
    ideas = change_ideas_for(session) if ready else []
    can_answer = bool(ideas) and bool(user.school_id) and policy.can_take_part_in_session(
        user, session, access.membership
    )  # fmt: skip
    answers = commitments_of(user, session.id) if asked else []
    return Commitments(asked, answers, ideas, can_answer, access.is_facilitator, before,
                       previous_answers)  # fmt: skip


def previous_session(session: LiveSession) -> LiveSession | None:
    """The group's last ended session before this one (one query)."""
    return db.session.scalar(
        sa.select(LiveSession)
        .where(LiveSession.group_id == session.group_id, LiveSession.id != session.id,
               LiveSession.status == SessionStatus.ENDED.value,
               LiveSession.starts_at <= session.starts_at)
        .order_by(LiveSession.starts_at.desc(), LiveSession.id.desc())
        .limit(1)
    )  # fmt: skip
