"""The improvement work end to end in a real browser, by keyboard: a facilitator writes
the aim and builds a small driver diagram, a principal plans a PDSA cycle on its change
idea, records Do, Study and Act, and sees her school counted under the change idea."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import audit
from tests.factories import make_school, make_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def people(live_server):
    def setup():
        make_user("Fran Flow", email="fran.flow@example.org", job_role="facilitator")
        make_user("Maria Flow", email="maria.flow@example.org",
                  school=make_school("Lincoln Elementary (flow)", "Riverside (flow)"))  # fmt: skip
        return {}

    return live_server.run(setup)


def press(page, name: str) -> None:
    """Focus a button or link and press Enter, as a keyboard user does; every one of them
    here loads a page, and the next step waits for it (never acting on the old page)."""
    target = page.get_by_role("button", name=name, exact=True).or_(
        page.get_by_role("link", name=name, exact=True)
    )
    target.first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_into(page, label: str, text: str) -> None:
    page.get_by_label(label, exact=True).focus()
    page.keyboard.type(text)


def add_part(page, under: str, title: str) -> None:
    page.get_by_label("Add", exact=True).select_option(label=under)
    type_into(page, "Title", title)
    press(page, "Add")
    expect(page.locator(".flash--success")).to_contain_text("added")


def test_a_diagram_built_by_keyboard_and_a_cycle_run_on_it(live_server, new_page, people):
    page = new_page("fran.flow@example.org")
    page.goto(f"{live_server.url}/improvement")
    press(page, "Write the aim")
    type_into(page, "What will improve", "Raise the share of 3rd graders reading on grade level")
    type_into(page, "How much", "from 48% to 60%")
    page.get_by_label("By when").fill("2027-06-30")
    type_into(page, "For whom", "across our schools")
    press(page, "Save the aim")
    expect(page.locator(".aim__statement")).to_contain_text("by June 2027 across our schools.")
    add_part(page, "A primary driver under the aim", "Strong core instruction")
    add_part(page, "A secondary driver under “Strong core instruction”", "Plan from student work")
    add_part(page, "A change idea under “Plan from student work”", "Data huddles")
    add_part(page, "A change idea under “Plan from student work”", "Coaching cycles")
    press(page, "Coaching cycles")
    press(page, "Move up")  # reordering needs no dragging
    page.goto(f"{live_server.url}/improvement")
    ideas = page.locator(".diagram-list__item--change_idea > .diagram-list__title")
    expect(ideas).to_have_text(["Coaching cycles", "Data huddles"])
    expect(page.locator(".diagram__svg")).to_be_visible()
    assert audit(page) == []

    page = new_page("maria.flow@example.org")
    page.goto(f"{live_server.url}/improvement")
    press(page, "Data huddles")
    press(page, "Plan a cycle at your school")
    page.get_by_label("Name of the test").fill("")
    type_into(page, "Name of the test", "Grade 3 huddles, cycle 1")
    type_into(page, "What question will this cycle answer?", "Will huddles change the reteach?")
    type_into(page, "What do you predict will happen?", "3 of 4 teachers plan a reteach.")
    press(page, "Plan the cycle")
    expect(page.get_by_role("heading", level=1)).to_have_text("Grade 3 huddles, cycle 1")
    type_into(page, "What happened", "Four huddles in three weeks.")
    press(page, "Save Do")
    type_into(page, "The data, compared with the prediction", "Mastery 41% to 58%.")
    press(page, "Save Study")
    page.get_by_label("Adopt: keep it as tested").focus()
    page.keyboard.press("Space")
    type_into(page, "Next steps", "All grades in January.")
    press(page, "Save Act")
    expect(page.locator(".cycle__facts")).to_contain_text("Decided: Adopt")
    assert audit(page) == []
    page.goto(f"{live_server.url}/improvement")
    huddles = page.locator(".diagram-list__item--change_idea", has_text="Data huddles")
    expect(huddles.locator(".evidence")).to_have_text("1 school: 1 implementing · 1 cycle")
    assert page.problems == []
