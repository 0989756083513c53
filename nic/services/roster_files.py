"""A network's roster as the CSV files a district exports: which kind each file is, and
what each of its rows says (checked against nic's districts, schools and people by
nic.services.roster_plan).

Two kinds, told apart by their columns: a **schools** file (name, external id, district;
OneRoster's orgs.csv too, whose district rows have type "district") and a **people** file
(name or first and last name, email, job role, school by external id or name, groups to
join). Column names and job roles are matched leniently ("E-mail", "sourcedId", "AP",
"Instructional coach"); columns no kind uses are listed as ignored, so the admin sees
what was read. A file is read as nic.services.csv_files reads every upload.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from nic.errors import ValidationError
from nic.models import JOB_ROLE_LABELS, JobRole
from nic.services import csv_files

# A network's leaders, not a district's students: a school has a handful of leaders, so
# 5,000 people covers several hundred schools. A bigger file is most likely a whole
# student information system export (students, every teacher), refused before it is
# read whole. 360 KB (the form carries the file to the confirm step) holds ~3,000 people.
MAX_ROWS = 5_000
MAX_BYTES = csv_files.MAX_BYTES
MAX_FILES = 2
ROWS_HINT = "about 3,000 people or schools"


class Kind(enum.StrEnum):
    SCHOOLS = "schools"
    PEOPLE = "people"


SCHOOL_ALIASES = {
    "name": ("name", "school", "school name", "org name", "organization", "organization name",
             "organisation", "organisation name", "site name", "building name"),
    "external_id": ("external id", "sourcedid", "sourced id", "org id", "org sourcedid",
                    "orgsourcedid", "school id", "school external id", "school code", "id",
                    "code"),
    "district": ("district", "district name", "district id", "district external id", "lea",
                 "parent", "parent name", "parent sourcedid", "parentsourcedid", "parent id"),
    "type": ("type", "org type"),
}  # fmt: skip
PEOPLE_ALIASES = {
    "name": ("name", "full name", "display name", "person", "person name", "staff name"),
    "given_name": ("first name", "given name", "givenname", "first", "forename"),
    "family_name": ("last name", "family name", "familyname", "last", "surname"),
    "email": ("email", "e mail", "email address", "e mail address", "mail", "work email"),
    "job_role": ("job role", "role", "job title", "title", "position", "job"),
    "school": ("school", "school name", "school id", "school external id", "school sourcedid",
               "schoolsourcedid", "school code", "org", "org id", "orgsourcedids",
               "org sourcedids", "building", "site"),
    "district": ("district", "district name"),
    "groups": ("groups", "group", "groups to join", "peer groups", "peer group"),
}  # fmt: skip
SCHOOLS_NEED = (
    "A schools file needs: name (or school name) and district; optional: external id "
    "(or sourcedId, org id), type (OneRoster's district rows)."
)
PEOPLE_NEED = (
    "A people file needs: name (or first name and last name) and email (or e-mail); "
    "optional: job role (or role, job title), school (its external id or name), district, "
    "groups (names, separated by semicolons)."
)
# What people write for each job role, besides its value and label (compared as `_word`).
ROLE_WORDS = {
    JobRole.PRINCIPAL: ("principal", "school principal", "head of school", "building principal"),
    JobRole.ASSISTANT_PRINCIPAL: ("ap", "asst principal", "vice principal", "vp",
                                  "deputy principal", "assistant head"),
    JobRole.INSTRUCTIONAL_COACH: ("coach", "literacy coach", "math coach", "mathematics coach",
                                  "reading coach", "instructional specialist"),
    JobRole.TEACHER_LEADER: ("teacher", "lead teacher", "department head", "department chair",
                             "grade lead", "grade level lead", "plc lead", "mentor teacher"),
    JobRole.DISTRICT_LEADER: ("district staff", "district", "central office",
                              "principal supervisor", "curriculum director"),
    JobRole.FACILITATOR: ("network facilitator", "improvement facilitator"),
    JobRole.OTHER: ("staff",),
}  # fmt: skip
# How each field's column is named on the pages and in the CLI's report.
COLUMN_LABELS = {
    "name": "Name", "given_name": "First name", "family_name": "Last name", "email": "Email",
    "job_role": "Job role", "school": "School", "district": "District", "groups": "Groups",
    "external_id": "External id", "type": "Type",
}  # fmt: skip
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_NOT_FILE_NAME = re.compile(r"[\x00-\x1f\x7f]+")
_GROUP_SEPARATORS = re.compile(r"[;|,]")
DISTRICT_TYPES = {"district", "lea", "local education agency"}


def _word(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


ROLES = {
    _word(word): role
    for role in JobRole
    for word in (role.value, JOB_ROLE_LABELS[role], *ROLE_WORDS[role])
}
ROLE_CHOICES = ", ".join(JOB_ROLE_LABELS[r] for r in JobRole)


def job_role_of(text: str) -> JobRole | None:
    """The job role a cell names ("AP", "Instructional coach", "district_leader"), or None."""
    return ROLES.get(_word(text))


def _known(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {csv_files.normal(alias): name for name, words in aliases.items() for alias in words}


KNOWN = {Kind.SCHOOLS: _known(SCHOOL_ALIASES), Kind.PEOPLE: _known(PEOPLE_ALIASES)}


def one_line(text: str | None) -> str:
    """A cell as one line: a quoted line break or runs of spaces become one space."""
    return " ".join((text or "").split())


@dataclass(frozen=True)
class SchoolRow:
    """A row of a schools file: a school, or (OneRoster's type "district") a district."""

    row: int
    name: str
    external_id: str
    district: str  # the district's name or external id ("" for a district row)
    is_district: bool


@dataclass(frozen=True)
class PersonRow:
    row: int
    name: str
    email: str
    job_role: str  # as written ("" when not given)
    school: str  # external id or name, as written
    district: str
    groups: tuple[str, ...]


@dataclass(frozen=True)
class RosterFile:
    """A file read: its kind, the columns matched (field -> the file's name for it) and
    ignored, and its rows."""

    name: str
    kind: Kind
    columns: dict[str, str]
    ignored: list[str]
    rows: list[SchoolRow] | list[PersonRow] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind.value,
            "rows": len(self.rows),
            "columns": self.columns,
            "ignored": self.ignored,
        }


