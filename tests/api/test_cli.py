"""`flask create-token EMAIL [--name N]` prints the token and nothing else."""

from __future__ import annotations

from nic.services import tokens
from tests.api.conftest import ApiClient
from tests.factories import make_user


def test_create_token_prints_only_a_working_token(app, client):
    user = make_user(email="maria@example.org")
    result = app.test_cli_runner().invoke(
        args=["create-token", "Maria@Example.org", "--name", "Sync"]
    )
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert result.stdout == secret + "\n"
    assert [t.name for t in tokens.list_tokens(user)] == ["Sync"]
    assert ApiClient(client, secret).get("/api/v1/me").get_json()["id"] == user.id


def test_create_token_for_an_unknown_email_fails_on_stderr(app):
    result = app.test_cli_runner().invoke(args=["create-token", "nobody@example.org"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "No active account" in result.stderr
