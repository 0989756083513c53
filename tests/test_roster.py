"""Roster import (the service): the files districts export, previewed, saved, re-imported."""

from __future__ import annotations

import codecs
import time

import pytest
import sqlalchemy as sa

from nic.errors import PermissionDenied, ValidationError
from nic.extensions import db
from nic.models import District, Membership, RosterImport, School, User
from nic.services import accounts, roster, roster_files
from nic.services.search import search
from tests.factories import make_group, make_school, make_user

SCHOOLS = (
    "School Name,School ID,District\n"
    "Lincoln Elementary,RIV-01,Riverside Unified\n"
    "Jefferson Middle,RIV-02,Riverside Unified\n"
    "Harbor High,LAK-01,Lakeside\n"
)
PEOPLE = (
    "Full Name,E-mail,Job title,School,Groups\n"
    "Maria Lopez,maria.lopez@riverside.k12.us,Principal,RIV-01,Principals circle\n"
    "James Chen,james.chen@riverside.k12.us,AP,RIV-01,\n"
    "Ana Ruiz,ana.ruiz@riverside.k12.us,Instructional coach,Jefferson Middle,"
    "Coaches; Principals circle\n"
    "Tom Baker,tom.baker@lakeside.org,District staff,,\n"
)


@pytest.fixture
def admin(app):
    return make_user("Ada Admin", job_role="district_leader", admin=True)


@pytest.fixture
def groups(app):
    return make_group("Principals circle"), make_group("Coaches")


