"""Shared measures: defined by the network's (or a group's) facilitators.

A measure sits beside a driver diagram: the network's (`group_id` None) or a
group's, and is seen by whoever sees that diagram (nic.policy.can_view_measure)
and defined or changed by whoever edits it (can_define_measure). It names the
drivers and change ideas of that diagram it informs. Once points exist its unit
and frequency stay as they were (a point entered as a weekly percent would
otherwise be misread); every save carries the version it started from.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from nic import policy
from nic.database import begin_write
from nic.errors import Conflict, NotFound, ValidationError
from nic.extensions import db
from nic.markup import render_markdown
from nic.models import (
    DriverDiagram,
    DriverNode,
    Group,
    Measure,
    MeasureKind,
    MeasureLink,
    MeasurePoint,
    Membership,
    NodeKind,
    Unit,
    utcnow,
)
from nic.models.measures import Direction, Frequency
from nic.policy import Actor
from nic.services import chart_summaries
from nic.services.access import load_in_group, refusal
from nic.services.driver_diagrams import scope_of
from nic.services.validation import clean_choice, clean_number, clean_text
from nic.services.visibility import in_visible_group

NOT_FOUND = "No such measure."
NO_DEFINE = "Only the facilitators of this diagram's network or group define its measures."
STALE = "Someone saved this measure since you opened it: here it is as it is now."
FIXED_ONCE_ENTERED = (
    "Points have been entered on this measure, so its unit and frequency stay as they are: "
    "define a new measure instead."
)
NAME_MAX = 200
DEFINITION_MAX = 5_000
UNIT_LABEL_MAX = 60
# A driver or a change idea; the aim is what every measure serves.
LINKABLE = (NodeKind.PRIMARY.value, NodeKind.SECONDARY.value, NodeKind.CHANGE_IDEA.value)


@dataclass(frozen=True)
class MeasureFields:
    """What a facilitator writes about a measure (raw: the service checks each)."""

    name: object
    kind: object
    unit: object
    frequency: object
    direction: object
    definition: object = ""
    unit_label: object = ""
    rate_per: object = None
    goal: object = None
    baseline_points: object = 12
    node_ids: tuple[object, ...] = ()


@dataclass(frozen=True)
class MeasureAccess:
    measure: Measure
    group: Group | None
    membership: Membership | None
    can_edit: bool


class StaleMeasure(Conflict):
    def __init__(self, saved: Measure) -> None:
        super().__init__(STALE)
        self.saved = saved


def visible_clause(user: Actor) -> sa.ColumnElement[bool]:
    """Measures this user may see (the SQL form of policy.can_view_measure)."""
    return in_visible_group(user, Measure.group_id)


def get_measure_for(user: Actor, measure_id: int) -> MeasureAccess:
    """A measure with its group and the user's membership: one query; raises NotFound for
    who may not see it (an archived measure is still found: its record stays)."""
    if not policy.is_signed_in(user):
        raise NotFound(NOT_FOUND)
    mine = sa.and_(Membership.group_id == Group.id, Membership.user_id == user.id)
    row = db.session.execute(
        sa.select(Measure, Group, Membership)
        .outerjoin(Group, Group.id == Measure.group_id)
        .outerjoin(Membership, mine)
        .where(Measure.id == measure_id)
    ).first()
    if row is None or not policy.can_view_measure(user, row[1], row[2]):
        raise NotFound(NOT_FOUND)
    edit = policy.can_define_measure(user, row[1], row[2])
    return MeasureAccess(row[0], row[1], row[2], edit)


def measures_query(user: Actor, group_id: int | None = None, archived: bool = False) -> sa.Select:
    """The measures this user may see, by name: the live ones, or (`archived`) the retired
    ones; `group_id` keeps one group's."""
    retired = Measure.archived_at.is_not(None) if archived else Measure.archived_at.is_(None)
    query = sa.select(Measure).where(visible_clause(user), retired)
    if group_id is not None:
        query = query.where(Measure.group_id == group_id)
    return query.order_by(Measure.name, Measure.id)


def visible_measures(user: Actor, group_id: int | None = None) -> list[Measure]:
    """The live measures this user may see, by name; `group_id` keeps one group's."""
    return list(db.session.scalars(measures_query(user, group_id)))


def links_of(measure_ids: list[int]) -> dict[int, list[DriverNode]]:
    """The drivers and change ideas each measure informs, in diagram order: one query."""
    found: dict[int, list[DriverNode]] = {i: [] for i in measure_ids}
    if not measure_ids:
        return found
    rows = db.session.execute(
        sa.select(MeasureLink.measure_id, DriverNode)
        .join(DriverNode, DriverNode.id == MeasureLink.node_id)
        .where(MeasureLink.measure_id.in_(measure_ids))
        .order_by(DriverNode.position, DriverNode.id)
    )
    for measure_id, node in rows:
        found[measure_id].append(node)
    return found


def linkable_nodes(group_id: int | None) -> list[DriverNode]:
    """The live drivers and change ideas of the diagram a measure of this scope sits beside."""
    return list(
        db.session.scalars(
            sa.select(DriverNode)
            .join(DriverDiagram, DriverDiagram.id == DriverNode.diagram_id)
            .where(
                DriverDiagram.scope == scope_of(group_id),
                DriverNode.kind.in_(LINKABLE),
                DriverNode.archived_at.is_(None),
            )
            .order_by(DriverNode.position, DriverNode.id)
        )
    )


