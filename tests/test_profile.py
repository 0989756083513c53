"""Profiles, profile settings, time zones and the directory."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.models import Post
from nic.services import accounts, discussions, groups, org, profiles
from tests.factories import make_group, make_reply, make_school, make_thread, make_user


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


# ---------- The profile page: bio, groups, posts as excerpts (issue 17) ----------


@pytest.fixture
def colleague():
    school = make_school("Lincoln Elementary", "Riverside Unified")
    author = make_user("James Okafor", job_role="instructional_coach", school=school)
    accounts.update_profile(
        author,
        accounts.ProfileChange(
            name=author.name, username=author.username, job_role=author.job_role,
            school_id=school.id, bio="Coach, K-5 literacy. Ask me about coaching cycles.",
            time_zone="America/Chicago",
        ),
    )  # fmt: skip
    member = make_user("Maria Lopez")
    outsider = make_user("Olivia Outside")
    circle = make_group("Principals' Circle", members=[author, member])
    ilt = make_group("ILT Leads", visibility="private", members=[author, member])
    groups.add_member(None, make_group("Coaches").id, author.id, "facilitator")
    return author, member, outsider, circle, ilt


def test_profile_shows_bio_role_school_and_the_groups_the_viewer_may_see(client, login, colleague):
    author, member, outsider, _circle, _ilt = colleague
    login(outsider)
    page = client.get(f"/u/{author.username}").get_data(as_text=True)
    assert "Coach, K-5 literacy. Ask me about coaching cycles." in page
    assert "Instructional coach at" in page and "Lincoln Elementary</a>, Riverside Unified" in page
    groups_part = page[page.index('id="groups-heading"') : page.index('id="posts-heading"')]
    assert "Principals&#39; Circle" in groups_part and "Coaches" in groups_part
    assert "Facilitator" in groups_part
    assert "ILT Leads" not in page
    login(member)
    assert "ILT Leads" in client.get(f"/u/{author.username}").get_data(as_text=True)


def test_profile_lists_posts_as_excerpts_linked_to_the_post(client, login, colleague):
    author, member, outsider, circle, ilt = colleague
    thread = make_thread(circle, member, title="Protecting PLC time")
    first = make_reply(thread, author, "We moved **PLCs** into the master schedule.")
    second = make_reply(thread, author, "Update: it held all semester.")
    secret = make_thread(ilt, author, title="Our ILT stalled", body="Frank notes on our ILT.")
    login(outsider)
    page = client.get(f"/u/{author.username}").get_data(as_text=True)
    # Two posts in one thread read as two posts, newest first, each with its own text.
    assert page.count(">Protecting PLC time</a>") == 2
    assert page.index("Update: it held all semester.") < page.index(
        "We moved PLCs into the master schedule."
    )
    assert f'href="/posts/{first.id}"' in page and f'href="/posts/{second.id}"' in page
    assert "Our ILT stalled" not in page and "Frank notes" not in page
    # The post's address opens its thread at the post; a private one is not found.
    location = client.get(f"/posts/{first.id}").headers["Location"]
    assert location.endswith(f"/threads/{thread.id}#post-{first.id}")
    opening = db.session.scalar(
        sa.select(Post.id).where(Post.thread_id == secret.id).order_by(Post.id)
    )
    assert client.get(f"/posts/{opening}").status_code == 404
    login(member)
    assert "Frank notes on our ILT." in client.get(f"/u/{author.username}").get_data(as_text=True)


def test_profile_posts_leave_out_deleted_and_hidden_posts(client, login, colleague):
    author, member, _outsider, circle, _ilt = colleague
    thread = make_thread(circle, member, title="Walkthroughs")
    withdrawn = make_reply(thread, author, "Posted in the wrong thread")
    make_reply(thread, author, "The real answer")
    discussions.delete_post(author, withdrawn.id)
    login(member)
    page = client.get(f"/u/{author.username}").get_data(as_text=True)
    assert "The real answer" in page and "Posted in the wrong thread" not in page


def test_profile_posts_are_paginated_with_constant_queries(client, login, count_queries, colleague):
    author, member, _outsider, circle, ilt = colleague
    login(member)
    counts = []
    for n_posts in (3, 45):
        thread = make_thread(circle, member, title=f"Thread of {n_posts}")
        while (
            db.session.scalar(sa.select(sa.func.count(Post.id)).where(Post.author_id == author.id))
            < n_posts
        ):
            make_reply(thread, author, "A reply")
        make_reply(make_thread(ilt, member), author, "In the private group")
        with count_queries() as counter:
            page = client.get(f"/u/{author.username}").get_data(as_text=True)
        counts.append(counter.count)
    assert counts[0] == counts[1] and counts[1] <= 8, counts
    assert page.count('class="item profile-post"') == 20
    assert 'aria-label="Pages of posts"' in page
    last = client.get(f"/u/{author.username}?page=3").get_data(as_text=True)
    # 46 posts in all (two in the private group, which this viewer is in): 6 on page 3.
    assert last.count('class="item profile-post"') == 6


def test_directory_school_list_is_narrowed_by_the_chosen_district(client, login):
    lincoln = make_school("Lincoln Elementary", "Riverside Unified")
    org.create_school(None, "Jefferson Middle", lincoln.district_id)
    harbor = make_school("Harbor View Elementary", "North County")
    make_user("Priya Raman", school=lincoln)
    make_user("Olivia Grant", school=harbor)
    login(make_user("Dana Whitfield", job_role="facilitator"))

    def school_select(**query):
        page = client.get("/directory", query_string=query).get_data(as_text=True)
        select = re.search(r'<select id="school_id".*?</select>', page, re.S).group(0)
        return page, set(re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select))

    page, offered = school_select()
    assert offered == {"Lincoln Elementary", "Jefferson Middle", "Harbor View Elementary"}
    assert "active</span>" not in page
    page, offered = school_select(district_id=lincoln.district_id)
    assert offered == {"Lincoln Elementary", "Jefferson Middle"}
    assert '<span class="badge badge--neutral">1 active</span>' in page
    # A school from another district no longer applies once the district changes.
    page, offered = school_select(district_id=lincoln.district_id, school_id=harbor.id, q="a")
    assert "Harbor View Elementary" not in offered and "Priya Raman" in page
    assert "Olivia Grant" not in page
    assert '<span class="badge badge--neutral">2 active</span>' in page
    # Every school stays in the page for the script that narrows the list at once.
    assert f'<option value="{harbor.id}" data-district="{harbor.district_id}">' in page


def test_a_long_list_of_posts_is_counted_only_ten_pages_ahead(app, colleague):
    author, member, _outsider, circle, _ilt = colleague
    thread = make_thread(circle, member, title="Many replies")
    for n in range(25):
        make_reply(thread, author, f"Reply {n}")
    first = profiles.posts_by(author.id, member, 1, per_page=2)
    # 25 posts, 2 a page: page 1 offers pages 1-11 (ten ahead) and Next, not all 13.
    assert (first.pages, first.has_next, len(first.items)) == (11, True, 2)
    assert first.items[0].body == "Reply 24"
    later = profiles.posts_by(author.id, member, 12, per_page=2)
    assert (later.pages, later.has_next, [p.body for p in later.items]) == (
        13,
        True,
        ["Reply 2", "Reply 1"],
    )
    last = profiles.posts_by(author.id, member, 13, per_page=2)
    assert (last.has_next, [p.body for p in last.items]) == (False, ["Reply 0"])