def as_files(**texts: str | bytes) -> list[tuple[str, bytes]]:
    return [(f"{name}.csv", t.encode() if isinstance(t, str) else t) for name, t in texts.items()]


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def person(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def refused(admin, **texts) -> list[dict]:
    with pytest.raises(roster.RosterRefused) as caught:
        roster.import_roster(admin, as_files(**texts))
    return caught.value.record.preview["errors"]


def file_refusal(admin, **texts) -> str:
    with pytest.raises(ValidationError) as caught:
        roster.check_roster(admin, as_files(**texts))
    assert list(caught.value.fields) == ["file"]
    return caught.value.message


def test_a_dry_run_shows_everything_and_saves_nothing_but_its_preview(admin, groups):
    before = (count(User), count(School), count(District), count(Membership))
    outcome = roster.check_roster(admin, as_files(schools=SCHOOLS, people=PEOPLE))
    assert (count(User), count(School), count(District), count(Membership)) == before
    counts = outcome.record.preview["counts"]
    assert counts["districts"] == {"create": 2, "update": 0, "same": 0}
    assert counts["schools"] == {"create": 3, "update": 0, "same": 0}
    assert counts["people"] == {"create": 4, "update": 0, "same": 0, "join": 3}
    assert outcome.record.status == "preview" and outcome.record.errors == 0
    files = {f["kind"]: f for f in outcome.record.preview["files"]}
    assert files["people"]["columns"] == {"name": "Full Name", "email": "E-mail",
                                          "job_role": "Job title", "school": "School",
                                          "groups": "Groups"}  # fmt: skip
    assert files["schools"]["columns"]["external_id"] == "School ID"
    assert db.session.get(RosterImport, outcome.record.id) is not None


def test_an_import_saves_districts_schools_people_and_their_groups(admin, groups):
    outcome = roster.import_roster(admin, as_files(schools=SCHOOLS, people=PEOPLE))
    assert outcome.record.status == "applied" and outcome.record.applied_at is not None
    lincoln = db.session.scalar(sa.select(School).where(School.external_id == "RIV-01"))
    assert (lincoln.name, lincoln.district.name) == ("Lincoln Elementary", "Riverside Unified")
    maria = person("maria.lopez@riverside.k12.us")
    assert (maria.name, maria.job_role, maria.school_id) == ("Maria Lopez", "principal", lincoln.id)
    assert person("james.chen@riverside.k12.us").job_role == "assistant_principal"
    ana = person("ana.ruiz@riverside.k12.us")
    assert ana.job_role == "instructional_coach"
    tom = person("tom.baker@lakeside.org")
    assert (tom.job_role, tom.school_id) == ("district_leader", None)
    joined = set(db.session.execute(sa.select(Membership.group_id, Membership.user_id)))
    circle, coaches = groups
    assert joined == {(circle.id, maria.id), (circle.id, ana.id), (coaches.id, ana.id)}
    # Searchable by school and role, with a handle of their own.
    assert maria.search_text == "Maria Lopez · Principal · Lincoln Elementary · Riverside Unified"
    assert maria.username == "maria.lopez"
    assert any(hit.title == "Maria Lopez" for hit in search(admin, "Lincoln principal").hits)


def test_new_accounts_cannot_sign_in_until_a_password_is_set(admin, groups):
    roster.import_roster(admin, as_files(schools=SCHOOLS, people=PEOPLE))
    maria = person("maria.lopez@riverside.k12.us")
    assert maria.email_confirmed_at is None
    for guess in ("", "password", maria.password_hash):
        assert accounts.authenticate(maria.email, guess) is None


def test_importing_the_same_files_again_changes_nothing_and_never_duplicates(admin, groups):
    roster.import_roster(admin, as_files(schools=SCHOOLS, people=PEOPLE))
    before = (count(User), count(School), count(District), count(Membership))
    again = roster.import_roster(admin, as_files(schools=SCHOOLS, people=PEOPLE))
    assert (count(User), count(School), count(District), count(Membership)) == before
    counts = again.record.preview["counts"]
    assert counts["schools"] == {"create": 0, "update": 0, "same": 3}
    assert counts["people"] == {"create": 0, "update": 0, "same": 4, "join": 0}
    assert (again.record.created, again.record.updated, again.record.unchanged) == (0, 0, 7)


def test_a_re_import_updates_schools_by_external_id_and_people_by_email(admin, groups):
    roster.import_roster(admin, as_files(schools=SCHOOLS, people=PEOPLE))
    renamed = SCHOOLS.replace("Lincoln Elementary,RIV-01", "Lincoln STEM Academy,RIV-01")
    moved = PEOPLE.replace("James Chen,james.chen@riverside.k12.us,AP,RIV-01",
                           "James Chen,James.Chen@Riverside.K12.us,Principal,RIV-02")  # fmt: skip
    outcome = roster.import_roster(admin, as_files(schools=renamed, people=moved))
    changes = outcome.record.preview["changes"]
    school = next(c for c in changes["schools"] if c["action"] == "update")
    assert school["changes"] == {"name": ["Lincoln Elementary", "Lincoln STEM Academy"]}
    james = next(c for c in changes["people"] if c["action"] == "update")
    assert james["key"] == "james.chen@riverside.k12.us"
    assert james["changes"] == {
        "job_role": ["Assistant principal", "Principal"],
        "school": ["Lincoln STEM Academy (Riverside Unified)",  # as it is renamed
                   "Jefferson Middle (Riverside Unified)"],
    }  # fmt: skip
    assert count(School) == 3 and count(User) == 5  # with the admin
    lincoln = db.session.scalar(sa.select(School).where(School.external_id == "RIV-01"))
    assert lincoln.name == "Lincoln STEM Academy"
    # Maria's school was renamed: what search finds her by says so.
    maria = person("maria.lopez@riverside.k12.us")
    assert "Lincoln STEM Academy" in maria.search_text


def test_an_email_differing_only_by_case_updates_that_account(admin, groups):
    school = make_school("Lincoln Elementary", "Riverside Unified")
    maria = make_user("Maria Lopez", email="maria@x.org", job_role="teacher_leader")
    outcome = roster.import_roster(
        admin, as_files(people="Name,Email,Role,School\nMaria López,Maria@X.org,Principal,"
                        "Lincoln Elementary\n"),
    )  # fmt: skip
    assert outcome.record.preview["counts"]["people"]["update"] == 1
    assert count(User) == 2
    db.session.refresh(maria)
    assert (maria.name, maria.job_role, maria.school_id) == ("Maria López", "principal", school.id)


def test_blank_cells_leave_an_accounts_values_as_they_are(admin):
    school = make_school("Lincoln Elementary")
    maria = make_user("Maria Lopez", email="maria@x.org", job_role="principal", school=school)
    blank = "Name,Email,Role,School\n,maria@x.org,,\n"
    outcome = roster.import_roster(admin, as_files(people=blank))
    assert outcome.record.preview["counts"]["people"]["same"] == 1
    db.session.refresh(maria)
    assert (maria.name, maria.job_role, maria.school_id) == ("Maria Lopez", "principal", school.id)


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + "Name,Email,Role\nJosé Núñez,jose@x.org,Coach\n".encode(),
        "Name,Email,Role\nJosé Núñez,jose@x.org,Coach\n".encode("cp1252"),
        "Name,Email,Role\nJosé Núñez,jose@x.org,Coach\n".encode("utf-16"),
        "Name;Email;Role\nJosé Núñez;jose@x.org;Coach\n".encode(),
        'Name,Email,Role\n"José\nNúñez",jose@x.org,Coach\n'.encode(),
        "first_name,last_name,e-mail,ROLE\r\nJosé,Núñez,JOSE@x.org,instructional_coach\r\n".encode(),
    ],
    ids=["utf8-bom", "windows-1252", "utf16", "semicolons", "quoted-newline", "first-last-crlf"],
)
def test_the_files_excel_and_information_systems_save_are_read(admin, data):
    roster.import_roster(admin, [("people.csv", data)])
    jose = person("jose@x.org")
    assert (jose.name, jose.job_role) == ("José Núñez", "instructional_coach")


