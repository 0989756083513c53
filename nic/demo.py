"""A realistic demo network for `flask seed-demo`: districts, schools, people,
peer groups and threads about real problems of practice.

It goes through the same services as the app, so demo data obeys every rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from nic import demo_improvement, demo_measures, demo_practices
from nic.extensions import db
from nic.models import (
    ChatMessage,
    District,
    LiveSession,
    Participant,
    Post,
    Question,
    Thread,
    User,
)
from nic.services import accounts, discussions, groups, org
from nic.services.live import access as live_access
from nic.services.live import attendance as live_attendance
from nic.services.live import chat as live_chat
from nic.services.live import facilitation as live_facilitation
from nic.services.live import questions as live_questions
from nic.services.live import record as live_record
from nic.services.live import sessions as live_sessions
from nic.services.live.access import LiveAccess

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for the demo on purpose

DISTRICTS = {
    "Riverside Unified": ["Lincoln Elementary", "Riverside Middle", "Riverside High"],
    "Cedar Valley Schools": ["Cedar Valley Elementary", "Maple Grove K-8", "Cedar Valley High"],
    "North County District": ["Harbor View Elementary", "North County Middle"],
}

# email, name, job role, school (None: district or hub staff), admin
PEOPLE = [
    ("dana.whitfield@example.org", "Dana Whitfield", "facilitator", None, True),
    ("marcus.bell@example.org", "Marcus Bell", "facilitator", None, False),
    ("maria.lopez@example.org", "Maria Lopez", "principal", "Lincoln Elementary", False),
    ("james.okafor@example.org", "James Okafor", "principal", "Riverside Middle", False),
    ("susan.park@example.org", "Susan Park", "principal", "Riverside High", False),
    ("elena.ruiz@example.org", "Elena Ruiz", "principal", "Cedar Valley Elementary", False),
    ("tom.nguyen@example.org", "Tom Nguyen", "principal", "Maple Grove K-8", False),
    ("grace.adeyemi@example.org", "Grace Adeyemi", "principal", "Harbor View Elementary", False),
    ("david.cho@example.org", "David Cho", "assistant_principal", "Riverside High", False),
    ("keisha.brown@example.org", "Keisha Brown", "assistant_principal", "Riverside Middle", False),
    ("luis.martinez@example.org", "Luis Martinez", "assistant_principal", "Cedar Valley High", False),
    ("hannah.schmidt@example.org", "Hannah Schmidt", "assistant_principal", "North County Middle", False),
    ("priya.raman@example.org", "Priya Raman", "instructional_coach", "Lincoln Elementary", False),
    ("ben.torres@example.org", "Ben Torres", "instructional_coach", "Riverside Middle", False),
    ("aisha.khan@example.org", "Aisha Khan", "instructional_coach", "Maple Grove K-8", False),
    ("olivia.grant@example.org", "Olivia Grant", "instructional_coach", "Harbor View Elementary", False),
    ("sam.whitaker@example.org", "Sam Whitaker", "instructional_coach", "Cedar Valley High", False),
    ("rachel.kim@example.org", "Rachel Kim", "teacher_leader", "Lincoln Elementary", False),
    ("andre.jackson@example.org", "Andre Jackson", "teacher_leader", "Riverside High", False),
    ("nina.petrova@example.org", "Nina Petrova", "teacher_leader", "Cedar Valley Elementary", False),
    ("carlos.mendez@example.org", "Carlos Mendez", "teacher_leader", "North County Middle", False),
    ("julia.frost@example.org", "Julia Frost", "district_leader", None, False),
    ("robert.hayes@example.org", "Robert Hayes", "district_leader", None, False),
    ("mei.lin@example.org", "Mei Lin", "principal", "Cedar Valley High", False),
    ("owen.price@example.org", "Owen Price", "principal", "North County Middle", False),
]  # fmt: skip

GROUPS = [
    ("Principals' Circle", "Principals from across the network working on instructional "
     "leadership: ILT routines, feedback cycles and protected time for PLCs.",
     ["principal"], "network", "dana.whitfield@example.org"),
    ("Assistant Principals' Network", "APs comparing notes on supervision and feedback, "
     "scheduling and keeping discipline from crowding out instruction.",
     ["assistant_principal"], "network", "marcus.bell@example.org"),
    ("Instructional Coaches", "Coaches sharing coaching cycles, debrief protocols and "
     "evidence from student work.", ["instructional_coach", "teacher_leader"], "network",
     "marcus.bell@example.org"),
    ("ILT Leads", "Instructional leadership team leads from the pilot schools. Frank "
     "reflections stay in this group.", ["principal", "assistant_principal", "teacher_leader"],
     "private", "dana.whitfield@example.org"),
]  # fmt: skip

MEMBERS = {
    "Principals' Circle": ["maria.lopez", "james.okafor", "susan.park", "elena.ruiz",
                           "tom.nguyen", "grace.adeyemi", "mei.lin", "owen.price", "julia.frost"],
    "Assistant Principals' Network": ["david.cho", "keisha.brown", "luis.martinez",
                                      "hannah.schmidt", "robert.hayes"],
    "Instructional Coaches": ["priya.raman", "ben.torres", "aisha.khan", "olivia.grant",
                              "sam.whitaker", "rachel.kim", "nina.petrova"],
    "ILT Leads": ["maria.lopez", "james.okafor", "david.cho", "rachel.kim", "andre.jackson"],
}  # fmt: skip

# (group, author, title, body, [(author, reply body, index of the post it answers or None)])
THREADS = [
    ("Principals' Circle", "maria.lopez", "Protecting PLC time when subs are scarce",
     "Three weeks running our grade-level PLCs have been cancelled because teachers are "
     "covering classes. The PLCs were just starting to look at student work together.\n\n"
     "**What have you tried to keep PLC time protected when substitute coverage is thin?**",
     [("james.okafor", "We moved PLCs into the master schedule as a *common planning* block, "
       "so they can't be pulled for coverage. It took a fight with the scheduler, but it held.", None),
      ("maria.lopez", "Did you have to give anything up to get the common block?", 0),
      ("james.okafor", "One elective rotation per week for 6th grade. Worth it.", 1),
      ("elena.ruiz", "We keep a rotating list so the same team is never pulled twice in a "
       "month. Not a fix, but it spreads the pain and teams can plan around it.", None),
      ("julia.frost", "District can fund two building subs for the pilot schools from the "
       "Title II set-aside. Let's talk at the next network session.", 3)]),
    ("Principals' Circle", "susan.park", "Walkthrough feedback that teachers actually use",
     "Our informal walkthroughs generate a lot of notes and very little change. I want "
     "feedback that is short, specific and tied to our problem of practice "
     "(student discourse in 9th-grade math). What formats work for you?",
     [("tom.nguyen", "One glow, one grow, one question, delivered within 24 hours. The "
       "question is the part teachers answer.", None),
      ("grace.adeyemi", "We started co-observing with coaches so feedback is calibrated. "
       "Teachers said the consistency mattered more than the format.", None),
      ("susan.park", "Co-observing is a great idea. @grace.adeyemi, how do you keep coaches "
       "non-evaluative?", 1),
      ("grace.adeyemi", "Coaches never write anything down for evaluation; they only debrief "
       "with the teacher afterwards.", 2)]),
    ("Assistant Principals' Network", "david.cho", "Keeping discipline from eating the day",
     "By 10am most days I'm handling referrals and I never get into classrooms. "
     "How are other APs carving out time for instructional leadership?",
     [("keisha.brown", "I block 9:00-10:30 for classroom visits and the front office knows to "
       "route non-urgent referrals to our dean until 10:30.", None),
      ("luis.martinez", "We shifted to a tiered referral flow: teachers handle tier 1 with a "
       "shared playbook, which cut referrals by about a third.", None),
      ("david.cho", "@luis.martinez would you share the tier-1 playbook?", 1)]),
    ("Instructional Coaches", "priya.raman", "Debrief protocol after a coaching cycle",
     "I'm refining the debrief at the end of a six-week coaching cycle. Right now it "
     "drifts into a chat. Does anyone use a structured protocol anchored to student work?",
     [("aisha.khan", "We bring three student samples (high, middle, struggling) and ask: what "
       "changed in the work since week one? It keeps us anchored to evidence.", None),
      ("ben.torres", "+1 to samples. We also end with the teacher naming the next small "
       "change they'll test, PDSA-style.", 0),
      ("olivia.grant", "Do you script the questions, or keep them open?", 1),
      ("ben.torres", "Scripted for the first two, then open. Teachers relax once they know "
       "the shape.", 2)]),
    ("ILT Leads", "james.okafor", "Our ILT stalled this fall: candid reflection",
     "Honest update: our ILT meetings turned into announcements. We lost the improvement "
     "focus after two members left. I'd value this group's thinking on resetting it.",
     [("maria.lopez", "We reset with a one-page charter: our aim, our measures, and the "
       "decisions the ILT owns. It changed the conversation.", None),
      ("rachel.kim", "As a teacher leader on an ILT, what helped most was a standing agenda "
       "item for reviewing one measure every meeting.", 0)]),
]  # fmt: skip


@dataclass(frozen=True)
class DemoSignIn:
    email: str
    password: str
    role: str  # how the sign-in is introduced: "a principal", "the facilitator"


# The accounts seed-demo prints: a member, and the network's facilitator (an admin).
SIGN_INS = [
    DemoSignIn("maria.lopez@example.org", DEMO_PASSWORD, "a principal (member)"),
    DemoSignIn("dana.whitfield@example.org", DEMO_PASSWORD, "the facilitator (admin)"),
]
# The network's schools keep Eastern time; demo times read as a school day there.
EASTERN = ZoneInfo("America/New_York")
# When each thread was started (days ago, hour, minute, Eastern) and how long after the
# post before it each reply came: spread over the past weeks, at the hours leaders write.
THREAD_TIMES = [(26, 7, 12), (19, 12, 34), (15, 20, 41), (8, 15, 48), (3, 6, 55)]
REPLY_GAPS = [
    timedelta(hours=1, minutes=23), timedelta(hours=3, minutes=41),
    timedelta(hours=18, minutes=8), timedelta(hours=2, minutes=17),
    timedelta(minutes=46), timedelta(hours=21, minutes=30),
]  # fmt: skip


def school_day(day: date, hour: int, minute: int) -> datetime:
    """`day` (moved back off a weekend) at hour:minute Eastern, in UTC."""
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return datetime.combine(day, time(hour, minute), EASTERN).astimezone(UTC)


def awake(moment: datetime) -> datetime:
    """`moment`, or the next morning's 6:40 Eastern (plus its minutes) if it falls at night."""
    local = moment.astimezone(EASTERN)
    if 6 <= local.hour < 22:
        return moment
    day = local.date() + timedelta(days=1 if local.hour >= 22 else 0)
    morning = datetime.combine(day, time(6, 40 + local.minute % 20), EASTERN)
    return morning.astimezone(UTC)


