"""Settings → API tokens: the secret shown once, the list, revoking, CSRF."""

from __future__ import annotations

import re

from nic.services import tokens
from tests.api.conftest import ApiClient
from tests.factories import make_user

SECRET = re.compile(r'value="(nic_[A-Za-z0-9_-]+)"')


def test_signing_in_is_required(client):
    response = client.get("/settings/tokens")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_page_links_the_api_reference(client, login):
    login(make_user())
    page = client.get("/settings/tokens").get_data(as_text=True)
    assert 'href="/api/v1/docs"' in page
    assert "No tokens yet" in page


def test_a_new_token_is_shown_once_and_works(app, client, login):
    user = make_user()
    login(user)
    created = client.post_form("/settings/tokens", {"name": "Roster sync"})
    assert created.status_code == 200
    assert created.headers["Cache-Control"] == "no-store"
    page = created.get_data(as_text=True)
    [secret] = SECRET.findall(page)
    assert "shown only this once" in page

    assert ApiClient(client, secret).get("/api/v1/me").get_json()["id"] == user.id
    again = client.get("/settings/tokens").get_data(as_text=True)
    assert secret not in again
    assert "Roster sync" in again and secret[:10] in again


def test_the_list_shows_last_use_and_revoked_state(app, client, login):
    user = make_user()
    used = tokens.create_token(user, "Used token")
    tokens.create_token(user, "Idle token")
    old = tokens.create_token(user, "Old token")
    tokens.revoke_token(user, old.token.id)
    ApiClient(client, used.secret).get("/api/v1/me")
    login(user)
    page = client.get("/settings/tokens").get_data(as_text=True)
    items = {
        re.search(r'item__title">([^<]+)<', item).group(1): item
        for item in page.split('<li class="item">')[1:]
    }
    assert "last used" in items["Used token"] and "Revoke" in items["Used token"]
    assert "never used" in items["Idle token"]
    assert "Revoked" in items["Old token"] and "<button" not in items["Old token"]
    # Live tokens first, newest first.
    assert list(items) == ["Idle token", "Used token", "Old token"]


def test_revoking_stops_the_token(app, client, login):
    user = make_user()
    created = tokens.create_token(user, "Old script")
    login(user)
    response = client.post_form(f"/settings/tokens/{created.token.id}/revoke")
    assert response.status_code == 302
    page = client.get("/settings/tokens").get_data(as_text=True)
    assert "is revoked" in page and "Revoked" in page
    assert ApiClient(client, created.secret).get("/api/v1/me").status_code == 401


def test_revoking_needs_the_csrf_token(app, client, login):
    user = make_user()
    created = tokens.create_token(user, "Script")
    login(user)
    response = client.post(f"/settings/tokens/{created.token.id}/revoke")
    assert response.status_code == 400
    assert ApiClient(client, created.secret).get("/api/v1/me").status_code == 200


def test_creating_needs_the_csrf_token(client, login):
    user = make_user()
    login(user)
    assert client.post("/settings/tokens", data={"name": "Sneaky"}).status_code == 400
    assert tokens.list_tokens(user) == []


def test_nobody_revokes_someone_elses_token(app, client, login):
    owner = make_user()
    created = tokens.create_token(owner, "Mine")
    login(make_user())
    response = client.post_form(f"/settings/tokens/{created.token.id}/revoke")
    assert response.status_code == 404
    assert ApiClient(client, created.secret).get("/api/v1/me").status_code == 200


def test_a_token_needs_a_name(client, login):
    user = make_user()
    login(user)
    response = client.post_form("/settings/tokens", {"name": "  "})
    assert response.status_code == 400
    assert "Name the token" in response.get_data(as_text=True)
    assert tokens.list_tokens(user) == []
