"""Through the API too, an account whose address is unconfirmed reads but does not write."""

from __future__ import annotations

import pytest

from nic.services import groups
from tests.api.conftest import error_code
from tests.factories import make_practice, make_user


@pytest.fixture
def newcomer(network):
    """A member of both groups who has not opened the link mailed at sign-up."""
    user = make_user("New Comer", school=network.school, confirmed=False)
    for group in (network.open_group, network.private_group):
        groups.add_member(None, group.id, user.id, "member")
    return user


def test_reading_works(network, newcomer, api_client):
    client = api_client(newcomer)
    assert client.get(f"threads/{network.thread.id}").status_code == 200
    assert client.get("me").status_code == 200


@pytest.mark.parametrize(
    "write",
    [lambda n, p: (f"groups/{n.private_group.id}/threads", {"title": "Hi", "body": "Hi."}),
     lambda n, p: (f"threads/{n.thread.id}/posts", {"body": "Me too."}),
     lambda n, p: ("practices", {"title": "Walkthrough cadence"}),
     lambda n, p: (f"practices/{p.id}/helpful", None)],
)  # fmt: skip
def test_writes_are_refused_with_email_unconfirmed(network, newcomer, api_client, write):
    practice = make_practice(network.member, publish=True)
    path, body = write(network, practice)
    response = api_client(newcomer).post(path, body)
    assert response.status_code == 403 and error_code(response) == "email_unconfirmed"
    assert "Confirm your email address" in response.get_json()["error"]["message"]
