"""Email addresses: confirmed by a mailed link before posting, on sign-up and on every change."""

from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from nic import policy
from nic.errors import EmailUnconfirmed
from nic.extensions import db
from nic.models import Thread, User
from nic.services import accounts, addresses, signed_links
from nic.views.addresses import CHANGE_SENT, CONFIRMED
from nic.views.auth import REGISTERED
from tests.factories import PASSWORD, make_group, make_thread, make_user
from tests.mailserver import outbox, parts
from tests.test_migrations import fresh_app  # noqa: F401  (a fixture)
from tests.test_password_reset import MANGLES

NEW_ACCOUNT = {
    "name": "Maria Lopez",
    "email": "Maria.Lopez@Example.org",
    "password": "a long enough password",
    "job_role": "principal",
    "school_id": "",
}


def register(client, **overrides):
    return client.post_form("/register", {**NEW_ACCOUNT, **overrides})


def mail_to(app, address: str, subject: str = ""):
    """The one mail to `address` (with `subject` in its subject): the outbox's files are
    named by the second they were written, so their order within a second is not kept."""
    [found] = [m for m in outbox(app) if m["To"] == address and subject in m["Subject"]]
    return found


def link_in(message, path: str) -> str:
    """The path of the first link to `path` in a mail, checked in both parts and absolute."""
    text, html = parts(message)
    found = re.search(rf"http://127\.0\.0\.1:5000({re.escape(path)}\S+)", text)
    assert found, text
    assert f'href="http://127.0.0.1:5000{found.group(1)}"' in html
    return found.group(1)


def flashed(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _kind, message in session.get("_flashes", [])]


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def page_text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'")


# Registration


def test_signing_up_mails_a_link_that_confirms_and_signs_in(app, client):
    response = register(client)
    # Nobody is signed in by registering (a taken address must answer the same).
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    login_page = page_text(client.get("/login"))
    assert REGISTERED.format(email="maria.lopez@example.org") in login_page
    assert client.get("/").status_code == 302  # not signed in
    maria = user_by_email("maria.lopez@example.org")
    assert maria.email_confirmed_at is None and not policy.may_write(maria)
    [mail] = outbox(app)
    assert mail["To"] == "maria.lopez@example.org"
    path = link_in(mail, "/confirm-email/")
    confirmed = client.get(path)
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == "/"
    home = page_text(client.get("/"))
    assert CONFIRMED in home and "data-email-banner" not in home
    assert "Welcome, Maria Lopez" in home  # signed in by the link
    assert user_by_email("maria.lopez@example.org").email_confirmed_at is not None
    assert client.get(path).status_code == 302  # opened again: still confirmed, no error
    # Opened again in another browser: it confirms nothing new and signs nobody in.
    other = app.test_client()
    again = other.get(path)
    assert again.status_code == 302 and again.headers["Location"] == "/login"


def test_signing_in_before_confirming_shows_the_banner(app, client):
    register(client)
    client.post_form("/login", {"email": "maria.lopez@example.org",
                                "password": NEW_ACCOUNT["password"]})  # fmt: skip
    home = page_text(client.get("/"))
    assert "Confirm your email: we sent a link to <strong>maria.lopez@example.org</strong>" in home
    assert 'action="/confirm-email/resend"' in home


def test_a_taken_address_gets_the_same_answer_creates_nothing_and_mails_the_owner(app, client):
    owner = make_user("Maria Lopez", email="maria.lopez@example.org")
    answers = []
    for address in ("new.person@example.org", "MARIA.LOPEZ@example.org"):
        client = app.test_client()  # a fresh browser for each
        response = register(client, email=address)
        answers.append((response.status_code, response.headers["Location"], flashed(client)))
    assert answers[0][:2] == answers[1][:2] == (302, "/login")
    assert [re.sub(r"\S+@example\.org", "x", m) for m in answers[0][2]] == [
        re.sub(r"\S+@example\.org", "x", m) for m in answers[1][2]
    ]
    assert "already" not in " ".join(answers[1][2])
    emails = db.session.scalars(sa.select(User.email).order_by(User.id)).all()
    assert emails == ["maria.lopez@example.org", "new.person@example.org"]
    assert db.session.get(User, owner.id).name == "Maria Lopez"  # untouched
    assert sorted(m["To"] for m in outbox(app)) == [
        "maria.lopez@example.org",
        "new.person@example.org",
    ]
    text, _html = parts(mail_to(app, "maria.lopez@example.org", "Someone tried to register"))
    assert "http://127.0.0.1:5000/login" in text
    assert "http://127.0.0.1:5000/forgot-password" in text


def test_the_enumerating_message_is_gone(client):
    make_user(email="maria.lopez@example.org")
    response = register(client, email="maria.lopez@example.org")
    assert response.status_code == 302
    assert "already exists" not in page_text(client.get("/", follow_redirects=True))


