"""One load-and-authorize for a live session: pages, API, sockets and services share it.

`get_session_for` and a socket event's `event_access` load the same
`LiveAccess` in one query; the services are handed it and only check it.
"""

from __future__ import annotations

import pytest

from nic.errors import Muted, NotFound, NotLive, PermissionDenied, Unauthenticated
from nic.extensions import db
from nic.services import accounts
from nic.services.live import access as live_access
from nic.services.live import attendance as live_attendance
from nic.services.live import chat as live_chat
from nic.services.live import facilitation as live_facilitation
from nic.services.live import sessions as live_sessions
from tests.factories import in_session


def test_page_api_and_socket_load_the_same_access_in_one_query(people, count_queries):
    session_id, member_id = people.session.id, people.member.id
    with count_queries() as page:
        by_page = live_access.get_session_for(people.member, session_id)
    db.session.commit()
    with count_queries() as event:
        by_event = live_access.event_access(member_id, session_id)
    assert page.count == event.count == 1
    for access in (by_page, by_event):
        assert access.item.id == session_id and access.user.id == people.member.id
        assert access.membership is not None and access.group.id == people.session.group_id


def test_outsiders_and_unknown_sessions_are_not_found_alike(people):
    with pytest.raises(NotFound) as outsider:
        live_access.event_access(people.outsider.id, people.session.id)
    db.session.rollback()
    with pytest.raises(NotFound) as missing:
        live_access.event_access(people.member.id, people.session.id + 1000)
    assert outsider.value.message == missing.value.message == "No such session."
    db.session.rollback()
    with pytest.raises(NotFound):
        live_access.get_session_for(people.outsider, people.session.id)


def test_a_deactivated_or_unknown_user_is_unauthenticated_before_the_session_is_asked(people):
    accounts.set_account_active(None, people.member.id, False)
    for user_id, session_id in [(people.member.id, people.session.id), (999_999, 1), (None, 1)]:
        with pytest.raises(Unauthenticated):
            live_access.event_access(user_id, session_id)
        db.session.rollback()


def test_services_check_the_access_they_are_handed(people):
    live_attendance.attend(in_session(people.member, people.session.id))
    member_access = in_session(people.member, people.session.id)
    with pytest.raises(PermissionDenied):
        live_sessions.end_session(member_access)
    db.session.rollback()
    live_facilitation.set_muted(
        in_session(people.facilitator, people.session.id), people.member.id, True
    )
    with pytest.raises(Muted):
        live_chat.send_message(in_session(people.member, people.session.id), "Hello", "m0")
    db.session.rollback()
    live_sessions.end_session(in_session(people.facilitator, people.session.id))
    with pytest.raises(NotLive):
        live_chat.send_message(in_session(people.member, people.session.id), "Late", "m1")
