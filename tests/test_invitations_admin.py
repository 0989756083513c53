"""Invitations on the admin page: to the network or a group, and everyone who never signed in."""

from __future__ import annotations

from html import unescape

import sqlalchemy as sa

from nic.extensions import db
from nic.models import Invitation, Membership, User
from nic.services import invitations, logins
from tests.factories import make_group, make_user
from tests.mailserver import outbox, parts
from tests.test_invitations import accept_form, last_link, link_in


def text_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_the_admin_page_offers_invitations(client, login):
    admin = make_user("Ada Admin", admin=True)
    make_user("Never Came")  # an account nobody has signed in to
    login(admin)
    page = text_of(client.get("/admin/"))
    assert "Invite people" in page and "Everyone who has never signed in" in page
    assert "1 person has an account but never signed in" in page  # Ada signed in


def test_an_admin_invites_to_the_network_and_the_newcomer_lands_on_the_home_page(
    app, client, login
):
    admin = make_user("Ada Admin", admin=True)
    login(admin)
    response = client.post_form(
        "/admin/invitations", {"invite-emails": "hub@district.org", "invite-group_id": ""}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#invitations")
    [mail] = outbox(app)
    assert mail["Subject"] == "Ada Admin invited you to nic"
    assert "Ada Admin invited you to nic, where" in parts(mail)[0]
    page = text_of(client.get("/admin/"))
    assert "hub@district.org" in page and "The network" in page
    client.post_form("/logout")
    response = client.post_form(last_link(app), accept_form("Hal Hub"))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    hal = db.session.scalar(sa.select(User).where(User.email == "hub@district.org"))
    assert db.session.scalars(sa.select(Membership).where(Membership.user_id == hal.id)).all() == []


def test_an_admin_invites_to_a_group_and_bad_input_is_reshown(app, client, login):
    admin = make_user("Ada Admin", admin=True)
    group = make_group("Instructional Coaches")
    login(admin)
    bad = client.post_form(
        "/admin/invitations", {"invite-emails": "oops", "invite-group_id": str(group.id)}
    )
    assert bad.status_code == 400
    assert "This is not an email address: oops. Correct or remove it." in text_of(bad)
    assert f'<option selected value="{group.id}">' in text_of(bad) or (
        f'value="{group.id}" selected' in text_of(bad)
    )
    unknown = client.post_form(
        "/admin/invitations", {"invite-emails": "a@district.org", "invite-group_id": "999999"}
    )
    assert unknown.status_code == 400 and "Choose a group from the list." in text_of(unknown)
    good = client.post_form(
        "/admin/invitations", {"invite-emails": "a@district.org", "invite-group_id": str(group.id)}
    )
    assert good.status_code == 302
    assert db.session.scalar(sa.select(Invitation.group_id)) == group.id


def test_everyone_who_never_signed_in_is_invited_once(app, client, login):
    admin = make_user("Ada Admin", admin=True)
    coaches = make_group("Instructional Coaches")
    waiting = [make_user(f"Coach {n}", email=f"coach{n}@district.org") for n in range(3)]
    came = make_user("Came Before", email="came@district.org")
    logins.start_login(came, "a laptop")
    gone = make_user("Gone", email="gone@district.org")
    gone.is_active_account = False
    db.session.commit()
    login(admin)
    response = client.post_form(
        "/admin/invitations/never-signed-in", {"never-group_id": str(coaches.id)}
    )
    assert response.status_code == 302
    assert sorted(m["To"] for m in outbox(app)) == [u.email for u in waiting]
    assert "An account with this address is waiting for you" in parts(outbox(app)[0])[0]
    # Pressed again: those with an invitation waiting are left out.
    again = client.post_form(
        "/admin/invitations/never-signed-in", {"never-group_id": str(coaches.id)},
        follow_redirects=True,
    )  # fmt: skip
    assert "coach0@district.org has an invitation waiting" in text_of(again)
    assert len(outbox(app)) == 3
    # A coach accepts: the same account, its password chosen, in the group.
    client.post_form("/logout")
    mail = next(m for m in outbox(app) if m["To"] == "coach1@district.org")
    assert client.post_form(link_in(mail), accept_form("Coach 1")).status_code == 302
    assert db.session.get(Membership, (coaches.id, waiting[1].id)) is not None
    assert invitations.count_never_signed_in() == 2  # coach 0 and coach 2


def test_only_admins_reach_the_invitation_forms(client, login):
    facilitator = make_user("Fran Facilitator", job_role="facilitator")
    login(facilitator)
    for path in ("/admin/invitations", "/admin/invitations/never-signed-in"):
        assert client.post_form(path, {"invite-emails": "a@district.org"}).status_code == 404
    assert db.session.scalar(sa.select(Invitation)) is None


def test_the_admin_page_queries_do_not_grow_with_invitations(app, client, login, count_queries):
    admin = make_user("Ada Admin", admin=True)
    group = make_group("Instructional Coaches")
    login(admin)
    counts = []
    for n in (2, 20):
        addresses = [f"p{n}-{i}@district.org" for i in range(n // 2)]
        invitations.invite(admin, addresses, group.id)
        invitations.invite(admin, [f"net-{a}" for a in addresses], None)
        client.get("/admin/")
        with count_queries() as counter:
            assert client.get("/admin/").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
