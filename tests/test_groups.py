"""Peer groups: create, edit, join, leave, members, and the group page."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.models import Group, Membership
from nic.services import discussions
from tests.factories import make_group, make_reply, make_school, make_thread, make_user


def group_form(**overrides):
    data = {
        "name": "Instructional Coaches",
        "description": "Coaching cycles and debriefs.",
        "job_roles": ["instructional_coach", "teacher_leader"],
        "visibility": "network",
    }
    data.update(overrides)
    return data


def test_facilitator_creates_group_and_becomes_its_facilitator(client, login):
    facilitator = make_user("Marcus Bell", job_role="facilitator")
    login(facilitator)
    response = client.post_form("/groups/new", group_form())
    assert response.status_code == 302
    group = db.session.scalar(sa.select(Group))
    assert group.job_roles == ["instructional_coach", "teacher_leader"]
    membership = db.session.get(Membership, (group.id, facilitator.id))
    assert membership.role == "facilitator"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Instructional Coaches" in page and "Group settings" in page


def test_principal_cannot_create_groups(client, login):
    login(make_user(job_role="principal"))
    response = client.post_form("/groups/new", group_form())
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Group.id))) == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "Give the group a name."),
        ({"name": "n" * 121}, "120"),
        ({"visibility": "secret"}, "Choose who can see the group"),
        ({"job_roles": ["wizard"]}, "Choose one of the options listed."),
        ({"name": "principals' circle"}, "A group with that name already exists."),
    ],
)
def test_group_form_rejects_bad_input_and_keeps_text(client, login, overrides, message):
    make_group("Principals' Circle")
    login(make_user(job_role="facilitator"))
    response = client.post_form("/groups/new", group_form(description="Keep me", **overrides))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message.lower() in page.lower()
    assert "Keep me" in page


def test_facilitator_edits_group(client, login):
    facilitator = make_user(job_role="facilitator")
    group = make_group("Coaches", facilitator=facilitator)
    login(facilitator)
    response = client.post_form(f"/groups/{group.id}/edit", group_form(visibility="private"))
    assert response.status_code == 302
    db.session.refresh(group)
    assert group.name == "Instructional Coaches" and group.is_private


def test_join_and_leave_an_open_group(client, login):
    user = make_user()
    group = make_group("Principals' Circle")
    login(user)
    page = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "Join group" in page and "Start a thread" not in page
    assert client.post_form(f"/groups/{group.id}/join").status_code == 302
    page = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert "Start a thread" in page and "Leave group" in page
    assert client.post_form(f"/groups/{group.id}/join").status_code == 409
    assert client.post_form(f"/groups/{group.id}/leave").status_code == 302
    assert db.session.get(Membership, (group.id, user.id)) is None


def test_private_group_cannot_be_joined_but_facilitator_adds_members(client, login):
    facilitator = make_user("Dana Whitfield", job_role="facilitator")
    newcomer = make_user("Rachel Kim")
    group = make_group("ILT Leads", visibility="private", facilitator=facilitator)
    login(facilitator)
    response = client.post_form(
        f"/groups/{group.id}/members", {"user_id": str(newcomer.id), "role": "member"}
    )
    assert response.status_code == 302
    assert db.session.get(Membership, (group.id, newcomer.id)).role == "member"
    page = client.get(f"/groups/{group.id}/members").get_data(as_text=True)
    assert "Rachel Kim" in page
    response = client.post_form(f"/groups/{group.id}/members/{newcomer.id}/remove")
    assert response.status_code == 302
    assert db.session.get(Membership, (group.id, newcomer.id)) is None


def test_adding_unknown_person_is_a_form_error(client, login):
    facilitator = make_user(job_role="facilitator")
    group = make_group(facilitator=facilitator)
    login(facilitator)
    response = client.post_form(f"/groups/{group.id}/members", {"user_id": "999", "role": "member"})
    assert response.status_code == 400
    assert "No member has that id." in response.get_data(as_text=True)


def test_group_page_lists_pinned_first_then_by_last_activity(client, login):
    user = make_user()
    group = make_group(members=[user])
    old = make_thread(group, user, title="Oldest thread")
    middle = make_thread(group, user, title="Middle thread")
    make_thread(group, user, title="Newest thread")
    make_reply(old, user, "Bumping the oldest")  # now most recently active
    admin = make_user("Admin", admin=True)
    discussions.set_thread_flag(admin, middle.id, "pinned", True)
    login(user)
    page = client.get(f"/groups/{group.id}").get_data(as_text=True)
    titles = re.findall(r'class="item__title" href="[^"]+">([^<]+)</a>', page)
    assert titles == ["Middle thread", "Oldest thread", "Newest thread"]
    assert "1 reply" in page


def test_group_page_is_paginated(client, login):
    user = make_user()
    group = make_group(members=[user])
    for n in range(27):
        make_thread(group, user, title=f"Thread number {n:02d}")
    login(user)
    first = client.get(f"/groups/{group.id}").get_data(as_text=True)
    second = client.get(f"/groups/{group.id}?page=2").get_data(as_text=True)
    assert first.count('class="item__title"') == 25
    assert second.count('class="item__title"') == 2
    assert 'rel="next"' in first
    assert client.get(f"/groups/{group.id}?page=-3").status_code == 200
    assert client.get(f"/groups/{group.id}?page=99999999999").status_code == 200


def test_new_markers_show_unread_replies_since_last_visit(client, login):
    reader, writer = make_user("Reader"), make_user("Writer")
    group = make_group(members=[reader, writer])
    thread = make_thread(group, writer, title="Walkthrough feedback")
    login(reader)
    page = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert ">New<" in page  # never opened
    client.get(f"/threads/{thread.id}")
    page = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert ">New<" not in page and " new<" not in page
    make_reply(thread, writer, "One glow, one grow")
    make_reply(thread, writer, "One question")
    page = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert ">2 new<" in page
    assert "active since your last visit" in page


def test_members_page_lists_facilitators_first_and_links_settings(client, login):
    facilitator = make_user("Zoe Facilitator", job_role="facilitator")
    group = make_group(facilitator=facilitator, members=[make_user("Adam Member")])
    login(facilitator)
    page = client.get(f"/groups/{group.id}/members").get_data(as_text=True)
    assert page.index("Zoe Facilitator") < page.index("Adam Member")


def test_same_name_created_at_once_is_a_validation_error(app, monkeypatch):
    """Two creates racing past the name check: the unique index answers, politely."""
    from nic.errors import ValidationError
    from nic.services import groups as group_service

    make_group("Principals' Circle")
    monkeypatch.setattr(group_service, "_clean_group", lambda fields, group_id=None: fields)
    with pytest.raises(ValidationError) as caught:
        group_service.create_group(
            None, group_service.GroupFields("Principals' Circle", "", [], "network")
        )
    assert caught.value.fields == {"name": "A group with that name already exists."}
    assert db.session.scalar(sa.select(sa.func.count(Group.id))) == 1


def test_add_member_list_tells_people_apart_and_leaves_out_deactivated_accounts(client, login):
    facilitator = make_user("Dana Whitfield", job_role="facilitator")
    school = make_school("Lincoln Elementary")
    member = make_user("Maria Lopez", school=school)
    newcomer = make_user("Rachel Kim", job_role="instructional_coach", school=school)
    gone = make_user("Former Principal")
    gone.is_active_account = False
    db.session.commit()
    group = make_group("ILT Leads", facilitator=facilitator, members=[member])
    login(facilitator)
    page = client.get(f"/groups/{group.id}/members").get_data(as_text=True)
    select = page[page.index('<select id="user_id"') : page.index("</select>")]
    not_in, members = select.split('label="Members')
    label = f"Rachel Kim (@{newcomer.username}), Instructional coach, Lincoln Elementary"
    assert f'<option value="{newcomer.id}">{label}</option>' in not_in
    assert "Maria Lopez" in members and "Maria Lopez" not in not_in
    assert "Former Principal" not in select
    response = client.post_form(
        f"/groups/{group.id}/members", {"user_id": str(gone.id), "role": "member"}
    )
    assert response.status_code == 400
    assert "That account is deactivated" in response.get_data(as_text=True)
    assert db.session.get(Membership, (group.id, gone.id)) is None


def test_group_pages_count_hidden_threads_only_for_facilitators(client, login):
    facilitator = make_user("Dana Facilitator", job_role="facilitator")
    member = make_user("Mo Member")
    group = make_group(facilitator=facilitator, members=[member])
    threads = [make_thread(group, member, title=f"Thread {n}") for n in range(26)]
    discussions.set_thread_flag(facilitator, threads[0].id, "hidden", True)
    login(member)
    first = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert first.count('class="item__title"') == 25 and 'rel="next"' not in first
    login(facilitator)
    first = client.get(f"/groups/{group.id}").get_data(as_text=True)
    assert 'rel="next"' in first
    second = client.get(f"/groups/{group.id}?page=2").get_data(as_text=True)
    assert second.count('class="item__title"') == 1


# ---------- Adding a member: nobody preselected, and a search (issue 17) ----------


@pytest.fixture
def roster():
    facilitator = make_user("Dana Whitfield", job_role="facilitator")
    lincoln = make_school("Lincoln Elementary")
    harbor = make_school("Harbor View Elementary")
    aaron = make_user("Aaron Abbott", email="aaron@example.org", school=harbor)  # first by name
    rachel = make_user("Rachel Kim", email="rkim@district.example.org", school=lincoln)
    maria = make_user("Maria Lopez", school=lincoln)
    group = make_group("ILT Leads", visibility="private", facilitator=facilitator,
                       members=[maria])  # fmt: skip
    return facilitator, group, aaron, rachel, maria


def test_add_member_preselects_nobody_and_says_so_when_nobody_is_chosen(client, login, roster):
    facilitator, group, aaron, _rachel, _maria = roster
    login(facilitator)
    page = client.get(f"/groups/{group.id}/members").get_data(as_text=True)
    select = page[page.index('<select id="user_id"') : page.index("</select>")]
    assert select.index('<option value="">Choose a person</option>') < select.index("Aaron Abbott")
    assert "selected" not in select
    response = client.post_form(f"/groups/{group.id}/members", {"user_id": "", "role": "member"})
    assert response.status_code == 400
    assert "Choose the person to add." in response.get_data(as_text=True)
    assert db.session.get(Membership, (group.id, aaron.id)) is None


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("rachel", {"Rachel Kim"}),
        ("KIM", {"Rachel Kim"}),
        ("district.example", {"Rachel Kim"}),  # an email address
        ("lincoln", {"Rachel Kim", "Maria Lopez"}),  # a school
        ("100%_", set()),  # LIKE wildcards are plain text
    ],
)
def test_member_search_finds_people_by_name_email_or_school(client, login, roster, words, found):
    facilitator, group, *_people = roster
    login(facilitator)
    page = client.get(f"/groups/{group.id}/members", query_string={"q": words})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    results = html[html.index('role="status"') : html.index("Or choose from everyone")]
    names = {n for n in ("Rachel Kim", "Maria Lopez", "Aaron Abbott", "Dana Whitfield")
             if n in results}  # fmt: skip
    assert names == found
    if not found:
        assert "Nobody found" in results


def test_member_search_results_add_a_person_in_one_step(client, login, roster):
    facilitator, group, _aaron, rachel, maria = roster
    login(facilitator)
    html = client.get(f"/groups/{group.id}/members?q=lincoln").get_data(as_text=True)
    results = html[html.index('role="status"') : html.index("Or choose from everyone")]
    assert "Already in the group" in results  # Maria
    assert f'name="user_id" value="{maria.id}"' not in results
    assert f'name="user_id" value="{rachel.id}"' in results
    response = client.post_form(
        f"/groups/{group.id}/members", {"user_id": str(rachel.id), "role": "member"}
    )
    assert response.status_code == 302
    assert db.session.get(Membership, (group.id, rachel.id)).role == "member"


def test_member_search_is_for_the_groups_facilitators_only(client, login, roster):
    _facilitator, group, _aaron, _rachel, maria = roster
    login(maria)
    page = client.get(f"/groups/{group.id}/members?q=rachel").get_data(as_text=True)
    assert "Find a person" not in page and "Rachel Kim" not in page