def test_bad_input_is_still_shown_for_a_taken_address_as_for_any(client):
    make_user(email="maria.lopez@example.org")
    response = register(client, email="maria.lopez@example.org", password="short")
    assert response.status_code == 400 and "Use at least 10 characters." in page_text(response)


# Unconfirmed accounts may read, not write


def test_an_unconfirmed_member_reads_but_cannot_post_and_is_told_why(app, login):
    writer = make_user()
    newcomer = make_user("New Comer", confirmed=False)
    group = make_group(members=[writer, newcomer])
    thread = make_thread(group, writer)
    client = login(newcomer)
    assert client.get(f"/threads/{thread.id}").status_code == 200
    page = page_text(client.get(f"/groups/{group.id}"))
    assert "Confirm your email" in page
    response = client.post_form(f"/threads/{thread.id}/reply", {"body": "Me too."})
    assert response.status_code == 403
    assert EmailUnconfirmed.default_message in page_text(response)
    started = client.post_form(f"/groups/{group.id}/threads/new", {"title": "Hi", "body": "Hi."})
    assert started.status_code == 302  # back to the group, saying why
    assert EmailUnconfirmed.default_message in page_text(client.get(started.headers["Location"]))
    assert db.session.scalar(sa.select(sa.func.count(Thread.id))) == 1


@pytest.mark.parametrize(
    "rule",
    [lambda u, g: policy.can_post_in_group(u, g, None),
     lambda u, g: policy.can_write_practice(u),
     lambda u, g: policy.can_edit_practice(u, True),
     lambda u, g: policy.can_create_group(u)],
)  # fmt: skip
def test_every_writing_rule_asks_may_write(app, rule):
    group = make_group()
    admin = make_user(admin=True)
    unconfirmed = make_user(admin=True, confirmed=False)
    assert rule(admin, group) and not rule(unconfirmed, group)


def test_resend_mails_a_fresh_link_and_is_rate_limited(app, login):
    newcomer = make_user("New Comer", email="new@example.org", confirmed=False)
    client = login(newcomer)
    assert client.post_form("/confirm-email/resend").status_code == 302
    assert "We sent a new link to new@example.org" in page_text(client.get("/"))
    statuses = [client.post_form("/confirm-email/resend").status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert [m["To"] for m in outbox(app)] == ["new@example.org"] * 3


def test_resend_needs_the_csrf_token_and_a_sign_in(app, client, login):
    assert client.post_form("/confirm-email/resend").status_code == 302  # to sign in
    assert client.post("/confirm-email/resend").status_code == 400  # no token
    client = login(make_user(confirmed=False))
    assert client.post("/confirm-email/resend").status_code == 400  # no token
    assert outbox(app) == []


def test_resend_for_a_confirmed_account_sends_nothing(app, login):
    client = login(make_user())
    client.post_form("/confirm-email/resend")
    assert outbox(app) == []


# The confirmation link


def confirm_token(user: User) -> str:
    return signed_links.make(addresses.CONFIRM, user)


@pytest.mark.parametrize(("age", "status"), [(7 * 86400 - 5, 302), (7 * 86400 + 5, 400)])
def test_the_confirmation_link_works_for_seven_days(app, client, monkeypatch, age, status):
    newcomer = make_user(confirmed=False)
    with monkeypatch.context() as past:
        past.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - age)
        token = confirm_token(newcomer)
    response = client.get(f"/confirm-email/{token}")
    assert response.status_code == status
    if status == 400:
        assert "This link has expired" in page_text(response)
    assert (db.session.get(User, newcomer.id).email_confirmed_at is not None) == (status == 302)


@pytest.mark.parametrize("mangle", MANGLES)
def test_a_tampered_confirmation_link_is_refused_clearly(app, client, mangle):
    newcomer = make_user(confirmed=False)
    response = client.get(f"/confirm-email/{mangle(confirm_token(newcomer))}")
    assert response.status_code == 400 and "This link does not work" in page_text(response)
    assert db.session.get(User, newcomer.id).email_confirmed_at is None


def test_links_of_one_kind_never_work_as_another(app, client):
    from nic.services import passwords

    newcomer = make_user(confirmed=False)
    assert client.get(f"/confirm-email/{passwords.reset_token(newcomer)}").status_code == 400
    other = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="something-else")
    forged = other.dumps({"user": newcomer.id, "email": "x"})
    assert client.get(f"/confirm-email/{forged}").status_code == 400
    change = signed_links.make(addresses.CHANGE, newcomer, new="x@example.org")
    assert client.get(f"/confirm-email/{change}").status_code == 400


def test_a_confirmation_link_stops_working_once_the_address_changed(app, client):
    newcomer = make_user(email="first@example.org", confirmed=False)
    token = confirm_token(newcomer)
    newcomer.email = "second@example.org"
    db.session.commit()
    assert client.get(f"/confirm-email/{token}").status_code == 400
    assert db.session.get(User, newcomer.id).email_confirmed_at is None


