"""The directory's filters (issue 17): one row on a desktop, a "Filters" disclosure
that counts the active filters on a phone, and a school list that follows the
chosen district at once."""

from __future__ import annotations

import pytest

from nic.services import org
from tests.factories import make_school, make_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def schools(live_server):
    def setup():
        lincoln = make_school("Lincoln Elementary (filters)", "Riverside (filters)")
        org.create_school(None, "Jefferson Middle (filters)", lincoln.district_id)
        harbor = make_school("Harbor View Elementary (filters)", "North County (filters)")
        make_user("Priya Raman", email="priya.filters@example.org", school=lincoln)
        return {"riverside": lincoln.district_id, "harbor": harbor.id}

    return live_server.run(setup)


def school_names(page) -> list[str]:
    return page.locator("#school_id option").all_inner_texts()


def test_filters_sit_in_one_row_on_a_desktop(live_server, new_page, schools):
    page = new_page("priya.filters@example.org", width=1280)
    page.goto(f"{live_server.url}/directory")
    assert not page.locator("summary", has_text="Filters").is_visible()
    tops = {
        round(page.get_by_label(label, exact=True).bounding_box()["y"])
        for label in ("Name", "Job role", "District", "School")
    }
    assert len(tops) == 1, tops
    # Picking a district narrows the schools at once, without sending the form.
    assert "Harbor View Elementary (filters)" in school_names(page)
    page.get_by_label("School").select_option(label="Harbor View Elementary (filters)")
    page.get_by_label("District").select_option(label="Riverside (filters)")
    assert school_names(page) == [
        "Any school", "Jefferson Middle (filters)", "Lincoln Elementary (filters)"
    ]  # fmt: skip
    assert page.get_by_label("School").input_value() == ""
    page.get_by_label("District").select_option(label="Any district")
    assert "Harbor View Elementary (filters)" in school_names(page)
    assert page.problems == []


def test_filters_fold_into_a_disclosure_on_a_phone(live_server, new_page, schools):
    page = new_page("priya.filters@example.org", width=390)
    page.goto(f"{live_server.url}/directory?district_id={schools['riverside']}&job_role=principal")
    summary = page.locator("summary", has_text="Filters")
    assert " ".join(summary.inner_text().split()) == "Filters 2 active"
    assert not page.get_by_label("Name", exact=True).is_visible()
    # The first screen shows the people, not four stacked filters.
    assert page.locator("main .item__title", has_text="Priya Raman").bounding_box()["y"] < 500
    summary.click()
    assert page.get_by_label("Name", exact=True).is_visible()
    assert school_names(page) == [
        "Any school", "Jefferson Middle (filters)", "Lincoln Elementary (filters)"
    ]  # fmt: skip
    assert page.problems == []
