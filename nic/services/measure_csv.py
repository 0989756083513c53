"""A school's points on a measure as a CSV file: read an upload, write an export.

An upload is what a principal saves from Excel or Google Sheets: UTF-8 (with or
without a BOM), Windows-1252 (Excel on Windows), or UTF-16 with a BOM; commas,
semicolons or tabs; columns named as people name them ("Week of", "Total").
Rows are read one at a time and refused past MAX_ROWS, so a huge file is never
held as objects. Row numbers are the file's as a spreadsheet shows them: the
header is row 1, the first data row is row 2, and blank rows count too.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from nic.errors import ValidationError
from nic.models import Measure, MeasurePoint
from nic.models.measures import Frequency, period_label
from nic.services.measure_points import MAX_ROWS, PointInput, RowErrors

NOT_CSV = (
    "This is not a CSV file{what}: in Excel choose File > Save As > CSV UTF-8, then upload that."
)
EMPTY = "This file is empty: save your sheet as CSV, with its column names in row 1."
HEADER_ONLY = "This file has its column names but no rows of points under them."
# What each column is called in the sheets people keep (compared lower case, spaced).
ALIASES = {
    "period": ("period", "date", "week", "month", "term", "period start", "week of",
               "month of", "term start"),
    "value": ("value",),
    "numerator": ("numerator", "count", "number", "met"),
    "denominator": ("denominator", "total", "of", "students tested", "exposure"),
    "note": ("note", "notes", "comment", "comments"),
    "cycle": ("cycle", "cycle id", "pdsa cycle", "pdsa cycle id"),
}  # fmt: skip
# A count or an average has no parts: "count" or "number" there is its value.
VALUE_ALIASES = ("value", "count", "number")
OPTIONAL = ("note", "cycle")
_FREQUENCY_WORD = {Frequency.WEEKLY.value: "weekly", Frequency.MONTHLY.value: "monthly",
                   Frequency.TERM.value: "per-term"}  # fmt: skip
_AN_INJECTION = ("=", "+", "-", "@", "\t", "\r")
_DUPLICATE = re.compile(r"is also on row (\d+)")
# A file is carried to the confirm step inside the form (base64, under the form-field
# memory limit, MAX_FORM_MEMORY_SIZE 500 KB): 2,000 rows with notes fit easily.
MAX_BYTES = 360_000


def read_upload(stream: IO[bytes]) -> bytes:
    """An uploaded file's bytes; raises ValidationError("file") past MAX_BYTES (reading no
    more than one byte beyond it)."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(
            "file", f"This file is too large: a CSV upload is at most {MAX_BYTES // 1000} KB "
            f"(about {MAX_ROWS:,} rows). Split it into smaller files.",
        )  # fmt: skip
    if not data:
        raise ValidationError("file", "Choose the CSV file to upload.")
    return data


def carry(data: bytes) -> str:
    """A checked file as text for the confirm form, byte for byte (row numbers stay)."""
    return base64.b64encode(data).decode("ascii")