def demo_sign_ins() -> list[DemoSignIn]:
    """The demo accounts that exist in this database (none when it holds other data)."""
    emails = set(db.session.scalars(sa.select(User.email).where(
        User.email.in_([s.email for s in SIGN_INS]))))  # fmt: skip
    return [s for s in SIGN_INS if s.email in emails]


def network_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(User.id))) == 0 and (
        db.session.scalar(sa.select(sa.func.count(District.id))) == 0
    )


def load_demo() -> list[DemoSignIn]:
    schools: dict[str, int] = {}
    for district_name, school_names in DISTRICTS.items():
        district = org.create_district(None, district_name)
        for school_name in school_names:
            schools[school_name] = org.create_school(None, school_name, district.id).id

    people: dict[str, User] = {}
    for email, name, role, school, admin in PEOPLE:
        user = accounts.create_user(
            accounts.NewAccount(
                email,
                name,
                DEMO_PASSWORD,
                role,
                schools.get(school) if school else None,
                admin,
                confirmed=True,
            )
        )
        people[email.split("@")[0]] = user

    group_ids: dict[str, int] = {}
    for name, description, roles, visibility, lead in GROUPS:
        facilitator = people[lead.split("@")[0]]
        group = groups.create_group(
            facilitator if facilitator.is_admin or facilitator.job_role == "facilitator" else None,
            groups.GroupFields(name, description, roles, visibility),
        )
        group_ids[name] = group.id
        for handle in MEMBERS[name]:
            groups.add_member(None, group.id, people[handle].id, "member")

    today = datetime.now(EASTERN).date()
    for (group_name, author, title, body, replies), (days_ago, hour, minute) in zip(
        THREADS, THREAD_TIMES, strict=True
    ):
        thread = discussions.start_thread(people[author], group_ids[group_name], title, body)
        posted: list[int] = []
        for handle, text, answers in replies:
            parent = posted[answers] if answers is not None else None
            posted.append(discussions.reply(people[handle], thread.id, text, parent).id)
        backdate_thread(thread.id, school_day(today - timedelta(days=days_ago), hour, minute))
    load_sessions(people, group_ids)
    demo_practices.load_practices(people, group_ids, demo_practices.as_of(today))
    discussed = demo_improvement.load_improvement(people["dana.whitfield"], people,
                                                  demo_practices.as_of(today))  # fmt: skip
    for thread_id, planned_on in discussed:
        backdate_thread(thread_id, school_day(planned_on, 15, 40))
    demo_measures.load_measures(people["dana.whitfield"], today)
    return SIGN_INS


