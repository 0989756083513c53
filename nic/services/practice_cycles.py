"""A practice's trail into improvement work: the change ideas it backs, and the PDSA cycles
schools ran from it, so its tries and its tests read as one record on its page."""

from __future__ import annotations

from nic.extensions import db
from nic.models import ChangeIdeaPractice, Cycle, DriverDiagram, DriverNode, School
from nic.policy import Actor
from nic.services.cycle_reading import cycles_with_schools
from nic.services.driver_diagrams import live_change_ideas
from nic.services.visibility import in_visible_group


def cycles_of_practice(user: Actor, practice_id: int) -> list[tuple[Cycle, School]]:
    """Cycles started from the practice that the user may see, newest first (one query)."""
    return cycles_with_schools(user, Cycle.practice_id == practice_id)


def change_ideas_of(user: Actor, practice_id: int) -> list[DriverNode]:
    """The live change ideas linked to the practice, in diagrams the user may see (one
    query)."""
    return list(
        db.session.scalars(
            live_change_ideas()
            .join(ChangeIdeaPractice, ChangeIdeaPractice.node_id == DriverNode.id)
            .where(ChangeIdeaPractice.practice_id == practice_id,
                   in_visible_group(user, DriverDiagram.group_id))
            .order_by(DriverNode.title)
        )
    )  # fmt: skip