def uncarry(text: str | None) -> bytes:
    """The file the confirm form carried; raises ValidationError("file") if it is not one."""
    try:
        data = base64.b64decode(text or "", validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not data or len(data) > MAX_BYTES:
        raise ValidationError("file", "The checked file did not come back: upload it again.")
    return data


@dataclass(frozen=True)
class ParsedFile:
    """The points of a file, and the file row each came from (`lines[i]` for point i)."""

    points: list[PointInput]
    lines: list[int]

    def file_row(self, batch_number: int) -> int:
        """The file row of a batch's row number (check_points counts from 1, in order)."""
        return self.lines[batch_number - 1]

    def file_errors(self, errors: RowErrors) -> dict[int, dict[str, str]]:
        """RowErrors' rows renumbered as the file's rows, messages naming rows included."""

        def renumber(message: str) -> str:
            return _DUPLICATE.sub(lambda m: f"is also on row {self.file_row(int(m[1]))}", message)

        return {
            self.file_row(n): {f: renumber(m) for f, m in fields.items()}
            for n, fields in errors.rows.items()
        }


def decode(data: bytes) -> str:
    """The file's text; raises ValidationError("file") for a workbook or other binary."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ValidationError("file", NOT_CSV.format(what="")) from None
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ValidationError("file", NOT_CSV.format(what=" (it looks like an Excel workbook)"))
    if b"\x00" in data[:65536]:
        raise ValidationError("file", NOT_CSV.format(what=""))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _normal(name: str) -> str:
    return " ".join(name.replace("_", " ").replace("-", " ").lower().split())


def _delimiter(text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    return max((",", ";", "\t"), key=header.count)


def _aliases(measure: Measure) -> dict[str, str]:
    """Each known column name -> the field it fills, for this measure's unit."""
    fields = ("period", "numerator", "denominator") if measure.has_parts else ("period", "value")
    found = {alias: field for field in fields + OPTIONAL for alias in ALIASES[field]}
    if not measure.has_parts:
        # A spreadsheet often heads the column with the measure's own name or its unit.
        named = {_normal(measure.name), _normal(measure.unit_label or "")} - {""}
        found |= dict.fromkeys((*VALUE_ALIASES, *named), "value")
    return found


def _needs(measure: Measure) -> str:
    """What a file for this measure needs, as a person reads it."""
    kind = f"{_FREQUENCY_WORD[measure.frequency]} {measure.unit}"
    article = "An" if kind[0] in "aeiou" else "A"
    if measure.has_parts:
        needed = "period (or date, week), numerator (or count, met) and denominator (or total, of)"
    else:
        needed = f"period (or date, week) and value (or {measure.name})"
    return f"{article} {kind} needs: {needed}; optional: note, cycle."


def _columns(measure: Measure, header: list[str]) -> dict[str, int]:
    """Field -> column index; raises ValidationError("file") naming what is there and what
    is expected when a needed column is missing, or a column is unknown or twice."""
    known = _aliases(measure)
    columns: dict[str, int] = {}
    unknown, twice = [], []
    for index, name in enumerate(header):
        field = known.get(_normal(name))
        if not name.strip():
            continue
        if field is None:
            unknown.append(name.strip())
        elif field in columns:
            twice.append(name.strip())
        else:
            columns[field] = index
    required = ("period", "numerator", "denominator") if measure.has_parts else ("period", "value")
    missing = [f for f in required if f not in columns]
    if missing or unknown or twice:
        names = ", ".join(n.strip() for n in header if n.strip())
        extra = f" Not known here: {', '.join(unknown)}." if unknown else ""
        extra += f" Given twice: {', '.join(twice)}." if twice else ""
        raise ValidationError("file", f"This file's columns are {names}. {_needs(measure)}{extra}")
    return columns


def _cell(row: list[str], columns: dict[str, int], field: str) -> str | None:
    index = columns.get(field)
    if index is None or index >= len(row):
        return None
    return row[index].strip()


def parse_csv(measure: Measure, data: bytes) -> ParsedFile:
    """The points an uploaded CSV gives for `measure` (raw: check_points checks each).

    Raises ValidationError("file", message) for a file that is not a CSV, is empty, has
    only its header, has columns this measure cannot use, or has more than MAX_ROWS rows.
    """
    text = decode(data)
    if not text.strip():
        raise ValidationError("file", EMPTY)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    header: list[str] | None = None
    points: list[PointInput] = []
    lines: list[int] = []
    columns: dict[str, int] = {}
    try:
        for number, row in enumerate(reader, start=1):
            if not any(cell.strip() for cell in row):
                continue  # a blank row: it still counts, as a spreadsheet numbers it
            if header is None:
                header = row
                columns = _columns(measure, header)
                continue
            if len(points) == MAX_ROWS:
                raise ValidationError(
                    "file", f"This file has more than {MAX_ROWS:,} rows of points; one upload "
                    f"takes up to {MAX_ROWS:,}. Split it into smaller files.",
                )  # fmt: skip
            cycle = _cell(row, columns, "cycle")
            points.append(
                PointInput(
                    period=_cell(row, columns, "period"),
                    value=_cell(row, columns, "value"),
                    numerator=_cell(row, columns, "numerator"),
                    denominator=_cell(row, columns, "denominator"),
                    note=_cell(row, columns, "note") or "",
                    cycle_id=cycle.lstrip("#") if cycle else None,
                )
            )
            lines.append(number)
    except csv.Error:
        raise ValidationError(
            "file", "This file cannot be read as CSV: save it from your spreadsheet again."
        ) from None
    if header is None:
        raise ValidationError("file", EMPTY)
    if not points:
        raise ValidationError("file", HEADER_ONLY)
    return ParsedFile(points, lines)


def _guard(text: str) -> str:
    """A text cell Excel would run as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(_AN_INJECTION) else text


def number_text(value: float | None) -> str:
    """A stored number as plain text (no thousands separator, no trailing .0)."""
    return "" if value is None else f"{value:.10g}"


EXPORT_HEADER = ["school", "period", "period label", "value", "numerator", "denominator",
                 "note", "cycle id"]  # fmt: skip


def export_csv(measure: Measure, rows: Iterable[tuple[MeasurePoint, str]]) -> bytes:
    """Every point given (each with its school's name) as CSV with a UTF-8 BOM, so Excel
    opens it as UTF-8. Text cells (school, note) are guarded against formulas; the numbers
    are written here, so a negative average stays a number."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER)
    for point, school in rows:
        writer.writerow([
            _guard(school), point.period.isoformat(), period_label(measure.frequency, point.period),
            number_text(point.value), number_text(point.numerator),
            number_text(point.denominator),
            _guard(point.note or ""), point.cycle_id or "",
        ])  # fmt: skip
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")
