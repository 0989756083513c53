"""The network the HTTP pages benchmark (pages.py) builds: people, groups, texts.

A small network as the README describes one: three districts, eight
schools, thirty people in the job roles nic knows (nic.models.JobRole),
three peer groups, and threads whose posts read like instructional leaders
writing to each other (DOMAIN.md), 300-800 characters each with some
Markdown (lists, bold, links), so the pages render what real ones do.
"""

from __future__ import annotations

# district -> its schools
DISTRICTS = {
    "Riverbend Unified": ["Jefferson Elementary", "Riverbend Middle", "Riverbend High"],
    "Lakeshore Public Schools": ["Harborview Elementary", "Lakeshore K-8", "Lakeshore High"],
    "Mesa Verde School District": ["Desert Sky Elementary", "Mesa Verde Middle"],
}

# The person who signs in: a principal, member of the main and the data group.
READER = "Alicia Moreno"
# Whose profile page is measured: a principal who posts in the main group.
PROFILE = "Kevin O'Brien"

# name, job role (nic.models.JobRole values), school (None: district or hub staff)
PEOPLE = [
    ("Renee Castillo", "facilitator", None),
    ("Howard Lin", "facilitator", None),
    ("Patricia Owens", "district_leader", None),
    ("Gabriel Ibarra", "district_leader", None),
    ("Denise Hollis", "district_leader", None),
    ("Alicia Moreno", "principal", "Jefferson Elementary"),
    ("Kevin O'Brien", "principal", "Riverbend Middle"),
    ("Lauren Whitmore", "principal", "Riverbend High"),
    ("Samuel Osei", "principal", "Harborview Elementary"),
    ("Fatima Haddad", "principal", "Lakeshore K-8"),
    ("Robert Klein", "principal", "Lakeshore High"),
    ("Yesenia Flores", "principal", "Desert Sky Elementary"),
    ("Marcus Greene", "principal", "Mesa Verde Middle"),
    ("Tanya Brooks", "assistant_principal", "Riverbend High"),
    ("Daniel Park", "assistant_principal", "Riverbend Middle"),
    ("Imani Carter", "assistant_principal", "Lakeshore High"),
    ("Miguel Santos", "assistant_principal", "Mesa Verde Middle"),
    ("Jennifer Walsh", "assistant_principal", "Lakeshore K-8"),
    ("Priya Natarajan", "instructional_coach", "Jefferson Elementary"),
    ("Chris Duval", "instructional_coach", "Riverbend Middle"),
    ("Erin McAllister", "instructional_coach", "Harborview Elementary"),
    ("Omar Farouk", "instructional_coach", "Lakeshore K-8"),
    ("Beth Lindqvist", "instructional_coach", "Desert Sky Elementary"),
    ("Jamal Wright", "instructional_coach", "Riverbend High"),
    ("Sofia Alvarez", "teacher_leader", "Jefferson Elementary"),
    ("Nathan Cho", "teacher_leader", "Riverbend High"),
    ("Grace Mwangi", "teacher_leader", "Harborview Elementary"),
    ("Tyler Bennett", "teacher_leader", "Lakeshore High"),
    ("Rosa Delgado", "teacher_leader", "Mesa Verde Middle"),
    ("Hannah Feldman", "teacher_leader", "Desert Sky Elementary"),
]


def members_with(*roles: str, extra: tuple[str, ...] = ()) -> list[str]:
    """Names of the people in these job roles, plus `extra` names."""
    return [name for name, role, _ in PEOPLE if role in roles] + list(extra)


# name, description, visibility, job roles it is meant for, facilitator, members
GROUPS = [
    (
        "Instructional Leadership Network",
        "Principals, assistant principals, coaches and teacher leaders from all eight "
        "schools working through problems of practice in instruction.",
        "network",
        [],
        "Renee Castillo",
        members_with(
            "principal",
            "assistant_principal",
            "instructional_coach",
            extra=("Sofia Alvarez", "Nathan Cho", "Patricia Owens", "Gabriel Ibarra"),
        ),
    ),
    (
        "Coaches' Role-Alike Group",
        "Instructional coaches comparing notes on coaching cycles, debriefs and "
        "working alongside teachers without evaluating them.",
        "network",
        ["instructional_coach"],
        "Howard Lin",
        members_with("instructional_coach"),
    ),
    (
        "Data Meetings That Lead to Action",
        "A private group for leaders redesigning their data meetings so every one "
        "ends with an owner, a next step and a date.",
        "private",
        [],
        "Howard Lin",
        [
            "Alicia Moreno",
            "Samuel Osei",
            "Yesenia Flores",
            "Robert Klein",
            "Imani Carter",
            "Miguel Santos",
            "Patricia Owens",
            "Denise Hollis",
        ],
    ),
]