def test_a_quoted_newline_keeps_the_row_numbers_of_the_spreadsheet(admin):
    errors = refused(admin, people='Name,Email,Role\n"Ana\nRuiz",ana@x.org,Coach\n\nBo,bad,AP\n')
    assert [(e["row"], e["column"]) for e in errors] == [(4, "email")]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Name,Phone\nMaria,555\n", "This file's columns are Name, Phone. A schools file needs"),
        (b"Email,Role\nm@x.org,AP\n", "A people file needs: name (or first name and last name)"),
        (b"", "This file is empty"),
        (b"Name,Email\n", "has its column names but no rows"),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "(it looks like an Excel workbook)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "This is not a CSV file"),
    ],
    ids=["wrong-columns", "no-name", "empty", "header-only", "xlsx", "binary"],
)
def test_a_file_that_cannot_be_read_is_refused_clearly(admin, data, expected):
    assert expected in file_refusal(admin, people=data)
    assert count(RosterImport) == 0


def test_two_files_of_one_kind_or_three_files_are_refused(admin):
    assert "Both files are people files" in file_refusal(
        admin, a="Name,Email\nA,a@x.org\n", b="Name,Email\nB,b@x.org\n")  # fmt: skip
    three = as_files(a=SCHOOLS, b=PEOPLE, c=PEOPLE)
    with pytest.raises(ValidationError, match="at most two files"):
        roster.check_roster(admin, three)


def test_fifty_thousand_rows_are_refused_without_reading_them_all(admin):
    """Refused, not handled: a roster is a network's leaders (a few per school), and 50,000
    rows is a whole student information system; the cap stops at row 5,001."""
    data = b"Name,Email,Role\n" + b"".join(
        f"Person {n},p{n}@x.org,Teacher\n".encode() for n in range(50_000)
    )
    started = time.perf_counter()
    message = file_refusal(admin, people=data)
    assert time.perf_counter() - started < 2
    assert f"people.csv has more than {roster_files.MAX_ROWS:,} rows" in message
    assert "Export only the network's schools and leaders" in message


def test_exactly_the_row_cap_is_read(admin):
    data = "Name,Email\n" + "".join(f"P {n},p{n}@x.org\n" for n in range(roster_files.MAX_ROWS))
    outcome = roster.check_roster(admin, [("people.csv", data.encode())])
    assert outcome.record.preview["counts"]["people"]["create"] == roster_files.MAX_ROWS


def test_bad_rows_are_listed_by_file_row_and_column_and_nothing_is_saved(admin, groups):
    make_school("Lincoln Elementary")
    people = (
        "Name,Email,Role,School,Groups\n"
        "Maria Lopez,maria@x.org,Principal,Lincoln Elementary,\n"
        "James Chen,james@x.org,Janitor,,\n"
        "Ana Ruiz,ana(at)x.org,Coach,,\n"
        "Tom Baker,tom@x.org,AP,Nowhere High,\n"
        "Maria Again,MARIA@x.org,Principal,,\n"
        "Lee Park,lee@x.org,Teacher leader,,Book club\n"
        ",,Coach,,\n"
    )
    errors = refused(admin, people=people)
    found = {(e["row"], e["column"]): e["message"] for e in errors}
    assert found == {
        (3, "job_role"): "Janitor is not a job role nic knows: use one of Principal, Assistant "
        "principal, Instructional coach, Teacher leader, District leader, Facilitator, Other.",
        (4, "email"): "ana(at)x.org is not an email address.",
        (5, "school"): "No school has the external id or name Nowhere High: add it to the "
        "schools file, or check its spelling.",
        (6, "email"): "maria@x.org is also on row 2: give each person once.",
        (7, "groups"): "No group is called Book club: create it first, or check its spelling.",
        (8, "email"): "Give the person's email address.",
        (8, "name"): "Give the person's name.",
    }  # fmt: skip
    assert person("maria@x.org") is None  # the good row is not saved either
    kept = db.session.scalar(sa.select(RosterImport))
    assert (kept.status, kept.errors) == ("preview", 7)


