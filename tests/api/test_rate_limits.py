"""Rate limits: per token, else per signed-in user; reads and writes counted apart."""

from __future__ import annotations

import pytest

from tests.api.conftest import error_code


@pytest.fixture
def tiny_limits(app):
    app.config.update(NIC_API_READ_LIMIT="3/minute", NIC_API_WRITE_LIMIT="2/minute")


def test_too_many_reads_are_429_with_retry_after(network, as_role, tiny_limits):
    client = as_role("member")
    statuses = [client.get("me").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("groups")  # the budget is shared by every read
    assert limited.status_code == 429
    assert error_code(limited) == "rate_limited"
    assert 0 < int(limited.headers["Retry-After"]) <= 60


def test_writes_have_their_own_budget(network, as_role, tiny_limits):
    client = as_role("member")
    url = f"threads/{network.thread.id}/posts"
    assert [client.post(url, {"body": "x"}).status_code for _ in range(3)] == [201, 201, 429]
    assert client.get("me").status_code == 200


def test_each_token_has_its_own_budget(network, api_client, tiny_limits):
    first, second = api_client(network.member), api_client(network.member)
    for _ in range(3):
        first.get("me")
    assert first.get("me").status_code == 429
    assert second.get("me").status_code == 200


def test_the_session_is_limited_per_user(network, login, tiny_limits):
    client = login(network.member)
    assert [client.get("/api/v1/me").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_anonymous_calls_are_limited_per_address(network, client, tiny_limits):
    statuses = [client.get("/api/v1/me").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
