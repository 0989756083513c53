"""Replying in place (issue 17): with JavaScript the reply box opens under the post,
quotes it and posts without a reload; without JavaScript the form at the foot of the
page names and quotes the post; at 320 px six levels of replies never scroll sideways."""

from __future__ import annotations

import itertools

import pytest

from tests.browser.conftest import sign_in
from tests.factories import make_group, make_reply, make_thread, make_user

pytestmark = pytest.mark.browser

QUOTED = "We moved PLCs into the master schedule, so subs cover one block a week."


@pytest.fixture(scope="module")
def discussion(live_server):
    def setup():
        maria = make_user("Maria Lopez", email="maria.inplace@example.org")
        james = make_user("James Okafor", email="james.inplace@example.org")
        group = make_group("Principals' Circle (in place)", members=[maria, james])
        thread = make_thread(group, maria, "Protecting PLC time", "Subs are scarce.")
        first = make_reply(thread, james, QUOTED)
        chain, parent = [], None
        deep = make_thread(group, maria, "Six levels", "Who answers whom?")
        for n in range(6):
            parent = make_reply(
                deep, james if n % 2 else maria, f"Level {n + 1} " + "with-a-long-word" * 4, parent
            )
            chain.append(parent.id)
        return {"thread": thread.id, "first": first.id, "deep": deep.id, "chain": chain}

    return live_server.run(setup)


def test_reply_in_place_with_javascript(live_server, new_page, discussion):
    page = new_page("maria.inplace@example.org")
    url = f"{live_server.url}/threads/{discussion['thread']}"
    page.goto(url)
    page.evaluate("window.notReloaded = true")
    first = page.locator(f"#post-{discussion['first']}")
    first.get_by_role("link", name="Reply to James Okafor").click()

    # The box opens right under the post, names its author and quotes it; focus is in it.
    box = page.locator(f"#post-{discussion['first']} + form.reply-form--in-place")
    box.wait_for()
    assert box.locator(".reply-quote__who").inner_text() == "Replying to James Okafor:"
    assert box.locator("blockquote").inner_text() == QUOTED
    assert page.evaluate("document.activeElement.name") == "body"
    assert page.url == url

    # An error shows in the box and keeps the text.
    box.get_by_label("Your reply").fill("   ")
    box.get_by_role("button", name="Post reply").click()
    alert = box.get_by_role("alert")
    alert.wait_for()
    assert alert.inner_text() == "Write something first."
    assert box.get_by_label("Your reply").input_value() == "   "
    assert page.evaluate("document.activeElement.name") == "body"

    box.get_by_label("Your reply").fill("What did you give up for the **common block**?")
    box.get_by_role("button", name="Post reply").click()
    item = page.locator(f"li[data-post='{discussion['first']}'] > ol.replies > li article.post")
    item.wait_for()
    assert item.locator("strong").inner_text() == "common block"
    assert item.locator(".in-reply-to").inner_text() == "in reply to James Okafor"
    # No reload; focus on the new post; announced; the count moved; the box went home.
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("document.activeElement.id") == item.get_attribute("id")
    page.get_by_role("status").filter(has_text="Your reply is posted.").wait_for(state="attached")
    assert page.locator("#replies-heading").inner_text() == "2 replies"
    assert page.locator("form.reply-form--in-place").count() == 0
    assert page.locator("#reply form[data-reply-form]").count() == 1
    # A reload shows it in the same place.
    page.reload()
    nested = page.locator(f"li[data-post='{discussion['first']}'] > ol.replies article.post")
    assert "common block" in nested.inner_text()
    # The refused empty reply was a 400 answer (JSON, by HTTP); Chromium logs any 4xx.
    assert [p for p in page.problems if "status of 400" not in p] == []


def test_reply_without_javascript_names_and_quotes_the_post(browser, live_server, discussion):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "james.inplace@example.org")
        page.goto(f"{live_server.url}/threads/{discussion['thread']}")
        opening = page.locator("article.post").first
        opening.get_by_role("link", name="Reply to Maria Lopez").click()
        assert "reply_to=" in page.url
        form = page.locator("#reply")
        assert form.get_by_role("heading").inner_text() == "Reply to Maria Lopez"
        assert "Replying to Maria Lopez:" in form.inner_text()
        assert form.locator("blockquote").inner_text() == "Subs are scarce."
        form.get_by_label("Your reply").fill("Same here: two PLCs lost this month.")
        form.get_by_role("button", name="Post reply").click()
        page.locator("article.post", has_text="Same here: two PLCs lost this month.").wait_for()
        assert "#post-" in page.url
    finally:
        context.close()


def test_six_reply_levels_fit_a_320px_phone(live_server, new_page, discussion):
    page = new_page("james.inplace@example.org", width=320)
    page.goto(f"{live_server.url}/threads/{discussion['deep']}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    chain = discussion["chain"]
    for parent, child in itertools.pairwise(chain):
        label = page.locator(f"#post-{child} .in-reply-to")
        assert label.is_visible()
        assert label.get_attribute("href") == f"#post-{parent}"
    # The deepest reply still has room to read: at least 80% of the screen.
    width = page.locator(f"#post-{chain[-1]}").bounding_box()["width"]
    assert width >= 0.8 * 320, width
    assert page.problems == []
