"""Measure pages: the list, defining a measure, its page, a school's points, CSV upload."""

from __future__ import annotations

import base64
import codecs
import csv
import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.models import Measure, MeasurePoint, User
from nic.services import cycles, measure_csv, measures
from nic.services import driver_diagrams as dd
from nic.services import measure_points as mp
from tests.factories import make_cycle_world, make_group_change_idea, make_school, make_user

READING = measures.MeasureFields(
    "Reading on grade level", "outcome", "percent", "monthly", "up",
    "Students at or above benchmark, **of those tested**.", goal=70,
)  # fmt: skip
PLC = measures.MeasureFields("PLC meetings held", "process", "count", "weekly", "up")
MEASURE_FORM = {"name": "Chronic absence", "kind": "balancing", "unit": "percent",
                "frequency": "monthly", "direction": "down", "definition": "Missed 10%+",
                "baseline_points": "12", "goal": "", "rate_per": "", "unit_label": ""}  # fmt: skip


@pytest.fixture
def world(app):
    world = make_cycle_world()
    world["admin"] = make_user("Ada Admin", admin=True)
    world["reading"] = measures.define_measure(world["fran"], None, READING)
    return world


def text(response) -> str:
    return response.get_data(as_text=True)


def enter(world, measure, school, *rows, user=None):
    user = user or world["maria"]
    access = measures.get_measure_for(user, measure.id)
    return mp.record_points(user, access, school.id, [mp.PointInput(*r) for r in rows])


def points(measure, school) -> list[tuple]:
    return [tuple(r) for r in db.session.execute(
        sa.select(MeasurePoint.period, MeasurePoint.numerator, MeasurePoint.denominator)
        .where(MeasurePoint.measure_id == measure.id, MeasurePoint.school_id == school.id)
        .order_by(MeasurePoint.period)
    )]  # fmt: skip


# ---------- the list ----------


def test_the_list_shows_each_measure_with_its_links_and_reporting(login, world):
    measures.update_measure(world["fran"], measures.get_measure_for(world["fran"],
                            world["reading"].id), measures.MeasureFields(
        **{**READING.__dict__, "node_ids": (world["idea"].id,)}), 1)  # fmt: skip
    enter(world, world["reading"], world["lincoln"], ("2026-02", None, 7, 20),
          ("2026-03", None, 9, 20))  # fmt: skip
    group, _idea = make_group_change_idea([world["james"]])
    lee = db.session.scalar(sa.select(User).where(User.name == "Lee Lead"))
    measures.define_measure(lee, group.id, PLC)
    page = text(login(world["maria"]).get("/measures"))
    assert "Reading on grade level" in page and "Data huddles" in page
    assert "1 school reported · latest: Mar 2026" in page
    assert "Huddle ILT" not in page and "PLC meetings held" not in page
    assert "Define a measure" not in page
    client = login(world["james"])
    page = text(client.get("/measures"))
    assert "Huddle ILT" in page and "PLC meetings held" in page


def test_a_facilitator_sees_the_define_button(login, world):
    assert "Define a measure" in text(login(world["fran"]).get("/measures"))


# ---------- defining and changing ----------


def test_a_facilitator_defines_a_measure_with_its_links(login, world):
    client = login(world["fran"])
    form = text(client.get("/measures/new"))
    assert "Data huddles" in form and "Only for a rate" in form
    sent = client.post_form("/measures/new", dict(MEASURE_FORM, node_ids=[world["idea"].id]))
    assert sent.status_code == 302
    measure_id = int(re.search(r"/measures/(\d+)$", sent.headers["Location"]).group(1))
    page = text(client.get(f"/measures/{measure_id}"))
    assert "Chronic absence" in page and "Lower is better" in page and "Data huddles" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "cannot be empty"),
        ({"goal": "lots"}, "Give a number"),
        ({"goal": "140"}, "A percent goal is from 0 to 100."),
        ({"baseline_points": "2"}, "from 4 to 60"),
        ({"unit": ""}, "Must be one of"),
    ],
)
def test_a_bad_definition_is_reshown_with_the_text_kept(login, world, change, message):
    client = login(world["fran"])
    sent = client.post_form("/measures/new", dict(MEASURE_FORM, definition="Kept text", **change))
    assert sent.status_code == 400
    assert message in text(sent) and "Kept text</textarea>" in text(sent)
    assert 'aria-invalid="true"' in text(sent)


