"""Bearer tokens (RFC 6750) through Flask-HTTPAuth: reading the header, checking, the challenge.

`token_auth` parses `Authorization: Bearer <token>` and asks the tokens
service; `challenge` is the `WWW-Authenticate` value a 401 carries, so a
client knows to send a token (and, when it sent one, that it was refused).
"""

from __future__ import annotations

from flask_httpauth import HTTPTokenAuth
from werkzeug.datastructures import Authorization

from nic.models import ApiToken, User
from nic.services import tokens

token_auth = HTTPTokenAuth(scheme="Bearer", realm="nic")


@token_auth.verify_token
def _verify(secret: str) -> tuple[User, ApiToken] | None:
    return tokens.authenticate_token(secret.strip())


def read_token() -> Authorization | None:
    """This request's bearer credentials; None when the header is not `Bearer <token>`."""
    auth = token_auth.get_auth()
    return auth if auth is not None and (auth.token or "").strip() else None


def verify(credentials: Authorization) -> tuple[User, ApiToken] | None:
    """(user, token row) for a valid token; None for a mistyped or revoked one."""
    return token_auth.authenticate(credentials, None)


def challenge(invalid: bool) -> str:
    header = token_auth.authenticate_header()
    return f'{header}, error="invalid_token"' if invalid else header
