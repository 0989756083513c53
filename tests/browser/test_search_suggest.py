"""The header's search box in a real browser: suggestions as one types, chosen by
keyboard, closed by Escape, that axe finds nothing wrong with; Enter alone still runs
the full search."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import audit
from tests.factories import make_group, make_thread, make_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def people(live_server):
    def setup():
        maria = make_user("Maria Suggest", email="maria.suggest@example.org")
        group = make_group("Suggestion circle", members=[maria])
        thread = make_thread(group, maria, "Calibrating writing rubrics", "Who has anchors?")
        return {"thread": thread.id}

    return live_server.run(setup)


def test_suggestions_by_keyboard(live_server, new_page, people):
    page = new_page("maria.suggest@example.org")
    page.goto(f"{live_server.url}/groups")
    box = page.get_by_role("combobox", name="Search")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press_sequentially("calibr")
    listbox = page.locator("#" + box.get_attribute("aria-controls"))
    expect(listbox.get_by_role("option").first).to_contain_text(
        "Thread · Calibrating writing rubrics"
    )
    expect(box).to_have_attribute("aria-expanded", "true")
    assert audit(page) == []
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(listbox).to_be_hidden()
    box.press("Backspace")  # typing again asks again
    expect(listbox.get_by_role("option").first).to_contain_text("Calibrating")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(".+"))
    box.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/threads/{people['thread']}")


def test_enter_without_a_choice_runs_the_full_search(live_server, new_page, people):
    page = new_page("maria.suggest@example.org")
    page.goto(f"{live_server.url}/groups")
    box = page.get_by_role("combobox", name="Search")
    box.fill("rubrics")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=rubrics"))
    expect(page.get_by_role("link", name=re.compile("Calibrating"))).to_be_visible()
