"""A socket event loads the user and their access once; the service it calls reuses it.

The reuse must never outlive the event: the service's first `load_access` in
the same transaction answers from what the event loaded, any later call asks
the database again, and a commit forgets it.
"""

from __future__ import annotations

from nic.extensions import db
from nic.services.live import access as live_access
from tests.live.conftest import schedule


def _access_queries(counter) -> int:
    return sum("JOIN live_session " in s and "live_participant" in s for s in counter.statements)


def test_the_service_reuses_the_events_access_once(people, count_queries):
    session_id, member_id = people.session.id, people.member.id
    with count_queries() as loading:
        user = live_access.load_event_user(member_id, session_id)
        access = live_access.load_access(user, session_id)
    assert _access_queries(loading) == 1
    assert access.user is user and access.membership is not None
    with count_queries() as again:
        live_access.load_access(user, session_id)
    assert _access_queries(again) == 1


def test_the_events_access_is_forgotten_at_the_end_of_its_transaction(people, count_queries):
    session_id, member_id = people.session.id, people.member.id
    user = live_access.load_event_user(member_id, session_id)
    db.session.commit()
    with count_queries() as after_commit:
        live_access.load_access(user, session_id)
    assert _access_queries(after_commit) == 1


def test_an_unlocked_load_does_not_stand_in_for_a_locked_one(people, count_queries):
    session_id, member_id = people.session.id, people.member.id
    user = live_access.load_event_user(member_id, session_id, lock=False)
    with count_queries() as locking:
        live_access.load_access(user, session_id, lock=True)
    assert _access_queries(locking) == 1


def test_another_person_or_session_is_not_answered_from_it(people, count_queries):
    session_id = people.session.id
    user = live_access.load_event_user(people.member.id, session_id)
    with count_queries() as other_person:
        live_access.load_access(people.other_member, session_id)
    assert _access_queries(other_person) == 1
    other_session = schedule(people.session.group_id, people.facilitator, live=False)
    live_access.load_event_user(people.member.id, session_id)
    with count_queries() as another_session:
        assert live_access.load_access(user, other_session.id).session is other_session
    assert _access_queries(another_session) == 1
