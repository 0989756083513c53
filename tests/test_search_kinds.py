"""Search's other kinds: people, tried-it reports, session chat, a practice's tags and
captions; and one result per conversation. Runs on SQLite and PostgreSQL alike."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from flask_login import AnonymousUserMixin

from nic.extensions import db
from nic.models import Thread
from nic.services import accounts, attachments, practices, tries
from nic.services.live import chat as live_chat
from nic.services.search import Filters, search
from nic.services.tries import TryFields
from tests.factories import (
    in_session,
    make_group,
    make_practice,
    make_reply,
    make_school,
    make_session,
    make_thread,
    make_user,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def found(user, text, **filters):
    return [(hit.kind, hit.id) for hit in search(user, text, Filters(**filters)).hits]


@pytest.fixture
def people(app):
    lincoln = make_school("Lincoln Elementary", district="Riverside Unified")
    maria = make_user("Maria Lopez", job_role="principal", school=lincoln)
    james = make_user("James Chen", job_role="instructional_coach")
    outsider = make_user("Olu Outsider", job_role="teacher_leader")
    private = make_group("Principals only", visibility="private", facilitator=maria)
    open_group = make_group("Coaches circle", facilitator=maria, members=[james, outsider])
    return dict(lincoln=lincoln, maria=maria, james=james, outsider=outsider,
                private=private, open_group=open_group)  # fmt: skip


def test_people_are_found_by_name_role_school_and_district(people):
    maria = ("person", people["maria"].id)
    for text in ("maria ", "lopez ", "principal ", "lincoln ", "riverside "):
        assert maria in found(people["james"], text), text
    assert ("person", people["james"].id) in found(people["maria"], "coaches ")  # stemmed role
    hit = next(h for h in search(people["james"], "lincoln ").hits if h.kind == "person")
    assert hit.title == "Maria Lopez"
    assert hit.url == f"/u/id/{people['maria'].id}"
    assert "<mark>Lincoln</mark>" in hit.snippet


def test_people_filters_and_profile_changes_show_at_once(people):
    james = people["james"]
    assert found(james, "maria ", kind="person", job_role="principal") == [
        ("person", people["maria"].id)
    ]
    assert found(james, "maria ", kind="person", job_role="instructional_coach") == []
    assert found(james, "maria ", kind="person", school_id=people["lincoln"].id) == [
        ("person", people["maria"].id)
    ]
    roosevelt = make_school("Roosevelt Middle")
    maria = people["maria"]
    accounts.update_profile(maria, accounts.ProfileChange(
        name="Maria Lopez-Reyes", username=maria.username, job_role="assistant_principal",
        school_id=roosevelt.id, bio="", time_zone=maria.time_zone,
    ))  # fmt: skip
    assert ("person", maria.id) in found(james, "roosevelt ")
    assert ("person", maria.id) in found(james, "reyes ")
    assert found(james, "lincoln ", kind="person") == []


def test_deactivated_people_are_not_found_and_anonymous_finds_no_one(people):
    maria = people["maria"]
    assert ("person", maria.id) in found(people["james"], "maria ")
    accounts.set_account_active(None, maria.id, False)
    assert found(people["james"], "maria ", kind="person") == []
    assert found(AnonymousUserMixin(), "james ") == []


def report(user, practice, **fields):
    fields.setdefault("tried_on", date.today() - timedelta(days=3))
    fields.setdefault("outcome", "adapted")
    fields.setdefault("observations", "Teachers kept it going.")
    return tries.record_try(
        practices.get_practice_for(user, practice.id), user, TryFields(**fields)
    )


def test_tried_it_reports_are_found_and_kept_to_the_practices_readers(people):
    maria, james, outsider = people["maria"], people["james"], people["outsider"]
    shared = make_practice(james, "Math talks", body="Number talks each morning.")
    private = make_practice(maria, "Walkthrough rubric", group=people["private"])
    note = "Our sixth graders argued about strategies; attendance at tutoring doubled."
    seen = report(maria, shared, observations=note)
    hidden = report(maria, private, changes="We shortened the walkthrough rubric to five rows.")
    assert ("try", seen.id) in found(outsider, "tutoring ")
    hit = next(h for h in search(outsider, "tutoring ").hits if h.kind == "try")
    assert hit.title == "Math talks"
    assert hit.url == f"/practices/{shared.id}#try-{seen.id}"
    assert hit.author_name == "Maria Lopez"
    assert "<mark>tutoring</mark>" in hit.snippet
    assert found(outsider, "shortened ") == []
    assert found(james, "shortened ") == []
    assert ("try", hidden.id) in found(maria, "shortened ")


def test_a_practice_is_found_by_its_tags_levers_and_captions(people, app):
    james, outsider = people["james"], people["outsider"]
    practice = make_practice(james, "Exit ticket protocol", tags=("formative assessment",),
                             levers=("time_scheduling",), levels=("middle",))  # fmt: skip
    for text in ("formative ", "scheduling ", "middle "):
        assert ("practice", practice.id) in found(outsider, text), text
    access = practices.get_practice_for(james, practice.id)
    attachment = attachments.attach(access, james, attachments.Upload("a.pdf", io.BytesIO(PDF)),
                                    "Sample rubric from seventh grade science", "protocol",
                                    False)  # fmt: skip
    assert ("practice", practice.id) in found(outsider, "seventh ")
    attachments.remove(james, attachment.id)
    assert found(outsider, "seventh ") == []


def test_session_chat_is_found_by_members_of_open_groups_only(people):
    maria, james, outsider = people["maria"], people["james"], people["outsider"]
    open_session = make_session(maria, people["open_group"], "Coaching check-in", live=True)
    secret_session = make_session(maria, people["private"], "Principals huddle", live=True)
    said = live_chat.send_message(in_session(maria, open_session.id),
                                  "Try the ladder of feedback tomorrow", "m1")  # fmt: skip
    live_chat.send_message(in_session(maria, secret_session.id), "Budget ladder talk", "m2")
    hits = found(outsider, "ladder ")
    assert hits == [("message", said["id"])]
    hit = search(outsider, "ladder ").hits[0]
    assert hit.title == "Coaching check-in"
    assert hit.url == f"/sessions/{open_session.id}#message-{said['id']}"
    assert hit.group_name == "Coaches circle"
    assert len(found(maria, "ladder ")) == 2
    live_chat.delete_message(in_session(maria, open_session.id), said["id"])
    assert found(outsider, "ladder ") == []
    assert james  # a member of the open group, no special rights


def test_a_thread_whose_title_and_opening_post_match_is_listed_once(people):
    maria, james = people["maria"], people["james"]
    thread = make_thread(people["open_group"], maria, "Coaching cycles that stick",
                         "Our coaching cycles last six weeks.")  # fmt: skip
    reply = make_reply(thread, james, "Coaching cycles work when teachers choose the focus.")
    other = make_thread(people["open_group"], maria, "Schedules",
                        "Coaching time is protected on Tuesdays.")  # fmt: skip
    hits = found(james, "coaching cycles ")
    assert ("thread", thread.id) in hits
    assert ("post", reply.id) in hits
    kinds = [kind for kind, _id in hits]
    assert kinds.count("thread") == 1
    assert kinds.count("post") == 1  # the opening post goes with its thread's hit
    assert search(james, "coaching cycles ").counts["post"] == 1
    # An opening post whose thread's title does not match is its own hit.
    assert any(kind == "post" for kind, _id in found(james, "tuesdays "))
    assert ("thread", other.id) not in found(james, "tuesdays ")


def test_a_common_word_ranks_only_its_newest_visible_matches(people, monkeypatch):
    """Above COUNT_CAP matches a kind ranks its newest COUNT_CAP the viewer may see: an
    old thread that would rank first gives way, hidden ones do not use up the cap."""
    maria, james = people["maria"], people["james"]
    best = make_thread(people["open_group"], maria, "Feedback feedback feedback", "Old.")
    middle = make_thread(people["open_group"], maria, "Feedback on lessons", "Notes.")
    newest = make_thread(people["open_group"], maria, "Written feedback for teachers", "New.")
    secret = make_thread(people["private"], maria, "Feedback for the principals", "Ours.")
    full = found(james, "feedback ", kind="thread")
    assert full[0] == ("thread", best.id)  # the title says it three times
    assert ("thread", secret.id) not in full
    monkeypatch.setattr("nic.services.search.COUNT_CAP", 2)
    capped = found(james, "feedback ", kind="thread")
    assert sorted(capped) == sorted([("thread", middle.id), ("thread", newest.id)])
    assert found(james, "feedback ", kind="thread", sort="newest")[:2] == [
        ("thread", newest.id), ("thread", middle.id)
    ]  # fmt: skip
    assert found(james, "lessons ", kind="thread") == [("thread", middle.id)]
    assert ("thread", secret.id) in found(maria, "principals ", kind="thread")


def test_a_practice_found_stands_for_its_own_discussion_thread(people):
    maria, james, outsider = people["maria"], people["james"], people["outsider"]
    practice = make_practice(maria, "Walkthrough feedback loops", group=people["open_group"])
    thread_id = practice.thread_id
    assert thread_id is not None
    reply = make_reply(db.session.get(Thread, thread_id), james,
                       "Our walkthrough feedback loops run weekly.")  # fmt: skip
    other = make_thread(people["open_group"], maria, "Walkthrough schedules", "Mondays.")
    results = search(outsider, "walkthrough ")
    hits = [(hit.kind, hit.id) for hit in results.hits]
    assert ("practice", practice.id) in hits
    assert ("thread", thread_id) not in hits  # the practice stands for it
    assert ("post", reply.id) in hits  # its replies are posts of their own
    assert ("thread", other.id) in hits
    assert results.counts["thread"] == 1 and results.total == len(hits) == 3
    assert search(outsider, "walkthrough ", Filters(kind="thread")).total == 1
    # Paged one at a time, every hit shows once and the total is what was shown.
    paged = [search(outsider, "walkthrough ", Filters(), page, 1) for page in (1, 2, 3, 4)]
    assert [p.total for p in paged] == [3] * 4
    assert sorted((h.kind, h.id) for p in paged for h in p.hits) == sorted(hits)
    # The practice not found (another word in its thread's title only; a filter it
    # fails): the thread is a hit again.
    assert ("thread", thread_id) in found(outsider, "practice walkthrough ")
    assert ("thread", thread_id) in found(outsider, "walkthrough ", thread_id=thread_id)


def test_a_network_practices_thread_shows_when_a_filter_leaves_the_practice_out(people):
    """A network-wide practice belongs to no group; its thread is in the library group:
    filtered to that group, the practice is not found and its thread is."""
    maria, james = people["maria"], people["james"]
    practice = make_practice(maria, "Instructional rounds protocol")
    thread = db.session.get(Thread, practice.thread_id)
    assert found(james, "rounds ") == [("practice", practice.id)]
    assert ("thread", thread.id) in found(james, "rounds ", group_id=thread.group_id)
