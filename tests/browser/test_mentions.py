"""@mention suggestions in a real browser: a combobox worked by keyboard, mouse and touch,
in the reply box and the live chat, that axe finds nothing wrong with, and a plain
textarea without JavaScript."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from nic.models import utcnow
from nic.services.live import sessions as live_sessions
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import audit
from tests.factories import make_group, make_school, make_thread, make_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def people(live_server):
    def setup():
        school = make_school("Lincoln Elementary (mentions)", "Riverside (mentions)")
        frank = make_user("Frank Fisher", email="frank.mentions@example.org",
                          job_role="facilitator")  # fmt: skip
        maria = make_user("Quentin Quill", email="maria.mentions@example.org", school=school)
        paula = make_user("Zelda Zamora", email="paula.mentions@example.org",
                          job_role="instructional_coach", school=school)  # fmt: skip
        pat = make_user("Zora Zhou", email="pat.mentions@example.org")  # not in the group
        group = make_group("Peer coaches (mentions)", facilitator=frank, members=[maria, paula])
        thread = make_thread(group, frank, "Coaching cycles", "Who has tried a debrief protocol?")
        starts = utcnow() + timedelta(minutes=5)
        session = live_sessions.schedule_session(
            frank, group.id,
            live_sessions.SessionFields("Check-in", "- Wins", starts, starts + timedelta(hours=1)),
        )  # fmt: skip
        return {"thread": thread.id, "session": session.id, "paula": paula.id, "pat": pat.id,
                "maria": maria.id, "group": group.id, "slug": group.slug}  # fmt: skip

    return live_server.run(setup)


def suggestions(page):
    """The suggestion list's options (not a <select>'s, such as the follow level's)."""
    return page.locator('[role="listbox"] [role="option"]')


def options(page) -> list[str]:
    return suggestions(page).evaluate_all("els => els.map(e => e.textContent)")


def test_the_reply_box_suggests_people_by_keyboard(live_server, new_page, people):
    page = new_page("maria.mentions@example.org")
    page.goto(f"{live_server.url}/threads/{people['thread']}")
    box = page.get_by_role("combobox", name="Your reply")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_attribute("aria-autocomplete", "list")
    listbox = page.locator("#" + box.get_attribute("aria-controls"))
    assert listbox.get_attribute("role") == "listbox"

    box.press_sequentially("Thanks @z")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    # People of the group first (Paula), then the network (Pat); name, role and school.
    assert options(page) == [
        "Zelda Zamora @zelda.zamora · Instructional coach · Lincoln Elementary (mentions)",
        "Zora Zhou @zora.zhou · Principal",
    ]
    first, second = suggestions(page).all()
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    expect(first).to_have_attribute("aria-selected", "true")
    status = page.get_by_role("status").filter(has_text="2 suggestions")
    expect(status).to_have_count(1)
    assert audit(page) == []  # open, with an option highlighted

    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", second.get_attribute("id"))
    expect(second).to_have_attribute("aria-selected", "true")
    expect(first).to_have_attribute("aria-selected", "false")
    box.press("ArrowDown")  # round to the first again
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    box.press("ArrowUp")
    box.press("Enter")
    expect(box).to_have_value("Thanks @zora.zhou ")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    assert box.get_attribute("aria-activedescendant") is None

    # Escape closes the list; it stays closed until the name typed changes; Tab inserts.
    box.press_sequentially("and @ze")
    expect(listbox).to_be_visible()
    box.press("Escape")
    expect(listbox).to_be_hidden()
    box.press("ArrowLeft")
    box.press("ArrowRight")
    expect(listbox).to_be_hidden()
    box.press_sequentially("l")
    expect(suggestions(page)).to_have_count(1)
    box.press("Tab")
    expect(box).to_have_value("Thanks @zora.zhou and @zelda.zamora ")
    expect(box).to_be_focused()

    # Nobody by that name: no list. An email address: no list.
    box.press_sequentially("@zz")
    page.wait_for_timeout(400)
    expect(listbox).to_be_hidden()
    box.press_sequentially(" maria@sch")
    page.wait_for_timeout(400)
    expect(listbox).to_be_hidden()
    box.fill("Thanks @zora.zhou and @zelda.zamora")

    # Posted, the mentions are links to the people, which outlive a username change.
    page.get_by_role("button", name="Post reply").click()
    post = page.locator("article.post", has_text="Thanks")
    link = post.get_by_role("link", name="@zelda.zamora")
    expect(link).to_have_attribute("href", f"/u/id/{people['paula']}")
    expect(post.get_by_role("link", name="@zora.zhou")).to_have_class("mention")
    link.click()
    page.wait_for_url(f"{live_server.url}/u/zelda.zamora")
    assert page.problems == []


def test_a_tap_inserts_and_options_fit_a_finger(live_server, new_page, people):
    page = new_page("maria.mentions@example.org", width=360)
    page.goto(f"{live_server.url}/threads/{people['thread']}")
    box = page.get_by_role("combobox", name="Your reply")
    box.press_sequentially("@zor")
    option = page.get_by_role("option", name="Zora Zhou")
    expect(option).to_be_visible()
    assert option.bounding_box()["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    option.click()
    expect(box).to_have_value("@zora.zhou ")
    expect(box).to_be_focused()
    assert audit(page) == []
    assert page.problems == []


def test_in_the_live_chat_enter_inserts_the_mention_then_sends(live_server, new_page, people):
    frank = new_page("frank.mentions@example.org")
    frank.goto(f"{live_server.url}/sessions/{people['session']}")
    frank.get_by_role("button", name="Start session").click()
    message = frank.get_by_role("combobox", name="Message")
    expect(message).to_be_enabled()
    message.press_sequentially("Welcome @qu")
    expect(suggestions(frank)).to_have_count(1)
    assert audit(frank) == []
    message.press("Enter")  # inserts; does not send
    expect(message).to_have_value("Welcome @quentin.quill ")
    message.press_sequentially("and @pee")  # the group Frank facilitates
    expect(suggestions(frank).last).to_contain_text("Peer coaches (mentions)")
    message.press("ArrowUp")
    message.press("Enter")
    expect(message).to_have_value(f"Welcome @quentin.quill and @{people['slug']} ")
    message.press("Enter")  # sends
    log = frank.get_by_role("log")
    expect(log.get_by_role("link", name="@quentin.quill")).to_have_attribute(
        "href", f"/u/id/{people['maria']}"
    )
    expect(log.get_by_role("link", name=f"@{people['slug']}")).to_have_attribute(
        "href", f"/groups/{people['group']}"
    )
    expect(message).to_have_value("")
    assert frank.problems == []


def test_without_javascript_the_field_is_a_plain_textarea(browser, live_server, people):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "paula.mentions@example.org")
        page.goto(f"{live_server.url}/threads/{people['thread']}")
        box = page.get_by_role("textbox", name="Your reply")
        assert box.get_attribute("role") is None
        assert page.get_by_role("listbox").count() == 0
        box.fill("Over to you, @quentin.quill.")
        page.get_by_role("button", name="Post reply").click()
        link = page.locator("article.post").get_by_role("link", name="@quentin.quill")
        expect(link).to_have_attribute("href", f"/u/id/{people['maria']}")
    finally:
        context.close()
