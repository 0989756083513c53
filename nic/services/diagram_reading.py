"""What the improvement pages show: the tree now or as of a date, linked practices, history.

Each is one query whatever the diagram's size (tests/test_improvement_pages.py
counts them): the nodes, the links with the practices this user may open, and
the change log with who made each change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from nic.extensions import db
from nic.models import KIND_LABELS, ChangeIdeaPractice, DiagramChange, DriverNode, Practice, as_utc
from nic.policy import Actor
from nic.services import diagram_tree, library
from nic.services.diagram_tree import TreeNode
from nic.services.driver_diagrams import DiagramAccess, state

HISTORY_SHOWN = 50
ACTION_LABELS = {
    "aim": "wrote", "add": "added", "edit": "renamed or described",
    "move": "moved", "reorder": "reordered", "archive": "archived",
    "link": "linked a practice to", "unlink": "unlinked a practice from",
}  # fmt: skip


@dataclass(frozen=True)
class Change:
    at: datetime
    who: str
    action: str
    kind_label: str
    title: str
    detail: str


def live_rows(diagram_id: int) -> list[dict]:
    nodes = db.session.scalars(
        sa.select(DriverNode).where(
            DriverNode.diagram_id == diagram_id, DriverNode.archived_at.is_(None)
        )
    )
    return [dict(state(n), version=n.version) for n in nodes]


def current_tree(user: Actor, access: DiagramAccess) -> TreeNode | None:
    """The diagram as it is, change ideas with their practices (two queries)."""
    if access.diagram is None:
        return None
    root = diagram_tree.build(live_rows(access.diagram.id))
    nodes = {n.id: n for n in diagram_tree.walk(root)}
    if nodes:
        rows = db.session.execute(
            sa.select(ChangeIdeaPractice.node_id, Practice)
            .join(Practice, Practice.id == ChangeIdeaPractice.practice_id)
            .join(DriverNode, DriverNode.id == ChangeIdeaPractice.node_id)
            .where(DriverNode.diagram_id == access.diagram.id, library.visible_clause(user))
            .order_by(Practice.title)
        )
        for node_id, practice in rows:
            if node_id in nodes:
                nodes[node_id].practices.append(practice)
    return root


def _change(row: DiagramChange) -> Change:
    after, before = row.after, row.before or {}
    detail = ""
    if row.action == "move":
        detail = "to another driver"
    elif row.action == "edit" and before.get("title") != after.get("title"):
        detail = f"(was “{before.get('title')}”)"
    elif row.action in ("link", "unlink"):
        detail = f"(“{before.get('practice', '')}”)" if before.get("practice") else ""
    return Change(as_utc(row.at), row.user.name if row.user else "Someone",
                  ACTION_LABELS.get(row.action, row.action), KIND_LABELS[after["kind"]].lower(),
                  after["title"], detail)  # fmt: skip


def _log_query(diagram_id: int) -> sa.Select:
    return (
        sa.select(DiagramChange)
        .options(joinedload(DiagramChange.user))
        .where(DiagramChange.diagram_id == diagram_id)
    )


def recent_changes(access: DiagramAccess, limit: int = HISTORY_SHOWN) -> list[Change]:
    """The latest changes, newest first (one query); closing-up of positions left out."""
    if access.diagram is None:
        return []
    rows = db.session.scalars(
        _log_query(access.diagram.id)
        .where(DiagramChange.action != "position")
        .order_by(DiagramChange.at.desc(), DiagramChange.id.desc())
        .limit(limit)
    )
    return [_change(r) for r in rows]


def end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, UTC)


def tree_as_of(access: DiagramAccess, day: date) -> tuple[TreeNode | None, list[Change]]:
    """The diagram as it stood at the end of `day` (UTC), and every change up to then,
    newest first: one query, replaying each node's logged state."""
    if access.diagram is None:
        return None, []
    rows = list(
        db.session.scalars(
            _log_query(access.diagram.id)
            .where(DiagramChange.at < end_of(day))
            .order_by(DiagramChange.at, DiagramChange.id)
        )
    )
    latest: dict[int, dict] = {}
    for row in rows:
        latest[row.node_id] = row.after
    root = diagram_tree.build(latest.values())
    history = [_change(r) for r in reversed(rows) if r.action != "position"]
    return root, history
