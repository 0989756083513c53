"""`commitments_opened` over /live: the room hears once when the facilitator asks."""

from __future__ import annotations

from nic.extensions import db
from tests.factories import make_group
from tests.live.conftest import error_code, ok, schedule


def test_the_room_hears_once_when_the_facilitator_asks(people, joined, connect, login):
    sid = people.session.id
    member, facilitator = joined(people.member), joined(people.facilitator)
    elsewhere = make_group("Coaches", facilitator=people.facilitator, members=[people.outsider])
    other_session = schedule(elsewhere.id, people.facilitator)
    db.session.commit()
    neighbour = connect(people.outsider)
    ok(neighbour.call("join", {"session_id": other_session.id}))
    assert error_code(neighbour.call("join", {"session_id": sid})) == "not_found"
    neighbour.received()
    assert ok(member.call("join", {"session_id": sid}))["session"]["commitments_opened_at"] is None
    member.received()

    browser = login(people.facilitator)
    assert browser.post_form(f"/sessions/{sid}/commitments/open").status_code == 302
    [opened] = member.received("commitments_opened")
    assert set(opened) == {"session_id", "opened_at"}
    assert opened["session_id"] == sid and opened["opened_at"].endswith("Z")
    assert facilitator.received("commitments_opened") == [opened]
    assert neighbour.received("commitments_opened") == []

    # Asking again changes nothing and says nothing; a page that was away catches up on join.
    assert browser.post_form(f"/sessions/{sid}/commitments/open").status_code == 302
    assert member.received("commitments_opened") == []
    ack = ok(member.call("join", {"session_id": sid}))
    assert ack["session"]["commitments_opened_at"] == opened["opened_at"]
