"""Driver diagrams: load-and-authorize, and every change to the tree, each one logged.

A diagram is the network's or a group's (nic.policy.can_view_diagram and
can_edit_diagram). Its nodes are changed here only: added under a parent of
the kind one level up, renamed and described (with a version check, so a
stale save is a Conflict and never silently erases a newer one), moved up,
down or to another parent, archived (never deleted), and change ideas linked
to practice write-ups. Each change writes DiagramChange rows, with the node's
state after it, in the same transaction. The aim is nic.services.aims.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from nic import policy
from nic.database import begin_write
from nic.errors import Conflict, NotFound, ValidationError
from nic.extensions import db
from nic.markup import render_markdown
from nic.models import (
    KIND_LABELS,
    LEVELS,
    Aim,
    ChangeIdeaPractice,
    DiagramChange,
    DriverDiagram,
    DriverNode,
    Group,
    Membership,
    NodeKind,
    Practice,
    utcnow,
)
from nic.policy import Actor
from nic.services.access import load_in_group, refusal
from nic.services.practices import get_practice_for
from nic.services.validation import clean_text

NOT_FOUND = "No such part of a driver diagram."
NO_DIAGRAM = "No such driver diagram."
TITLE_MAX = 200
DESCRIPTION_MAX = 5000
NETWORK = "network"
STALE = (
    "Someone else saved this while you were editing. Their version is shown beside "
    "yours: copy what you need into yours and save again."
)


def scope_of(group_id: int | None) -> str:
    return NETWORK if group_id is None else f"group:{group_id}"


@dataclass(frozen=True)
class DiagramAccess:
    """A diagram (None until its aim is written) as one user sees it."""

    diagram: DriverDiagram | None
    group: Group | None
    membership: Membership | None
    can_edit: bool


@dataclass(frozen=True)
class NodeAccess:
    node: DriverNode
    diagram: DiagramAccess


class StaleNode(Conflict):
    """Someone saved the node since this edit began: `saved` is the node as it is now."""

    def __init__(self, saved: DriverNode) -> None:
        super().__init__(STALE)
        self.saved = saved


class StaleAim(Conflict):
    """Someone saved the aim since this edit began: `saved` is the aim as it is now."""

    def __init__(self, saved: Any) -> None:
        super().__init__(STALE)
        self.saved = saved


def _diagram_of(user: Actor, group: Group | None, membership: Membership | None) -> DiagramAccess:
    diagram = db.session.scalar(
        sa.select(DriverDiagram).where(DriverDiagram.scope == scope_of(group and group.id))
    )
    return DiagramAccess(diagram, group, membership,
                         policy.can_edit_diagram(user, group, membership))  # fmt: skip


def get_network_diagram_for(user: Actor) -> DiagramAccess:
    """The network's diagram for any signed-in member: one query; raises NotFound."""
    if not policy.can_view_diagram(user, None, None):
        raise NotFound(NOT_FOUND)
    return _diagram_of(user, None, None)


def get_group_diagram_for(user: Actor, group_id: int) -> DiagramAccess:
    """A group's diagram for who may see the group: two queries; raises NotFound."""
    access = load_in_group(user, Group, group_id, policy.can_view_diagram, "No such group.")
    return _diagram_of(user, access.item, access.membership)


def _with_group_and_membership(user: Actor, query: sa.Select) -> sa.Select:
    mine = sa.and_(Membership.group_id == Group.id, Membership.user_id == user.id)
    return query.outerjoin(Group, DriverDiagram.group_id == Group.id).outerjoin(Membership, mine)


def get_node_for(user: Actor, node_id: int) -> NodeAccess:
    """A node with its diagram, group and the user's membership: one query; raises NotFound."""
    if not policy.is_signed_in(user):
        raise NotFound(NOT_FOUND)
    query = sa.select(DriverNode, DriverDiagram, Group, Membership).join(
        DriverDiagram, DriverNode.diagram_id == DriverDiagram.id
    )
    row = db.session.execute(
        _with_group_and_membership(user, query).where(DriverNode.id == node_id)
    ).first()
    if row is None or not policy.can_view_diagram(user, row[2], row[3]):
        raise NotFound(NOT_FOUND)
    edit = policy.can_edit_diagram(user, row[2], row[3])
    return NodeAccess(row[0], DiagramAccess(row[1], row[2], row[3], edit))


