"""The demo network's improvement work: its aim and driver diagram.

Loaded by nic.demo after the practices, through the services a facilitator
uses, then placed in time: the aim written two months ago, the drivers and
change ideas added over the weeks after, so the diagram's history and its
as-of view have something to show.
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from nic.demo_practices import one_page_pdf
from nic.extensions import db
from nic.models import PHASE_FIELDS, Cycle, DiagramChange, Practice, User
from nic.services import aims, cycle_files, cycles
from nic.services import driver_diagrams as dd
from nic.services.attachments import Upload

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


# Cycles: (who, change idea, title, plan, do, study, act decision and next steps, days ago
# the plan starts, ramp: the index of the cycle before it). Every phase is somewhere.
CYCLES = [
    ("maria.lopez", "Data huddles every other Friday", "Grade 3 huddles, cycle 1",
     ("Will a 20-minute huddle on one exit ticket change what grade 3 reteaches on Monday?",
      "At least 3 of 4 teachers will plan a reteach from the ticket.",
      "Grade 3 team, Friday 1:15 in room 12, Priya facilitates.",
      "Exit-ticket scores before and after the reteach; the reteach plans."),
     ("Four huddles over three weeks; one was cut short by an assembly.",
      "Teachers sorted tickets faster each time.", "Tickets arrived late twice."),
     ("| | Before | After |\n|---|---|---|\n| Tickets at mastery | 41% | 58% |",
      "Sorting into three piles, not scoring, is what made it fast."),
     ("adapt", "Send the ticket on Thursday so teams can sort before the huddle."), 42, None),
    ("maria.lopez", "Data huddles every other Friday", "Grade 3 huddles, cycle 2",
     ("Does sending the ticket a day early let every teacher plan a reteach?",
      "All 4 teachers will bring a sorted set.", "Grade 3 team, Fridays, two cycles.",
      "Sorted sets brought; exit-ticket mastery."),
     ("All four teachers came with sorted sets both weeks.", "", ""),
     ("Mastery 58% to 66%.", "The day-early ticket works; grade 2 wants to try."),
     ("adopt", "Spread to grade 2 in January."), 20, 0),
    ("elena.ruiz", "Data huddles every other Friday", "K-2 huddles pilot",
     ("Can K-2 teams huddle on running-record notes instead of tickets?",
      "Teams will find two children each to regroup.", "K-2 teams, Wednesdays.",
      "Regrouping lists; running-record levels."),
     ("Ran twice; the notes were too different to compare.", "", ""),
     ("Regrouped 5 of 12 children; their levels rose one step.",
      "Notes need a shared format before teams can compare them."), (None, ""), 25, None),
    ("aisha.khan", "Instructional rounds with a single look-for", "Rounds on student talk",
     ("Does one look-for (students explaining their thinking) focus the debrief?",
      "Debrief notes will name evidence, not opinions.", "Coaches and two teachers, grade 4.",
      "Debrief notes coded evidence or opinion."),
     ("Two rounds done, the third is next week.", "Teachers asked to be visited.", ""),
     ("", ""), (None, ""), 10, None),
    ("james.okafor", "A shared sub rotation to protect PLC time", "Sub rotation, fall",
     ("Will a rotating sub list stop PLC cancellations?",
      "No team loses more than one PLC a month.", "All PLC teams, October.",
      "PLCs held versus scheduled."),
     ("Kept the list on the office board; coverage pulled one team twice.", "", ""),
     ("PLCs held: 14 of 16 (was 9 of 16).", "The list works when the office owns it."),
     ("adopt", "Make the office manager the list's owner."), 50, None),
    ("grace.adeyemi", "Ten-minute walkthroughs with feedback in 24 hours",
     "Walkthroughs with one glow, one grow",
     ("Will feedback within 24 hours change what teachers try the next week?",
      "Half of visited teachers will try the grow.", "Principal and coach, grades 3-5.",
      "Follow-up visits: grow tried or not."), ("", "", ""), ("", ""), (None, ""), 3, None),
    ("tom.nguyen", "Family data nights in the first month", "September family data night",
     ("Will families who attend read with their child more at home?",
      "Reading logs come back from most who attended.", "K-3 families, one evening.",
      "Attendance; reading logs returned."),
     ("30 families came; childcare helped.", "", "Translation ran short."),
     ("Logs returned: 12 of 30.", "A take-home bag mattered more than the talk."),
     ("abandon", "Try take-home decodable book bags instead."), 70, None),
]  # fmt: skip


def load_improvement(facilitator: User, people: dict[str, User], now: datetime) -> None:
    """The network's aim and diagram, written by its facilitator, and schools' cycles on it,
    dated over the past weeks."""
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
    return _load_cycles(access.diagram.id, people, now)


def _load_cycles(diagram_id: int, people: dict[str, User], now: datetime) -> list[tuple[int, date]]:
    ideas = {n.title: n.id for n in dd.live_nodes(diagram_id)}
    made: list[Cycle] = []
    for who, idea, title, planned, done, studied, acted, days_ago, after in CYCLES:
        user = people[who]
        start = (now - timedelta(days=days_ago)).date()
        new = cycles.NewCycle(user.school_id, previous_id=made[after].id if after is not None
                              else None)  # fmt: skip
        fields = cycles.PlanFields(title, *planned, start, start + timedelta(days=14))
        cycle = cycles.plan_cycle(user, dd.get_node_for(user, ideas[idea]), new, fields)
        phases = [(phase, dict(zip(PHASE_FIELDS[phase], texts, strict=True)))
                  for phase, texts in (("do", done), ("study", studied))]  # fmt: skip
        phases.append(("act", {"decision": acted[0], "next_steps": acted[1]}))
        for phase, values in phases:
            if any(values.values()):
                access = cycles.get_cycle_for(user, cycle.id)
                cycles.save_phase(user, access, phase, values, access.cycle.version)
        made.append(cycle)
    _attach_tally(people["maria.lopez"], made[0].id)
    for cycle in made:
        cycle.created_at = cycle.updated_at = datetime.combine(
            cycle.planned_start, now.timetz()
        ) - timedelta(days=1)
    db.session.commit()
    return [(c.thread_id, c.planned_start - timedelta(days=1)) for c in made if c.thread_id]


def _attach_tally(user: User, cycle_id: int) -> None:
    """The first cycle's Study file: the exit-ticket tally the team compared."""
    lines = ["Grade 3 exit tickets, before and after the reteach",
             "Before: 41% at mastery (38 of 92)", "After: 58% at mastery (53 of 92)",
             "Names removed; counts by class only."]  # fmt: skip
    upload = Upload("Exit ticket tally.pdf", io.BytesIO(one_page_pdf(lines)))
    cycle_files.attach(cycles.get_cycle_for(user, cycle_id), user, upload,
                       "Tickets at mastery, before and after", "assessment_data", True)  # fmt: skip


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
