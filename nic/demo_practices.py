"""The demo network's practice library: write-ups across the levers, tries, files.

Loaded by nic.demo after the people and groups, through the same services a
coach uses (so every counter, label and revision is as the app makes it),
then placed in time: published over the past two months, tried in the weeks
after.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from nic.extensions import db
from nic.models import Post, Practice, PracticeRevision, PracticeTry, Thread, User
from nic.services import attachments, groups, practice_discussion, practices, tries
from nic.services.practice_fields import PracticeFields


def _body(problem: str, did: str, evidence: str, adapt: str, resources: str) -> str:
    return (
        f"## The problem of practice\n\n{problem}\n\n## What we did\n\n{did}\n\n"
        f"## Evidence of impact\n\n{evidence}\n\n## How to adapt it\n\n{adapt}\n\n"
        f"## Resources\n\n{resources}\n"
    )


# (author, co-authors, title, summary, body, levers, levels, tags, group or None, days ago,
#  [(reporter, outcome, days after publishing, grades, who, changes, what they saw)], files)
PRACTICES = [
    (
        "priya.raman",
        ["maria.lopez"],
        "Data huddles every other Friday",
        "Grade teams spend twenty minutes on one exit ticket, sort the work into three piles "
        "and leave with one reteach each teacher will try on Monday.",
        _body(
            "Our grade teams met weekly but talked about logistics; student work rarely came "
            "to the table and reteaching was left to chance.",
            "- Every other Friday, 20 minutes, standing, in the grade-level hallway.\n"
            "- Each teacher brings the same exit ticket from five students.\n"
            "- We sort into *got it*, *almost*, *not yet* and name one reteach move.\n"
            "- The coach keeps a one-page log of the moves, shared in the team folder.",
            "Over eight weeks the share of 3rd graders at *got it* on the weekly math exit "
            "ticket rose from 41% to 63%. Teachers' reteach plans named a specific move in "
            "27 of 30 huddles (from 9 of 30 before).",
            "Keep it short and keep the same ticket for the whole team. Middle schools ran "
            "it by department with one shared task.",
            "The huddle protocol (attached) and the three-pile sorting sheet.",
        ),
        ("data_use", "plc"),
        ("elementary",),
        ("data huddles", "exit tickets"),
        None,
        52,
        [
            (
                "olivia.grant",
                "adopted",
                9,
                "K-5",
                "Grade 2 and 3 teams",
                "",
                "Teams started bringing work without being asked by week three.",
            ),
            (
                "nina.petrova",
                "adapted",
                16,
                "3-5",
                "Upper-grade teachers",
                "Monthly instead of every other week, because of our assessment calendar.",
                "The reteach log gave our ILT its first look at which moves teachers choose.",
            ),
            (
                "aisha.khan",
                "adapted",
                24,
                "6-8",
                "Math department",
                "One shared task per department instead of an exit ticket.",
                "Good talk about student thinking; harder to keep to twenty minutes.",
            ),
        ],
        [
            (
                "Huddle protocol (one page).pdf",
                "The protocol we post in the hallway",
                "protocol",
                [
                    "Data huddle protocol",
                    "1. Bring five exit tickets (2 min)",
                    "2. Sort: got it / almost / not yet (8 min)",
                    "3. Name one reteach move (8 min)",
                    "4. Log it (2 min)",
                ],
            )
        ],
    ),
    (
        "james.okafor",
        [],
        "Instructional rounds with a single look-for",
        "Small teams of teachers visit three classrooms for ten minutes each, looking only for "
        "one thing the school is working on, and debrief what they saw, never who they saw.",
        _body(
            "Walkthroughs felt like evaluation, and teachers learned little from them.",
            "Once a month a team of four teachers and an administrator visits three "
            "classrooms with a single look-for (this fall: *students explain their "
            "reasoning to a partner*). The debrief is about patterns across rooms.",
            "In our spring survey 81% of teachers said rounds changed something they do, "
            "against 34% for the old walkthroughs.",
            "Choose the look-for with your ILT and keep it for a whole semester.",
            "Look-for note-taker and debrief prompts.",
        ),
        ("ilt", "supervision_feedback"),
        ("middle",),
        ("instructional rounds", "look-fors"),
        None,
        44,
        [
            (
                "hannah.schmidt",
                "adopted",
                12,
                "6-8",
                "Two teams of four teachers",
                "",
                "Teachers asked to host rounds in their own rooms by the second month.",
            ),
            (
                "david.cho",
                "stopped",
                20,
                "9-12",
                "Science department",
                "Tried it in our block schedule.",
                "Ninety-minute blocks made ten-minute visits land in the wrong part of the lesson; "
                "we went back to lesson study.",
            ),
        ],
        [],
    ),
    (
        "ben.torres",
        ["aisha.khan"],
        "A six-week coaching cycle anchored in student work",
        "Coach and teacher pick one goal from student work, plan together, practice in the "
        "classroom and look at the same work again after six weeks.",
        _body(
            "Coaching conversations drifted to whatever was urgent that week.",
            "Week 1: choose a goal from a sample of student work. Weeks 2-5: plan, model, "
            "co-teach, observe, debrief. Week 6: collect the same kind of work and compare.",
            "Across 14 cycles last year, 11 teachers' student samples showed growth on the "
            "goal's rubric row.",
            "Shorter cycles (four weeks) worked for new teachers.",
            "The cycle planner (attached).",
        ),
        ("coaching",),
        ("elementary", "middle"),
        ("coaching cycles", "student work"),
        None,
        37,
        [
            (
                "sam.whitaker",
                "adapted",
                10,
                "9-12",
                "English teachers",
                "Four-week cycles to fit our grading periods.",
                "Teachers liked ending with their own students' work, not a checklist.",
            ),
            (
                "olivia.grant",
                "adopted",
                18,
                "K-2",
                "Two first-year teachers",
                "",
                "Both teachers asked for a second cycle.",
            ),
        ],
        [
            (
                "Coaching cycle planner.pdf",
                "One page per cycle: goal, evidence, moves",
                "protocol",
                [
                    "Six-week coaching cycle planner",
                    "Goal from student work:",
                    "Evidence before:",
                    "Moves we will practice:",
                    "Evidence after:",
                ],
            )
        ],
    ),
    (
        "elena.ruiz",
        [],
        "Protecting PLC time with a shared sub rotation",
        "Three schools share two floating substitutes on a fixed rotation, so each grade team "
        "gets a protected half day every three weeks.",
        _body(
            "PLC time was the first thing cancelled when we were short of substitutes.",
            "With Lincoln and Harbor View we fund two floating subs together and publish the "
            "rotation for the semester in August.",
            "Cancelled PLC sessions fell from 11 in the fall to 2 in the spring.",
            "It needs a district contact to own the rotation.",
            "The rotation calendar template.",
        ),
        ("time_scheduling", "plc"),
        ("elementary",),
        ("plc time", "substitutes"),
        None,
        30,
        [
            (
                "maria.lopez",
                "adopted",
                7,
                "K-5",
                "All grade teams",
                "",
                "Our teams met every time they were scheduled this semester.",
            ),
            (
                "tom.nguyen",
                "stopped",
                15,
                "K-8",
                "Middle grades team",
                "Tried it for our middle grades.",
                "Our K-8 schedule could not free the same half day; we stopped after a month.",
            ),
        ],
        [],
    ),
    (
        "keisha.brown",
        ["david.cho"],
        "Ten-minute walkthroughs with feedback in 24 hours",
        "Short, frequent visits with one glow and one grow, written and shared within a day, so "
        "feedback is part of the week and not only the annual evaluation.",
        _body(
            "Teachers heard from us twice a year, at evaluation time.",
            "Each AP visits eight classrooms a week for ten minutes and sends one strength "
            "and one next step within 24 hours.",
            "Teachers receiving feedback monthly went from 20% to 90% in one semester.",
            "Agree on the next-step language with your ILT first.",
            "Feedback stems.",
        ),
        ("supervision_feedback",),
        ("middle", "high"),
        ("walkthroughs", "feedback"),
        None,
        21,
        [
            (
                "luis.martinez",
                "adopted",
                6,
                "9-12",
                "The AP team",
                "",
                "Teachers started asking for the visits.",
            )
        ],
        [],
    ),
    (
        "maria.lopez",
        [],
        "ILT agendas that start with student work",
        "Every ILT meeting opens with fifteen minutes on one piece of student work before any "
        "logistics.",
        _body(
            "Our ILT meetings were consumed by operations.",
            "The first fifteen minutes: one sample of student work, what it shows, what it "
            "asks of us.",
            "Three of our four ILT decisions this year came from that opening.",
            "Rotate who brings the work.",
            "Agenda template.",
        ),
        ("ilt", "data_use"),
        ("elementary",),
        ("ilt", "agendas"),
        "ILT Leads",
        14,
        [
            (
                "james.okafor",
                "adapted",
                5,
                "6-8",
                "Our ILT",
                "Ten minutes, because our meetings are 45 minutes.",
                "Teacher leaders now bring the work without being asked.",
            )
        ],
        [],
    ),
    (
        "grace.adeyemi",
        [],
        "Family data nights in the first month",
        "In September each family meets their child's teacher for ten minutes to look at a "
        "reading sample together and agree on one thing to practise at home.",
        _body(
            "Families heard about reading levels only at report-card time.",
            "We invite families by phone, offer three evenings, and bring one reading "
            "sample per child.",
            "Attendance was 78%; home reading logs doubled in October.",
            "Interpreters booked early; a morning slot for families who work evenings.",
            "Invitation script.",
        ),
        ("family_community",),
        ("elementary",),
        ("family engagement",),
        None,
        6,
        [],
        [],
    ),
]

DRAFT = (
    "maria.lopez",
    "Student-led conferences",
    "Students present their own work to their families in the spring.",
)


def one_page_pdf(lines: list[str]) -> bytes:
    """A small, valid one-page PDF with these lines of text (made on the fly for the demo)."""
    text = (
        "BT /F1 14 Tf 72 720 Td 20 TL "
        + " ".join(
            "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
            for line in lines
        )
        + " ET"
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
              .encode())  # fmt: skip
    return out.getvalue()


def load_practices(people: dict[str, User], group_ids: dict[str, int], now: datetime) -> None:
    """Every practice above, its files and tries, then each placed at its date."""
    for (author, coauthors, title, summary, body, levers, levels, tags, group, days_ago,
         reports, files) in PRACTICES:  # fmt: skip
        writer = people[author]
        practice = practices.create_practice(
            writer,
            PracticeFields(
                title,
                summary,
                body,
                levers,
                levels,
                tags,
                group_ids[group] if group else None,
                tuple(people[c].id for c in coauthors),
            ),
            publish=True,
        )
        for name, caption, kind, lines in files:
            access = practices.get_practice_for(writer, practice.id)
            upload = attachments.Upload(name, io.BytesIO(one_page_pdf(lines)))
            attachments.attach(access, writer, upload, caption, kind, False)
        published = now - timedelta(days=days_ago)
        for reporter, outcome, after, grades, who, changes, saw in reports:
            user = people[reporter]
            tried_on = (published + timedelta(days=after)).date()
            tries.record_try(
                practices.get_practice_for(user, practice.id), user,
                tries.TryFields(tried_on, outcome, grades, who, changes, saw),
            )  # fmt: skip
        _place(practice.id, published)
    author, title, summary = DRAFT
    practices.create_practice(people[author], PracticeFields(title, summary, ""))
    library = practice_discussion.library_group()
    groups.add_member(None, library.id, people["marcus.bell"].id, "facilitator")


def _place(practice_id: int, published: datetime) -> None:
    """Date the practice, its revision, its discussion and its tries as if written over the
    past weeks (never "now": a demo seeded at midnight must not read as posted at night)."""
    db.session.execute(
        sa.update(Practice)
        .where(Practice.id == practice_id)
        .values(
            created_at=published - timedelta(days=3), published_at=published, updated_at=published
        )
    )
    db.session.execute(
        sa.update(PracticeRevision)
        .where(PracticeRevision.practice_id == practice_id)
        .values(created_at=published)
    )
    thread_id = sa.select(Practice.thread_id).where(Practice.id == practice_id).scalar_subquery()
    db.session.execute(
        sa.update(Post).where(Post.thread_id == thread_id).values(created_at=published)
    )
    db.session.execute(
        sa.update(Thread)
        .where(Thread.id == thread_id)
        .values(created_at=published, last_activity_at=published)
    )
    for report in db.session.scalars(
        sa.select(PracticeTry).where(PracticeTry.practice_id == practice_id)
    ):
        reported = datetime.combine(report.tried_on + timedelta(days=2), datetime.min.time(),
                                    UTC) + timedelta(hours=20)  # fmt: skip
        report.created_at = report.updated_at = min(reported, datetime.now(UTC))
    db.session.commit()


def as_of(today: date) -> datetime:
    """Demo practices are dated back from this afternoon."""
    return datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=19)
