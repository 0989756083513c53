"""@mentions: what counts as one, who it links to, and that the link outlives a rename."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from nic.database import begin_write
from nic.errors import ValidationError
from nic.extensions import db
from nic.markup import mention_links
from nic.models import ChatMessage, Post, Practice, PracticeTry
from nic.services import accounts, discussions, groups, notification_feed, practices, tries
from nic.services.live import chat
from nic.services.mentions import GROUP_PATH, USER_PATH, render_with_mentions
from nic.services.rerender import rerender_all
from nic.services.tries import TryFields
from tests.factories import (
    in_session,
    make_group,
    make_practice,
    make_reply,
    make_school,
    make_thread,
    make_user,
)
from tests.live.conftest import schedule


@pytest.fixture
def people(app):
    """Maria (maria.lopez), James (james.okafor), a writer, and a group Frank facilitates."""
    maria = make_user("Maria Lopez")
    james = make_user("James Okafor")
    writer = make_user("Wendy Writer")
    frank = make_user("Frank Fisher", job_role="facilitator")
    group = make_group("Principals' circle", facilitator=frank, members=[maria, writer])
    return {"maria": maria, "james": james, "writer": writer, "frank": frank, "group": group}


def link(user) -> str:
    return f'href="{USER_PATH.format(user.id)}"'


def mentioned(html: str) -> list[str]:
    """The text of each mention link, in order."""
    return re.findall(r'<a class="mention" href="[^"]+"[^>]*>([^<]*)</a>', html)


# --- What counts as a mention -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "links", "shown"),
    [
        ("Thanks @maria.lopez", ["@maria.lopez"], "Thanks <a"),
        ("Ask @maria.lopez.", ["@maria.lopez"], "</a>.</p>"),
        ("Ask @maria.lopez, then me", ["@maria.lopez"], "</a>, then"),
        ("(@maria.lopez)", ["@maria.lopez"], "(<a"),
        ("@maria.lopez!", ["@maria.lopez"], "</a>!"),
        ("Right, @maria.lopez?", ["@maria.lopez"], "</a>?"),
        ("@maria.lopez: what now", ["@maria.lopez"], "</a>: what"),
        ("@maria.lopez's PLC", ["@maria.lopez"], "</a>'s PLC"),
        ("Hi @Maria.Lopez", ["@Maria.Lopez"], "Hi <a"),  # any case, shown as typed
        ("**@maria.lopez** and _@james.okafor_", ["@maria.lopez", "@james.okafor"], "<strong>"),
        ("- [ ] ask @maria.lopez\n# @james.okafor", ["@maria.lopez", "@james.okafor"], "<h1>"),
        ("@maria.lopez @maria.lopez", ["@maria.lopez", "@maria.lopez"], "</a> <a"),
        ("@x1 @maria.lopez @x2 @x3 @james.okafor", ["@maria.lopez", "@james.okafor"], "@x3 <a"),
    ],
)
def test_a_username_after_an_at_sign_links_the_person(people, text, links, shown):
    rendered = render_with_mentions(text, people["writer"])
    assert mentioned(rendered.html) == links
    assert shown in rendered.html
    names = {link.lower() for link in links}
    expected = {p.id for p in (people["maria"], people["james"]) if f"@{p.username}" in names}
    assert rendered.user_ids == expected
    assert rendered.group_ids == frozenset()


@pytest.mark.parametrize(
    "text",
    [
        "Write to maria.lopez@school.org",  # an email address
        "Write to MARIA.LOPEZ@school.org today",
        "`@maria.lopez` in code",
        "```\n@maria.lopez\n```",  # a fenced block
        "~~~\nsay @maria.lopez\n~~~",
        "    @maria.lopez indented code",
        "https://social.example.org/@maria.lopez",  # a URL
        "see www.example.org/@maria.lopez",
        "<https://example.org/@maria.lopez>",
        "[@maria.lopez](https://example.org)",  # a markdown link's text
        "[profile](https://example.org/@maria.lopez)",
        "@@maria.lopez",
        "\\@maria.lopez",  # escaped on purpose
        "@maria.lopezz",  # no such person
        "@maria.lopez_",  # more of a word
        "@maria.lopez/notes",
        "x@maria.lopez",
        "@ maria.lopez",
        "@nobody here",
    ],
)
def test_no_mention_in_code_emails_urls_links_or_unknown_names(people, text):
    rendered = render_with_mentions(text, people["writer"])
    assert 'class="mention"' not in rendered.html
    assert rendered.user_ids == rendered.group_ids == frozenset()


def test_unknown_names_stay_as_written(people):
    rendered = render_with_mentions("Thanks @nobody and @maria.lopez", people["writer"])
    assert rendered.html.startswith('<p>Thanks @nobody and <a class="mention"')
    assert rendered.user_ids == {people["maria"].id}


def test_a_self_mention_counts(people):
    rendered = render_with_mentions("Note to self, @wendy.writer", people["writer"])
    assert link(people["writer"]) in rendered.html
    assert rendered.user_ids == {people["writer"].id}


def test_a_deactivated_account_is_not_mentioned(people, app):
    accounts.set_account_active(None, people["james"].id, False)
    rendered = render_with_mentions("@james.okafor @maria.lopez", people["writer"])
    assert mentioned(rendered.html) == ["@maria.lopez"]
    assert rendered.user_ids == {people["maria"].id}


@pytest.mark.parametrize(
    "text",
    [
        '<a class="mention" href="/u/id/1">@admin</a>',
        "<a class=mention href=/u/id/1>@admin</a>",
        '<span class="mention">@admin</span>',
        "[@maria.lopez](/u/id/1)",
        '[@maria.lopez](/u/id/1 "mention")',
        "[@maria.lopez][1]\n\n[1]: /u/id/1",
    ],
)
def test_nobody_can_forge_a_mention_with_html_or_a_link(people, text):
    """Raw HTML is shown as typed, and Markdown sets no classes: only a real mention has one
    (and only those are kept by `flask rerender-markdown`)."""
    rendered = render_with_mentions(text, people["writer"])
    assert "<a class=" not in rendered.html and "<span" not in rendered.html
    assert mention_links(rendered.html) == {}
    assert rendered.user_ids == frozenset()


def test_a_text_without_an_at_sign_runs_no_query(people, count_queries):
    with count_queries() as none:
        rendered = render_with_mentions("A plain line", people["writer"])
    assert none.count == 0 and rendered.html == "<p>A plain line</p>"
    with count_queries() as one:
        render_with_mentions(
            "@maria.lopez @james.okafor @nobody @principals-circle", people["maria"]
        )
    assert one.count == 2  # the handles, then Maria's membership of the group named
    with count_queries() as people_only:
        render_with_mentions("@maria.lopez @james.okafor @nobody", people["writer"])
    assert people_only.count == 1


def test_chat_mentions_use_the_chat_markup(people):
    rendered = render_with_mentions("# @maria.lopez", people["writer"], chat=True)
    assert "<h1>" not in rendered.html and link(people["maria"]) in rendered.html


# --- Groups -----------------------------------------------------------------------------


def test_a_facilitator_mentions_their_whole_group(people):
    group = people["group"]
    assert group.slug == "principals-circle"
    rendered = render_with_mentions("Welcome, @principals-circle!", people["frank"])
    assert f'href="{GROUP_PATH.format(group.id)}"' in rendered.html
    assert mentioned(rendered.html) == ["@principals-circle"]
    assert rendered.group_ids == {group.id} and rendered.user_ids == frozenset()


@pytest.mark.parametrize("who", ["maria", "james"])
def test_members_and_outsiders_cannot_mention_a_group(people, who):
    rendered = render_with_mentions("Hello @principals-circle", people[who])
    assert rendered.html == "<p>Hello @principals-circle</p>"
    assert rendered.group_ids == frozenset()


def test_an_admin_may_mention_any_group_even_private(people):
    private = make_group("ILT leads", visibility="private")
    admin = make_user("Ada Admin", admin=True)
    rendered = render_with_mentions("@ilt-leads and @principals-circle", admin)
    assert rendered.group_ids == {private.id, people["group"].id}


def test_group_slugs_are_made_from_the_name_and_kept_apart_from_usernames(app):
    assert make_group("Coaches\u2019 corner").slug == "coaches-corner"
    assert make_group("Coaches corner!").slug == "coaches-corner-2"
    make_user("Data")  # username "data"
    assert make_group("Data").slug == "data-2"
    assert make_group("Équipe ÉLA").slug == "equipe-ela"
    assert make_group("中文").slug == "group"


def test_renaming_a_group_gives_it_a_new_slug_and_old_mentions_keep_working(people):
    group, frank = people["group"], people["frank"]
    thread = make_thread(group, frank, "Welcome", "Hello @principals-circle")
    fields = groups.GroupFields("Principals network", "", [], "network")
    assert groups.update_group(frank, group.id, fields).slug == "principals-network"
    post = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id).order_by(Post.id))
    assert f'href="{GROUP_PATH.format(group.id)}"' in post.body_html
    # The same name again keeps the slug.
    assert groups.update_group(frank, group.id, fields).slug == "principals-network"


def test_nobody_may_take_a_groups_slug_as_username(people):
    maria = people["maria"]
    change = accounts.ProfileChange(
        "Maria Lopez", "principals-circle", "principal", None, "", "America/New_York"
    )
    with pytest.raises(ValidationError) as caught:
        accounts.update_profile(maria, change)
    assert caught.value.fields == {"username": "That username is taken."}


# --- A rename, and re-rendering ------------------------------------------------------


def rename(user, username: str) -> None:
    accounts.update_profile(
        user,
        accounts.ProfileChange(user.name, username, user.job_role, None, "", user.time_zone),
    )


def make_stale(post_id: int) -> str:
    """Make a post's stored HTML look like an older renderer's; what it was."""
    kept = db.session.get(Post, post_id).body_html
    begin_write()
    stale = kept.replace("<p>", '<p class="old">')
    db.session.execute(sa.update(Post).where(Post.id == post_id).values(body_html=stale))
    db.session.commit()
    return kept


def test_a_renamed_person_keeps_their_mentions(people, client, login):
    maria, writer = people["maria"], people["writer"]
    thread = make_thread(people["group"], writer, "Thanks", "Thanks @maria.lopez")
    rename(maria, "maria.l")
    impostor = make_user("Someone Else")
    rename(impostor, "maria.lopez")  # her old username, taken by someone else
    login(writer)
    page = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert link(maria) in page
    response = client.get(USER_PATH.format(maria.id))
    assert response.status_code == 302
    assert response.headers["Location"] == "/u/maria.l"

    # Re-rendering keeps the link: the stored HTML says whom the text meant.
    post_id = db.session.scalar(sa.select(Post.id).where(Post.thread_id == thread.id))
    kept = make_stale(post_id)
    assert rerender_all()["posts"] == 1
    db.session.expire_all()
    assert db.session.get(Post, post_id).body_html == kept
    assert link(maria) in kept and link(impostor) not in kept


def test_rerendering_links_no_one_new(people):
    writer = people["writer"]
    thread = make_thread(people["group"], writer, "Thanks", "Thanks @maria.lopez and @newcomer")
    make_user("Newcomer")  # username "newcomer": nobody had it when the post was written
    post_id = db.session.scalar(sa.select(Post.id).where(Post.thread_id == thread.id))
    kept = make_stale(post_id)
    assert rerender_all()["posts"] == 1
    db.session.expire_all()
    assert db.session.get(Post, post_id).body_html == kept
    assert mentioned(kept) == ["@maria.lopez"]
    assert rerender_all()["posts"] == 0


def test_a_mention_link_of_a_deactivated_account_is_not_found(people, client, login):
    login(people["writer"])
    accounts.set_account_active(None, people["maria"].id, False)
    assert client.get(USER_PATH.format(people["maria"].id)).status_code == 404
    assert client.get(USER_PATH.format(999_999)).status_code == 404


# --- Every place people write ---------------------------------------------------------


def test_posts_replies_and_edits_link_mentions(people):
    group, writer, maria = people["group"], people["writer"], people["maria"]
    thread = make_thread(group, writer, "PLC time", "What do you think, @maria.lopez?")
    opening = db.session.scalar(
        sa.select(Post).where(Post.thread_id == thread.id).order_by(Post.id)
    )
    assert link(maria) in opening.body_html
    reply = make_reply(thread, maria, "@wendy.writer we block it on the schedule")
    assert link(writer) in reply.body_html
    edited = discussions.edit_post(writer, opening.id, "Also @james.okafor")
    assert link(people["james"]) in edited.body_html and link(maria) not in edited.body_html


def test_practice_write_ups_and_try_reports_link_mentions(people):
    maria, james = people["maria"], people["james"]
    school = make_school()
    accounts.update_profile(
        james, accounts.ProfileChange(james.name, james.username, "principal", school.id, "",
                                      james.time_zone),
    )  # fmt: skip
    practice = make_practice(maria, body="## What we did\n\nWith @james.okafor's ILT.")
    assert link(james) in db.session.get(Practice, practice.id).body_html
    fields = TryFields(date.today(), "adapted", changes="Asked @maria.lopez first",
                       observations="Thanks @maria.lopez")  # fmt: skip
    report = tries.record_try(practices.get_practice_for(james, practice.id), james, fields)
    stored = db.session.get(PracticeTry, report.id)
    assert link(maria) in stored.changes_html and link(maria) in stored.observations_html


def test_chat_messages_link_mentions(people):
    session = schedule(people["group"].id, people["frank"])
    assert session.status == "live"
    sent = chat.send_message(in_session(people["maria"], session.id), "Hi @frank.fisher!", "m-1")
    assert link(people["frank"]) in sent["body_html"]
    assert mentioned(sent["body_html"]) == ["@frank.fisher"]
    stored = db.session.get(ChatMessage, sent["id"])
    assert stored.body_html == sent["body_html"]


def test_the_preview_shows_mentions_as_they_will_be_saved(people, client, login):
    login(people["writer"])
    token = client.csrf_token()
    response = client.post(
        "/preview", json={"text": "Hi @maria.lopez"}, headers={"X-CSRFToken": token}
    )
    assert link(people["maria"]) in response.get_json()["html"]


def test_the_group_page_tells_facilitators_how_to_mention_the_group(people, client, login):
    url = f"/groups/{people['group'].id}"
    login(people["frank"])
    assert "Mention this group as" in client.get(url).get_data(as_text=True)
    assert "@principals-circle" in client.get(url).get_data(as_text=True)
    login(people["maria"])
    assert "Mention this group as" not in client.get(url).get_data(as_text=True)


def test_the_fields_people_write_in_offer_suggestions(people, client, login):
    group, maria = people["group"], people["maria"]
    thread = make_thread(group, maria)
    practice = make_practice(people["writer"], group=group)
    change = accounts.ProfileChange(maria.name, maria.username, "principal", make_school().id,
                                    "", maria.time_zone)  # fmt: skip
    accounts.update_profile(maria, change)  # with a school, she may report a try
    session = schedule(group.id, people["frank"])
    api = 'data-mentions="/api/v1/users/mention-candidates"'
    in_group = f'data-mentions-group="{group.id}"'
    login(maria)
    for url in (f"/threads/{thread.id}", f"/groups/{group.id}/threads/new",
                f"/practices/{practice.id}"):  # fmt: skip
        page = client.get(url).get_data(as_text=True)
        assert api in page and in_group in page, url
        assert "Type @ and the start of a name to mention someone." in page, url
    assert api in client.get("/practices/new").get_data(as_text=True)
    room = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert re.search(rf'<textarea id="live-message"[^>]*{api}[^>]*{in_group}', room)
    # Without JavaScript a textarea is a textarea: the combobox role is the script's.
    assert 'role="combobox"' not in room
    login(people["writer"])
    edit = client.get(f"/practices/{practice.id}/edit").get_data(as_text=True)
    assert api in edit and in_group in edit


def test_mentions_cost_a_thread_page_nothing(people, client, login, count_queries):
    group, writer = people["group"], people["writer"]
    plain, mentioning = make_thread(group, writer), make_thread(group, writer)
    for n in range(5):
        make_reply(plain, writer, f"Reply {n}")
        make_reply(mentioning, writer, f"Reply {n}, @maria.lopez and @james.okafor")
    urls = [f"/threads/{plain.id}", f"/threads/{mentioning.id}"]
    # Opening a thread reads its notifications (a write): here only the mentions are measured.
    notification_feed.mark_read(people["maria"], everything=True)
    login(people["maria"])
    counts = []
    for url in urls:
        with count_queries() as counter:
            page = client.get(url).get_data(as_text=True)
        counts.append(counter.count)
    assert page.count('class="mention"') == 10
    assert counts[0] == counts[1], counts