def backdate_thread(thread_id: int, started: datetime) -> None:
    """Spread a demo thread's posts from `started` by REPLY_GAPS (never past now).

    The services stamp every post "now"; a demo discussion reads better over days.
    """
    posts = list(db.session.scalars(
        sa.select(Post).where(Post.thread_id == thread_id).order_by(Post.id)))  # fmt: skip
    now = datetime.now(UTC)
    at = started
    for n, post in enumerate(posts):
        if n:
            at = min(awake(at + REPLY_GAPS[(n - 1) % len(REPLY_GAPS)]), now - timedelta(minutes=5))
        post.created_at = at
    thread = db.session.get(Thread, thread_id)
    thread.created_at, thread.last_activity_at = started, at
    db.session.commit()


NEXT_AGENDA = """1. Check-in: one win from your walkthroughs this month
2. Problem of practice: protecting PLC time when subs are scarce (Maria)
3. Consultancy protocol in trios, 20 minutes
4. Commitments for the next PDSA cycle"""

PAST_AGENDA = """1. Share one debrief protocol that worked
2. Evidence: what changed in student work between week 1 and week 6?
3. Choose one change idea to test before the next session"""

# (author, message) in the ended coaches' session
PAST_CHAT = [
    ("marcus.bell", "Welcome, everyone! We'll start with one protocol each."),
    (
        "priya.raman",
        "We bring **three student samples** (high, middle, struggling) to every debrief.",
    ),
    ("aisha.khan", "Same here. It keeps the conversation anchored to evidence."),
    (
        "ben.torres",
        "We end with the teacher naming the next small change they'll test, PDSA-style.",
    ),
    ("olivia.grant", "Do you script the questions, or keep them open?"),
    ("ben.torres", "Scripted for the first two, then open."),
]


