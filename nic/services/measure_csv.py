"""A school's points on a measure as a CSV file: read an upload, write an export.

An upload is what a principal saves from Excel or Google Sheets, read by
nic.services.csv_files (encodings, delimiters, row numbers as a spreadsheet shows
them, a cap of MAX_ROWS rows); here are the columns a measure's file has ("Week of",
"Total") and what each row gives.
"""

from __future__ import annotations

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
from nic.services import csv_files
from nic.services.measure_points import MAX_ROWS, PointInput, RowErrors

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
MAX_BYTES = csv_files.MAX_BYTES  # 2,000 rows with notes fit easily
carry, uncarry = csv_files.carry, csv_files.uncarry


def read_upload(stream: IO[bytes]) -> bytes:
    """An uploaded file's bytes; raises ValidationError("file") past MAX_BYTES."""
    return csv_files.read_upload(stream, MAX_BYTES, f"about {MAX_ROWS:,} rows")


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


def _aliases(measure: Measure) -> dict[str, str]:
    """Each known column name -> the field it fills, for this measure's unit."""
    fields = ("period", "numerator", "denominator") if measure.has_parts else ("period", "value")
    found = {alias: field for field in fields + OPTIONAL for alias in ALIASES[field]}
    if not measure.has_parts:
        # A spreadsheet often heads the column with the measure's own name or its unit.
        named = {csv_files.normal(measure.name), csv_files.normal(measure.unit_label or "")}
        named -= {""}
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


def _columns(measure: Measure, header: list[str]) -> csv_files.Columns:
    """The header's columns; raises ValidationError("file") naming what is there and what
    is expected when a needed column is missing, or a column is unknown or twice."""
    columns = csv_files.match_columns(header, _aliases(measure))
    required = ("period", "numerator", "denominator") if measure.has_parts else ("period", "value")
    missing = [f for f in required if f not in columns.found]
    if missing or columns.unknown or columns.twice:
        names = ", ".join(n.strip() for n in header if n.strip())
        extra = f" Not known here: {', '.join(columns.unknown)}." if columns.unknown else ""
        extra += f" Given twice: {', '.join(columns.twice)}." if columns.twice else ""
        raise ValidationError("file", f"This file's columns are {names}. {_needs(measure)}{extra}")
    return columns


def parse_csv(measure: Measure, data: bytes) -> ParsedFile:
    """The points an uploaded CSV gives for `measure` (raw: check_points checks each).

    Raises ValidationError("file", message) for a file that is not a CSV, is empty, has
    only its header, has columns this measure cannot use, or has more than MAX_ROWS rows.
    """
    too_many = (f"This file has more than {MAX_ROWS:,} rows of points; one upload "
                f"takes up to {MAX_ROWS:,}. Split it into smaller files.")  # fmt: skip
    found = csv_files.rows(data, MAX_ROWS, too_many)
    _number, header = next(found)
    columns = _columns(measure, header)
    points: list[PointInput] = []
    lines: list[int] = []
    for number, row in found:
        cycle = columns.cell(row, "cycle")
        points.append(
            PointInput(
                period=columns.cell(row, "period"),
                value=columns.cell(row, "value"),
                numerator=columns.cell(row, "numerator"),
                denominator=columns.cell(row, "denominator"),
                note=columns.cell(row, "note") or "",
                cycle_id=cycle.lstrip("#") if cycle else None,
            )
        )
        lines.append(number)
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