def test_a_school_named_in_two_districts_needs_its_district_or_id(admin):
    make_school("Lincoln Elementary", "Riverside Unified")
    lakeside = make_school("Lincoln Elementary", "Lakeside")
    errors = refused(admin, people="Name,Email,School\nAna,ana@x.org,Lincoln Elementary\n")
    assert errors[0]["message"] == (
        "Two schools are called Lincoln Elementary (in Lakeside and Riverside Unified): give "
        "the district in a district column, or the school's external id."
    )
    roster.import_roster(
        admin, as_files(people="Name,Email,School,District\nAna,ana@x.org,lincoln elementary,"
                        "Lakeside\n"),
    )  # fmt: skip
    assert person("ana@x.org").school_id == lakeside.id


def test_a_schools_file_tells_two_schools_of_one_name_apart_by_district(admin):
    two = "name,district\nLincoln Elementary,Riverside Unified\nLincoln Elementary,Lakeside\n"
    roster.import_roster(admin, as_files(schools=two))
    assert count(School) == 2 and count(District) == 2
    errors = refused(admin, schools="name,district\nHarbor High,Lakeside\nharbor high,lakeside\n")
    assert errors[0]["message"] == "harbor high is also on a row above: give each school once."


def test_a_oneroster_orgs_file_gives_districts_and_their_schools(admin):
    orgs = ("sourcedId,status,name,type,identifier,parentSourcedId\n"
            "d-1,active,Riverside Unified,district,,\n"
            "s-1,active,Lincoln Elementary,school,0601,d-1\n")  # fmt: skip
    outcome = roster.import_roster(admin, as_files(orgs=orgs))
    assert outcome.record.preview["files"][0]["ignored"] == ["status", "identifier"]
    district = db.session.scalar(sa.select(District))
    assert (district.name, district.external_id) == ("Riverside Unified", "d-1")
    school = db.session.scalar(sa.select(School))
    assert (school.name, school.external_id, school.district_id) == (
        "Lincoln Elementary", "s-1", district.id)  # fmt: skip
    users = "givenName,familyName,email,role,orgSourcedIds\nMaria,Lopez,m@x.org,principal,s-1\n"
    roster.import_roster(admin, as_files(users=users))
    assert person("m@x.org").school_id == school.id


def test_an_existing_school_gets_the_external_id_of_the_first_import(admin):
    school = make_school("Lincoln Elementary", "Riverside Unified")
    outcome = roster.import_roster(admin, as_files(schools=SCHOOLS))
    db.session.refresh(school)
    assert school.external_id == "RIV-01"
    assert outcome.record.preview["counts"]["schools"] == {"create": 2, "update": 1, "same": 0}


def test_people_missing_from_a_new_import_are_listed_never_deactivated(admin, groups):
    roster.import_roster(admin, as_files(schools=SCHOOLS, people=PEOPLE))
    left = PEOPLE.replace("Tom Baker,tom.baker@lakeside.org,District staff,,\n", "")
    outcome = roster.import_roster(admin, as_files(people=left))
    missing = outcome.record.preview["missing"]
    assert [m["name"] for m in missing] == ["Ada Admin", "Tom Baker"]  # the admin is no leader
    assert person("tom.baker@lakeside.org").is_active_account


def test_a_deactivated_account_is_not_added_to_groups(admin, groups):
    tom = make_user("Tom Baker", email="tom@x.org")
    accounts.set_account_active(admin, tom.id, False)
    errors = refused(admin, people="Name,Email,Groups\nTom Baker,tom@x.org,Coaches\n")
    assert errors[0]["message"].startswith("This account is deactivated")


def test_only_administrators_import(app, groups):
    member = make_user("Maria Lopez")
    for call in (roster.check_roster, roster.import_roster):
        with pytest.raises(PermissionDenied):
            call(member, as_files(people=PEOPLE))
    with pytest.raises(PermissionDenied):
        roster.get_import(member, 1)


def _people(n: int, offset: int = 0) -> bytes:
    rows = [f"Person {i},p{i}@x.org,Coach,RIV-0{1 + i % 2},Coaches"
            for i in range(offset, offset + n)]  # fmt: skip
    return ("Name,Email,Role,School,Groups\n" + "\n".join(rows) + "\n").encode()


def test_an_import_runs_the_same_statements_for_50_or_500_people(admin, groups, count_queries):
    roster.import_roster(admin, as_files(schools=SCHOOLS))
    make_user("Already Here", email="p0@x.org")  # one update among the new, both times
    make_user("Also Here", email="p1000@x.org")
    counted = []
    for n, offset in ((50, 0), (500, 1000)):
        files = [("people.csv", _people(n, offset))]
        with count_queries() as counter:
            outcome = roster.import_roster(admin, files)
        assert outcome.record.preview["counts"]["people"]["create"] == n - 1
        counted.append(counter.count)
    assert counted[0] == counted[1], counted
    assert counted[0] <= 20
