"""/api/v1/invitations: invite, list, send again, withdraw; the permission matrix."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.models import Invitation, Membership
from nic.services import invitations, logins
from tests.api.conftest import ROLES, error_code, fields_of, ok
from tests.factories import make_group, make_user
from tests.mailserver import outbox


def invite(network, group_id, *addresses):
    invitations.invite(network.facilitator, list(addresses), group_id)
    return db.session.scalar(sa.select(Invitation).order_by(Invitation.id.desc()))


def test_a_facilitator_invites_to_their_private_group(app, network, as_role):
    group = network.private_group
    body = ok(as_role("facilitator").post(
        "invitations", {"emails": ["Carla@District.org", "dee@district.org"], "group_id": group.id}
    ))  # fmt: skip
    assert [i["email"] for i in body["invited"]] == ["carla@district.org", "dee@district.org"]
    first = body["invited"][0]
    assert first["group"] == {"id": group.id, "name": "Principals ILT"}
    assert first["invited_by"]["name"] == "Frank Fisher"
    assert first["status"] == "pending" and first["send_count"] == 1
    assert first["expires_at"].endswith("Z") and body["joined"] == body["skipped"] == []
    assert sorted(m["To"] for m in outbox(app)) == ["carla@district.org", "dee@district.org"]


def test_one_address_and_the_outcome_for_accounts(app, network, as_role):
    logins.start_login(network.outsider, "a laptop")
    logins.start_login(network.member, "a phone")
    client = as_role("facilitator")
    joined = ok(client.post(
        "invitations", {"email": network.outsider.email, "group_id": network.private_group.id}
    ))  # fmt: skip
    assert joined["invited"] == [] and [u["id"] for u in joined["joined"]] == [network.outsider.id]
    assert db.session.get(Membership, (network.private_group.id, network.outsider.id))
    skipped = ok(client.post(
        "invitations", {"email": network.member.email, "group_id": network.private_group.id}
    ))  # fmt: skip
    assert skipped["skipped"] == [
        {"email": network.member.email, "reason": "is a member of the group already"}
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"emails": ["nope"], "group_id": 1}, "emails.0"),
     ({"emails": ["a@b.org", 12], "group_id": 1}, "emails.1"),
     ({"emails": [], "group_id": 1}, "emails"),
     ({"emails": [f"p{n}@b.org" for n in range(201)], "group_id": 1}, "emails"),
     ({"email": "nope", "group_id": 1}, "email"),
     ({"email": "a@b.org", "emails": ["c@d.org"], "group_id": 1}, "emails"),
     ({"group_id": 1}, "emails"),
     ({"email": "a@b.org", "group_id": "1"}, "group_id"),
     ({"email": "a@b.org", "group_id": 1, "role": "member"}, "role")],
)  # fmt: skip
def test_bad_bodies_are_400_naming_the_field(app, network, as_role, body, field):
    if "group_id" in body and isinstance(body["group_id"], int):
        body["group_id"] = network.private_group.id
    assert field in fields_of(as_role("facilitator").post("invitations", body))
    assert db.session.scalar(sa.select(Invitation)) is None and outbox(app) == []


# Who may invite to the private group, and to the network (group_id null).
@pytest.mark.parametrize(
    ("role", "private", "network_wide"),
    [("anonymous", 401, 401), ("outsider", 404, 403), ("member", 403, 403),
     ("facilitator", 200, 403), ("admin", 200, 200)],
)  # fmt: skip
def test_who_may_invite(app, network, as_role, role, private, network_wide):
    client = as_role(role)
    to_group = client.post(
        "invitations", {"email": "new@district.org", "group_id": network.private_group.id}
    )
    assert to_group.status_code == private, to_group.get_json()
    assert client.post(
        "invitations", {"email": "hub@district.org", "group_id": None}
    ).status_code == (network_wide)


def test_a_facilitator_of_another_group_cannot_invite_to_this_one(app, network, api_client):
    other = make_user("Omar Other", job_role="facilitator")
    make_group("Principals circle", facilitator=other)
    client = api_client(other)
    private = client.post("invitations", {"email": "x@d.org", "group_id": network.private_group.id})
    assert private.status_code == 404
    open_group = client.post("invitations", {"email": "x@d.org", "group_id": network.open_group.id})
    assert open_group.status_code == 403 and error_code(open_group) == "forbidden"


def test_an_outsider_cannot_tell_a_private_group_from_none(app, network, as_role):
    client = as_role("outsider")
    answers = [
        client.post("invitations", {"email": "x@d.org", "group_id": group_id})
        for group_id in (network.private_group.id, 2_000_000)
    ]
    assert answers[0].status_code == answers[1].status_code == 404
    assert answers[0].get_json() == answers[1].get_json()


def test_the_list_is_the_invitations_the_caller_manages(app, network, as_role, api_client):
    invite(network, network.private_group.id, "a@d.org", "b@d.org")
    invitations.invite(network.admin, ["hub@d.org"], None)
    withdrawn = invite(network, network.open_group.id, "gone@d.org")
    invitations.withdraw(network.facilitator, withdrawn.id)
    facilitator = ok(as_role("facilitator").get("invitations"))
    assert [i["email"] for i in facilitator["items"]] == ["b@d.org", "a@d.org"]
    assert facilitator["total"] == 2
    admin = ok(as_role("admin").get("invitations?per_page=2"))
    assert admin["total"] == 3 and len(admin["items"]) == 2
    assert ok(as_role("member").get("invitations"))["total"] == 0
    filtered = ok(as_role("facilitator").get(f"invitations?group_id={network.private_group.id}"))
    assert filtered["total"] == 2
    assert as_role("member").get(f"invitations?group_id={network.open_group.id}").status_code == 403
    hidden = as_role("outsider").get(f"invitations?group_id={network.private_group.id}")
    assert hidden.status_code == 404
    assert as_role("anonymous").get("invitations").status_code == 401
    assert as_role("facilitator").get("invitations?group_id=abc").status_code == 400


def test_sending_again_and_withdrawing(app, network, as_role):
    invitation = invite(network, network.private_group.id, "a@d.org")
    client = as_role("facilitator")
    again = ok(client.post(f"invitations/{invitation.id}/resend"))
    assert again["send_count"] == 2 and again["status"] == "pending" and len(outbox(app)) == 2
    assert client.delete(f"invitations/{invitation.id}").status_code == 204
    assert client.delete(f"invitations/{invitation.id}").status_code == 204  # nothing changes
    refused = client.post(f"invitations/{invitation.id}/resend")
    assert refused.status_code == 409 and error_code(refused) == "conflict"
    assert ok(client.get("invitations"))["total"] == 0


def test_an_accepted_invitation_cannot_be_withdrawn(app, network, as_role):
    invitation = invite(network, network.private_group.id, "a@d.org")
    invitation.accepted_at = invitation.sent_at
    db.session.commit()
    response = as_role("facilitator").delete(f"invitations/{invitation.id}")
    assert response.status_code == 409
    assert "remove them from the group instead" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("role", ROLES)
def test_the_matrix_for_one_invitation(app, network, as_role, role):
    invitation = invite(network, network.private_group.id, "a@d.org")
    expected = {"anonymous": 401, "outsider": 404, "member": 403, "facilitator": 200, "admin": 200}
    client = as_role(role)
    assert client.post(f"invitations/{invitation.id}/resend").status_code == expected[role]
    deleted = {**expected, "facilitator": 204, "admin": 204}[role]
    assert client.delete(f"invitations/{invitation.id}").status_code == deleted


def test_a_missing_invitation_and_a_private_one_answer_alike(app, network, as_role):
    invitation = invite(network, network.private_group.id, "a@d.org")
    network_wide = invitations.invite(network.admin, ["hub@d.org"], None).invited[0]
    client = as_role("outsider")
    for path in ("invitations/{}/resend", "invitations/{}"):
        method = "POST" if path.endswith("resend") else "DELETE"
        answers = [
            client.request(method, path.format(i))
            for i in (invitation.id, network_wide.id, 2_000_000)
        ]
        assert {a.status_code for a in answers} == {404}
        assert answers[0].get_json() == answers[1].get_json() == answers[2].get_json()


def test_the_list_queries_do_not_grow_with_invitations(app, network, as_role, count_queries):
    client = as_role("admin")
    client.get("me")  # the token's first use is recorded: not part of the list
    counts = []
    for n in (2, 20):
        invitations.invite(network.facilitator, [f"f{n}-{i}@d.org" for i in range(n // 2)],
                           network.private_group.id)  # fmt: skip
        invitations.invite(network.admin, [f"a{n}-{i}@d.org" for i in range(n // 2)], None)
        with count_queries() as counter:
            assert client.get("invitations?per_page=100").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
