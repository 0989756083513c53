"""flask import-roster: the preview printed, saved unless --dry-run, refused with errors."""

from __future__ import annotations

import sqlalchemy as sa

from nic.extensions import db
from nic.models import RosterImport, School, User
from tests.factories import make_group
from tests.test_roster import PEOPLE, SCHOOLS


def write(tmp_path, name: str, body: str | bytes):
    path = tmp_path / name
    path.write_bytes(body.encode() if isinstance(body, str) else body)
    return str(path)


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["import-roster", *args])


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_dry_run_prints_the_preview_and_saves_nothing(app, tmp_path):
    make_group("Principals circle")
    make_group("Coaches")
    files = [write(tmp_path, "people.csv", PEOPLE), write(tmp_path, "schools.csv", SCHOOLS)]
    result = run(app, *files, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "schools.csv: a schools file of 3 rows; name from 'School Name'" in result.output
    assert "people.csv: a people file of 4 rows" in result.output
    assert "Would import: districts 2 new" in result.output
    assert "people 4 new, 0 updated, 0 unchanged; 3 group memberships to add." in result.output
    assert "Dry run: nothing saved (import 1)." in result.output
    assert count(School) == 0 and count(User) == 0


def test_it_imports_then_a_second_run_changes_nothing(app, tmp_path):
    make_group("Principals circle")
    make_group("Coaches")
    files = [write(tmp_path, "schools.csv", SCHOOLS), write(tmp_path, "people.csv", PEOPLE)]
    result = run(app, *files)
    assert result.exit_code == 0, result.output
    assert "Imported: districts 2 new" in result.output
    assert count(School) == 3 and count(User) == 4
    again = run(app, *files)
    assert "people 0 new, 0 updated, 4 unchanged" in again.output
    assert count(User) == 4


def test_rows_with_problems_exit_non_zero_with_their_rows(app, tmp_path):
    path = write(tmp_path, "people.csv", "Name,Email,Role\nAna,ana@x.org,Janitor\nBo,bo,AP\n")
    for extra in ((), ("--dry-run",)):
        result = run(app, path, *extra)
        assert result.exit_code == 1
        assert "people.csv row 2, job role: Janitor is not a job role nic knows" in result.output
        assert "people.csv row 3, email: bo is not an email address." in result.output
    assert count(User) == 0
    assert count(RosterImport) == 2  # the previews, kept


def test_a_file_it_cannot_read_is_refused(app, tmp_path):
    result = run(app, write(tmp_path, "people.csv", b"Name,Phone\nA,1\n"))
    assert result.exit_code == 1
    assert "This file's columns are Name, Phone." in result.output
    big = write(tmp_path, "big.csv", b"Name,Email\n" + b"A Person,a@x.org\n" * 50_000)
    assert "This file is too large" in run(app, big).output
    assert run(app).exit_code == 2  # no file named: click's usage error
