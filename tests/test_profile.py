"""Profiles, profile settings, time zones and the directory."""

from __future__ import annotations

import pytest

from nic.extensions import db
from tests.factories import make_group, make_school, make_thread, make_user


def profile_data(user, **overrides):
    data = {
        "name": user.name,
        "username": user.username,
        "job_role": user.job_role,
        "school_id": "",
        "bio": "",
        "time_zone": "America/Chicago",
    }
    data.update(overrides)
    return data


def test_edit_profile(client, login):
    school = make_school("Harbor View Elementary")
    user = make_user("Grace Adeyemi")
    login(user)
    response = client.post_form(
        "/settings/profile",
        profile_data(user, username="grace.a", job_role="instructional_coach",
                     school_id=str(school.id), bio="Coach, K-5 literacy."),
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get("/u/grace.a").get_data(as_text=True)
    assert "Instructional coach" in page
    assert "Harbor View Elementary" in page
    assert "Coach, K-5 literacy." in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"username": "Bad Name!"}, "lower-case letters"),
        ({"username": "taken.name"}, "That username is taken."),
        ({"job_role": "wizard"}, "Choose your job role from the list."),
        ({"time_zone": "Mars/Olympus"}, "Choose a time zone from the list."),
        ({"bio": "b" * 501}, "500"),
    ],
)
def test_profile_rejects_bad_input_and_keeps_text(client, login, overrides, message):
    make_user("Taken Name")
    user = make_user("Grace Adeyemi")
    login(user)
    response = client.post_form(
        "/settings/profile", profile_data(user, name="Grace A.", **overrides)
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="Grace A."' in page
    db.session.refresh(user)
    assert user.name == "Grace Adeyemi"  # nothing saved


def test_profile_lists_recent_posts_only_from_groups_the_viewer_can_see(client, login):
    author = make_user("James Okafor")
    viewer = make_user("Outsider")
    open_group = make_group("Principals' Circle", members=[author])
    private = make_group("ILT Leads", visibility="private", members=[author])
    make_thread(open_group, author, title="Protecting PLC time")
    make_thread(private, author, title="Our ILT stalled")
    login(viewer)
    page = client.get(f"/u/{author.username}").get_data(as_text=True)
    assert "Protecting PLC time" in page
    assert "Our ILT stalled" not in page


def test_unknown_profile_is_404(client, login):
    login(make_user())
    assert client.get("/u/nobody").status_code == 404


def test_times_are_shown_in_the_viewers_time_zone(client, login):
    user = make_user("Maria Lopez")
    group = make_group(members=[user])
    thread = make_thread(group, user)
    login(user)
    client.post_form("/settings/profile", profile_data(user, time_zone="Pacific/Honolulu"))
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    created = thread.created_at
    from zoneinfo import ZoneInfo

    local = created.astimezone(ZoneInfo("Pacific/Honolulu")).strftime("%-I:%M %p")
    assert local in page


def test_directory_filters_by_role_district_and_school(client, login):
    lincoln = make_school("Lincoln Elementary", "Riverside Unified")
    harbor = make_school("Harbor View Elementary", "North County")
    make_user("Priya Raman", job_role="instructional_coach", school=lincoln)
    make_user("Olivia Grant", job_role="instructional_coach", school=harbor)
    make_user("Maria Lopez", job_role="principal", school=lincoln)
    login(make_user("Dana Whitfield", job_role="facilitator"))

    def names(**query):
        page = client.get("/directory", query_string=query).get_data(as_text=True)
        return {n for n in ["Priya Raman", "Olivia Grant", "Maria Lopez"] if n in page}

    assert names() == {"Priya Raman", "Olivia Grant", "Maria Lopez"}
    assert names(job_role="instructional_coach") == {"Priya Raman", "Olivia Grant"}
    assert names(district_id=lincoln.district_id) == {"Priya Raman", "Maria Lopez"}
    assert names(school_id=harbor.id) == {"Olivia Grant"}
    assert names(job_role="instructional_coach", school_id=lincoln.id) == {"Priya Raman"}
    assert names(job_role="not-a-role", q="olivia") == {"Olivia Grant"}
    assert client.get("/directory?page=-5&school_id=abc").status_code == 200


def test_settings_pages_link_to_each_other(client, login):
    login(make_user())
    profile = client.get("/settings/profile").get_data(as_text=True)
    assert 'href="/settings/tokens"' in profile
    tokens = client.get("/settings/tokens").get_data(as_text=True)
    assert 'href="/settings/profile"' in tokens
