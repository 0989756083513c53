"""Kept post cards never show stale or someone else's content.

The thread page keeps each post's rendered card (nic/views/post_cards.py).
These tests read a page, change what a card shows, and read it again with
the cards warm: every change appears at once, and nothing one viewer may see
or do leaks to another.
"""

from __future__ import annotations

import re

import pytest

from nic.services import accounts, discussions
from tests.factories import make_group, make_reply, make_school, make_thread, make_user


@pytest.fixture
def thread_world():
    school = make_school("Lincoln Elementary")
    author = make_user("Maria Lopez", school=school)
    reader = make_user("James Okafor")
    facilitator = make_user("Dana Whitfield", job_role="facilitator")
    group = make_group(facilitator=facilitator, members=[author, reader])
    thread = make_thread(group, author, "Protecting PLC time", "We moved **duty schedules**.")
    reply = make_reply(thread, reader, "We tried a shared agenda.")
    return author, reader, facilitator, thread, reply


def page(client, login, user, thread) -> str:
    """The thread page as `user` sees it now (their first view also moves their read position)."""
    login(user)
    response = client.get(f"/threads/{thread.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def warm(client, login, user, thread) -> str:
    """View twice: the second view's cards (read position settled) are kept for the next."""
    page(client, login, user, thread)
    return page(client, login, user, thread)


def card(html: str, post_id: int) -> str:
    found = re.search(rf'<article [^>]*id="post-{post_id}".*?</article>', html, re.S)
    assert found, post_id
    return found.group(0)


def test_an_edit_shows_at_once(client, login, thread_world):
    author, reader, _f, thread, reply = thread_world
    assert "shared agenda" in warm(client, login, author, thread)
    discussions.edit_post(reader, reply.id, "We tried a **shared agenda** and norms.")
    html = card(page(client, login, author, thread), reply.id)
    assert "<strong>shared agenda</strong> and norms" in html
    assert "(edited)" in html


def change_profile(user, **change) -> None:
    me = accounts.get_user_by_username(user.username)
    fields = {"name": me.name, "username": me.username, "job_role": me.job_role,
              "school_id": me.school_id, "bio": "", "time_zone": me.time_zone}  # fmt: skip
    accounts.update_profile(me, accounts.ProfileChange(**{**fields, **change}))


def test_a_rename_shows_at_once(client, login, thread_world):
    author, reader, _f, thread, _reply = thread_world
    opening = thread.last_post_id - 1
    assert "Maria Lopez" in card(warm(client, login, reader, thread), opening)
    change_profile(author, name="Maria Lopez-Garcia")
    assert "Maria Lopez-Garcia" in card(page(client, login, reader, thread), opening)


def test_a_new_school_shows_at_once(client, login, thread_world):
    author, reader, _f, thread, _reply = thread_world
    opening = thread.last_post_id - 1
    assert "Lincoln Elementary" in card(warm(client, login, reader, thread), opening)
    change_profile(author, school_id=make_school("Roosevelt Middle").id)
    html = card(page(client, login, reader, thread), opening)
    assert "Roosevelt Middle" in html and "Lincoln Elementary" not in html


def test_facilitator_tools_stay_with_facilitators(client, login, thread_world):
    _author, reader, facilitator, thread, _reply = thread_world
    opening = thread.last_post_id - 1
    assert ">Hide<" in card(warm(client, login, facilitator, thread), opening)
    warm(client, login, reader, thread)
    assert ">Hide<" not in card(page(client, login, reader, thread), opening)
    discussions.set_thread_flag(facilitator, thread.id, "locked", True)
    # Locked: members lose Reply on every card; the kept cards must not keep it.
    assert ">Reply<" not in card(page(client, login, reader, thread), opening)


def test_edit_and_delete_buttons_stay_with_the_author(client, login, thread_world):
    author, reader, _f, thread, reply = thread_world
    own = card(warm(client, login, reader, thread), reply.id)
    assert "/edit" in own and "Delete" in own
    page(client, login, author, thread)  # their read position settles
    # The author of the opening post sees the reply's card without them, cards warm.
    theirs = card(page(client, login, author, thread), reply.id)
    assert "/edit" not in theirs and "Delete" not in theirs


def test_a_hidden_post_is_hidden_from_members_and_shown_to_facilitators(
    client, login, thread_world
):
    _author, reader, facilitator, thread, reply = thread_world
    warm(client, login, facilitator, thread)
    warm(client, login, reader, thread)
    discussions.set_post_hidden(facilitator, reply.id, True)
    theirs = card(page(client, login, facilitator, thread), reply.id)
    assert "shared agenda" in theirs and "Hidden from members" in theirs
    mine = card(page(client, login, reader, thread), reply.id)
    assert "shared agenda" not in mine and "Post hidden by a facilitator" in mine


def test_each_viewer_gets_their_own_csrf_token_in_kept_cards(client, login, thread_world):
    author, reader, _f, thread, reply = thread_world
    warm(client, login, reader, thread)  # the card with its Delete form is now kept
    html = page(client, login, reader, thread)
    tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', card(html, reply.id)))
    assert len(tokens) == 1 and "csrf-" not in next(iter(tokens))
    response = client.post(f"/posts/{reply.id}/delete", data={"csrf_token": tokens.pop()})
    assert response.status_code == 302
    # A deleted reply with nothing under it leaves the page (issue 17).
    assert f'id="post-{reply.id}"' not in page(client, login, author, thread)