def get_diagram_for(user: Actor, diagram_id: int) -> DiagramAccess:
    """A diagram by id with its group and the user's membership: one query; raises NotFound
    (for a private group's diagram too, when the user may not see the group)."""
    if not policy.is_signed_in(user):
        raise NotFound(NO_DIAGRAM)
    row = db.session.execute(
        _with_group_and_membership(user, sa.select(DriverDiagram, Group, Membership)).where(
            DriverDiagram.id == diagram_id
        )
    ).first()
    if row is None or not policy.can_view_diagram(user, row[1], row[2]):
        raise NotFound(NO_DIAGRAM)
    return DiagramAccess(row[0], row[1], row[2], policy.can_edit_diagram(user, row[1], row[2]))


@dataclass(frozen=True)
class DiagramListing:
    access: DiagramAccess
    aim: Aim | None


def visible_diagrams(user: Actor) -> list[DiagramListing]:
    """The network's diagram and every group's the user may see, with their aims: the
    network's first, then by group name (one query)."""
    if not policy.is_signed_in(user):
        return []
    rows = db.session.execute(
        _with_group_and_membership(user, sa.select(DriverDiagram, Group, Membership, Aim))
        .outerjoin(Aim, Aim.diagram_id == DriverDiagram.id)
        .order_by(DriverDiagram.group_id.is_not(None), Group.name, DriverDiagram.id)
    )
    return [
        DiagramListing(DiagramAccess(diagram, group, membership,
                                     policy.can_edit_diagram(user, group, membership)), aim)
        for diagram, group, membership, aim in rows
        if policy.can_view_diagram(user, group, membership)
    ]  # fmt: skip


def may_edit(user: Actor, access: DiagramAccess) -> DriverDiagram | None:
    if not access.can_edit:
        raise refusal(user, "Only the diagram's facilitators can change it.")
    return access.diagram


def state(node: DriverNode) -> dict[str, Any]:
    """What the change log keeps of a node (the as-of view is rebuilt from it)."""
    return {"id": node.id, "kind": node.kind, "title": node.title, "parent_id": node.parent_id,
            "position": node.position, "description_html": node.description_html,
            "archived": node.archived_at is not None}  # fmt: skip


def log(node: DriverNode, user_id: int | None, action: str, before: dict | None) -> None:
    db.session.add(
        DiagramChange(diagram_id=node.diagram_id, node_id=node.id, user_id=user_id,
                      action=action, before=before, after=state(node))
    )  # fmt: skip


def live_change_ideas(*columns: Any) -> sa.Select:
    """Live (not archived) change ideas joined to their diagram, with any further columns,
    for the lists that offer or show them."""
    return (
        sa.select(DriverNode, *columns)
        .join(DriverDiagram, DriverDiagram.id == DriverNode.diagram_id)
        .where(DriverNode.kind == NodeKind.CHANGE_IDEA.value, DriverNode.archived_at.is_(None))
    )


def live_nodes(diagram_id: int) -> list[DriverNode]:
    """The diagram's live nodes, in order (one query, read afresh inside a write)."""
    return list(
        db.session.scalars(
            sa.select(DriverNode)
            .where(DriverNode.diagram_id == diagram_id, DriverNode.archived_at.is_(None))
            .order_by(DriverNode.parent_id, DriverNode.position, DriverNode.id)
            .execution_options(populate_existing=True)
        )
    )


def _children(nodes: list[DriverNode], parent_id: int | None) -> list[DriverNode]:
    return sorted((n for n in nodes if n.parent_id == parent_id), key=lambda n: n.position)


def _close_up(siblings: list[DriverNode], user_id: int | None) -> None:
    """Number live siblings 0, 1, 2...; each one that moves is logged (for the replay)."""
    for position, node in enumerate(siblings):
        if node.position != position:
            before = state(node)
            node.position = position
            log(node, user_id, "position", before)


def _clean_body(title: object, description: object) -> tuple[str, str, str]:
    problems = {}
    try:
        title = clean_text("title", title, max_length=TITLE_MAX)
    except ValidationError as exc:
        problems.update(exc.fields)
    try:
        description = clean_text("description", description, max_length=DESCRIPTION_MAX,
                                 required=False)  # fmt: skip
    except ValidationError as exc:
        problems.update(exc.fields)
    if problems:
        raise ValidationError(problems)
    return title, description, render_markdown(description) if description else ""


