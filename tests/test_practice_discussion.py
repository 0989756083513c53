"""Each practice's discussion is an ordinary thread: in its group, or in the open library group."""

from __future__ import annotations

from dataclasses import replace

import pytest

from nic.errors import NotFound
from nic.extensions import db
from nic.models import Group, Thread
from nic.services import discussions, practice_discussion, practices
from tests.factories import make_group, make_practice, make_user


@pytest.fixture
def people(app):
    writer, member, anyone = make_user("Maria Lopez"), make_user("Priya Raman"), make_user("Ann")
    group = make_group("ILT Leads", visibility="private", members=[writer, member])
    return dict(writer=writer, member=member, anyone=anyone, group=group)


def thread_of(practice) -> Thread:
    db.session.refresh(practice)
    return db.session.get(Thread, practice.thread_id)


def test_a_network_practice_is_discussed_in_the_open_library_group(people, login):
    practice = make_practice(people["writer"], "Data huddles")
    thread = thread_of(practice)
    library = db.session.get(Group, thread.group_id)
    assert library.name == "Practice library" and library.open_posting and not library.is_private
    assert thread.title == "Practice: Data huddles"
    # Anyone in the network replies without joining a group first.
    discussions.reply(people["anyone"], thread.id, "We tried it with grade 4.")
    page = login(people["anyone"]).get(f"/practices/{practice.id}").text
    assert "1 reply" in page and f'href="/threads/{thread.id}"' in page
    assert (
        f'href="/practices/{practice.id}"'
        in login(people["anyone"]).get(f"/threads/{thread.id}").text
    )


def test_a_group_only_practice_is_discussed_in_its_group_and_hidden_from_others(people, login):
    practice = make_practice(people["writer"], "ILT agendas", group=people["group"])
    thread = thread_of(practice)
    assert thread.group_id == people["group"].id
    discussions.reply(people["member"], thread.id, "We start with student work too.")
    assert login(people["anyone"]).get(f"/threads/{thread.id}").status_code == 404
    with pytest.raises(NotFound):
        discussions.reply(people["anyone"], thread.id, "Let me in")


def test_the_thread_follows_the_practice_when_retitled_shared_and_deleted(people):
    practice = make_practice(people["writer"], "ILT agendas", group=people["group"])
    thread_id = thread_of(practice).id
    discussions.reply(people["member"], thread_id, "Ours are 45 minutes.")
    group = people["group"]
    db.session.refresh(group)
    assert (group.thread_count, group.post_count) == (1, 2)
    access = practices.get_practice_for(people["writer"], practice.id)
    fields = replace(practices.current_fields(practice), title="ILT agendas that start with work",
                     group_id=None)  # fmt: skip
    practices.update_practice(access, people["writer"], fields)
    thread = db.session.get(Thread, thread_id)
    db.session.refresh(thread)
    db.session.refresh(group)
    library = practice_discussion.library_group()
    assert (
        thread.group_id == library.id
        and thread.title == "Practice: ILT agendas that start with work"
    )
    assert (group.thread_count, group.post_count) == (0, 0)
    assert (library.thread_count, library.post_count) == (1, 2)
    discussions.reply(people["anyone"], thread_id, "Now I can join in.")
    practices.delete_practice(practices.get_practice_for(people["writer"], practice.id))
    db.session.refresh(thread)
    assert thread.hidden and thread.post_count == 3  # everyone's replies are kept
    db.session.refresh(library)
    assert library.thread_count == 0


def test_a_draft_has_no_discussion_until_it_is_published(people):
    draft = make_practice(people["writer"], "Half written", publish=False)
    assert draft.thread_id is None
    practices.publish_practice(practices.get_practice_for(people["writer"], draft.id),
                               people["writer"])  # fmt: skip
    assert thread_of(draft) is not None
