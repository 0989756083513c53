"""Plain factory functions that build data through the services."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from nic.extensions import db
from nic.models import DriverNode, Group, LiveSession, Post, Practice, School, Thread, User
from nic.services import (
    accounts,
    aims,
    discussions,
    groups,
    logins,
    org,
    practice_fields,
    practices,
)
from nic.services import driver_diagrams as dd
from nic.services.live import access as live_access
from nic.services.live import attendance as live_attendance
from nic.services.live import chat as live_chat
from nic.services.live import sessions as live_sessions
from nic.services.live.access import LiveAccess

PASSWORD = "correct horse battery"
_seq = itertools.count(1)
AIM = aims.AimFields("Raise reading", "from 48% to 60%", date(2027, 6, 30), "in our schools")


def make_school(name: str | None = None, district: str | None = None) -> School:
    n = next(_seq)
    d = org.create_district(None, district or f"District {n}")
    return org.create_school(None, name or f"School {n}", d.id)


def make_user(
    name: str | None = None,
    *,
    email: str | None = None,
    job_role: str = "principal",
    school: School | None = None,
    admin: bool = False,
    password: str = PASSWORD,
    confirmed: bool = True,
) -> User:
    """A member; `confirmed=False` for one who registered and has not opened the mailed link."""
    n = next(_seq)
    return accounts.create_user(
        accounts.NewAccount(
            email=email or f"user{n}@example.org",
            name=name or f"Member {n}",
            password=password,
            job_role=job_role,
            school_id=school.id if school else None,
            is_admin=admin,
            confirmed=confirmed,
        )
    )


def make_group(
    name: str | None = None,
    *,
    visibility: str = "network",
    facilitator: User | None = None,
    members: list[User] = (),
    job_roles: list[str] | None = None,
) -> Group:
    group = groups.create_group(
        None,
        groups.GroupFields(
            name or f"Group {next(_seq)}", "A peer group.", job_roles or [], visibility
        ),
    )
    if facilitator is not None:
        groups.add_member(None, group.id, facilitator.id, "facilitator")
    for member in members:
        groups.add_member(None, group.id, member.id, "member")
    return group


def make_thread(group: Group, author: User, title: str = "A problem of practice",
                body: str = "How do you protect PLC time?") -> Thread:  # fmt: skip
    return discussions.start_thread(author, group.id, title, body)


def make_reply(thread: Thread, author: User, body: str = "Here is what we tried.",
               parent: Post | None = None) -> Post:  # fmt: skip
    return discussions.reply(author, thread.id, body, parent.id if parent else None)


TEST_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def sign_in(client, user: User, user_agent: str = TEST_USER_AGENT) -> str:
    """Sign a Flask test client in as `user`: a real sign-in row and its cookie. Its key."""
    key = logins.start_login(user, user_agent)
    with client.session_transaction() as session:
        session["_user_id"] = key
        session["_fresh"] = True
    return key


def in_session(user: User, session_id: int) -> LiveAccess:
    """A person's access to a live session, loaded as a socket event loads it (locked)."""
    return live_access.get_session_for(user, session_id, lock=True)


def _diagram(user: User, group_id: int | None) -> dd.DiagramAccess:
    return (
        dd.get_group_diagram_for(user, group_id) if group_id else dd.get_network_diagram_for(user)
    )


def make_change_idea(
    user: User, group_id: int | None = None, title: str = "Data huddles"
) -> DriverNode:
    """An aim for the group's empty diagram (None: the network's), a primary and a secondary
    driver, and one change idea under them."""
    aims.save_aim(user, _diagram(user, group_id), AIM)
    diagram = _diagram(user, group_id)  # the aim made the diagram
    root = next(n for n in dd.live_nodes(diagram.diagram.id) if n.parent_id is None)
    primary = dd.add_node(user, diagram, root.id, None, "Core instruction", "")
    secondary = dd.add_node(user, diagram, primary.id, None, "Plan from student work", "")
    return dd.add_node(user, diagram, secondary.id, None, title, "")