def test_only_facilitators_define_and_change_measures(login, world):
    client = login(world["maria"])
    assert client.post_form("/measures/new", MEASURE_FORM).status_code == 403
    reading = world["reading"].id
    assert client.post_form(f"/measures/{reading}/edit", MEASURE_FORM).status_code == 403
    assert client.post_form(f"/measures/{reading}/archive").status_code == 403
    assert db.session.get(Measure, reading).archived_at is None


def test_a_stale_edit_shows_the_saved_measure_and_says_so(login, world):
    client = login(world["fran"])
    url = f"/measures/{world['reading'].id}/edit"
    assert 'value="Reading on grade level"' in text(client.get(url))
    base = dict(MEASURE_FORM, unit="percent", frequency="monthly", version="1")
    assert client.post_form(url, dict(base, name="Theirs")).status_code == 302
    page = client.post_form(url, dict(base, name="Mine"))
    assert page.status_code == 409
    assert "Someone saved this measure since you opened it" in text(page)
    assert 'value="Theirs"' in text(page) and 'name="version" type="hidden" value="2"' in text(page)


def test_a_facilitator_retires_a_measure(login, world):
    client = login(world["fran"])
    assert client.post_form(f"/measures/{world['reading'].id}/archive").status_code == 302
    assert "Reading on grade level" not in text(client.get("/measures"))
    page = text(client.get(f"/measures/{world['reading'].id}"))
    assert "Retired" in page and "Save the point" not in page
    refused = login(world["maria"]).post_form(f"/measures/{world['reading'].id}/points", {
        "period": "2026-03", "numerator": "1", "denominator": "2"})  # fmt: skip
    assert refused.status_code == 403 and "This measure is retired" in text(refused)
    assert points(world["reading"], world["lincoln"]) == []


# ---------- the measure page and the quick form ----------


def test_the_measure_page_shows_each_schools_latest_point(login, world):
    enter(world, world["reading"], world["lincoln"], ("2026-02", None, 7, 20),
          ("2026-03", None, 9, 20))  # fmt: skip
    page = text(login(world["james"]).get(f"/measures/{world['reading'].id}"))
    assert "<strong>of those tested</strong>" in page and "Goal" in page
    school_url = f"/measures/{world['reading'].id}/schools/{world['lincoln'].id}"
    assert f'<a href="{school_url}">Lincoln Elementary</a>' in page
    assert "<td>Mar 2026</td>" in page and '<td class="numeric">45%</td>' in page
    assert '<td class="numeric">2</td>' in page
    assert "Export CSV" in page and "Save the point" in page  # James enters Harbor View's


def test_the_quick_form_enters_a_point_for_ones_own_school(login, world):
    cycle = cycles.plan_cycle(world["maria"], dd.get_node_for(world["maria"], world["idea"].id),
                              cycles.NewCycle(world["lincoln"].id),
                              cycles.PlanFields("Exit tickets"))  # fmt: skip
    client = login(world["maria"])
    url = f"/measures/{world['reading'].id}"
    page = text(client.get(url))
    assert f'<option value="{cycle.id}">Exit tickets</option>' in page
    sent = client.post_form(f"{url}/points", {"school_id": world["lincoln"].id,
                            "period": "2026-03-12", "numerator": "14", "denominator": "20",
                            "note": "Café huddles", "cycle_id": cycle.id})  # fmt: skip
    assert sent.status_code == 302
    school = text(client.get(sent.headers["Location"]))
    assert "Mar 2026 saved." in school and "Café huddles" in school
    assert f'<a href="/cycles/{cycle.id}">Exit tickets</a>' in school and "Maria Lopez" in school
    assert points(world["reading"], world["lincoln"])[0][1:] == (14, 20)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"period": "soon"}, "This measure is monthly"),
        ({"period": "2099-01"}, "That period has not begun yet."),
        ({"numerator": "25"}, "The numerator (25) is more than the denominator (20)."),
        ({"denominator": "0"}, "The denominator must be more than 0."),
        ({"numerator": "many"}, "Give the numerator"),
        ({"cycle_id": "99999"}, "Choose one of your school&#39;s PDSA cycles."),
    ],
)
def test_a_bad_point_is_reshown_with_the_text_kept(login, world, change, message):
    client = login(world["maria"])
    data = {"school_id": world["lincoln"].id, "period": "2026-03", "numerator": "14",
            "denominator": "20", "note": "Kept note", **change}  # fmt: skip
    sent = client.post_form(f"/measures/{world['reading'].id}/points", data)
    assert sent.status_code == 400
    assert message in text(sent) and 'value="Kept note"' in text(sent)
    assert points(world["reading"], world["lincoln"]) == []


