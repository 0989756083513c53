"""The demo network's improvement work: its aim and driver diagram.

Loaded by nic.demo after the practices, through the services a facilitator
uses, then placed in time: the aim written two months ago, the drivers and
change ideas added over the weeks after, so the diagram's history and its
as-of view have something to show.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from nic.extensions import db
from nic.models import DiagramChange, Practice, User
from nic.services import aims
from nic.services import driver_diagrams as dd

AIM = aims.AimFields(
    "Raise the share of 3rd graders reading on grade level", "from 48% to 60%",
    date(2027, 6, 30), "across our 22 schools",
)  # fmt: skip

# Primary driver -> secondary drivers -> change ideas, each with the title of the
# practice write-up behind it (None: no write-up yet).
DIAGRAM = [
    ("Strong core literacy instruction in every K-3 classroom", [
        ("Teachers plan from student work", [
            ("Data huddles every other Friday", "Data huddles every other Friday"),
            ("Six-week coaching cycles anchored in student work",
             "A six-week coaching cycle anchored in student work"),
        ]),
        ("Leaders see instruction often and give quick feedback", [
            ("Ten-minute walkthroughs with feedback in 24 hours",
             "Ten-minute walkthroughs with feedback in 24 hours"),
            ("Instructional rounds with a single look-for",
             "Instructional rounds with a single look-for"),
        ]),
    ]),
    ("Protected, well-used time for teachers to learn together", [
        ("PLC time that is never cancelled", [
            ("A shared sub rotation to protect PLC time",
             "Protecting PLC time with a shared sub rotation"),
            ("A common planning block in the master schedule", None),
        ]),
        ("Leadership teams focused on student learning", [
            ("ILT agendas that start with student work",
             "ILT agendas that start with student work"),
            ("A monthly cross-school ILT visit", None),
        ]),
    ]),
    ("Families and students as partners in reading", [
        ("Families know where their child is and how to help", [
            ("Family data nights in the first month", "Family data nights in the first month"),
            ("Take-home decodable book bags", None),
        ]),
        ("Students are in school and reading every day", [
            ("Attendance check-ins for chronically absent K-3 students", None),
            ("Twenty minutes of independent reading, tracked by students", None),
        ]),
    ]),
]  # fmt: skip


def load_improvement(facilitator: User, now: datetime) -> None:
    """The network's aim and diagram, written by its facilitator, dated over the past weeks."""
    aims.save_aim(facilitator, dd.get_network_diagram_for(facilitator), AIM)
    access = dd.get_network_diagram_for(facilitator)
    root = next(n for n in dd.live_nodes(access.diagram.id) if n.parent_id is None)
    practice_ids = dict(db.session.execute(sa.select(Practice.title, Practice.id)).all())
    for primary_title, secondaries in DIAGRAM:
        primary = dd.add_node(facilitator, access, root.id, None, primary_title, "")
        for secondary_title, ideas in secondaries:
            secondary = dd.add_node(facilitator, access, primary.id, None, secondary_title, "")
            for idea_title, practice in ideas:
                idea = dd.add_node(facilitator, access, secondary.id, None, idea_title, "")
                if practice in practice_ids:
                    dd.link_practice(facilitator, dd.get_node_for(facilitator, idea.id),
                                     practice_ids[practice])  # fmt: skip
    _place(access.diagram.id, now)


def _place(diagram_id: int, now: datetime) -> None:
    """The aim 60 days ago, then each primary driver's branch a week after the one before."""
    changes = list(
        db.session.scalars(
            sa.select(DiagramChange)
            .where(DiagramChange.diagram_id == diagram_id)
            .order_by(DiagramChange.id)
        )
    )
    start, branch = now - timedelta(days=60), -1
    for minute, change in enumerate(changes):
        if change.after.get("kind") == "primary" and change.action == "add":
            branch += 1
        change.at = start + timedelta(days=7 * (branch + 1), minutes=minute)
    db.session.commit()
