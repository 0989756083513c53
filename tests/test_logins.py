"""Sign-ins end on the server: sign out, sign out everywhere, a password change, deactivation.

Each test copies a browser's cookies (the signed `session` cookie and the
`remember_token` cookie) into fresh clients, as someone who borrowed the
laptop would, and checks that after the owner ends the sign-in neither
cookie opens anything.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.models import LoginSession, User
from nic.services import accounts
from tests.factories import PASSWORD, TEST_USER_AGENT, make_user

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
COOKIES = ("session", "remember_token")


@pytest.fixture
def browser(app, client):
    """browser(user, agent) -> a client signed in through the sign-in form from that browser."""
    clients = [client]

    def _browser(user: User, agent: str = TEST_USER_AGENT):
        other = clients.pop() if clients else app.test_client()
        other.environ_base["HTTP_USER_AGENT"] = agent
        response = other.post_form("/login", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return other

    return _browser


def copies(app, browser_client) -> list:
    """One fresh client per cookie of the browser, each holding only that cookie."""
    result = []
    for name in COOKIES:
        cookie = browser_client.get_cookie(name)
        assert cookie is not None, f"no {name} cookie"
        copy = app.test_client()
        copy.set_cookie(name, cookie.value, domain=cookie.domain)
        result.append(copy)
    return result


def signed_in(client) -> bool:
    """Whether the client opens a page only signed-in people see."""
    response = client.get("/settings/profile")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def can_create_a_token(client) -> bool:
    response = client.post_form("/settings/tokens", {"name": "From a copied cookie"})
    return response.status_code == 200 and "is ready" in response.get_data(as_text=True)


def test_either_copied_cookie_works_while_signed_in(app, browser):
    user = make_user()
    laptop = browser(user)
    for copy in copies(app, laptop):
        assert signed_in(copy)
        assert can_create_a_token(copy)


def test_signing_out_ends_both_copied_cookies(app, browser):
    user = make_user()
    laptop = browser(user)
    stolen = copies(app, laptop)
    assert laptop.post_form("/logout").status_code == 302
    for copy in stolen:
        assert not signed_in(copy)
        assert not can_create_a_token(copy)
    assert db.session.scalar(sa.select(sa.func.count(LoginSession.id))) == 0


def test_sign_out_everywhere_ends_every_device_this_one_included(app, browser):
    user = make_user()
    laptop, phone = browser(user), browser(user, IPHONE)
    stolen = copies(app, laptop) + copies(app, phone)
    response = laptop.post_form("/settings/devices/end-all")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    for client in [laptop, phone, *stolen]:
        assert not signed_in(client)


def test_devices_lists_each_sign_in_and_signs_one_out(app, browser):
    user = make_user()
    laptop, phone = browser(user), browser(user, IPHONE)
    page = laptop.get("/settings/devices").get_data(as_text=True)
    assert "Chrome on Windows" in page
    assert "Mobile Safari on iPhone" in page
    assert page.count("This device") == 1
    phone_id = db.session.scalar(
        sa.select(LoginSession.id).where(LoginSession.user_agent == IPHONE)
    )
    response = laptop.post_form(f"/settings/devices/{phone_id}/end")
    assert response.status_code == 302
    page = laptop.get("/settings/devices").get_data(as_text=True)
    assert "That device is signed out." in page
    assert "Mobile Safari on iPhone" not in page
    assert not signed_in(phone)
    assert signed_in(laptop)


def test_signing_out_this_device_from_the_list_signs_out_here(browser):
    user = make_user()
    laptop = browser(user)
    login_id = db.session.scalar(sa.select(LoginSession.id))
    response = laptop.post_form(f"/settings/devices/{login_id}/end")
    assert response.headers["Location"].endswith("/login")
    assert not signed_in(laptop)


def test_someone_elses_sign_in_is_not_found(browser):
    owner, other = make_user(), make_user()
    browser(owner)
    owners_login = db.session.scalar(sa.select(LoginSession.id))
    intruder = browser(other)
    assert intruder.post_form(f"/settings/devices/{owners_login}/end").status_code == 404
    assert intruder.post_form("/settings/devices/999999/end").status_code == 404
    assert db.session.get(LoginSession, owners_login) is not None


def test_changing_the_password_ends_other_devices_and_keeps_this_one(app, browser):
    user = make_user(email="coach@example.org")
    laptop, phone = browser(user), browser(user, IPHONE)
    stolen = copies(app, phone)
    new = "a much longer passphrase"
    response = laptop.post_form(
        "/settings/password",
        {"current_password": PASSWORD, "new_password": new, "confirm_password": new},
    )
    assert response.status_code == 302
    page = laptop.get("/settings/devices").get_data(as_text=True)
    assert "Your password is changed." in page
    assert "Mobile Safari on iPhone" not in page
    assert signed_in(laptop)
    for client in [phone, *stolen]:
        assert not signed_in(client)
    assert accounts.authenticate("coach@example.org", new) is not None
    assert accounts.authenticate("coach@example.org", PASSWORD) is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"current_password": "not my password"}, "That is not your current password."),
        ({"new_password": "short", "confirm_password": "short"}, "Use at least 10 characters."),
        ({"confirm_password": "something else entirely"}, "The two new passwords differ."),
        ({"current_password": ""}, "Enter your current password."),
        ({"new_password": "bad\x00password!", "confirm_password": "bad\x00password!"},
         "Remove the invisible control character (NUL)"),
    ],
)  # fmt: skip
def test_a_bad_password_change_is_refused_with_a_message(browser, fields, message):
    user = make_user()
    laptop, phone = browser(user), browser(user, IPHONE)
    new = "a much longer passphrase"
    data = {"current_password": PASSWORD, "new_password": new, "confirm_password": new, **fields}
    response = laptop.post_form("/settings/password", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert signed_in(phone)  # nothing ended
    db.session.refresh(user)
    assert accounts.authenticate(user.email, PASSWORD) is not None


def test_deactivating_an_account_ends_its_sign_ins(app, browser):
    member = make_user()
    admin = make_user(admin=True)
    phone = browser(member, IPHONE)
    stolen = copies(app, phone)
    accounts.set_account_active(admin, member.id, False)
    for client in [phone, *stolen]:
        assert not signed_in(client)
    assert db.session.scalar(sa.select(sa.func.count(LoginSession.id))) == 0


def test_a_cookie_from_before_sign_ins_were_kept_opens_nothing(client):
    user = make_user()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # what the cookie held before
        session["_fresh"] = True
    assert not signed_in(client)


def test_an_unused_sign_in_expires_and_recent_use_is_recorded_sparingly(app, browser):
    user = make_user()
    laptop = browser(user)
    login = db.session.scalar(sa.select(LoginSession))
    first_seen = login.last_seen_at
    assert signed_in(laptop)
    db.session.refresh(login)
    assert login.last_seen_at == first_seen  # a page a moment later writes nothing
    login.last_seen_at = first_seen - timedelta(minutes=6)
    db.session.commit()
    assert signed_in(laptop)
    db.session.refresh(login)
    assert login.last_seen_at > first_seen - timedelta(minutes=6)
    login.last_seen_at = first_seen - app.config["REMEMBER_COOKIE_DURATION"] - timedelta(hours=1)
    db.session.commit()
    assert not signed_in(laptop)
    assert "Chrome on Windows" not in laptop.get("/settings/devices").get_data(as_text=True)


def test_the_devices_page_runs_the_same_queries_whatever_the_number_of_sign_ins(
    app, browser, count_queries
):
    user = make_user()
    laptop = browser(user)

    def queries() -> int:
        with count_queries() as counter:
            assert laptop.get("/settings/devices").status_code == 200
        return counter.count

    one = queries()
    for _ in range(5):
        browser(user, IPHONE)
    assert queries() == one