def make_session(
    facilitator: User, group: Group, title: str = "Check-in", *,
    starts_in: timedelta = timedelta(days=1), live: bool = False,
) -> LiveSession:  # fmt: skip
    """A session of the group an hour long, starting `starts_in` from now (started: `live`)."""
    starts = datetime.now(UTC) + starts_in
    fields = live_sessions.SessionFields(title, "", starts, starts + timedelta(hours=1))
    session = live_sessions.schedule_session(facilitator, group.id, fields)
    if live:
        live_sessions.start_session(in_session(facilitator, session.id))
    return session


def make_sessions(
    facilitator: User, group: Group, live_member: User, ended_member: User, tag: str
) -> tuple[LiveSession, LiveSession, LiveSession]:
    """A session in each state: scheduled (in two days), live (a member said hello), ended."""
    starts = datetime.now(UTC) + timedelta(days=2)
    fields = live_sessions.SessionFields(
        "Network session", "1. Wins\n2. PLC time", starts, starts + timedelta(hours=1)
    )
    upcoming = live_sessions.schedule_session(facilitator, group.id, fields)
    live = live_sessions.schedule_session(facilitator, group.id, fields)
    live_sessions.start_session(in_session(facilitator, live.id))
    live_attendance.attend(in_session(live_member, live.id))
    live_chat.send_message(in_session(live_member, live.id), "Hello from Lincoln", f"{tag}-1")
    ended = live_sessions.schedule_session(facilitator, group.id, fields)
    live_sessions.start_session(in_session(facilitator, ended.id))
    live_attendance.attend(in_session(ended_member, ended.id))
    live_chat.send_message(in_session(facilitator, ended.id), "Thanks, everyone", f"{tag}-2")
    live_sessions.end_session(in_session(facilitator, ended.id))
    return upcoming, live, ended


def make_practice(
    author: User,
    title: str = "Data huddles every other Friday",
    *,
    summary: str = "Grade teams look at one exit ticket together and plan a reteach.",
    body: str = "## What we did\n\nTwenty minutes, one exit ticket, one next step.",
    levers: tuple[str, ...] = ("data_use", "plc"),
    levels: tuple[str, ...] = ("elementary",),
    tags: tuple[str, ...] = ("data huddles",),
    group: Group | None = None,
    coauthors: tuple[User, ...] = (),
    publish: bool = True,
) -> Practice:
    fields = practice_fields.PracticeFields(
        title, summary, body, levers, levels, tags, group.id if group else None,
        tuple(c.id for c in coauthors),
    )  # fmt: skip
    return practices.create_practice(author, fields, publish=publish)


def make_cycle_world() -> dict:
    """The network's diagram (aim by Fran, a facilitator) with two change ideas, "Data
    huddles" and "Coaching cycles", under one secondary driver; Maria of Lincoln and James of
    Harbor View to test them."""
    fran = make_user("Fran Facilitator", job_role="facilitator")
    lincoln, harbor = make_school("Lincoln Elementary"), make_school("Harbor View")
    maria = make_user("Maria Lopez", school=lincoln)
    james = make_user("James Okafor", school=harbor)
    idea = make_change_idea(fran)
    access = dd.get_network_diagram_for(fran)
    other = dd.add_node(fran, access, idea.parent_id, None, "Coaching cycles", "")
    secondary = db.session.get(DriverNode, idea.parent_id)
    return {"fran": fran, "maria": maria, "james": james, "lincoln": lincoln,
            "harbor": harbor, "idea": idea, "other": other, "secondary": secondary,
            "diagram": access.diagram.id}  # fmt: skip


def make_group_change_idea(members: list[User]) -> tuple[Group, DriverNode]:
    """A private group of `members` (and its own facilitator) whose diagram has one
    change idea, "Huddles": outsiders of the group get 404 for it."""
    lead = make_user("Lee Lead", job_role="facilitator")
    group = make_group("Huddle ILT", visibility="private", facilitator=lead, members=members)
    return group, make_change_idea(lead, group.id, "Huddles")
