"""Network administration pages, and error pages in the site's layout."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.models import District, School
from tests.factories import make_user


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