def file_name(name: str) -> str:
    """An uploaded file's name as shown (its last part, no control characters, 100 at most)."""
    last = _NOT_FILE_NAME.sub("", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return last[:100] or "roster.csv"


def _kind(header: list[str]) -> tuple[Kind, csv_files.Columns]:
    """Which kind of file this header is; raises ValidationError("file") for neither."""
    people = csv_files.match_columns(header, KNOWN[Kind.PEOPLE])
    if "email" in people.found:
        named = "name" in people.found or {"given_name", "family_name"} <= set(people.found)
        if named:
            return Kind.PEOPLE, people
        need = PEOPLE_NEED
    else:
        schools = csv_files.match_columns(header, KNOWN[Kind.SCHOOLS])
        if "name" in schools.found and ({"district", "type"} & set(schools.found)):
            return Kind.SCHOOLS, schools
        need = f"{SCHOOLS_NEED} {PEOPLE_NEED}"
    names = ", ".join(n.strip() for n in header if n.strip())
    raise ValidationError("file", f"This file's columns are {names}. {need}")


def _school_row(number: int, row: list[str], columns: csv_files.Columns) -> SchoolRow:
    kind = _word(columns.cell(row, "type") or "")
    return SchoolRow(
        row=number,
        name=one_line(columns.cell(row, "name")),
        external_id=one_line(columns.cell(row, "external_id")),
        district=one_line(columns.cell(row, "district")),
        is_district=kind in DISTRICT_TYPES,
    )


def _person_row(number: int, row: list[str], columns: csv_files.Columns) -> PersonRow:
    name = one_line(columns.cell(row, "name"))
    if not name:
        name = one_line(
            f"{columns.cell(row, 'given_name') or ''} {columns.cell(row, 'family_name') or ''}"
        )
    groups = _GROUP_SEPARATORS.split(columns.cell(row, "groups") or "")
    return PersonRow(
        row=number,
        name=name,
        email=one_line(columns.cell(row, "email")),
        job_role=one_line(columns.cell(row, "job_role")),
        school=one_line(columns.cell(row, "school")),
        district=one_line(columns.cell(row, "district")),
        groups=tuple(dict.fromkeys(g for g in map(one_line, groups) if g)),
    )


def read_file(name: str, data: bytes) -> RosterFile:
    """A roster file's kind, columns and rows.

    Raises ValidationError("file") for a file that is not CSV, is empty, has only its
    header, has the columns of neither kind, or has more than MAX_ROWS rows (it stops at
    the first row past the cap).
    """
    too_many = (
        f"{name} has more than {MAX_ROWS:,} rows; a roster import takes up to "
        f"{MAX_ROWS:,} people or schools a file. Export only the network's schools "
        "and leaders (not students or every teacher), or split the file."
    )
    try:
        found = csv_files.rows(data, MAX_ROWS, too_many)
        _number, header = next(found)
        kind, columns = _kind(header)
        make = _person_row if kind is Kind.PEOPLE else _school_row
        rows = [make(number, row, columns) for number, row in found]
    except ValidationError as exc:
        raise ValidationError("file", _named(name, exc.message)) from None
    if not rows:
        raise ValidationError("file", f"{name} has its column names but no rows under them.")
    matched = {f: header[i].strip() for f, i in columns.found.items()}
    return RosterFile(name, kind, matched, columns.unknown + columns.twice, rows)


def _named(name: str, message: str) -> str:
    return message if message.startswith(name) else f"{name}: {message}"


def read_files(files: list[tuple[str, bytes]]) -> list[RosterFile]:
    """Up to MAX_FILES files, at most one of each kind; raises ValidationError("file")."""
    if not files:
        raise ValidationError("file", "Choose a schools file, a people file, or both.")
    if len(files) > MAX_FILES:
        raise ValidationError("file", "Upload at most two files: one of schools, one of people.")
    read = [read_file(name, data) for name, data in files]
    if len({f.kind for f in read}) < len(read):
        raise ValidationError(
            "file",
            f"Both files are {read[0].kind.value} files: upload one of schools and "
            "one of people (or put the rows of both into one file).",
        )
    return sorted(read, key=lambda f: f.kind is Kind.PEOPLE)  # schools first
