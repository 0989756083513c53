"""Sign up, sign in, sign out, and the NIC_OPEN_REGISTRATION switch."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from nic import create_app
from nic.config import suite_config
from nic.extensions import db
from nic.models import User
from tests.factories import PASSWORD, make_school, make_user
from tests.mailserver import outbox, parts


def register(client, **overrides):
    data = {
        "name": "Maria Lopez",
        "email": "Maria.Lopez@Example.org",
        "password": "a long enough password",
        "job_role": "principal",
        "school_id": "",
    }
    data.update(overrides)
    return client.post_form("/register", data)


def test_sign_up_creates_the_account_and_its_mailed_link_signs_in(app, client):
    school = make_school("Lincoln Elementary")
    response = register(client, school_id=str(school.id))
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    user = db.session.scalar(sa.select(User))
    assert user.email == "maria.lopez@example.org"  # stored lower-cased
    assert user.username == "maria.lopez"
    assert user.school_id == school.id
    assert user.password_hash.startswith("scrypt:")
    [mail] = outbox(app)
    link = re.search(r"http://127\.0\.0\.1:5000(/confirm-email/\S+)", parts(mail)[0]).group(1)
    client.get(link)
    home = client.get("/")
    assert "Welcome, Maria Lopez" in home.get_data(as_text=True)


def test_username_derived_from_name_is_unique(client):
    make_user("Maria Lopez")
    register(client)
    users = db.session.scalars(sa.select(User.username).order_by(User.id)).all()
    assert users == ["maria.lopez", "maria.lopez2"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": ""}, "Enter your email address."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"password": "short"}, "Use at least 10 characters."),
        ({"name": ""}, "Enter your name."),
        ({"name": "x" * 121}, "120"),
        ({"job_role": "superintendent"}, "Choose your job role from the list."),
        ({"school_id": "999"}, "Choose a school from the list."),
    ],
)
def test_sign_up_rejects_bad_input_and_keeps_text(client, overrides, message):
    response = register(client, **overrides)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    if overrides.get("name", "Maria Lopez") == "Maria Lopez":
        assert 'value="Maria Lopez"' in page  # what the user typed is kept
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_a_duplicate_email_makes_no_account_and_answers_like_any_sign_up(client):
    """Case-insensitively; tests/test_email_addresses.py checks the answer word for word."""
    make_user(email="maria.lopez@example.org")
    response = register(client, email="MARIA.LOPEZ@example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1
    assert "already exists" not in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_sign_in_and_out(client):
    user = make_user(email="coach@example.org")
    response = client.post_form("/login", {"email": "Coach@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert user.name in client.get("/").get_data(as_text=True)
    response = client.post_form("/logout")
    assert response.status_code == 302
    assert client.get("/").headers["Location"].endswith("/login")


@pytest.mark.parametrize(
    ("email", "password"),
    [("coach@example.org", "wrong password!"), ("nobody@example.org", PASSWORD)],
)
def test_wrong_credentials_are_refused_with_one_message(client, email, password):
    make_user(email="coach@example.org")
    response = client.post_form("/login", {"email": email, "password": password})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "That email and password do not match an account." in page
    assert f'value="{email}"' in page
    assert client.get("/").status_code == 302  # still signed out


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/groups/", "/groups/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_only_redirects_within_the_site(client, target, expected):
    make_user(email="coach@example.org")
    token = client.csrf_token()
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "coach@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location in (expected, f"http://localhost{expected}")


def test_forms_without_csrf_token_are_refused(client):
    make_user(email="coach@example.org")
    response = client.post("/login", data={"email": "coach@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "Your form expired" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_registration_can_be_switched_off(database_url):
    config = {**suite_config(database_url), "NIC_OPEN_REGISTRATION": False}
    app = create_app(config)
    with app.app_context():
        db.create_all()
        client = app.test_client()
        assert client.get("/register").status_code == 404
        assert "Sign up" not in client.get("/login").get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()


def test_deactivated_account_cannot_sign_in(client):
    user = make_user(email="gone@example.org")
    user.is_active_account = False
    db.session.commit()
    response = client.post_form("/login", {"email": "gone@example.org", "password": PASSWORD})
    assert response.status_code == 400


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in ["/", "/groups/", "/directory", "/groups/1", "/threads/1", "/settings/profile"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]


def test_many_people_signing_in_from_one_address_are_not_locked_out(client):
    """A district's schools often share one public address: the limit is per account."""
    people = [make_user(email=f"leader{n}@example.org") for n in range(25)]
    token = client.csrf_token()
    statuses = []
    for person in people:
        data = {"email": person.email, "password": PASSWORD, "csrf_token": token}
        statuses.append(client.post("/login", data=data).status_code)
        client.post("/logout", data={"csrf_token": client.csrf_token()})
        token = client.csrf_token()
    assert 429 not in statuses and statuses.count(302) == 25


def test_password_guessing_is_rate_limited(client):
    make_user(email="coach@example.org")
    token = client.csrf_token()
    statuses = [
        client.post(
            "/login",
            data={"email": "coach@example.org", "password": f"guess {n}", "csrf_token": token},
        ).status_code
        for n in range(21)
    ]
    assert statuses[:20] == [400] * 20
    assert statuses[20] == 429
    blocked = client.post(
        "/login", data={"email": "coach@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert blocked.status_code == 429
    assert "Too many requests" in blocked.get_data(as_text=True)
    assert blocked.headers.get("Retry-After")
