"""Security headers on every response, and cookies marked Secure behind HTTPS (issue 14)."""

from __future__ import annotations

import pytest

from nic import create_app
from nic.config import suite_config
from nic.extensions import db
from tests.factories import PASSWORD, make_user


@pytest.mark.parametrize("path", ["/login", "/api/v1/me", "/static/css/app.css", "/nope"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    headers = response.headers
    response.close()
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


@pytest.fixture
def https_app(app, database_url, monkeypatch):
    """The app as configured behind HTTPS (NIC_SECURE_COOKIES=1), on the test's database."""
    monkeypatch.setenv("NIC_SECURE_COOKIES", "1")
    app = create_app(suite_config(database_url))
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_behind_https_hsts_is_sent_and_cookies_are_secure(https_app):
    user = make_user("Secure Sam", email="sam@example.org")
    client = https_app.test_client()
    assert "max-age=31536000" in client.get("/login").headers["Strict-Transport-Security"]
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("session=", "remember_token="):
        [cookie] = [c for c in cookies if c.startswith(name)]
        assert "Secure" in cookie and "HttpOnly" in cookie, cookie
