"""Notifications in a real browser: Maria mentions James; his header count turns to 1
without a reload; he opens the notification and lands on her post."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from nic.services.email_preferences import unsubscribe_token
from tests.browser.test_accessibility import audit
from tests.factories import make_group, make_thread, make_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def people(live_server):
    def setup():
        maria = make_user("Maria Lopez", email="maria.notify@example.org")
        james = make_user("James Chen", email="james.notify@example.org",
                          job_role="instructional_coach")  # fmt: skip
        group = make_group("Peer coaches (notify)", members=[maria, james])
        other = make_thread(group, james, "Walkthrough look-fors", "What do you look for?")
        thread = make_thread(group, maria, "Protecting PLC time", "How do you protect it?")
        return {"thread": thread.id, "other": other.id, "james": james.username,
                "unsubscribe": unsubscribe_token(james.id, "mentioned")}  # fmt: skip

    return live_server.run(setup)


def test_a_mention_reaches_james_live_and_opens_on_the_post(live_server, new_page, people):
    james = new_page("james.notify@example.org")
    james.goto(f"{live_server.url}/threads/{people['other']}")
    link = james.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(link).to_have_accessible_name("Notifications")  # no count shown at 0
    james.wait_for_function("() => !!(window.io && document.querySelector('[data-notifications]'))")

    maria = new_page("maria.notify@example.org")
    maria.goto(f"{live_server.url}/threads/{people['thread']}")
    box = maria.get_by_role("combobox", name="Your reply")
    box.fill(f"@{people['james']} could you share your PLC calendar?")
    box.press("Escape")
    maria.get_by_role("button", name="Post reply").click()
    expect(maria.get_by_text("could you share your PLC calendar?")).to_be_visible()

    # No reload: the count arrives over the socket.
    expect(link).to_have_accessible_name(re.compile(r"^Notifications\s*1 unread$"))
    expect(james).to_have_title(re.compile(r"^\(1\) "))

    link.click()
    expect(james.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    assert audit(james) == []
    james.get_by_role("link", name="Maria Lopez mentioned you").click()
    expect(james).to_have_url(re.compile(rf"/threads/{people['thread']}#post-\d+$"))
    post_id = james.url.rsplit("#post-", 1)[1]
    expect(james.locator(f"#post-{post_id}")).to_contain_text("could you share your PLC calendar?")
    expect(link).to_have_accessible_name("Notifications")
    assert james.problems == []
    assert maria.problems == []


def test_a_mails_unsubscribe_link_asks_then_stops_without_signing_in(live_server, new_page, people):
    page = new_page()
    page.goto(f"{live_server.url}/email/unsubscribe/{people['unsubscribe']}")
    expect(
        page.get_by_text("Stop sending james.notify@example.org emails when someone mentions you?")
    ).to_be_visible()
    assert audit(page) == []
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    assert audit(page) == []
    assert page.problems == []
