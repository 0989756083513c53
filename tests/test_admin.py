"""Network administration pages, and error pages in the site's layout."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.models import District, School
from nic.services import accounts
from tests.factories import PASSWORD, make_user, sign_in


@pytest.fixture
def admin(login):
    user = make_user("Dana Whitfield", admin=True)
    login(user)
    return user


def test_admin_adds_districts_and_schools(client, admin):
    response = client.post_form("/admin/districts", {"district-name": "Riverside Unified"})
    assert response.status_code == 302
    district = db.session.scalar(sa.select(District))
    response = client.post_form(
        "/admin/schools",
        {"school-name": "Lincoln Elementary", "school-district_id": str(district.id)},
    )
    assert response.status_code == 302
    page = client.get("/admin/").get_data(as_text=True)
    assert "Lincoln Elementary" in page and "Riverside Unified" in page


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("/admin/districts", {"district-name": ""}, "Enter a name."),
        ("/admin/districts", {"district-name": "Riverside"}, "already exists"),
        (
            "/admin/schools",
            {"school-name": "Harbor View", "school-district_id": ""},
            "Choose a district from the list.",
        ),
        ("/admin/schools", {"school-name": "", "school-district_id": "1"}, "Enter a name."),
    ],
)
def test_admin_forms_reject_bad_input_and_keep_text(client, admin, url, data, message):
    client.post_form("/admin/districts", {"district-name": "Riverside"})
    response = client.post_form(url, data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    for value in data.values():
        if value and not value.isdigit():
            assert f'value="{value}"' in page
    assert db.session.scalar(sa.select(sa.func.count(School.id))) == 0


def test_unknown_pages_use_the_site_layout(client, login):
    login(make_user())
    response = client.get("/no/such/page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in page and 'class="site-footer"' in page
    assert "Traceback" not in page
    assert client.post_form("/directory").status_code == 405


def test_oversized_request_is_413_not_500(client, login):
    login(make_user())
    response = client.post_form("/preview", {"text": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_json_clients_get_json_errors(client, login):
    login(make_user())
    response = client.get("/threads/12345", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json == {"error": {"code": "not_found", "message": "No such thread."}}


def test_admin_deactivates_an_account_from_its_profile(app, client, admin):
    member = make_user("Maria Lopez")
    phone = app.test_client()
    sign_in(phone, member)
    page = client.get(f"/u/{member.username}").get_data(as_text=True)
    assert "Deactivate account" in page
    response = client.post_form(f"/admin/people/{member.id}/deactivate")
    assert response.status_code == 302
    page = client.get("/directory").get_data(as_text=True)
    assert "Maria Lopez&#39;s account is deactivated: they are signed out everywhere." in page
    assert phone.get("/settings/profile").status_code == 302  # signed out there
    assert accounts.authenticate(member.email, PASSWORD) is None
    assert client.get(f"/u/{member.username}").status_code == 404


def test_admins_cannot_deactivate_themselves(client, admin):
    assert "Deactivate account" not in client.get(f"/u/{admin.username}").get_data(as_text=True)
    client.post_form(f"/admin/people/{admin.id}/deactivate")
    page = client.get("/directory").get_data(as_text=True)
    assert "You cannot deactivate your own account." in page
    assert client.get("/settings/profile").status_code == 200


def test_members_cannot_deactivate_anyone(client, login):
    member, other = make_user(), make_user()
    login(member)
    assert "Deactivate account" not in client.get(f"/u/{other.username}").get_data(as_text=True)
    assert client.post_form(f"/admin/people/{other.id}/deactivate").status_code == 404
    db.session.refresh(other)
    assert other.is_active
