"""Reading a school's points from the CSV files people save, and the CSV export."""

from __future__ import annotations

import codecs
import csv
import io
import time
from datetime import date

import pytest

from nic.errors import ValidationError
from nic.services import measure_csv, measure_listing, measures
from nic.services import measure_points as mp
from tests.factories import make_cycle_world

TODAY = date(2026, 12, 3)
READING = measures.MeasureFields("Reading on grade level", "outcome", "percent", "monthly", "up")
PLC = measures.MeasureFields("PLC meetings held", "process", "count", "weekly", "up")


@pytest.fixture
def world(app):
    return make_cycle_world()


@pytest.fixture
def plc(world):
    return measures.define_measure(world["fran"], None, PLC)


@pytest.fixture
def reading(world):
    return measures.define_measure(world["fran"], None, READING)


def parse(measure, text: str | bytes):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return measure_csv.parse_csv(measure, data)


def refusal(measure, data) -> str:
    with pytest.raises(ValidationError) as caught:
        parse(measure, data)
    assert list(caught.value.fields) == ["file"]
    return caught.value.fields["file"]


def check(world, measure, parsed):
    access = measures.get_measure_for(world["maria"], measure.id)
    return mp.check_points(world["maria"], access, world["lincoln"].id, parsed.points, TODAY)


def test_a_plain_file_gives_its_points_with_the_files_row_numbers(plc):
    parsed = parse(plc, "Week of,Value,Notes\n2026-03-02,3,\n\n2026-03-09,4,huddles began\n")
    assert [(p.period, p.value, p.note) for p in parsed.points] == [
        ("2026-03-02", "3", ""), ("2026-03-09", "4", "huddles began")]  # fmt: skip
    assert parsed.lines == [2, 4]  # the header is row 1; the blank row 3 still counts


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + b"period,value\n2026-03-02,3\n",
        "period,value\n2026-03-02,3\n".encode("utf-16"),  # with its BOM
        b"period;value\n2026-03-02;3\n",
        b"period\tvalue\n2026-03-02\t3\n",
        b"PERIOD_START , VALUE\n2026-03-02,3\n",
        b"Date,Count\r\n2026-03-02,3\r\n",
    ],
    ids=["utf8-bom", "utf16", "semicolons", "tabs", "odd-header-case", "crlf-count-alias"],
)
def test_the_files_excel_and_sheets_save_are_read(plc, data):
    parsed = parse(plc, data)
    assert [(p.period, p.value) for p in parsed.points] == [("2026-03-02", "3")]


def test_windows_1252_keeps_an_accented_note(world, plc):
    data = "period,value,note\n2026-03-02,3,Café with the ILT\n".encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    parsed = parse(plc, data)
    assert parsed.points[0].note == "Café with the ILT"
    assert check(world, plc, parsed).rows[0].values["note"] == "Café with the ILT"


def test_a_quoted_note_may_span_lines_and_rows_count_as_in_a_spreadsheet(plc):
    text = 'period,value,note\n2026-03-02,3,"first line\nsecond line"\n2026-03-09,4,\n'
    parsed = parse(plc, text)
    assert parsed.points[0].note == "first line\nsecond line"
    assert parsed.lines == [2, 3]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Week,Score\n2026-03-02,3\n", "This file's columns are Week, Score. A weekly count "
         "needs: period (or date, week) and value (or PLC meetings held); optional: note, "
         "cycle. Not known here: Score."),
        ("value,note\n3,x\n", "This file's columns are value, note."),
        ("period,value,school name\n2026-03-02,3,Lincoln\n", "Not known here: school name."),
        ("date,week,value\n2026-03-02,2026-03-02,3\n", "Given twice: week."),
    ],
    ids=["wrong-columns", "missing-period", "extra-unknown-column", "period-twice"],
)  # fmt: skip
def test_columns_it_cannot_use_are_named_with_what_is_expected(plc, text, expected):
    assert expected in refusal(plc, text)


def test_a_percent_needs_its_numerator_and_denominator(reading):
    message = refusal(reading, "month,value\n2026-03,70\n")
    assert message.startswith("This file's columns are month, value. A monthly percent needs:")
    assert "numerator (or count, met) and denominator (or total, of)" in message
    parsed = parse(reading, "Month,Met,Students tested\n2026-03,14,20\n")
    assert (parsed.points[0].numerator, parsed.points[0].denominator) == ("14", "20")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "This file is empty"),
        (b"\n\n  \n", "This file is empty"),
        (b"period,value\n", "column names but no rows"),
        (b"period,value\n,\n\n", "column names but no rows"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "(it looks like an Excel workbook)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "This is not a CSV file: in Excel choose File > Save"),
    ],
    ids=["empty", "blank-lines", "header-only", "header-and-blank-row", "xlsx", "binary"],
)
def test_a_file_that_holds_no_points_is_refused_clearly(plc, data, expected):
    assert expected in refusal(plc, data)


