"""A chat message that links a practice carries its preview card, to a room that may see it.

A message is broadcast to everyone in the room at once, so its cards are only
those every person who may see the session may see: practices shared with the
whole network, and the group's own when the group is private (its readers are
then its members). Any other link stays a plain link, its title never sent.
"""

from __future__ import annotations

from datetime import date

from nic.extensions import db
from nic.models import Group
from nic.services import practices, tries
from nic.services.live import record as live_record
from nic.services.live import sessions as live_sessions
from nic.services.tries import TryFields
from tests.factories import in_session, make_group, make_practice, make_school, make_user
from tests.live.conftest import ok, schedule


def titles(message: dict) -> list[str]:
    return [card["title"] for card in message["practices"]]


def linking(*practices_) -> str:
    return "Worth a look: " + ", ".join(f"/practices/{p.id}" for p in practices_)


def test_a_private_groups_room_gets_network_and_own_group_cards(app, people, joined):
    group = db.session.get(Group, people.session.group_id)
    network_wide = make_practice(people.member, "Data huddles every other Friday")
    own = make_practice(people.member, "ILT agendas from student work", group=group)
    elsewhere_group = make_group("District office", visibility="private",
                                 members=[people.outsider])  # fmt: skip
    elsewhere = make_practice(people.outsider, "Budget walkthroughs", group=elsewhere_group)
    draft = make_practice(people.member, "Unfinished feedback cadence", publish=False)
    sender, listener = joined(people.member), joined(people.other_member)

    body = linking(network_wide, own, elsewhere, draft)
    message = ok(sender.call("send", {"session_id": people.session.id, "body": body,
                                      "client_msg_id": "p-1"}))["message"]  # fmt: skip

    assert titles(message) == ["Data huddles every other Friday", "ILT agendas from student work"]
    [card] = message["practices"][:1]
    assert card == {
        "id": network_wide.id,
        "title": "Data huddles every other Friday",
        "summary": "Grade teams look at one exit ticket together and plan a reteach.",
        "tried": "Not tried by another school yet",
        "url": f"/practices/{network_wide.id}",
    }
    [broadcast] = listener.received("message")
    assert broadcast == message
    assert "Budget walkthroughs" not in str(broadcast) and "Unfinished" not in str(broadcast)


def test_an_open_groups_room_gets_no_card_for_a_group_only_practice(app, connect, login):
    facilitator, member = make_user("Fran Facilitator"), make_user("Maria Lopez")
    listener_user = make_user("Sam Chen")
    group = make_group("Principals' Circle", facilitator=facilitator,
                       members=[member, listener_user])  # fmt: skip
    network_wide = make_practice(member, "Data huddles every other Friday")
    own = make_practice(member, "ILT agendas from student work", group=group)
    session = schedule(group.id, facilitator)
    db.session.commit()
    sender, listener = connect(member), connect(listener_user)
    for client in (sender, listener):
        ok(client.call("join", {"session_id": session.id}))
    listener.received()

    ok(sender.call("send", {"session_id": session.id, "body": linking(network_wide, own),
                            "client_msg_id": "p-2"}))  # fmt: skip

    [message] = listener.received("message")
    assert titles(message) == ["Data huddles every other Friday"]
    assert "ILT agendas" not in str(message)
    # Anyone in the network may read an open group's record; only members may see `own`.
    live_sessions.end_session(in_session(facilitator, session.id))
    page = login(make_user("Olive Onlooker")).get(f"/sessions/{session.id}").text
    assert "Data huddles every other Friday" in page and "ILT agendas" not in page


def test_cards_show_the_practices_current_counts_when_the_chat_is_reloaded(app, people, joined):
    practice = make_practice(people.member, "Data huddles every other Friday")
    sender = joined(people.member)
    ok(sender.call("send", {"session_id": people.session.id, "body": linking(practice),
                            "client_msg_id": "p-3"}))  # fmt: skip
    coach = make_user("Priya Raman", school=make_school("Roosevelt Middle"))
    tries.record_try(
        practices.get_practice_for(coach, practice.id),
        coach,
        TryFields(
            tried_on=date(2026, 11, 2), outcome="adapted", observations="Fewer reteach groups."
        ),
    )

    ack = ok(joined(people.other_member).call("join", {"session_id": people.session.id}))

    [message] = ack["messages"]
    assert message["practices"][0]["tried"] == "Tried in 1 school: 1 adapted"


def test_the_record_and_its_transcript_keep_the_cards(app, people, joined, login):
    practice = make_practice(people.member, "Data huddles every other Friday")
    ok(
        joined(people.member).call(
            "send",
            {"session_id": people.session.id, "body": linking(practice), "client_msg_id": "p-4"},
        )
    )
    live_sessions.end_session(in_session(people.facilitator, people.session.id))

    page = login(people.other_member).get(f"/sessions/{people.session.id}").text
    assert 'class="practice-preview"' in page and "Data huddles every other Friday" in page
    items, total = live_record.transcript_page(people.other_member, people.session.id, None, 1, 50)
    assert total == 1 and titles(items[0]) == ["Data huddles every other Friday"]


def test_a_message_without_links_has_no_cards(app, people, joined):
    message = ok(
        joined(people.member).call(
            "send",
            {"session_id": people.session.id, "body": "Good morning", "client_msg_id": "p-5"},
        )
    )["message"]
    assert message["practices"] == []
