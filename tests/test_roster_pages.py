"""Roster import pages: upload, the columns and preview shown, confirm; and who may."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from nic.extensions import db
from nic.models import RosterImport, School, User
from nic.services import roster
from tests.factories import make_group, make_user
from tests.test_roster import PEOPLE, SCHOOLS

ROLES = ["anonymous", "member", "facilitator", "admin"]


@pytest.fixture
def people(app):
    make_group("Principals circle")
    make_group("Coaches")
    return {
        "member": make_user("Maria Member"),
        "facilitator": make_user("Fran Facilitator", job_role="facilitator"),
        "admin": make_user("Ada Admin", job_role="district_leader", admin=True),
    }


def text(response) -> str:
    """The page's words: tags dropped, spaces single."""
    words = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+([:;,.])", r"\1", " ".join(unescape(words).split()))


def upload(client, *files: tuple[str, str | bytes]):
    """Post the files as a browser does; the body is encoded in memory (the test client's
    own encoding spools a large body to a temporary file it never closes)."""
    fields = MultiDict([("csrf_token", client.csrf_token())])
    for name, body in files:
        data = body.encode() if isinstance(body, str) else body
        fields.add("files", FileStorage(io.BytesIO(data), filename=name, content_type="text/csv"))
    boundary, body = encode_multipart(fields)
    return client.post("/admin/roster", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")  # fmt: skip


def confirm_data(page: str) -> dict:
    form = page.split('action="/admin/roster/confirm"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'name="([^"]+)"[^>]*value="([^"]*)"', form))


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_an_upload_shows_its_columns_and_preview_then_confirm_saves(login, people):
    client = login(people["admin"])
    assert "Import a roster" in text(client.get("/admin/"))
    assert client.get("/admin/roster").status_code == 200
    preview = upload(client, ("schools.csv", SCHOOLS), ("people.csv", PEOPLE))
    assert preview.status_code == 200
    page = text(preview)
    assert "Check before importing" in page and "Nothing is saved yet." in page
    assert "Email from “E-mail”" in page and "Job role from “Job title”" in page
    assert "People: 4 new, 0 updated, 0 unchanged" in page
    assert "Schools: 3 new" in page and "3 group memberships to add" in page
    assert (
        "people.csv, row 2 maria.lopez@riverside.k12.us Maria Lopez New: Principal, "
        "Lincoln Elementary (Riverside Unified) (joins Principals circle)"
    ) in page
    assert count(School) == 0
    saved = client.post("/admin/roster/confirm", data=confirm_data(preview.get_data(as_text=True)))
    assert saved.status_code == 302
    record = db.session.scalar(sa.select(RosterImport).where(RosterImport.status == "applied"))
    assert saved.headers["Location"].endswith(f"/admin/roster/imports/{record.id}")
    done = text(client.get(saved.headers["Location"]))
    assert "Roster imported" in done and "Imported: districts 2 new" in done
    assert count(School) == 3 and count(User) == 7


def test_a_re_upload_shows_what_changes(login, people):
    client = login(people["admin"])
    roster.import_roster(None, [("s.csv", SCHOOLS.encode()), ("p.csv", PEOPLE.encode())])
    changed = PEOPLE.replace("Maria Lopez,maria.lopez@riverside.k12.us,Principal,RIV-01",
                             "Maria Lopez,MARIA.LOPEZ@riverside.k12.us,AP,")  # fmt: skip
    page = text(upload(client, ("people.csv", changed)))
    assert "Updated: job role Principal → Assistant principal" in page
    assert "Unchanged" in page


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([], "Choose a schools file, a people file, or both."),
        ([("people.csv", "Name,Phone\nA,1\n")], "This file's columns are Name, Phone."),
        ([("people.xlsx", b"PK\x03\x04" + b"\x00" * 40)], "it looks like an Excel workbook"),
        ([("big.csv", b"Name,Email\n" + b"A Person,a@x.org\n" * 50_000)], "This file is too large"),
    ],
    ids=["no-file", "wrong-columns", "workbook", "fifty-thousand-rows"],
)
def test_a_bad_file_re_shows_the_form_with_a_clear_message(login, people, files, message):
    client = login(people["admin"])
    response = upload(client, *files)
    assert response.status_code == 400
    assert message in text(response) and 'type="file"' in response.get_data(as_text=True)
    assert count(RosterImport) == 0


def test_rows_with_problems_are_listed_and_offer_no_confirm(login, people):
    client = login(people["admin"])
    response = upload(client, ("people.csv", "Name,Email,Role\nAna,ana@x.org,Janitor\n"))
    page = text(response)
    assert "The files have problems" in page
    assert "people.csv, row 2" in page and "Janitor is not a job role nic knows" in page
    assert "/admin/roster/confirm" not in response.get_data(as_text=True)


def test_confirm_checks_the_files_again(login, people):
    client = login(people["admin"])
    preview = upload(client, ("people.csv", "Name,Email,Groups\nAna,ana@x.org,Coaches\n"))
    data = confirm_data(preview.get_data(as_text=True))
    db.session.execute(sa.text("DELETE FROM peer_group WHERE name = 'Coaches'"))
    db.session.commit()
    refused = client.post("/admin/roster/confirm", data=data)
    assert refused.status_code == 400
    assert "No group is called Coaches" in text(refused)
    assert db.session.scalar(sa.select(User).where(User.email == "ana@x.org")) is None
    data["first"] = "not base64!"
    assert "The checked file did not come back" in text(
        client.post("/admin/roster/confirm", data=data)
    )


def test_missing_people_are_listed_with_a_deactivate_button(login, people):
    client = login(people["admin"])
    page = upload(client, ("people.csv", PEOPLE)).get_data(as_text=True)
    assert "Not in the people file" in page
    member = people["member"]
    assert f'action="/admin/people/{member.id}/deactivate"' in page
    assert f'action="/admin/people/{people["admin"].id}/deactivate"' not in page  # not oneself
    record = db.session.scalar(sa.select(RosterImport))
    back = client.post_form(f"/admin/people/{member.id}/deactivate", {"import_id": record.id})
    assert back.headers["Location"].endswith(f"/admin/roster/imports/{record.id}")
    db.session.refresh(member)
    assert not member.is_active_account


@pytest.mark.parametrize("role", ROLES)
def test_the_roster_pages_permission_matrix(client, login, people, role):
    """Anonymous: sign in; members and facilitators: 404 (the admin area is not theirs)."""
    record = roster.check_roster(None, [("people.csv", PEOPLE.encode())]).record
    if role != "anonymous":
        login(people[role])
    token = client.csrf_token()
    calls = [
        ("GET", "/admin/roster", 200),
        ("GET", f"/admin/roster/imports/{record.id}", 200),
        ("POST", "/admin/roster", 400),  # no file chosen
        ("POST", "/admin/roster/confirm", 400),  # nothing carried
    ]
    for method, path, admin_status in calls:
        response = client.open(path, method=method, data={"csrf_token": token})
        expected = {"anonymous": 302, "admin": admin_status}.get(role, 404)
        assert response.status_code == expected, (role, method, path)
        if role == "anonymous":
            assert "/login" in response.headers["Location"]
    if role == "admin":
        assert client.get("/admin/roster/imports/999999").status_code == 404


def test_a_large_import_says_it_takes_a_few_seconds(login, people):
    client = login(people["admin"])
    rows = "".join(f"Person {n},p{n}@x.org,Coach\n" for n in range(600))
    page = text(upload(client, ("people.csv", "Name,Email,Role\n" + rows)))
    assert "Importing 600 people takes a few seconds: the page changes when it is done." in page
