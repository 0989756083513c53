"""Counters near each limit, the phone header's menu, touch targets, the browser's time zone."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from nic.extensions import db
from nic.models import Thread, User
from tests.browser.test_accessibility import audit
from tests.factories import (
    PASSWORD,
    make_group,
    make_reply,
    make_school,
    make_thread,
    make_user,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(live_server):
    def setup():
        school = make_school("Jefferson Middle School of the Arts (forms)", "Riverside (forms)")
        maria = make_user("Maria Lopez", email="forms.maria@example.org", school=school)
        coach = make_user(
            "Dr. Evangeline Montgomery-Castellanos", email="forms.coach@example.org",
            job_role="instructional_coach", school=school,
        )  # fmt: skip
        group = make_group("Principals' Circle (forms)", members=[maria, coach])
        thread = make_thread(group, maria, "Protecting PLC time", "Our PLCs keep getting moved.")
        make_reply(thread, coach, "We moved PLCs into the master schedule.")
        return {"group": group.id, "thread": thread.id}

    return live_server.run(setup)


def threads_titled(live_server, title: str) -> int:
    return live_server.run(
        lambda: db.session.scalar(sa.select(sa.func.count(Thread.id)).where(Thread.title == title))
    )


def test_the_counter_appears_near_the_limit_and_blocks_sending_over_it(live_server, site, new_page):
    page = new_page("forms.maria@example.org")
    page.goto(f"{live_server.url}/groups/{site['group']}/threads/new")
    body = page.get_by_label("Your post")
    counter = page.locator("#body-counter")
    page.get_by_label("Title").fill("Counted notes")
    body.fill("x" * 1000)
    expect(counter).to_be_hidden()  # far from the limit: nothing to count

    body.fill("x" * 45_800)
    expect(counter).to_have_text("4,200 characters left")
    body.fill("x" * 50_312)  # a paste longer than the limit is kept whole, not cut
    assert page.evaluate("document.getElementById('body').value.length") == 50_312
    expect(counter).to_have_text("312 characters over the limit")
    expect(body).to_have_attribute("aria-invalid", "true")
    spoken = counter.locator("xpath=following-sibling::span[@aria-live='polite']")
    expect(spoken).to_have_text("312 characters over the limit")  # said once it goes over

    page.locator("main").get_by_role("button", name="Post thread").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Shorten “Your post” before sending")
    expect(alert).to_contain_text("312 characters over the limit of 50,000. Nothing was sent.")
    expect(body).to_be_focused()
    assert page.url.endswith("/threads/new") and threads_titled(live_server, "Counted notes") == 0
    assert audit(page) == []

    body.press("End")
    for _ in range(312):
        body.press("Backspace")
    expect(counter).to_have_text("0 characters left")
    expect(alert).to_have_count(0)
    expect(body).not_to_have_attribute("aria-invalid", "true")
    page.locator("main").get_by_role("button", name="Post thread").click()
    page.wait_for_url("**/threads/*")
    assert threads_titled(live_server, "Counted notes") == 1
    assert page.problems == []


def test_emoji_count_once_as_the_server_counts_them(live_server, site, new_page):
    page = new_page("forms.maria@example.org")
    page.goto(f"{live_server.url}/settings/profile")
    page.get_by_label("Short bio").fill("🍎" * 450)  # 900 UTF-16 units, 450 characters
    expect(page.locator("#bio-counter")).to_have_text("50 characters left")


def test_without_javascript_the_server_refuses_and_keeps_the_text(live_server, site, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/login")
        page.get_by_label("Email").fill("forms.maria@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{live_server.url}/settings/profile")
        page.get_by_label("Short bio").fill("b" * 600)
        assert page.get_by_label("Short bio").input_value() == "b" * 600  # no maxlength cut
        page.get_by_role("button", name="Save profile").click()
        expect(page.get_by_text("This is 600 characters; the limit is 500.")).to_be_visible()
        assert page.get_by_label("Short bio").input_value() == "b" * 600
        # The links stay reachable without the menu button.
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        expect(
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Groups")
        ).to_be_visible()
    finally:
        context.close()


def test_the_phone_header_is_one_row_with_a_menu_that_works_by_keyboard(
    live_server, site, new_page
):
    page = new_page("forms.maria@example.org", width=390)
    page.goto(f"{live_server.url}/groups/{site['group']}")
    header = page.locator(".site-header")
    assert header.bounding_box()["height"] < 64
    menu = page.get_by_role("button", name="Menu")
    groups = page.get_by_role("navigation", name="Main").get_by_role("link", name="Groups")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(groups).to_be_hidden()

    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(groups).to_be_visible()
    assert header.bounding_box()["height"] < 64  # the menu opens over the page
    assert audit(page) == []
    page.keyboard.press("Tab")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Home")
    ).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(groups).to_be_hidden()

    menu.click()
    groups.click()
    page.wait_for_url("**/groups/")

    wide = new_page("forms.maria@example.org", width=1280)
    wide.goto(f"{live_server.url}/")
    expect(wide.get_by_role("button", name="Menu")).to_be_hidden()
    expect(
        wide.get_by_role("navigation", name="Main").get_by_role("link", name="Groups")
    ).to_be_visible()


TARGETS = "main a.button, main button, .post__actions a, .post__actions button, .site-header button"


def test_buttons_and_post_actions_are_44_px_touch_targets_on_a_phone(live_server, site, new_page):
    page = new_page("forms.maria@example.org", width=390)
    small = []
    for path in (
        "/",
        f"/groups/{site['group']}",
        f"/threads/{site['thread']}",
        "/settings/profile",
    ):
        page.goto(live_server.url + path)
        for target in page.locator(TARGETS).all():
            box = target.bounding_box() if target.is_visible() else None
            if box and (box["height"] < 44 or box["width"] < 44):
                small.append(
                    f"{path}: {target.inner_text()!r} {box['width']:.0f}x{box['height']:.0f}"
                )
    assert small == []
    page.goto(f"{live_server.url}/threads/{site['thread']}")
    for name in ("Reply", "Edit", "Delete"):
        box = (
            page.locator(".post__actions")
            .first.get_by_role("button" if name == "Delete" else "link", name=name)
            .first.bounding_box()
        )
        assert box["height"] >= 44 and box["width"] >= 44, (name, box)


@pytest.mark.parametrize("width", [1280, 390])
def test_post_times_keep_their_place_whatever_the_role_line(live_server, site, new_page, width):
    page = new_page("forms.maria@example.org", width=width)
    page.goto(f"{live_server.url}/threads/{site['thread']}")
    # Each time ends at its card's right edge (the card's padding and border from it).
    gaps = page.evaluate(
        """[...document.querySelectorAll('.post')].map(post => {
             const time = post.querySelector('.post__time').getBoundingClientRect();
             const style = getComputedStyle(post);
             const inset = parseFloat(style.paddingRight) + parseFloat(style.borderRightWidth);
             return Math.round(post.getBoundingClientRect().right - time.right - inset);
           })"""
    )
    assert gaps == [0, 0], gaps


def test_sign_up_takes_the_browsers_time_zone(live_server, browser):
    for zone, js, expected in [("America/Chicago", True, "America/Chicago"),
                               ("Europe/Lisbon", True, "Europe/Lisbon"),
                               ("America/Chicago", False, "America/New_York")]:  # fmt: skip
        context = browser.new_context(timezone_id=zone, java_script_enabled=js)
        try:
            page = context.new_page()
            page.goto(f"{live_server.url}/register")
            assert page.get_by_label("Time zone").input_value() == expected, (zone, js)
        finally:
            context.close()
    context = browser.new_context(timezone_id="America/Denver")
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/register")
        expect(page.get_by_label("Time zone")).to_have_value("America/Denver")
        page.get_by_label("Your name").fill("Rosa Delgado")
        page.get_by_label("Email").fill("forms.rosa@example.org")
        page.get_by_label("Password").fill("a long enough password")
        page.locator("main").get_by_role("button", name="Sign up").click()
        page.wait_for_url(lambda url: "/register" not in url)
        zone = live_server.run(
            lambda: db.session.scalar(
                sa.select(User.time_zone).where(User.email == "forms.rosa@example.org")
            )
        )
        assert zone == "America/Denver"
    finally:
        context.close()