def test_a_point_is_entered_only_by_its_schools_team(login, world):
    url = f"/measures/{world['reading'].id}/points"
    data = {"school_id": world["lincoln"].id, "period": "2026-03", "numerator": "1",
            "denominator": "2"}  # fmt: skip
    client = login(world["james"])
    assert client.post_form(url, data).status_code == 403  # another school's: refused
    assert points(world["reading"], world["lincoln"]) == []
    fran = login(world["fran"])  # a facilitator with no school enters none
    assert "Save the point" not in text(fran.get(f"/measures/{world['reading'].id}"))
    assert fran.post_form(url, data).status_code == 403
    admin = login(world["admin"])
    assert admin.post_form(url, data).status_code == 302
    assert len(points(world["reading"], world["lincoln"])) == 1


def test_re_entering_prefills_the_form_and_updates_the_point(login, world):
    enter(world, world["reading"], world["lincoln"], ("2026-03", None, 9, 20))
    point = db.session.scalar(sa.select(MeasurePoint))
    other = text(login(world["james"]).get(f"/measures/{world['reading'].id}?point={point.id}"))
    assert "Re-enter a point" not in other and 'value="2026-03-01"' not in other
    client = login(world["maria"])
    page = text(client.get(f"/measures/{world['reading'].id}?point={point.id}"))
    assert "Re-enter a point" in page and 'value="2026-03-01"' in page and 'value="9"' in page
    client.post_form(f"/measures/{world['reading'].id}/points", {
        "school_id": world["lincoln"].id, "period": "2026-03-01", "numerator": "11",
        "denominator": "20"})  # fmt: skip
    assert points(world["reading"], world["lincoln"])[0][1:] == (11, 20)


def test_the_measure_page_draws_the_networks_chart_and_each_schools_small(login, world):
    months = [f"2025-{m:02d}" for m in range(1, 13)] + [f"2026-{m:02d}" for m in range(1, 8)]
    met = [8, 9, 8, 10, 9, 8, 9, 9, 8, 10, 9, 8, 13, 14, 13, 15, 14, 14, 15]  # then a shift
    enter(world, world["reading"], world["lincoln"],
          *[(m, None, n, 20) for m, n in zip(months, met, strict=True)])  # fmt: skip
    enter(world, world["reading"], world["harbor"], ("2026-03", None, 9, 20), user=world["james"])
    page = text(login(world["james"]).get(f"/measures/{world['reading'].id}"))
    assert page.count('class="chart chart--full"') == 1  # the network's
    assert page.count('class="chart chart--small"') == 2  # one per school reporting
    assert "Shift: 7 points above the median, since Jan 2026" in page
    assert 'href="/static/css/charts.css"' in page
    # A network measure's signal may be taken to a group of the viewer's; none here.
    assert "Start a thread about it" not in page


def test_a_schools_page_draws_its_chart_and_its_team_re_bases_it(login, world):
    weeks = [date(2026, 3, 2) + timedelta(weeks=i) for i in range(14)]
    plc = measures.define_measure(world["fran"], None, measures.MeasureFields(
        "PLC meetings held", "process", "count", "weekly", "up"))  # fmt: skip
    values = [2, 3, 2, 4, 3, 2, 9, 9, 8, 9, 9, 9, 9, 8]
    enter(world, plc, world["lincoln"], *zip(weeks, values, strict=True))
    url = f"/measures/{plc.id}/schools/{world['lincoln'].id}"
    other = text(login(world["james"]).get(url))
    assert 'class="chart chart--full"' in other and "Base the chart" not in other
    assert "The numbers behind this chart" in other
    client = login(world["maria"])
    assert "Base the chart" in text(client.get(url))
    bad = client.post_form(f"/measures/{plc.id}/schools/{world['lincoln'].id}/phases",
                           {"starts": "2026-04-13", "baseline_until": "2026-03-02"})  # fmt: skip
    assert bad.status_code == 400
    assert "The baseline ends before the phase begins" in text(bad)
    assert 'value="2026-04-13"' in text(bad)  # the text as typed
    done = client.post_form(f"/measures/{plc.id}/schools/{world['lincoln'].id}/phases",
                            {"starts": "2026-03-02", "baseline_until": "2026-04-06",
                             "reason": "Before huddles"})  # fmt: skip
    assert done.status_code == 302
    page = text(client.get(url))
    assert "Shift: 8 points above the median, since Week of 13 Apr 2026" in page
    assert "Before huddles" in page


# ---------- a school's points ----------