def test_a_deactivated_account_cannot_confirm(app, client):
    newcomer = make_user(confirmed=False)
    token = confirm_token(newcomer)
    accounts.set_account_active(None, newcomer.id, False)
    assert client.get(f"/confirm-email/{token}").status_code == 400


# Changing the address


def ask_to_change(client, email: str, password: str = PASSWORD):
    return client.post_form("/settings/email", {"email": email, "current_password": password})


def test_changing_the_address_confirms_the_new_one_then_tells_the_old(app, login):
    maria = make_user("Maria Lopez", email="old@example.org")
    client = login(maria)
    response = ask_to_change(client, "New@Example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/settings/email"
    page = page_text(client.get("/settings/email"))
    assert CHANGE_SENT.format(new="new@example.org", old="old@example.org") in page
    assert db.session.get(User, maria.id).email == "old@example.org"  # not yet
    [mail] = outbox(app)
    assert mail["To"] == "new@example.org"
    path = link_in(mail, "/settings/email/confirm/")
    done = client.get(path)
    assert done.status_code == 302
    assert db.session.get(User, maria.id).email == "new@example.org"
    assert "Your email address is now new@example.org" in page_text(client.get("/"))
    notice = mail_to(app, "old@example.org")
    text, html = parts(notice)
    assert "changed to new@example.org" in text and "If this wasn't you" in text
    assert "http://127.0.0.1:5000/forgot-password" in text and "/forgot-password" in html
    assert accounts.authenticate("new@example.org", PASSWORD) is not None
    again = client.get(path)  # used: the address it was bound to has changed
    assert again.status_code == 400 and "This link does not work" in page_text(again)


def test_the_new_address_taken_meanwhile_leaves_the_address_and_says_so(app, login):
    maria = make_user(email="old@example.org")
    client = login(maria)
    ask_to_change(client, "new@example.org")
    path = link_in(outbox(app)[-1], "/settings/email/confirm/")
    make_user(email="new@example.org")
    response = client.get(path)
    assert response.status_code == 409
    body = page_text(response)
    assert "new@example.org now belongs to another nic account" in body
    assert "your address stays old@example.org" in body
    assert db.session.get(User, maria.id).email == "old@example.org"
    assert [m["To"] for m in outbox(app)] == ["new@example.org"]  # no notice: nothing changed


def test_asking_for_a_taken_address_looks_like_asking_for_a_free_one(app, login):
    make_user(email="taken@example.org")
    client = login(make_user(email="old@example.org"))
    for address in ("taken@example.org", "free@example.org"):
        response = ask_to_change(client, address)
        assert response.status_code == 302
        assert CHANGE_SENT.format(new=address, old="old@example.org") in page_text(
            client.get("/settings/email")
        )


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [("new@example.org", "wrong password", "That is not your current password."),
     ("not an address", PASSWORD, "Enter a valid email address."),
     ("OLD@example.org", PASSWORD, "That is your address already."),
     ("", PASSWORD, "Enter the new email address.")],
)  # fmt: skip
def test_a_bad_change_is_refused_with_a_clear_message(app, login, email, password, message):
    client = login(make_user(email="old@example.org"))
    response = ask_to_change(client, email, password)
    assert response.status_code == 400 and message in page_text(response)
    assert outbox(app) == []


def test_a_change_link_is_stale_once_the_address_changed_another_way(app, login):
    maria = make_user(email="old@example.org")
    client = login(maria)
    ask_to_change(client, "first@example.org")
    first = link_in(mail_to(app, "first@example.org"), "/settings/email/confirm/")
    ask_to_change(client, "second@example.org")
    second = link_in(mail_to(app, "second@example.org"), "/settings/email/confirm/")
    assert client.get(second).status_code == 302
    assert client.get(first).status_code == 400
    assert db.session.get(User, maria.id).email == "second@example.org"


def test_a_change_link_expires_after_two_days(app, client, monkeypatch):
    maria = make_user(email="old@example.org")
    with monkeypatch.context() as past:
        past.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 2 * 86401)
        token = signed_links.make(addresses.CHANGE, maria, new="new@example.org")
    response = client.get(f"/settings/email/confirm/{token}")
    assert response.status_code == 400 and "This link has expired" in page_text(response)


def test_the_settings_page_needs_the_csrf_token(app, login):
    client = login(make_user())
    response = client.post("/settings/email", data={"email": "x@example.org"})
    assert response.status_code == 400 and outbox(app) == []


# The migration


def test_existing_accounts_count_as_confirmed_after_the_migration(fresh_app):  # noqa: F811
    upgrade()
    made = [make_user().id, make_user(confirmed=False).id]
    db.session.remove()
    downgrade(revision="0009m")
    upgrade()
    users = [db.session.get(User, user_id) for user_id in made]
    assert all(u.email_confirmed_at == u.created_at for u in users)
