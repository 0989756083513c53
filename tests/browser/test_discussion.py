"""A member signs in, opens a group, starts a thread, replies to a reply, and
sees the nested reply: the whole discussion path in a real browser."""

from __future__ import annotations

import pytest

from tests.factories import make_group, make_user

pytestmark = pytest.mark.browser


def test_start_thread_and_reply_to_a_reply(live_server, new_page):
    def setup():
        maria = make_user("Maria Lopez", email="maria.browser@example.org")
        james = make_user("James Okafor", email="james.browser@example.org")
        group = make_group("Principals' Circle (browser)", members=[maria, james])
        return group.id

    group_id = live_server.run(setup)
    page = new_page("maria.browser@example.org")

    page.get_by_role("link", name="Groups", exact=True).click()
    page.get_by_role("link", name="Principals' Circle (browser)").click()
    assert page.url.endswith(f"/groups/{group_id}")
    page.get_by_role("link", name="Start a thread").click()
    page.get_by_label("Title").fill("Protecting PLC time when subs are scarce")
    page.get_by_label("Your post").fill("Our PLCs keep getting **cancelled**.")
    # The markdown preview renders through the server and shows bold text.
    page.get_by_role("button", name="Preview").click()
    page.locator(".markdown-preview strong", has_text="cancelled").wait_for()
    page.get_by_role("button", name="Write").click()
    page.get_by_role("button", name="Post thread").click()
    page.get_by_role("heading", name="Protecting PLC time when subs are scarce").wait_for()

    page.get_by_label("Your reply").fill("We moved PLCs into the master schedule.")
    page.get_by_role("button", name="Post reply").click()
    first = page.locator("article.post", has_text="We moved PLCs into the master schedule.")
    first.wait_for()

    first.get_by_role("link", name="Reply").click()
    # The reply box opens in place, under the post (issue 17).
    page.locator("article.post + form.reply-form--in-place").wait_for()
    page.get_by_label("Your reply").fill("What did you give up for the common block?")
    page.get_by_role("button", name="Post reply").click()

    first_item = page.locator("ol.replies--root > li").filter(has=first)
    nested = first_item.locator(
        "ol.replies article.post", has_text="What did you give up for the common block?"
    )
    nested.wait_for()
    assert nested.count() == 1
    assert page.problems == []
