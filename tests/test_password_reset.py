"""Forgot password: a mailed link that works for an hour, once, and tells no one who is a member."""

from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner

from nic.extensions import db
from nic.models import LoginSession
from nic.services import accounts, logins, passwords
from nic.views.auth import RESET_SENT
from tests.factories import PASSWORD, make_user
from tests.mailserver import outbox, parts

NEW = "a brand new passphrase"


def ask(client, address: str):
    return client.post_form("/forgot-password", {"email": address}, follow_redirects=True)


def mailed_link(app) -> str:
    text, _html = parts(outbox(app)[-1])
    return re.search(r"http://\S+/reset-password/\S+", text).group(0)


def path_of(link: str) -> str:
    return link.removeprefix("http://127.0.0.1:5000")


def choose(client, path: str, password: str = NEW, again: str | None = None):
    return client.post_form(path, {"new_password": password, "confirm_password": again or password})


def test_the_sign_in_page_offers_it(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/forgot-password">Forgot password?</a>' in page


def test_the_answer_is_the_same_for_members_and_strangers_and_only_members_get_mail(app, client):
    make_user("Maria Lopez", email="maria@example.org")
    gone = make_user("Gone Member", email="gone@example.org")
    accounts.set_account_active(None, gone.id, False)
    pages = []
    for address in ("maria@example.org", "nobody@example.org", "gone@example.org"):
        response = ask(client, address)
        assert response.status_code == 200 and response.request.path == "/login"
        body = response.get_data(as_text=True)
        assert RESET_SENT in body
        pages.append(re.sub(r'(name="csrf[-_]token"[^>]*value|content)="[^"]*"', "", body))
    assert pages[0] == pages[1] == pages[2]  # word for word
    assert [m["To"] for m in outbox(app)] == ["maria@example.org"]


def test_strangers_and_members_alike_only_enqueue_one_job(app, client, queued):
    make_user("Maria Lopez", email="maria@example.org")
    ask(client, "maria@example.org")
    ask(client, "nobody@example.org")
    assert queued.pending_count() == 2 and outbox(app) == []  # the request sends nothing


def test_the_link_sets_a_new_password_signs_in_here_and_ends_other_sign_ins(app, client):
    maria = make_user("Maria Lopez", email="maria@example.org")
    logins.start_login(maria, "a phone somewhere")
    ask(client, "maria@example.org")
    path = path_of(mailed_link(app))
    page = client.get(path)
    assert page.status_code == 200 and "Choose a new password" in page.get_data(as_text=True)
    response = choose(client, path)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/settings/password").status_code == 200  # signed in on this browser
    agents = db.session.scalars(
        sa.select(LoginSession.user_agent).where(LoginSession.user_id == maria.id)
    )
    assert "a phone somewhere" not in list(agents)  # the other sign-in ended
    assert accounts.authenticate("maria@example.org", NEW) is not None
    assert accounts.authenticate("maria@example.org", PASSWORD) is None


def test_the_link_works_once(app, client):
    make_user("Maria Lopez", email="maria@example.org")
    ask(client, "maria@example.org")
    path = path_of(mailed_link(app))
    assert choose(client, path).status_code == 302
    client.post_form("/logout")
    again = client.get(path)
    assert again.status_code == 400
    assert passwords.UNUSABLE in again.get_data(as_text=True).replace("&#39;", "'")
    assert choose(client, path, "another new passphrase").status_code == 400
    assert accounts.authenticate("maria@example.org", NEW) is not None


def test_the_link_stops_once_the_password_changes_in_settings(app, client):
    maria = make_user("Maria Lopez", email="maria@example.org")
    ask(client, "maria@example.org")
    path = path_of(mailed_link(app))
    accounts.change_password(maria, PASSWORD, "changed it myself", None)
    assert client.get(path).status_code == 400


@pytest.mark.parametrize(("age", "status"), [(3599, 200), (3601, 400)])
def test_the_link_expires_after_an_hour(app, client, monkeypatch, age, status):
    maria = make_user("Maria Lopez", email="maria@example.org")
    with monkeypatch.context() as past:  # the link was made `age` seconds ago
        past.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - age)
        token = passwords.reset_token(maria)
    page = client.get(f"/reset-password/{token}")
    assert page.status_code == status
    if status == 400:
        assert "This link has expired" in page.get_data(as_text=True)
        assert choose(client, f"/reset-password/{token}").status_code == 400
        assert accounts.authenticate("maria@example.org", PASSWORD) is not None


# Ways a signed link gets broken: by hand, by a mail client cutting it, or forged.
MANGLES = [lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"), lambda t: t[: len(t) // 2],
           lambda t: "not-a-token", lambda t: t.replace(".", "", 1)]  # fmt: skip


@pytest.mark.parametrize("mangle", MANGLES)
def test_a_tampered_link_is_refused_with_a_clear_page(app, client, mangle):
    maria = make_user("Maria Lopez", email="maria@example.org")
    page = client.get(f"/reset-password/{mangle(passwords.reset_token(maria))}")
    assert page.status_code == 400
    body = page.get_data(as_text=True)
    assert "This link does not work" in body and 'href="/forgot-password"' in body


def test_a_link_signed_for_something_else_is_refused(app, client):
    from itsdangerous import URLSafeTimedSerializer

    maria = make_user("Maria Lopez", email="maria@example.org")
    other = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="something-else")
    token = other.dumps({"user": maria.id, "password": "x"})
    assert client.get(f"/reset-password/{token}").status_code == 400


@pytest.mark.parametrize(
    ("password", "again", "message"),
    [("short", "short", "Use at least 10 characters."),
     (NEW, "a different passphrase", "The two new passwords differ.")],
)  # fmt: skip
def test_the_new_password_follows_the_registration_rules(app, client, password, again, message):
    maria = make_user("Maria Lopez", email="maria@example.org")
    path = f"/reset-password/{passwords.reset_token(maria)}"
    response = choose(client, path, password, again)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert choose(client, path).status_code == 302  # the link still works after a typo


def test_a_bad_address_is_shown_again_with_the_error(client):
    response = client.post_form("/forgot-password", {"email": "maria at school"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "Enter a valid email address." in body
    assert 'value="maria at school"' in body


def test_asking_is_rate_limited(client):
    statuses = [ask(client, f"n{n}@example.org").status_code for n in range(6)]
    assert statuses == [200] * 5 + [429]
