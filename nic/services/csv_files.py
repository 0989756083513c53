"""What every CSV upload shares: its bytes, its text, its rows and its column names.

A file is what people save from Excel or Google Sheets or export from a student
information system: UTF-8 (with or without a BOM), Windows-1252 (Excel on Windows), or
UTF-16 with a BOM; commas, semicolons or tabs; columns named as people name them. Rows
are read one at a time and refused past a cap, so a huge file is never held as objects.
Row numbers are the file's as a spreadsheet shows them: the header is row 1, and blank
rows count too. A checked file travels to the confirm step inside the form (`carry`),
so no state is kept between the preview and the save.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from nic.errors import ValidationError

NOT_CSV = (
    "This is not a CSV file{what}: in Excel choose File > Save As > CSV UTF-8, then upload that."
)
EMPTY = "This file is empty: save your sheet as CSV, with its column names in row 1."
UNREADABLE = "This file cannot be read as CSV: save it from your spreadsheet again."
# A file is carried to the confirm step inside the form (base64, under the form-field
# memory limit, MAX_FORM_MEMORY_SIZE 500 KB).
MAX_BYTES = 360_000


def read_upload(stream: IO[bytes], max_bytes: int = MAX_BYTES, rows_hint: str = "") -> bytes:
    """An uploaded file's bytes; raises ValidationError("file") past `max_bytes` (reading no
    more than one byte beyond it) or for an empty file. `rows_hint` says how many rows that
    is ("about 2,000 rows"), for the message."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        about = f" ({rows_hint})" if rows_hint else ""
        raise ValidationError(
            "file", f"This file is too large: a CSV upload is at most {max_bytes // 1000} KB"
            f"{about}. Split it into smaller files.",
        )  # fmt: skip
    if not data:
        raise ValidationError("file", "Choose the CSV file to upload.")
    return data


def carry(data: bytes) -> str:
    """A checked file as text for the confirm form, byte for byte (row numbers stay)."""
    return base64.b64encode(data).decode("ascii")


def uncarry(text: str | None, max_bytes: int = MAX_BYTES) -> bytes:
    """The file the confirm form carried; raises ValidationError("file") if it is not one."""
    try:
        data = base64.b64decode(text or "", validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not data or len(data) > max_bytes:
        raise ValidationError("file", "The checked file did not come back: upload it again.")
    return data


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


def normal(name: str) -> str:
    """A column name as compared: lower case, `_` and `-` as spaces, spaces single."""
    return " ".join(name.replace("_", " ").replace("-", " ").lower().split())


def delimiter(text: str) -> str:
    """The delimiter the header row uses most: comma, semicolon or tab."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    return max((",", ";", "\t"), key=header.count)


def rows(data: bytes, max_rows: int, too_many: str) -> Iterator[tuple[int, list[str]]]:
    """The file's rows that are not blank, each with its row number, the header first.

    Raises ValidationError("file") for a file that is not CSV or is empty, and with
    `too_many` on reaching the first row past `max_rows` under the header (so a huge file
    is never read whole).
    """
    text = decode(data)
    if not text.strip():
        raise ValidationError("file", EMPTY)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))
    under_header = -1
    try:
        for number, row in enumerate(reader, start=1):
            if not any(cell.strip() for cell in row):
                continue  # a blank row: it still counts, as a spreadsheet numbers it
            if under_header == max_rows:
                raise ValidationError("file", too_many)
            under_header += 1
            yield number, row
    except csv.Error:
        raise ValidationError("file", UNREADABLE) from None
    if under_header < 0:
        raise ValidationError("file", EMPTY)


@dataclass(frozen=True)
class Columns:
    """How a header matched known names: field -> column index, and the names not used."""

    found: dict[str, int]
    unknown: list[str]
    twice: list[str]

    def cell(self, row: list[str], field: str) -> str | None:
        """The row's stripped cell for `field` (None: no such column, or a short row)."""
        index = self.found.get(field)
        if index is None or index >= len(row):
            return None
        return row[index].strip()


def match_columns(header: list[str], known: dict[str, str]) -> Columns:
    """Each header cell matched by its normal form against `known` (normal name -> field);
    a field's second column is `twice`, a name matching none `unknown` (blanks skipped)."""
    found: dict[str, int] = {}
    unknown, twice = [], []
    for index, name in enumerate(header):
        if not name.strip():
            continue
        field = known.get(normal(name))
        if field is None:
            unknown.append(name.strip())
        elif field in found:
            twice.append(name.strip())
        else:
            found[field] = index
    return Columns(found, unknown, twice)