# The measured threads in the main group: 50 posts as a nested reply tree, 10, 300.
THREAD_50 = "Protecting PLC time when we are short on substitutes"
THREAD_10 = "Walkthrough look-fors that teachers actually trust"
THREAD_300 = "Our ILT's problem of practice this year: student discourse in math"

# The other threads of the main group (a few posts each).
OTHER_TITLES = [
    "Structuring a data meeting so it ends with next steps",
    "Coaching cycles with veterans who did not ask for a coach",
    "Student work protocol for 4th grade opinion writing",
    "Informal feedback after walkthroughs: how fast is fast enough?",
    "PDSA cycle on exit tickets in Algebra I",
    "Finding common planning time in a K-8 schedule",
    "When the PLC meeting turns into a complaint session",
    "Run charts for chronic absence: which measures do you plot?",
    "Calibrating walkthrough notes across the admin team",
    "Tuning protocol for a unit plan: norms that held up",
    "Getting teacher leaders to facilitate, not just attend",
    "Using benchmark data without teaching to the test",
    "Driver diagram draft for our reading aim, feedback welcome",
    "How do principals support their instructional coaches?",
    "Looking at student work when most of it is blank",
    "Master schedule: intervention block or electives?",
    "Newcomer English learners in content classes: co-teaching models",
    "Debriefs that lead to a changed lesson, not just a nice talk",
    "Aim statement check: how much, by when, for whom",
    "Making the ILT agenda about instruction, not logistics",
]

# Threads in the other two groups.
COACH_TITLES = [
    "Opening a coaching cycle: the first conversation",
    "Video in coaching cycles: consent and storage",
    "Balancing coaching with being pulled to cover classes",
]
DATA_TITLES = [
    "One page agenda for a grade-level data meeting",
    "Who owns the next step when the meeting ends?",
    "Bringing student work, not only scores, to the data table",
]