def _number(field: str, value: object, *, required: bool, positive: bool = False) -> float | None:
    number = clean_number(field, value)
    if number is None and required:
        raise ValidationError(field, "Give a number.")
    if positive and number is not None and number <= 0:
        raise ValidationError(field, "Must be more than 0.")
    return number


def _baseline_points(value: object) -> int:
    number = _number("baseline_points", value, required=True)
    if number is None or number != int(number) or not 4 <= number <= 60:
        raise ValidationError(
            "baseline_points", "Give a whole number of points from 4 to 60 (12 is usual)."
        )
    return int(number)


def _node_ids(group_id: int | None, raw: tuple[object, ...]) -> list[int]:
    allowed = {n.id for n in linkable_nodes(group_id)} if raw else set()
    ids: list[int] = []
    for value in raw:
        try:
            node_id = int(value)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            node_id = -1
        if node_id not in allowed:
            raise ValidationError(
                "node_ids", "Choose drivers and change ideas of this measure's driver diagram."
            )
        if node_id not in ids:
            ids.append(node_id)
    return ids


def _clean(fields: MeasureFields, group_id: int | None) -> tuple[dict[str, object], list[int]]:
    unit = clean_choice("unit", fields.unit, [u.value for u in Unit])
    definition = clean_text(
        "definition", fields.definition, max_length=DEFINITION_MAX, required=False
    )
    rate_per = _number("rate_per", fields.rate_per, required=False, positive=True)
    values: dict[str, object] = {
        "name": clean_text("name", fields.name, max_length=NAME_MAX),
        "kind": clean_choice("kind", fields.kind, [k.value for k in MeasureKind]),
        "unit": unit,
        "frequency": clean_choice("frequency", fields.frequency, [f.value for f in Frequency]),
        "direction": clean_choice("direction", fields.direction, [d.value for d in Direction]),
        "definition": definition,
        "definition_html": render_markdown(definition) if definition else "",
        "unit_label": clean_text(
            "unit_label", fields.unit_label, max_length=UNIT_LABEL_MAX, required=False
        ),
        "rate_per": rate_per if unit == Unit.RATE.value and rate_per else 1.0,
        "goal": _number("goal", fields.goal, required=False),
        "baseline_points": _baseline_points(fields.baseline_points),
    }
    goal = values["goal"]
    if unit == Unit.PERCENT.value and goal is not None and not 0 <= goal <= 100:  # type: ignore[operator]
        raise ValidationError("goal", "A percent goal is from 0 to 100.")
    return values, _node_ids(group_id, fields.node_ids)


def _set_links(measure_id: int, node_ids: list[int]) -> None:
    db.session.execute(sa.delete(MeasureLink).where(MeasureLink.measure_id == measure_id))
    if node_ids:
        db.session.execute(
            sa.insert(MeasureLink), [{"measure_id": measure_id, "node_id": n} for n in node_ids]
        )


def check_may_define(user: Actor, group_id: int | None) -> Group | None:
    """The group (None: the network) a new measure would belong to, if this user may define
    one there (the new-measure page asks first). Raises NotFound (a group the user may not
    see), PermissionDenied."""
    group, membership = None, None
    if group_id is not None:
        access = load_in_group(user, Group, group_id, policy.can_view_group, "No such group.")
        group, membership = access.item, access.membership
    if not policy.can_define_measure(user, group, membership):
        raise refusal(user, NO_DEFINE)
    return group


def define_measure(user: Actor, group_id: int | None, fields: MeasureFields) -> Measure:
    """A new measure beside the network's diagram (`group_id` None) or a group's.

    Raises NotFound (a group the user may not see), PermissionDenied, ValidationError.
    """
    check_may_define(user, group_id)
    values, node_ids = _clean(fields, group_id)
    begin_write()
    measure = Measure(group_id=group_id, created_by_id=user.id, **values)  # type: ignore[union-attr]
    db.session.add(measure)
    db.session.flush()
    _set_links(measure.id, node_ids)
    db.session.commit()
    return measure


def _has_points(measure_id: int) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(MeasurePoint.measure_id == measure_id)))


def update_measure(
    user: Actor, access: MeasureAccess, fields: MeasureFields, version: int
) -> Measure:
    """Change a measure's definition. Raises PermissionDenied, ValidationError, StaleMeasure
    (someone saved since `version`; nothing is overwritten)."""
    if not access.can_edit:
        raise refusal(user, NO_DEFINE)
    measure = access.measure
    values, node_ids = _clean(fields, measure.group_id)
    begin_write()
    db.session.refresh(measure)
    if measure.version != version:
        raise StaleMeasure(measure)
    changed = values["unit"] != measure.unit or values["frequency"] != measure.frequency
    if changed and _has_points(measure.id):
        raise ValidationError("unit", FIXED_ONCE_ENTERED)
    for name, value in values.items():
        setattr(measure, name, value)
    measure.version += 1
    measure.updated_at = utcnow()
    _set_links(measure.id, node_ids)
    chart_summaries.summarise(measure)  # its direction and baseline change the signals
    db.session.commit()
    return measure


def archive_measure(user: Actor, access: MeasureAccess) -> Measure:
    """Retire a measure from the lists; its points and charts stay. Raises PermissionDenied."""
    if not access.can_edit:
        raise refusal(user, NO_DEFINE)
    begin_write()
    access.measure.archived_at = access.measure.archived_at or utcnow()
    db.session.commit()
    return access.measure
