"""A principal uploads her school's points as a CSV file, checks the preview, saves, and
sees the shift after her school's change flagged in words and on the chart."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from nic.extensions import db
from nic.models import User
from nic.services import measure_points as mp
from nic.services import measures
from tests.browser.test_accessibility import audit
from tests.factories import make_school, make_user

pytestmark = pytest.mark.browser

BEFORE = [3, 4, 3, 2, 3, 4, 3, 3, 2, 2, 3, 3]  # twelve weeks: median 3
AFTER = [6, 7, 6, 6, 7, 8, 6, 7]  # huddles began: eight weeks above


@pytest.fixture(scope="module")
def measure_id(live_server):
    def setup():
        fran = make_user("Fran Charts", email="fran.charts@example.org", job_role="facilitator")
        lincoln = make_school("Lincoln Elementary (charts)", "Riverside (charts)")
        make_user("Maria Charts", email="maria.charts@example.org", school=lincoln)
        fields = measures.MeasureFields("PLC meetings held", "process", "count", "weekly", "up")
        return measures.define_measure(fran, None, fields).id

    return live_server.run(setup)


def csv_file(tmp_path) -> str:
    monday = date.today() - timedelta(days=date.today().weekday() + 7 * 20)
    lines = ["Week of,PLC meetings held,Notes"]
    for n, held in enumerate(BEFORE + AFTER):
        note = "Data huddles began" if n == len(BEFORE) else ""
        lines.append(f"{(monday + timedelta(weeks=n)).isoformat()},{held},{note}")
    path = tmp_path / "plc.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_a_principal_uploads_a_csv_and_sees_the_shift(live_server, new_page, measure_id,
                                                      tmp_path):  # fmt: skip
    page = new_page("maria.charts@example.org")
    page.goto(f"{live_server.url}/measures/{measure_id}")
    with page.expect_navigation():
        page.get_by_role("link", name="Upload a CSV file").first.click()
    page.get_by_label("CSV file").set_input_files(csv_file(tmp_path))
    with page.expect_navigation():
        page.get_by_role("button", name="Check the file").click()
    expect(page.locator("main")).to_contain_text("20")  # the rows to add
    with page.expect_navigation():
        page.get_by_role("button", name="Save these points").click()
    expect(page.locator("h1")).to_contain_text("Lincoln Elementary (charts)")
    shift = page.locator(".signals__item", has_text="Shift")
    expect(shift.first).to_contain_text("Shift: 8 points above the median, since Week of")
    expect(shift.first).to_contain_text("Better")
    chart = page.locator("svg.chart--full").first
    expect(chart).to_be_visible()
    expect(chart.locator(".chart__point--shift")).to_have_count(8)
    expect(chart).to_contain_text("Data huddles began")
    assert audit(page) == []
    page.goto(f"{live_server.url}/measures/{measure_id}")
    expect(page.locator("svg.chart--small")).to_have_count(1)
    assert audit(page) == []


@pytest.fixture(scope="module")
def charted_measure(live_server):
    """A measure with twenty weeks of Maria's school's points (entered through the service)."""

    def setup():
        people = ("fran.charts@example.org", "maria.charts@example.org")
        fran, maria = (db.session.scalars(sa.select(User).where(User.email == e)).one()
                       for e in people)  # fmt: skip
        fields = measures.MeasureFields("Walkthroughs done", "process", "count", "weekly", "up")
        measure = measures.define_measure(fran, None, fields)
        monday = date.today() - timedelta(days=date.today().weekday() + 7 * 20)
        rows = [mp.PointInput(monday + timedelta(weeks=n), held)
                for n, held in enumerate(BEFORE + AFTER)]  # fmt: skip
        access = measures.get_measure_for(maria, measure.id)
        mp.record_points(maria, access, maria.school_id, rows)
        return measure.id

    return live_server.run(setup)


def test_on_a_phone_the_chart_keeps_a_readable_width_and_scrolls_sideways(
    live_server, new_page, measure_id, charted_measure
):
    page = new_page("maria.charts@example.org", width=390)
    page.goto(f"{live_server.url}/measures/{charted_measure}")
    box = page.locator(".chart-scroll").first
    expect(box).to_be_visible()
    chart = box.locator("svg.chart--full")
    assert chart.bounding_box()["width"] >= 560  # 36rem: its words stay readable
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page does not
    box.focus()
    page.keyboard.press("ArrowRight")  # the keyboard scrolls it (smoothly: wait for it)
    page.wait_for_function("el => el.scrollLeft > 0", arg=box.element_handle(), timeout=5_000)
    assert audit(page) == []