def test_a_huge_file_is_refused_without_building_all_its_rows(plc, monkeypatch):
    made = []
    real = measure_csv.PointInput

    def counting(*args, **kwargs):
        made.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(measure_csv, "PointInput", counting)
    data = b"period,value\n" + b"2026-03-02,3\n" * 100_000
    started = time.perf_counter()
    message = refusal(plc, data)
    assert time.perf_counter() - started < 2
    assert message.startswith(f"This file has more than {mp.MAX_ROWS:,} rows")
    assert len(made) == mp.MAX_ROWS  # stopped at the first row past the limit


def test_exactly_the_limit_is_read(plc):
    parsed = parse(plc, "period,value\n" + "2026-03-02,3\n" * mp.MAX_ROWS)
    assert len(parsed.points) == mp.MAX_ROWS


def row_errors(world, measure, text) -> dict[int, dict[str, str]]:
    parsed = parse(measure, text)
    with pytest.raises(mp.RowErrors) as caught:
        check(world, measure, parsed)
    return parsed.file_errors(caught.value)


def test_a_period_given_twice_names_both_rows_of_the_file(world, plc):
    errors = row_errors(world, plc, "period,value\n2026-03-02,3\n\n2026-03-04,4\n")
    assert errors == {4: {"period": "Week of 2 Mar 2026 is also on row 2: give each period once."}}


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("2026-03,15,12", "numerator", "The numerator (15) is more than the denominator (12)."),
        ("2026-03,3,0", "denominator", "The denominator must be more than 0."),
        ("2026-03,lots,12", "numerator", "Give the numerator"),
        ("2026-W10,3,12", "period", "This measure is monthly"),
    ],
    ids=["numerator-above-denominator", "denominator-zero", "not-a-number", "wrong-frequency"],
)
def test_bad_rows_are_reported_by_the_files_row_and_column(world, reading, row, field, message):
    errors = row_errors(world, reading, f"month,numerator,denominator\n2026-02,1,2\n\n{row}\n")
    assert list(errors) == [4]
    assert message in errors[4][field]


def test_a_weekly_file_with_months_is_refused_row_by_row(world, plc):
    errors = row_errors(world, plc, "period,value\n2026-03,3\nthree,x\n")
    assert "This measure is weekly" in errors[2]["period"]
    assert errors[3]["value"] == "Give a number, such as 80 or 2.5."


def test_read_upload_refuses_a_file_too_large(plc):
    with pytest.raises(ValidationError) as caught:
        measure_csv.read_upload(io.BytesIO(b"x" * (measure_csv.MAX_BYTES + 5)))
    assert "This file is too large: a CSV upload is at most 360 KB" in caught.value.message
    data = b"period,value\n2026-03-02,3\n"
    assert measure_csv.uncarry(measure_csv.carry(data)) == data
    with pytest.raises(ValidationError):
        measure_csv.uncarry("not base64!")


def test_the_export_opens_in_excel_and_guards_against_formulas(world, reading):
    access = measures.get_measure_for(world["maria"], reading.id)
    mp.record_points(world["maria"], access, world["lincoln"].id, [
        mp.PointInput("2026-02", numerator=7, denominator=20, note="=HYPERLINK(\"x\")"),
        mp.PointInput("2026-03", numerator=14, denominator=20, note="Café; grade 3"),
    ], TODAY)  # fmt: skip
    body = measure_csv.export_csv(reading, measure_listing.export_rows(reading.id))
    assert body.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [
        ["school", "period", "period label", "value", "numerator", "denominator", "note",
         "cycle id"],
        ["Lincoln Elementary", "2026-02-01", "Feb 2026", "35", "7", "20",
         "'=HYPERLINK(\"x\")", ""],
        ["Lincoln Elementary", "2026-03-01", "Mar 2026", "70", "14", "20", "Café; grade 3", ""],
    ]  # fmt: skip


def test_a_count_column_headed_with_the_measures_own_name_is_its_value(world):
    plc = measures.define_measure(world["fran"], None, PLC)
    parsed = parse(plc, "Week of,PLC Meetings Held\n2026-03-02,4\n")
    assert [(p.period, p.value) for p in parsed.points] == [("2026-03-02", "4")]
