"""/api/v1/roster/imports: preview (dry_run) or import CSV files, then read the import back."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.models import School, User
from tests.api.conftest import ROLES, error_code, ok
from tests.test_roster import PEOPLE, SCHOOLS


def send(client, *files: tuple[str, str], dry_run: str | None = None):
    data: dict = {"files": [(io.BytesIO(body.encode()), name) for name, body in files]}
    if dry_run is not None:
        data["dry_run"] = dry_run
    return client.post("roster/imports", data=data, content_type="multipart/form-data")


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.mark.parametrize("role", ROLES)
def test_only_administrators_import_or_read_imports(network, as_role, role):
    client = as_role(role)
    expected = {"anonymous": 401, "admin": 201}.get(role, 403)
    response = send(client, ("schools.csv", SCHOOLS), dry_run="true")
    assert response.status_code == expected, response.get_json()
    if role != "admin":
        assert error_code(response) in ("unauthenticated", "forbidden")
        bad = client.post("roster/imports", data={"files": [(io.BytesIO(b"x"), "a.csv")]},
                          content_type="multipart/form-data")  # fmt: skip
        assert bad.status_code == expected  # refused before the file is read
    answer = as_role("admin").post(
        "roster/imports", data={"files": [(io.BytesIO(SCHOOLS.encode()), "s.csv")],
                                "dry_run": "true"}, content_type="multipart/form-data",
    ).get_json()  # fmt: skip
    read = client.get(f"roster/imports/{answer['id']}")
    assert read.status_code == {"anonymous": 401, "admin": 200}.get(role, 403)


def test_a_dry_run_answers_the_preview_with_an_id_and_saves_nothing(network, as_role):
    admin = as_role("admin")
    body = ok(send(admin, ("schools.csv", SCHOOLS), ("people.csv", PEOPLE), dry_run="true"), 201)
    assert (body["status"], body["dry_run"], body["applied_at"]) == ("preview", True, None)
    # The network's Lincoln Elementary (Riverside Unified) is the file's: it gets its id.
    assert body["counts"]["schools"] == {"create": 2, "update": 1, "same": 0}
    assert body["totals"]["errors"] == 3  # the network has no "Principals circle", "Coaches"
    assert body["errors"][0] == {
        "file": "people.csv", "row": 2, "column": "groups",
        "message": "No group is called Principals circle: create it first, or check its spelling.",
    }  # fmt: skip
    assert {m["email"] for m in body["missing"]} >= {network.member.email}
    assert count(School) == 1  # the network's own
    assert ok(admin.get(f"roster/imports/{body['id']}")) == body


def test_an_import_saves_and_a_second_changes_nothing(network, as_role):
    admin = as_role("admin")
    body = ok(send(admin, ("schools.csv", SCHOOLS)), 201)
    assert (body["status"], body["dry_run"]) == ("applied", False)
    assert body["totals"] == {"created": 3, "updated": 1, "unchanged": 0, "errors": 0}
    assert count(School) == 3
    again = ok(send(admin, ("schools.csv", SCHOOLS), dry_run="false"), 201)
    assert again["totals"] == {"created": 0, "updated": 0, "unchanged": 3, "errors": 0}
    people = PEOPLE.replace("Principals circle", "Coaching circle").replace("Coaches; ", "")
    saved = ok(send(admin, ("people.csv", people)), 201)
    assert saved["counts"]["people"]["join"] == 2
    assert count(User) == 4 + 4


def test_rows_with_problems_refuse_the_import_and_keep_the_preview(network, as_role):
    admin = as_role("admin")
    response = send(admin, ("people.csv", "Name,Email,Role\nAna,ana@x.org,Janitor\n"))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {"people.csv:2.job_role": error["fields"]["people.csv:2.job_role"]}
    assert "Janitor is not a job role" in error["fields"]["people.csv:2.job_role"]
    found = int(error["message"].rsplit("/", 1)[1].rstrip("."))
    assert ok(admin.get(f"roster/imports/{found}"))["totals"]["errors"] == 1
    assert db.session.scalar(sa.select(User).where(User.email == "ana@x.org")) is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "files", "Missing data for required field."),
        ({"files": [(io.BytesIO(b"Name,Phone\nA,1\n"), "p.csv")]}, "files",
         "p.csv: This file's columns are Name, Phone."),
        ({"files": [(io.BytesIO(SCHOOLS.encode()), f"{n}.csv") for n in range(3)]}, "files",
         "Send one or two CSV files."),
        ({"files": [(io.BytesIO(SCHOOLS.encode()), "s.csv")], "dry_run": "maybe"}, "dry_run",
         "Not a valid boolean."),
        ({"files": [(io.BytesIO(SCHOOLS.encode()), "s.csv")], "colour": "blue"}, "colour",
         "Unknown field."),
    ],
    ids=["no-files", "wrong-columns", "three-files", "bad-dry-run", "unknown-field"],
)  # fmt: skip
def test_bad_requests_are_400_with_the_field(network, as_role, data, field, message):
    response = as_role("admin").post("roster/imports", data=data,
                                     content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 400, response.get_json()
    assert error_code(response) == "invalid"
    assert message in response.get_json()["error"]["fields"][field]


def test_an_unknown_import_is_404(network, as_role):
    response = as_role("admin").get("roster/imports/999999")
    assert response.status_code == 404
    assert error_code(response) == "not_found"