def test_a_schools_page_lists_its_points_and_its_team_deletes_one(login, world):
    enter(world, world["reading"], world["lincoln"], ("2026-03", None, 9, 20, "=cmd"))
    point = db.session.scalar(sa.select(MeasurePoint))
    url = f"/measures/{world['reading'].id}/schools/{world['lincoln'].id}"
    page = text(login(world["james"]).get(url))
    assert '<caption id="points-caption">Lincoln Elementary\'s points' in page
    assert '<th scope="row">Mar 2026</th>' in page and "Delete" not in page
    delete = f"/measures/{world['reading'].id}/points/{point.id}/delete"
    assert login(world["james"]).post_form(delete).status_code == 403
    client = login(world["maria"])
    assert "Re-enter" in text(client.get(url))
    assert client.post_form(delete).status_code == 302
    assert points(world["reading"], world["lincoln"]) == []
    assert client.get(f"/measures/{world['reading'].id}/schools/99999").status_code == 404


# ---------- private groups ----------


def test_a_private_groups_measure_is_a_404_to_outsiders_everywhere(login, world):
    group, _idea = make_group_change_idea([world["james"]])
    lee = db.session.scalar(sa.select(User).where(User.name == "Lee Lead"))
    measure = measures.define_measure(lee, group.id, PLC)
    enter(world, measure, world["harbor"], ("2026-03-02", 3), user=world["james"])
    base = f"/measures/{measure.id}"
    insider = login(world["james"])
    assert insider.get(base).status_code == 200
    client = login(world["maria"])
    for url in (base, f"{base}/edit", f"{base}/schools/{world['harbor'].id}",
                f"{base}/export.csv", f"{base}/upload"):  # fmt: skip
        assert client.get(url).status_code == 404, url
    for url in (f"{base}/archive", f"{base}/points", f"{base}/upload", f"{base}/upload/confirm"):
        assert client.post_form(url, {}).status_code == 404, url
    assert client.get(f"/measures/new?group_id={group.id}").status_code == 404


# ---------- CSV upload ----------


def upload(client, measure, body: bytes, **data):
    sent = {"file": (io.BytesIO(body), "points.csv"), **data}
    return client.post_form(f"/measures/{measure.id}/upload", sent,
                            content_type="multipart/form-data")  # fmt: skip


def confirm_data(page: str) -> dict:
    content = re.search(r'name="content" type="hidden" value="([^"]+)"', page).group(1)
    school = re.search(r'name="school_id" type="hidden" value="(\d+)"', page).group(1)
    return {"content": content, "school_id": school}


FILE = b"Month,Met,Students tested,Notes\n2026-02,7,20,\n\n2026-03,9,20,huddles began\n"


def test_an_upload_is_previewed_then_saved_and_re_uploading_updates(login, world):
    client = login(world["maria"])
    assert "Upload points from a CSV file" in text(
        client.get(f"/measures/{world['reading'].id}/upload")
    )
    preview = upload(client, world["reading"], FILE)
    page = text(preview)
    assert preview.status_code == 200 and "Nothing is saved yet" in page
    assert (
        "<strong>2</strong> new points" in page and '<th scope="row" class="numeric">4</th>' in page
    )
    assert points(world["reading"], world["lincoln"]) == []  # the preview saves nothing
    saved = client.post_form(f"/measures/{world['reading'].id}/upload/confirm", confirm_data(page))
    assert saved.status_code == 302
    assert "Saved: 2 new, 0 updated, 0 unchanged." in text(client.get(saved.headers["Location"]))
    again = text(upload(client, world["reading"], FILE.replace(b"9,20", b"12,20")))
    assert "<strong>0</strong> new points" in again and "<strong>1</strong> to update" in again
    client.post_form(f"/measures/{world['reading'].id}/upload/confirm", confirm_data(again))
    assert points(world["reading"], world["lincoln"])[1][1:] == (12, 20)
    assert len(points(world["reading"], world["lincoln"])) == 2


def test_a_file_of_the_most_rows_travels_to_the_confirm_step_whole(login, world):
    """2,000 rows with long notes: the carried file stays under the form-field memory limit."""
    terms = measures.define_measure(world["fran"], None, measures.MeasureFields(
        "Family conferences held", "process", "count", "term", "up"))  # fmt: skip
    start = date(2000, 1, 1)
    rows = [f"{start + timedelta(days=i)},{i % 10},{'n' * 150}" for i in range(mp.MAX_ROWS)]
    body = ("period,value,note\n" + "\n".join(rows)).encode()
    assert 300_000 < len(body) < measure_csv.MAX_BYTES
    client = login(world["maria"])
    page = text(upload(client, terms, body))
    assert "<strong>2,000</strong> new points" in page
    saved = client.post_form(f"/measures/{terms.id}/upload/confirm", confirm_data(page))
    assert saved.status_code == 302
    assert len(points(terms, world["lincoln"])) == mp.MAX_ROWS


