"""Improvement science: the aim and the driver diagram (aim, drivers, change ideas).

A diagram belongs to the network (`group_id` None) or to one group; `scope`
("network" or "group:<id>") keeps it to one each. Its nodes form a tree whose
root is the aim; each level has its kind (aim, primary driver, secondary
driver, change idea). A node is archived, never deleted, so what refers to a
change idea (PDSA cycles, later) is never orphaned. Every change writes a
`DiagramChange` row holding the node's state after it, so the diagram as of
any date is rebuilt by replaying the log.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nic.extensions import db
from nic.models.base import utcnow

if TYPE_CHECKING:
    from nic.models.accounts import User
    from nic.models.groups import Group


class NodeKind(enum.StrEnum):
    AIM = "aim"
    PRIMARY = "primary"
    SECONDARY = "secondary"
    CHANGE_IDEA = "change_idea"


# The tree's levels, root first: a node's parent is always of the kind one level up.
LEVELS = [NodeKind.AIM.value, NodeKind.PRIMARY.value, NodeKind.SECONDARY.value,
          NodeKind.CHANGE_IDEA.value]  # fmt: skip
KIND_LABELS = {
    NodeKind.AIM.value: "Aim",
    NodeKind.PRIMARY.value: "Primary driver",
    NodeKind.SECONDARY.value: "Secondary driver",
    NodeKind.CHANGE_IDEA.value: "Change idea",
}


class HasKind:
    """A node's level in the tree and its kind's name, for the rows and the trees drawn."""

    kind: str

    @property
    def level(self) -> int:
        return LEVELS.index(self.kind)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


class DriverDiagram(db.Model):
    __tablename__ = "driver_diagram"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "network", or "group:<id>": one diagram per network and per group.
    scope: Mapped[str] = mapped_column(sa.String(40), unique=True)
    group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("peer_group.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    group: Mapped[Group | None] = relationship(lazy="raise")
    aim: Mapped[Aim] = relationship(lazy="raise", back_populates="diagram", uselist=False)


class Aim(db.Model):
    """What, how much, by when, for whom; `statement` is the sentence made of them."""

    __tablename__ = "aim"

    diagram_id: Mapped[int] = mapped_column(
        sa.ForeignKey("driver_diagram.id", ondelete="CASCADE"), primary_key=True
    )
    what: Mapped[str] = mapped_column(sa.String(300))
    how_much: Mapped[str] = mapped_column(sa.String(200))
    by_when: Mapped[date] = mapped_column(sa.Date)
    for_whom: Mapped[str] = mapped_column(sa.String(200))
    statement: Mapped[str] = mapped_column(sa.String(800))
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    diagram: Mapped[DriverDiagram] = relationship(lazy="raise", back_populates="aim")


class DriverNode(HasKind, db.Model):
    __tablename__ = "driver_node"
    __table_args__ = (
        # The diagram's live nodes in order (the page's one query for the tree).
        sa.Index("ix_driver_node_tree", "diagram_id", "parent_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    diagram_id: Mapped[int] = mapped_column(sa.ForeignKey("driver_diagram.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("driver_node.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(800))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # Rendered and sanitised once, when written (nic.markup).
    description_html: Mapped[str] = mapped_column(sa.Text, default="")
    # Order among its parent's live children: 0, 1, 2... with no gaps.
    position: Mapped[int] = mapped_column(default=0)
    # Optimistic concurrency: a save names the version it started from.
    version: Mapped[int] = mapped_column(default=1)
    archived_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    diagram: Mapped[DriverDiagram] = relationship(lazy="raise")

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class ChangeIdeaPractice(db.Model):
    """A practice write-up behind a change idea."""

    __tablename__ = "change_idea_practice"

    node_id: Mapped[int] = mapped_column(
        sa.ForeignKey("driver_node.id", ondelete="CASCADE"), primary_key=True
    )
    practice_id: Mapped[int] = mapped_column(
        sa.ForeignKey("practice.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    linked_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class DiagramChange(db.Model):
    """One change to a diagram: who, when, what, and the node's state before and after."""

    __tablename__ = "diagram_change"
    __table_args__ = (
        # The history list and the as-of replay: a diagram's changes in order.
        sa.Index("ix_diagram_change_history", "diagram_id", "at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    diagram_id: Mapped[int] = mapped_column(sa.ForeignKey("driver_diagram.id", ondelete="CASCADE"))
    node_id: Mapped[int] = mapped_column(
        sa.ForeignKey("driver_node.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # add, edit, move, reorder, archive, link, unlink, aim; "position" when a sibling's
    # position closed up around another change (kept for the replay, not listed).
    action: Mapped[str] = mapped_column(sa.String(16))
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any]] = mapped_column(sa.JSON)

    user: Mapped[User | None] = relationship(lazy="raise")
    node: Mapped[DriverNode] = relationship(lazy="raise")
