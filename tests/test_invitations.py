"""Invitations on the pages: a facilitator invites by email, the link works once, for 7 days,
and lands the newcomer in the group, signed in; an address with an account joins instead."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from html import unescape

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner

from nic.extensions import db
from nic.models import Invitation, Membership, User, utcnow
from nic.services import accounts, groups, invitations, logins, passwords
from tests.factories import PASSWORD, make_group, make_school, make_user, sign_in
from tests.mailserver import outbox, parts

BASE = "http://127.0.0.1:5000"
NEW_PASSWORD = "a coaching cycle a week"


def link_in(message) -> str:
    text, html = parts(message)
    link = re.search(r"http://\S+/invitations/\S+", text).group(0)
    assert f'href="{link}"' in html
    return link.removeprefix(BASE)


def last_link(app) -> str:
    return link_in(outbox(app)[-1])


def page_text(response) -> str:
    return unescape(response.get_data(as_text=True))


def accept_form(name: str = "Carla Coach", password: str = NEW_PASSWORD, **extra) -> dict:
    return {
        "name": name, "password": password, "confirm_password": extra.pop("again", password),
        "job_role": "instructional_coach", "school_id": "", "time_zone": "America/Chicago",
        **extra,
    }  # fmt: skip


def invite_on_page(client, group, emails: str):
    return client.post_form(f"/groups/{group.id}/invitations", {"invite-emails": emails})


@pytest.fixture
def coaches(app):
    facilitator = make_user("Fran Facilitator", job_role="facilitator")
    member = make_user("Maria Lopez")
    group = make_group(
        "Instructional Coaches", visibility="private", facilitator=facilitator, members=[member]
    )
    return group, facilitator, member


def open_invitations(group) -> list[Invitation]:
    return list(db.session.scalars(invitations.pending_for_group(group.id)))


# --- Inviting and accepting ----------------------------------------------------------------


def test_a_facilitator_invites_and_the_newcomer_lands_in_the_group_signed_in(
    app, client, login, coaches
):
    group, facilitator, _member = coaches
    login(facilitator)
    response = invite_on_page(client, group, "carla@district.org")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/groups/{group.id}/members#invitations")
    [mail] = outbox(app)
    assert mail["To"] == "carla@district.org"
    assert mail["Subject"] == "Fran Facilitator invited you to Instructional Coaches on nic"
    text, html = parts(mail)
    assert "Fran Facilitator invited you to join Instructional Coaches on nic" in text
    assert "within 7 days" in text and "The link works once" in text
    assert "Accept and join Instructional Coaches" in html
    members_page = page_text(client.get(f"/groups/{group.id}/members"))
    assert "carla@district.org" in members_page and "Waiting for an answer" in members_page

    client.post_form("/logout")
    path = link_in(mail)
    page = client.get(path)
    assert page.status_code == 200
    assert "Fran Facilitator invited you to the group Instructional Coaches" in page_text(page)
    assert "carla@district.org" in page_text(page)
    response = client.post_form(path, accept_form())
    assert response.status_code == 302 and response.headers["Location"] == f"/groups/{group.id}"
    carla = db.session.scalar(sa.select(User).where(User.email == "carla@district.org"))
    assert carla.name == "Carla Coach" and carla.job_role == "instructional_coach"
    assert carla.time_zone == "America/Chicago"
    assert carla.email_confirmed_at is not None  # the link proved the address
    assert db.session.get(Membership, (group.id, carla.id)).role == "member"
    assert client.get(f"/groups/{group.id}").status_code == 200  # signed in, and a member
    invitation = db.session.scalar(sa.select(Invitation))
    assert invitation.accepted_user_id == carla.id and invitation.accepted_at is not None
    assert accounts.authenticate("carla@district.org", NEW_PASSWORD) is not None
    assert open_invitations(group) == []


def test_several_addresses_at_once_as_people_paste_them(app, client, login, coaches):
    group, facilitator, _member = coaches
    login(facilitator)
    pasted = "Ana Ruiz <ana@district.org>; ben@district.org,\nCHLOE@District.org ben@district.org"
    assert invite_on_page(client, group, pasted).status_code == 302
    assert sorted(m["To"] for m in outbox(app)) == [
        "ana@district.org", "ben@district.org", "chloe@district.org",
    ]  # fmt: skip
    assert len(open_invitations(group)) == 3


def test_bad_addresses_are_named_the_text_kept_and_nothing_sent(app, client, login, coaches):
    group, facilitator, _member = coaches
    login(facilitator)
    response = invite_on_page(client, group, "ana@district.org, not-an-address, bob@")
    assert response.status_code == 400
    body = page_text(response)
    assert "These are not email addresses: not-an-address, bob@. Correct or remove them." in body
    assert "ana@district.org, not-an-address, bob@</textarea>" in body
    assert 'aria-invalid="true"' in body
    assert outbox(app) == [] and open_invitations(group) == []
    empty = invite_on_page(client, group, "   ")
    assert empty.status_code == 400 and "Enter at least one email address." in page_text(empty)


def test_the_link_works_once(app, client, login, coaches):
    group, facilitator, _member = coaches
    login(facilitator)
    invite_on_page(client, group, "carla@district.org")
    client.post_form("/logout")
    path = last_link(app)
    assert client.post_form(path, accept_form()).status_code == 302
    client.post_form("/logout")
    again = client.get(path)
    assert again.status_code == 400 and invitations.USED in page_text(again)
    assert client.post_form(path, accept_form(password="another password!")).status_code == 400
    assert accounts.authenticate("carla@district.org", NEW_PASSWORD) is not None


def test_a_password_that_breaks_the_rules_is_refused_and_the_form_kept(app, client, coaches):
    group, facilitator, _member = coaches
    invitations.invite(facilitator, "carla@district.org", group.id)
    path = last_link(app)
    short = client.post_form(path, accept_form(password="short"))
    assert short.status_code == 400 and "Use at least 10 characters." in page_text(short)
    assert 'value="Carla Coach"' in page_text(short)
    differ = client.post_form(path, accept_form(again="something else entirely"))
    assert differ.status_code == 400 and "The two passwords differ" in page_text(differ)
    assert db.session.scalar(sa.select(User).where(User.email == "carla@district.org")) is None
    assert client.get(path).status_code == 200  # still usable


# Ways a link gets broken: by hand, by a mail client cutting it, or forged.
MANGLES = [
    lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"),
    lambda t: t[: len(t) // 2],
    lambda t: "x" + t,
    lambda t: "not-a-token",
    lambda t: "%00%ff..",
]


@pytest.mark.parametrize("mangle", MANGLES)
def test_a_forged_or_cut_link_says_so_and_never_fails(app, client, coaches, mangle):
    group, facilitator, _member = coaches
    invitations.invite(facilitator, "carla@district.org", group.id)
    path = last_link(app)
    token = path.removeprefix("/invitations/")
    for method in ("GET", "POST"):
        response = client.open(
            f"/invitations/{mangle(token)}", method=method,
            data=accept_form(csrf_token=client.csrf_token()),
        )  # fmt: skip
        assert response.status_code == 400, method
        assert invitations.UNUSABLE in page_text(response)


def test_a_link_of_another_kind_is_not_an_invitation(app, client, coaches):
    _group, _facilitator, member = coaches
    token = passwords.reset_token(member)
    response = client.get(f"/invitations/{token}")
    assert response.status_code == 400 and invitations.UNUSABLE in page_text(response)


def test_an_invitation_expires_after_its_days(app, client, coaches):
    group, facilitator, _member = coaches
    invitations.invite(facilitator, "carla@district.org", group.id)
    path = last_link(app)
    invitation = db.session.scalar(sa.select(Invitation))
    assert invitation.expires_at - invitation.sent_at == timedelta(days=7)
    invitation.expires_at = utcnow() - timedelta(minutes=1)  # a week went by
    db.session.commit()
    for response in (client.get(path), client.post_form(path, accept_form())):
        assert response.status_code == 400
        assert "This invitation has expired: an invitation works for 7 days." in page_text(response)
    assert db.session.scalar(sa.select(User).where(User.email == "carla@district.org")) is None
    # Still listed, as expired, to be sent again.
    assert [i.status(utcnow()) for i in open_invitations(group)] == ["expired"]


def test_the_signature_expires_too_and_the_days_are_configurable(app, client, coaches, monkeypatch):
    group, facilitator, _member = coaches
    app.config["NIC_INVITATION_DAYS"] = 2
    with monkeypatch.context() as past:  # the mail was sent three days ago
        past.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 3 * 86400)
        invitations.invite(facilitator, "carla@district.org", group.id)
    assert "within 2 days" in parts(outbox(app)[-1])[0]
    response = client.get(last_link(app))
    assert response.status_code == 400
    assert "an invitation works for 2 days" in page_text(response)


def test_a_withdrawn_invitation_stops_working(app, client, login, coaches):
    group, facilitator, _member = coaches
    invitations.invite(facilitator, "carla@district.org", group.id)
    path = last_link(app)
    invitation = db.session.scalar(sa.select(Invitation))
    login(facilitator)
    response = client.post_form(f"/invitations/{invitation.id}/withdraw")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/groups/{group.id}/members#invitations")
    assert open_invitations(group) == []
    client.post_form("/logout")
    page = client.get(path)
    assert page.status_code == 400 and invitations.WITHDRAWN in page_text(page)


def test_sending_again_mails_a_new_link_and_the_old_one_stops(app, client, login, coaches):
    group, facilitator, _member = coaches
    invitations.invite(facilitator, "carla@district.org", group.id)
    old = last_link(app)
    invitation = db.session.scalar(sa.select(Invitation))
    invitation.expires_at = utcnow() - timedelta(days=1)  # expired: sending again renews it
    db.session.commit()
    login(facilitator)
    assert client.post_form(f"/invitations/{invitation.id}/resend").status_code == 302
    db.session.refresh(invitation)
    assert invitation.send_count == 2 and invitation.status(utcnow()) == "pending"
    links = {link_in(mail) for mail in outbox(app)}  # the outbox's order within a second varies
    assert len(outbox(app)) == 2 and len(links) == 2
    [new] = links - {old}
    client.post_form("/logout")
    stale = client.get(old)
    assert stale.status_code == 400 and invitations.REPLACED in page_text(stale)
    assert client.post_form(new, accept_form()).status_code == 302


def test_inviting_an_address_invited_already_sends_the_same_invitation_again(app, coaches):
    group, facilitator, _member = coaches
    invitations.invite(facilitator, "carla@district.org", group.id)
    outcome = invitations.invite(facilitator, "Carla@District.org", group.id)
    assert len(outcome.invited) == 1 and outcome.invited[0].send_count == 2
    assert len(open_invitations(group)) == 1 and len(outbox(app)) == 2


# --- Addresses that have accounts -------------------------------------------------------------


def test_an_address_with_an_account_joins_the_group_instead(app, client, login, coaches):
    group, facilitator, _member = coaches
    dee = make_user("Dee Principal", email="dee@district.org")
    logins.start_login(dee, "her laptop")  # she has signed in before
    login(facilitator)
    response = invite_on_page(client, group, "DEE@district.org")
    assert response.status_code == 302
    assert db.session.get(Membership, (group.id, dee.id)).role == "member"
    assert db.session.scalar(sa.select(Invitation)) is None  # nothing to accept
    [mail] = outbox(app)
    assert mail["To"] == "dee@district.org"
    assert mail["Subject"] == "Fran Facilitator added you to Instructional Coaches on nic"
    text, html = parts(mail)
    assert "You have an account" in text and f"{BASE}/groups/{group.id}" in text
    assert f'href="{BASE}/groups/{group.id}"' in html
    flashed = page_text(client.get(f"/groups/{group.id}/members"))
    assert "1 person added to the group (they have accounts)." in flashed


def test_members_and_deactivated_accounts_are_skipped_with_the_reason(app, coaches):
    group, facilitator, member = coaches
    logins.start_login(member, "a phone")
    gone = make_user("Gone Member", email="gone@district.org")
    accounts.set_account_active(None, gone.id, False)
    outcome = invitations.invite(facilitator, f"{member.email}, gone@district.org", group.id)
    assert [(s.email, s.reason) for s in outcome.skipped] == [
        (member.email, "is a member of the group already"),
        ("gone@district.org", "has a deactivated account"),
    ]
    assert outcome.invited == [] and outcome.joined == [] and outbox(app) == []


def test_an_account_nobody_signed_in_to_gets_a_link_to_choose_its_password(app, client, coaches):
    group, facilitator, _member = coaches
    school = make_school("Lincoln Elementary")
    waiting = make_user("Eve Coach", email="eve@district.org", job_role="instructional_coach",
                        school=school)  # fmt: skip
    invitations.invite(facilitator, "eve@district.org", group.id)
    text, _html = parts(outbox(app)[-1])
    assert "An account with this address is waiting for you" in text
    path = last_link(app)
    form = page_text(client.get(path))
    assert 'value="Eve Coach"' in form  # what the account has, to confirm or change
    assert re.search(rf'<option (selected value="{school.id}"|value="{school.id}" selected)', form)
    response = client.post_form(
        path, accept_form("Eve Coach", job_role="instructional_coach", school_id=str(school.id))
    )
    assert response.status_code == 302
    db.session.refresh(waiting)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 3  # no new one
    assert accounts.authenticate("eve@district.org", NEW_PASSWORD).id == waiting.id
    assert waiting.signed_in_at is not None and waiting.school_id == school.id
    assert db.session.get(Membership, (group.id, waiting.id)) is not None


def test_an_account_that_signed_in_since_the_mail_only_joins(app, client, coaches):
    group, facilitator, _member = coaches
    invitations.invite(facilitator, "carla@district.org", group.id)
    path = last_link(app)
    carla = make_user("Carla Coach", email="carla@district.org")
    logins.start_login(carla, "a phone")
    page = client.get(path)
    assert page.status_code == 200 and "You have a nic account" in page_text(page)
    assert 'name="password"' not in page_text(page)
    response = client.post_form(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.get(Membership, (group.id, carla.id)) is not None
    assert accounts.authenticate("carla@district.org", PASSWORD) is not None  # unchanged


def test_someone_signed_in_as_another_person_is_asked_to_sign_out(app, client, login, coaches):
    group, facilitator, member = coaches
    invitations.invite(facilitator, "carla@district.org", group.id)
    login(member)
    page = client.get(last_link(app))
    assert page.status_code == 400
    assert "You are signed in as Maria Lopez, and this invitation is for carla@district.org" in (
        page_text(page)
    )
    assert db.session.scalar(sa.select(User).where(User.email == "carla@district.org")) is None


# --- Who may invite -------------------------------------------------------------------------

ROLES = ["anonymous", "outsider", "member", "other_facilitator", "facilitator", "admin"]


@pytest.fixture
def world(app, coaches):
    group, facilitator, member = coaches
    other = make_user("Omar Other", job_role="facilitator")
    make_group("Principals circle", facilitator=other)
    users = {
        "outsider": make_user("Olivia Outside"),
        "member": member,
        "other_facilitator": other,
        "facilitator": facilitator,
        "admin": make_user("Ada Admin", admin=True),
    }
    invitations.invite(facilitator, "waiting@district.org", group.id)
    invitation = db.session.scalar(sa.select(Invitation))
    return group, invitation, users


# method, url, expected status per role (see ROLES); the group is private.
MATRIX = [
    ("GET", "/groups/{group}/members", [302, 404, 200, 404, 200, 200]),
    ("POST", "/groups/{group}/invitations", [302, 404, 403, 404, 302, 302]),
    ("POST", "/invitations/{invitation}/resend", [302, 404, 403, 404, 302, 302]),
    ("POST", "/invitations/{invitation}/withdraw", [302, 404, 403, 404, 302, 302]),
]


@pytest.mark.parametrize(("method", "url", "expected"), MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_the_permission_matrix(client, world, method, url, expected, role):
    group, invitation, users = world
    if role != "anonymous":
        sign_in(client, users[role])
    path = url.format(group=group.id, invitation=invitation.id)
    data = {"invite-emails": "new@district.org"}
    response = client.get(path) if method == "GET" else client.post_form(path, data)
    assert response.status_code == expected[ROLES.index(role)], (role, path)
    if role == "anonymous":
        assert "/login" in response.headers["Location"]


def test_only_facilitators_see_the_invite_form_and_the_list(client, login, world):
    group, _invitation, users = world
    login(users["member"])
    page = page_text(client.get(f"/groups/{group.id}/members"))
    assert "Invite by email" not in page and "waiting@district.org" not in page
    client.post_form("/logout")
    login(users["facilitator"])
    page = page_text(client.get(f"/groups/{group.id}/members"))
    assert "Invite by email" in page and "waiting@district.org" in page
    assert 'action="/invitations/' in page  # send again and withdraw


def test_an_unconfirmed_facilitator_is_asked_to_confirm_first(app, client, login, coaches):
    group, _facilitator, _member = coaches
    unconfirmed = make_user("New Facilitator", job_role="facilitator", confirmed=False)
    groups.add_member(None, group.id, unconfirmed.id, "facilitator")
    login(unconfirmed)
    response = invite_on_page(client, group, "new@district.org")
    assert response.status_code == 403 and outbox(app) == []


def test_an_accepted_invitation_cannot_be_withdrawn_or_sent_again(app, client, login, coaches):
    group, facilitator, _member = coaches
    invitations.invite(facilitator, "carla@district.org", group.id)
    client.post_form(last_link(app), accept_form())
    client.post_form("/logout")
    invitation = db.session.scalar(sa.select(Invitation))
    login(facilitator)
    for action in ("resend", "withdraw"):
        response = client.post_form(f"/invitations/{invitation.id}/{action}", follow_redirects=True)
        assert "carla@district.org accepted this invitation already" in page_text(response)
    assert len(outbox(app)) == 1


# --- The pending list costs the same for 3 invitations as for 30 --------------------------------


def test_the_members_page_queries_do_not_grow_with_invitations(
    app, client, login, count_queries, coaches
):
    group, facilitator, _member = coaches
    admin = make_user("Ada Admin", admin=True)
    login(facilitator)
    counts = []
    for n in (3, 30):
        inviters = [facilitator, admin]
        for i in range(n - len(open_invitations(group))):
            invitations.invite(inviters[i % 2], f"person{n}-{i}@district.org", group.id)
        assert len(open_invitations(group)) == n
        client.get(f"/groups/{group.id}/members")  # warm: the first view writes its visit
        with count_queries() as counter:
            page = client.get(f"/groups/{group.id}/members")
        assert page.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_an_invitation_to_an_account_deactivated_since_says_so(app, client, coaches):
    group, facilitator, _member = coaches
    waiting = make_user("Eve Coach", email="eve@district.org")
    invitations.invite(facilitator, "eve@district.org", group.id)
    accounts.set_account_active(None, waiting.id, False)
    for response in (client.get(last_link(app)), client.post_form(last_link(app), accept_form())):
        assert response.status_code == 400 and invitations.DEACTIVATED in page_text(response)
    assert db.session.get(Membership, (group.id, waiting.id)) is None