def upcoming_day(today: date) -> date:
    """A school day two to four days ahead: within this week (or early next, from Thursday)."""
    day = today + timedelta(days=2)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def load_sessions(people: dict[str, User], group_ids: dict[str, int]) -> None:
    """An upcoming Principals' Circle session this week and a coaches' session last month."""
    dana, marcus = people["dana.whitfield"], people["marcus.bell"]
    today = datetime.now(EASTERN).date()
    upcoming = school_day(upcoming_day(today), 16, 0)
    live_sessions.schedule_session(
        dana,
        group_ids["Principals' Circle"],
        live_sessions.SessionFields(
            f"{upcoming.astimezone(EASTERN):%B} network session",
            NEXT_AGENDA,
            upcoming,
            upcoming + timedelta(hours=1),
        ),
    )
    groups.add_member(None, group_ids["Instructional Coaches"], marcus.id, "facilitator")
    # Ten days before this month began: always in last month.
    held = school_day(today.replace(day=1) - timedelta(days=10), 16, 0)
    past = live_sessions.schedule_session(
        marcus,
        group_ids["Instructional Coaches"],
        live_sessions.SessionFields(
            "Debrief protocols after a coaching cycle",
            PAST_AGENDA,
            held,
            held + timedelta(hours=1),
        ),
    )

    def as_(handle: str) -> LiveAccess:
        """That person's access to the past session, loaded as a socket event does."""
        return live_access.get_session_for(people[handle], past.id, lock=True)

    live_sessions.start_session(as_("marcus.bell"))
    for n, (handle, text) in enumerate(PAST_CHAT):
        live_attendance.attend(as_(handle))
        live_chat.send_message(as_(handle), text, f"demo-{n}")
    live_facilitation.raise_hand(as_("sam.whitaker"))
    question = live_questions.ask(
        as_("sam.whitaker"), "How do you handle a debrief when the data is flat?"
    )
    live_questions.upvote(as_("aisha.khan"), question["id"])
    live_questions.answer(as_("marcus.bell"), question["id"])
    poll = live_questions.open_poll(
        as_("marcus.bell"), "Which change idea will you test first?",
        ["Student samples at every debrief", "Teacher names the next change", "Scripted openers"],
    )  # fmt: skip
    for handle, option in [("priya.raman", 0), ("aisha.khan", 0), ("ben.torres", 1)]:
        live_questions.vote(as_(handle), poll["id"], option)
    live_questions.close_poll(as_("marcus.bell"), poll["id"])
    live_sessions.end_session(as_("marcus.bell"))
    backdate(past.id, held)
    notes = live_record.post_record_as_thread(marcus, past.id, marcus.time_zone)
    backdate_thread(notes.id, held + timedelta(hours=1, minutes=12))


def backdate(session_id: int, started: datetime) -> None:
    """Place the demo's past session at its scheduled time, a minute per message.

    The services stamp everything "now"; a demo record reads better when the
    meeting took the hour it was scheduled for.
    """
    session = db.session.get(LiveSession, session_id)
    session.started_at, session.ended_at = started, started + timedelta(minutes=55)
    messages = db.session.scalars(
        sa.select(ChatMessage).where(ChatMessage.session_id == session_id).order_by(ChatMessage.id)
    )
    for n, message in enumerate(messages):
        message.created_at = started + timedelta(minutes=2 + 3 * n)
    db.session.execute(
        sa.update(Participant)
        .where(Participant.session_id == session_id)
        .values(first_joined_at=started, last_seen_at=started + timedelta(minutes=55))
    )
    db.session.execute(
        sa.update(Participant)
        .where(Participant.session_id == session_id, Participant.hand_raised_at.is_not(None))
        .values(hand_raised_at=started + timedelta(minutes=20))
    )
    db.session.execute(
        sa.update(Question)
        .where(Question.session_id == session_id)
        .values(
            created_at=started + timedelta(minutes=22), answered_at=started + timedelta(minutes=30)
        )
    )
    db.session.commit()