def test_the_confirm_step_checks_the_file_again(login, world):
    client = login(world["maria"])
    page = text(upload(client, world["reading"], FILE))
    data = confirm_data(page)
    bad = b"Month,Met,Students tested\n2026-03,30,20\n"
    data["content"] = base64.b64encode(bad).decode()
    refused = client.post_form(f"/measures/{world['reading'].id}/upload/confirm", data)
    assert refused.status_code == 400 and "more than the denominator" in text(refused)
    harbor = confirm_data(page) | {"school_id": world["harbor"].id}  # another school's
    url = f"/measures/{world['reading'].id}/upload/confirm"
    assert client.post_form(url, harbor).status_code == 403
    assert points(world["reading"], world["lincoln"]) == []
    assert points(world["reading"], world["harbor"]) == []


def test_an_upload_with_bad_rows_lists_them_by_the_files_rows(login, world):
    client = login(world["maria"])
    body = b"Month,Met,Students tested\n2026-02,7,20\n2026-02,8,20\n\n2026-03,30,20\n"
    sent = upload(client, world["reading"], body)
    page = text(sent)
    assert sent.status_code == 400 and "2 rows have problems; nothing was saved." in page
    assert "Feb 2026 is also on row 2: give each period once." in page
    assert '<th scope="row" class="numeric">5</th><td>Numerator</td>' in page
    assert points(world["reading"], world["lincoln"]) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"Week,Score\n2026-03-02,3\n", "This file&#39;s columns are Week, Score."),
        (b"PK\x03\x04" + b"\x00" * 30, "it looks like an Excel workbook"),
        (b"", "Choose the CSV file to upload."),
        (b"x" * 400_000, "This file is too large: a CSV upload is at most 360 KB"),
    ],
    ids=["columns", "xlsx", "empty", "too-large"],
)
def test_a_file_it_cannot_read_is_reshown_with_a_clear_message(login, world, body, message):
    sent = upload(login(world["maria"]), world["reading"], body)
    assert sent.status_code == 400 and message in text(sent)


def test_only_a_schools_team_uploads_and_admins_choose_the_school(login, world):
    url = f"/measures/{world['reading'].id}/upload"
    assert login(world["fran"]).get(url).status_code == 403
    admin = login(world["admin"])
    assert "Choose the school" in text(admin.get(url))
    page = text(upload(admin, world["reading"], FILE, school_id=world["harbor"].id))
    assert "For Harbor View:" in page


# ---------- export ----------


def test_the_export_has_every_point_with_the_formula_guard(login, world):
    enter(world, world["reading"], world["lincoln"], ("2026-03", None, 9, 20, "@SUM(A1)"))
    enter(world, world["reading"], world["harbor"], ("2026-03", None, 5, 10),
          user=world["james"])  # fmt: skip
    response = login(world["fran"]).get(f"/measures/{world['reading'].id}/export.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["Harbor View", "Lincoln Elementary"]
    assert rows[2][3:7] == ["45", "9", "20", "'@SUM(A1)"]


# ---------- query counts ----------


def build(world, name: str, n_schools: int, n_points: int) -> tuple[Measure, int]:
    """A measure with `n_schools` schools (each with its principal) of `n_points` monthly
    points each; returns it and its first school's id."""
    measure = measures.define_measure(world["fran"], None, measures.MeasureFields(
        **{**READING.__dict__, "name": name, "node_ids": (world["idea"].id,)}))  # fmt: skip
    first = None
    for _ in range(n_schools):
        school = make_school()
        first = first or school.id
        person = make_user(school=school)
        rows = [(f"{2020 + i // 12}-{i % 12 + 1:02}", None, i % 10, 10, f"Note {i}")
                for i in range(n_points)]  # fmt: skip
        enter(world, measure, school, *rows, user=person)
    return measure, first


def test_measure_pages_run_the_same_queries_whatever_their_size(login, count_queries, world):
    client = login(world["maria"])

    def counts(measure: Measure, school_id: int) -> list[int]:
        found = []
        for url in ("/measures", f"/measures/{measure.id}",
                    f"/measures/{measure.id}/schools/{school_id}"):  # fmt: skip
            with count_queries() as counter:
                response = client.get(url)
            assert response.status_code == 200, url
            found.append(counter.count)
        return found

    small = counts(*build(world, "Small", 2, 5))
    for n in range(3):
        build(world, f"More {n}", 2, 3)
    big = counts(*build(world, "Big", 8, 40))
    assert small == big, (small, big)
    assert max(big) <= 14, big