# Post bodies: openings and replies alike. Each 300-800 characters.
BODIES = [
    """We lost three PLC blocks last month because there were no subs and our PLC teachers \
were the ones pulled to cover. Our ILT agreed that **PLC time is protected**, but in practice \
it is the first thing to go. What we are trying next:

- cover with the AP and me before pulling a PLC member
- move the PLC to first thing on Tuesday, when absences are lowest
- keep a 10-minute "minimum PLC" if the full block is lost

Has anyone found a way to hold the line without burning out the admin team?""",
    """We had the same pattern. What changed it for us was making the coverage order public: \
everyone on staff can see that PLC members are **last** on the list. It stopped the quiet \
negotiating in the office at 7:40. It did cost me two mornings a week of my own classroom \
walkthroughs, so I moved those to the afternoon. Not perfect, but the PLC met 11 of 12 weeks \
this quarter.""",
    """A question back: when the PLC does lose the block, what happens to the student work \
they were going to look at? Ours would just slide to the next week and then get stale. We now \
ask the facilitator to post the two or three samples in the shared folder with one question, \
and teachers leave a comment before Friday. It is not the same as talking, but the \
**evidence still gets looked at** that week.""",
    """I like the "minimum PLC" idea. We tried a version of it: ten minutes, standing, one \
student work sample, one question from the protocol. The notes template is here: \
[minimum PLC notes](https://example.org/plc/minimum-notes). Teachers said it felt rushed the \
first time and useful by the third. The key was that the coach kept the time and nobody \
turned it into announcements.""",
    """From the district side: we are piloting a small **floating sub pool** for the four \
schools with the most PLC losses. It is two people, assigned each morning by 7:15, and PLC \
coverage is their first priority. We will share the numbers at the spring network meeting. \
If your school wants in for the next round, the criteria are on the \
[district page](https://example.org/district/sub-pool).""",
    """Our walkthroughs used to be a checklist of twenty things and teachers never knew which \
ones mattered. This year the ILT picked three **look-fors** tied to our problem of practice:

1. students explain their reasoning to a partner
2. the task asks for more than one solution path
3. the teacher's questions are open ("how do you know?")

We share the tallies by grade band, never by teacher. Trust went up once people saw the data \
was not going into evaluations.""",
    """Three look-fors is the right size. We started with five and the notes turned into \
scripting. One thing I would add: say out loud **what you will not do** with the notes. We \
wrote it on the first slide of the staff meeting: no names in the shared tally, no use in \
evaluations, the teacher gets their own notes within 24 hours. Teachers quoted that slide \
back to us for months.""",
    """For student discourse in math we set an aim of **70% of observed lessons with at least \
two students explaining a strategy** by May, up from about 30% in September. Our run chart \
is flat for six weeks and then moved after we introduced a talk protocol in grades 3-5. \
We are now testing the same protocol in grade 6 with one teacher, two weeks, one lesson a \
day, before we ask everyone to try it.""",
    """What does your PDSA look like on paper? Ours keeps getting too big. The last one had \
a prediction, three measures and a two-month timeline, which is not a test, it is a \
program. Our coach pushed us back to **one teacher, one week, one measure** and a prediction \
we could be wrong about. The IHI worksheet helped: \
[PDSA worksheet](https://example.org/improvement/pdsa-worksheet).""",
    """We redesigned our data meetings around one rule: nobody leaves without **an owner, a \
next step and a date**. The agenda is now

- 5 min: what did we say we would do last time, and did we?
- 15 min: one chart, one question, student work on the table
- 10 min: next steps, written in the notes before we stand up

Meetings got shorter and teachers stopped calling them "data dumps".""",
    """On coaching veterans who did not ask for a coach: I stopped opening with the cycle \
and started with **their** question. One teacher with 22 years wanted her quiet students to \
talk more in seminar. We co-planned one lesson, I took low-inference notes on who spoke, \
and we looked at it together. She asked for the second cycle herself. The trust came from \
her goal, not mine.""",
    """Same here, and one more thing: keep the coaching conversation **separate from \
supervision**. Our AP used to sit in on debriefs "to learn the process" and teachers went \
quiet. Now the coach and the teacher own the notes, and the only thing the principal sees \
is the goal and whether the cycle finished. Our coaching log template is in the \
[network folder](https://example.org/network/coaching-log).""",
    """Student work protocol we used for 4th grade opinion writing: each teacher brought \
three pieces (strong, middle, struggling), we read silently for ten minutes, then named \
**only what the student can do** before anything else. The pattern across classes was \
clear: claims were fine, reasons were thin. The next step we agreed on was one mini-lesson \
on "because" sentences, taught by all four teachers the same week.""",
    """Feedback after walkthroughs: our norm is **within 48 hours, in person or in a short \
note, one glow and one question**. Longer than that and teachers told us it felt like a \
verdict arriving later. The question matters more than the glow. "What did you notice when \
the pairs started talking?" gets a real answer; "consider more turn-and-talk" gets a nod \
and nothing changes.""",
    """Our schedule problem is different: in a K-8 the grade 6-8 teams share specialists with \
K-5, so common planning time for one band takes it from the other. What finally worked was \
**stacking specials** for two grades back to back twice a week, which gave each middle \
school team 90 minutes together. The master schedule draft is a mess but it is here if \
anyone wants to look: [draft schedule](https://example.org/schedules/k8-draft).""",
    """When a PLC turns into a complaint session, I now ask the facilitator to start with \
the **student work on the table before anything else**, and to name the complaint as a \
parking-lot item. Most complaints are real (copiers, schedules, the new curriculum) and \
deserve an answer, just not during the 45 minutes we have for instruction. I answer the \
parking lot in writing by Friday so people see it was heard.""",
    """Calibrating walkthrough notes across our admin team changed how we talk about \
classrooms. Four of us watched the same 10-minute video, took notes against our three \
look-fors, then compared. We agreed on **only one of three** the first time. After three \
sessions we agreed on almost all. The protocol we used came from the \
[School Reform Initiative](https://www.schoolreforminitiative.org/protocols/).""",
    """Teacher leaders facilitating rather than attending: we give each PLC facilitator a \
**half-day of release per quarter** to plan with the coach, and a one-page facilitation \
guide with the protocol steps and the timekeeping. The first two meetings the coach \
co-facilitates, after that the teacher leader runs it and the coach sits in the back. Two of \
our six facilitators now coach the new ones.""",
    """On benchmark data without teaching to the test: we look at the **item-level results \
next to student work** from the same standard. When the item said fractions and the work \
showed students could not explain equivalence, that became the PLC focus, not the test \
format. We also stopped sharing class-by-class rankings at staff meetings. That alone \
changed how teachers talked about the data.""",
    """Our driver diagram for the reading aim, still a draft:

- **Aim**: 80% of grade 3 students reading on grade level by June
- **Primary drivers**: core instruction, intervention, family partnership
- **Change ideas**: daily small-group fluency, a shared phonics scope and sequence, \
monthly family reading nights

I would welcome pushback on the drivers. I suspect "core instruction" is too big to test \
anything against.""",
]

# The few texts the growth step reuses (pre-rendered once each).
GROWTH_BODIES = BODIES[1:9]