def _find(nodes: list[DriverNode], node_id: object, field: str) -> DriverNode:
    found = next((n for n in nodes if n.id == node_id), None)
    if found is None:
        raise ValidationError(
            field, "That part of the diagram is not there (archived, or never was): choose "
            "another from the list.",
        )  # fmt: skip
    return found


def _check_level(parent: DriverNode, kind: str, field: str = "kind") -> None:
    if parent.kind == NodeKind.CHANGE_IDEA.value:
        raise ValidationError(field, "Nothing goes under a change idea.")
    expected = LEVELS[parent.level + 1]
    if kind != expected:
        wanted = KIND_LABELS.get(kind, kind).lower() if kind in KIND_LABELS else "that"
        raise ValidationError(
            field, f"Under a {KIND_LABELS[parent.kind].lower()} go "
            f"{KIND_LABELS[expected].lower()}s, not a {wanted}.",
        )  # fmt: skip


def add_node(
    user: Actor,
    access: DiagramAccess,
    parent_id: object,
    kind: str | None,
    title: str,
    description: str,
) -> DriverNode:
    """A new node at the end of its parent's children (of the kind one level below the
    parent when `kind` is None); raises ValidationError, PermissionDenied, NotFound (no
    diagram yet: write the aim first)."""
    diagram = may_edit(user, access)
    if diagram is None:
        raise NotFound("Write the aim first: the diagram starts from it.")
    begin_write()
    nodes = live_nodes(diagram.id)
    parent = _find(nodes, parent_id, "parent_id")
    kind = kind or LEVELS[min(parent.level + 1, len(LEVELS) - 1)]
    _check_level(parent, kind, "parent_id")
    title, description, html = _clean_body(title, description)
    node = DriverNode(diagram_id=diagram.id, parent_id=parent.id, kind=kind, title=title,
                      description=description, description_html=html,
                      position=len(_children(nodes, parent.id)))  # fmt: skip
    db.session.add(node)
    db.session.flush()
    log(node, user.id, "add", None)
    db.session.commit()
    return node


def _locked(access: NodeAccess) -> tuple[DriverNode, list[DriverNode]]:
    """Begin the write; the node and the diagram's live nodes read afresh (the node locked)."""
    begin_write()
    node = db.session.scalars(
        sa.select(DriverNode).where(DriverNode.id == access.node.id).with_for_update()
        .execution_options(populate_existing=True)
    ).one()  # fmt: skip
    return node, live_nodes(node.diagram_id)


def _editable(user: Actor, access: NodeAccess) -> tuple[DriverNode, list[DriverNode]]:
    may_edit(user, access.diagram)
    node, nodes = _locked(access)
    if node.is_archived:
        raise ValidationError("node", "It was archived: it can no longer be changed.")
    return node, nodes


def edit_node(
    user: Actor, access: NodeAccess, title: str, description: str, version: int | None
) -> DriverNode:
    """Rename and describe; `version` is the one the edit started from. Raises StaleNode
    (409) when someone saved since, ValidationError, PermissionDenied."""
    node, _nodes = _editable(user, access)
    if node.kind == NodeKind.AIM.value:
        raise ValidationError("title", "The aim's words come from the aim form.")
    clean = _clean_body(title, description)
    if version != node.version:
        db.session.rollback()
        raise StaleNode(node)
    before = state(node)
    node.title, node.description, node.description_html = clean
    node.version += 1
    log(node, user.id, "edit", before)
    db.session.commit()
    return node


def move_step(user: Actor, access: NodeAccess, step: int) -> DriverNode:
    """Swap with the sibling before (-1) or after (+1); at either end nothing moves."""
    node, nodes = _editable(user, access)
    siblings = _children(nodes, node.parent_id)
    at = siblings.index(next(n for n in siblings if n.id == node.id))
    other = at + step
    if node.parent_id is None or not 0 <= other < len(siblings):
        db.session.rollback()
        return node
    siblings[at], siblings[other] = siblings[other], siblings[at]
    before = state(node)
    node.position = other
    log(node, user.id, "reorder", before)
    _close_up(siblings, user.id)
    db.session.commit()
    return node


def move_to_position(user: Actor, access: NodeAccess, position: int) -> DriverNode:
    """Move to `position` (0 first) among its siblings, the others closing up around it;
    raises ValidationError for a position past the last sibling."""
    node, nodes = _editable(user, access)
    siblings = [n for n in _children(nodes, node.parent_id) if n.id != node.id]
    if not 0 <= position <= len(siblings):
        raise ValidationError(
            "position", f"There are {len(siblings) + 1} part(s) at this level: give a "
            f"position from 0 to {len(siblings)}.",
        )  # fmt: skip
    if position == node.position:
        db.session.rollback()
        return node
    siblings.insert(position, node)
    before = state(node)
    node.position = position
    log(node, user.id, "reorder", before)
    _close_up(siblings, user.id)
    db.session.commit()
    return node


