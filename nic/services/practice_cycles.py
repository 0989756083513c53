"""A practice's trail into improvement work: the change ideas it backs, and the PDSA cycles
schools ran from it, so its tries and its tests read as one record on its page."""

from __future__ import annotations

from nic.extensions import db
from nic.models import ChangeIdeaPractice, Cycle, DriverDiagram, DriverNode, PracticeTry, School
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


def run_as(reports: list[PracticeTry], seen: list[tuple[Cycle, School]]) -> dict[int, Cycle]:
    """try id -> the cycle it was run as, for the tries whose cycle is among those the user
    may see (`cycles_of_practice`): no query, and a hidden cycle's title never shows."""
    by_id = {cycle.id: cycle for cycle, _ in seen}
    return {r.id: by_id[r.cycle_id] for r in reports if r.cycle_id in by_id}


def own_cycles(school_id: int | None, seen: list[tuple[Cycle, School]]) -> list[Cycle]:
    """The school's cycles of the practice among those the user may see: what a report of
    the school's try may be linked to."""
    return [cycle for cycle, _ in seen if school_id is not None and cycle.school_id == school_id]
