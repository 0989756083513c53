"""Authentication: tokens (lifecycle, bad and revoked ones), the session, CSRF, cookies."""

from __future__ import annotations

from pathlib import Path

import pytest

from nic.extensions import db
from nic.models import ApiToken
from nic.services import tokens
from tests.api.conftest import ApiClient, error_code
from tests.factories import make_user


def test_a_token_authenticates_as_its_owner(app, api_client):
    user = make_user("Maria Lopez")
    response = api_client(user).get("me")
    assert response.status_code == 200
    assert response.get_json()["username"] == "maria.lopez"


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Token nic_abc",
        "Bearer nic_not-a-real-token",
        "Bearer not-even-the-prefix",
        "Bearer " + "nic_" + "x" * 500,
        "Bearer nic_\u00e9\u00e9",
    ],
)
def test_missing_or_bad_credentials_are_401_with_a_challenge(client, header):
    headers = {} if header is None else {"Authorization": header}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert error_code(response) == "unauthenticated"
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer")
    # Only a token that was sent can be "invalid" (RFC 6750).
    assert ('error="invalid_token"' in challenge) == (header is not None)


def test_token_lifecycle_create_use_revoke(app, api_client):
    user = make_user()
    created = tokens.create_token(user, "Roster sync")
    assert created.secret.startswith("nic_")
    stored = db.session.get(ApiToken, created.token.id)
    assert created.secret not in (stored.token_hash, stored.prefix)
    assert stored.last_used_at is None

    client = ApiClient(app.test_client(), created.secret)
    assert client.get("me").status_code == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, created.token.id).last_used_at is not None

    tokens.revoke_token(user, created.token.id)
    response = client.get("me")
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_deactivated_accounts_tokens_stop_working(app, api_client):
    user = make_user()
    client = api_client(user)
    user.is_active_account = False
    db.session.commit()
    assert client.get("me").status_code == 401


def test_a_token_request_never_sets_a_cookie(network, as_role):
    client = as_role("member")
    for response in (
        client.get("me"),
        client.post(f"threads/{network.thread.id}/posts", {"body": "Thanks."}),
        client.get("groups/999999"),
    ):
        assert "Set-Cookie" not in response.headers, response.status_code


def test_the_session_works_for_reads(network, login):
    client = login(network.member)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.get_json()["id"] == network.member.id


def test_session_writes_need_the_csrf_header(network, login):
    client = login(network.member)
    url = f"/api/v1/threads/{network.thread.id}/posts"
    refused = client.post(url, json={"body": "From the page."})
    assert refused.status_code == 400
    assert error_code(refused) == "csrf"
    accepted = client.post(
        url, json={"body": "From the page."}, headers={"X-CSRFToken": client.csrf_token()}
    )
    assert accepted.status_code == 201


def test_token_writes_need_no_csrf_header(network, as_role):
    response = as_role("member").post(f"threads/{network.thread.id}/posts", {"body": "Hi."})
    assert response.status_code == 201


def test_a_token_decides_who_calls_even_with_a_session_cookie(network, login):
    client = login(network.member)
    secret = tokens.create_token(network.outsider, "tests").secret
    as_outsider = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert as_outsider.get_json()["id"] == network.outsider.id
    # ...and a bad token is refused, not quietly replaced by the session.
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer nic_revoked"})
    assert bad.status_code == 401


def test_an_anonymous_session_is_401_even_for_writes(client, network):
    response = client.post(f"/api/v1/threads/{network.thread.id}/posts", json={"body": "x"})
    assert response.status_code == 401


def test_api_views_act_for_the_api_caller_never_the_cookie_user():
    """Flask-Login's current_user is the cookie's user: only nic/api/auth.py may read it."""
    api = Path(__file__).resolve().parents[2] / "nic" / "api"
    readers = sorted(
        p.name for p in api.rglob("*.py") if "flask_login" in p.read_text() and p.name != "auth.py"
    )
    assert readers == []