def _descendants(nodes: list[DriverNode], node_id: int) -> set[int]:
    found, frontier = set(), {node_id}
    while frontier:
        frontier = {n.id for n in nodes if n.parent_id in frontier} - found
        found |= frontier
    return found


def valid_parents(nodes: list[Any], node: Any) -> list[Any]:
    """Where a node may move: a live node one level up, not its own parent, not below it."""
    if node.kind == NodeKind.AIM.value:
        return []
    below = _descendants(nodes, node.id)
    want = LEVELS[LEVELS.index(node.kind) - 1]
    return [n for n in nodes if n.kind == want and n.id != node.parent_id and n.id not in below]


def move_node(user: Actor, access: NodeAccess, parent_id: object) -> DriverNode:
    """Move under another parent (at the end of its children). Refuses the aim, a move
    under the node itself or its descendants, and a parent of the wrong level."""
    node, nodes = _editable(user, access)
    if node.kind == NodeKind.AIM.value:
        raise ValidationError("parent_id", "The aim is the diagram's root: it does not move.")
    parent = _find(nodes, parent_id, "parent_id")
    if parent.id == node.id or parent.id in _descendants(nodes, node.id):
        raise ValidationError(
            "parent_id", f"“{node.title}” cannot move under itself or under something "
            "that hangs from it: choose a place outside its own branch.",
        )  # fmt: skip
    _check_level(parent, node.kind, "parent_id")
    if parent.id == node.parent_id:
        db.session.rollback()
        return node
    old_parent = node.parent_id
    before = state(node)
    node.parent_id, node.position = parent.id, len(_children(nodes, parent.id))
    log(node, user.id, "move", before)
    _close_up([n for n in _children(nodes, old_parent) if n.id != node.id], user.id)
    db.session.commit()
    return node


def archive_node(user: Actor, access: NodeAccess, *, with_children: bool = False) -> DriverNode:
    """Archive a node (it stays, for what refers to it, and in the history). One with live
    children is refused unless `with_children`, which archives its whole branch."""
    node, nodes = _editable(user, access)
    if node.kind == NodeKind.AIM.value:
        raise ValidationError("node", "The aim is the diagram's root: it cannot be archived.")
    below = _descendants(nodes, node.id)
    if below and not with_children:
        raise ValidationError(
            "node", f"“{node.title}” still has {len(below)} live part(s) under it: move them "
            "elsewhere first, or archive it with everything under it.",
        )  # fmt: skip
    now = utcnow()
    for each in [node, *(n for n in nodes if n.id in below)]:
        before = state(each)
        each.archived_at = now
        each.version += 1
        log(each, user.id, "archive", before)
    _close_up([n for n in _children(nodes, node.parent_id) if n.id != node.id], user.id)
    db.session.commit()
    return node


def link_practice(user: Actor, access: NodeAccess, practice_id: object) -> Practice:
    """Link a published practice the user can see to a change idea (once)."""
    node, _nodes = _editable(user, access)
    if node.kind != NodeKind.CHANGE_IDEA.value:
        raise ValidationError("practice_id", "Only change ideas link to practice write-ups.")
    try:
        practice = get_practice_for(user, int(practice_id)).item  # type: ignore[arg-type]
    except (NotFound, TypeError, ValueError):
        practice = None
    if practice is None or not practice.is_published:
        raise ValidationError("practice_id", "Choose a published practice from the list.")
    if db.session.get(ChangeIdeaPractice, (node.id, practice.id)) is None:
        db.session.add(ChangeIdeaPractice(node_id=node.id, practice_id=practice.id))
        log(node, user.id, "link", {"practice_id": practice.id, "practice": practice.title})
    db.session.commit()
    return practice


def unlink_practice(user: Actor, access: NodeAccess, practice_id: int) -> None:
    node, _nodes = _editable(user, access)
    link = db.session.get(ChangeIdeaPractice, (node.id, practice_id))
    if link is None:
        raise NotFound("That practice is not linked to this change idea.")
    db.session.delete(link)
    log(node, user.id, "unlink", {"practice_id": practice_id})
    db.session.commit()
