"""Who is calling the API: a personal access token, or the site's own session.

`Authorization: Bearer <token>` is how scripts and other systems call. A
request without that header may still come from a signed-in browser (the
site's own scripts); those are CSRF-checked on writes, since a browser sends
its cookie wherever a page tells it to. A token request never touches the
session, so it never sets a cookie.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from nic.api.errors import InvalidToken, UnsupportedMediaType
from nic.errors import Unauthenticated
from nic.extensions import csrf, login_manager
from nic.models import ApiToken, User
from nic.services import tokens

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


@dataclass(frozen=True)
class Caller:
    user: User | None
    token: ApiToken | None = None
    # Why credentials that were sent were refused (None: none were sent).
    problem: str | None = None


def _identify() -> Caller:
    header = request.headers.get("Authorization")
    if header is None:
        return Caller(current_user if current_user.is_authenticated else None)
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return Caller(None, problem="Send the token as: Authorization: Bearer <token>.")
    found = tokens.authenticate_token(secret.strip())
    if found is None:
        return Caller(None, problem="That token is not valid: it is mistyped or was revoked.")
    user, token = found
    # The token alone decides who is calling. Flask-Login would prefer a
    # session cookie sent along with it (and never ask a request_loader), so
    # the request's user is set here, without writing the session.
    login_manager._update_request_context_with_user(user)
    return Caller(user, token)


def identify() -> Caller:
    """This request's caller, worked out once (the rate limiter asks first)."""
    if "api_caller" not in g:
        g.api_caller = _identify()
    return g.api_caller


def _has_body() -> bool:
    return (
        bool(request.content_length)
        or "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    )


def authenticate() -> None:
    """before_request for every API blueprint.

    Raises Unauthenticated or InvalidToken (401) without a signed-in user, CSRFError (400)
    for a session write without the X-CSRFToken header, and
    UnsupportedMediaType (415) for a body that is not JSON.
    """
    caller = identify()
    if caller.user is None:
        if caller.problem:
            raise InvalidToken(caller.problem)
        raise Unauthenticated("Send a personal access token: Authorization: Bearer <token>.")
    if caller.token is None and request.method not in SAFE_METHODS:
        csrf.protect()
    if request.method in BODY_METHODS and _has_body() and not request.is_json:
        raise UnsupportedMediaType(
            "Send the request body as JSON (Content-Type: application/json)."
        )


def rate_limit_key() -> str:
    """Rate limits count per token, else per signed-in user, else per address."""
    caller = identify()
    if caller.token is not None:
        return f"token:{caller.token.id}"
    if caller.user is not None:
        return f"user:{caller.user.id}"
    return f"addr:{get_remote_address()}"
