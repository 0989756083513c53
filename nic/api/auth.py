"""Who is calling the API: a personal access token, or the site's own session.

`Authorization: Bearer <token>` is how scripts and other systems call. A
request without that header may still come from a signed-in browser (the
site's own scripts); those are CSRF-checked on writes, since a browser sends
its cookie wherever a page tells it to. A token request never touches the
session, so it never sets a cookie.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.local import LocalProxy

from nic import storage
from nic.api import bearer
from nic.api.errors import InvalidToken, UnsupportedMediaType
from nic.errors import Unauthenticated
from nic.extensions import csrf
from nic.models import ApiToken, User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


@dataclass(frozen=True)
class Caller:
    user: User | None
    token: ApiToken | None = None
    # Why credentials that were sent were refused (None: none were sent).
    problem: str | None = None


def _identify() -> Caller:
    if "Authorization" not in request.headers:
        return Caller(current_user if current_user.is_authenticated else None)
    credentials = bearer.read_token()
    if credentials is None:
        return Caller(None, problem="Send the token as: Authorization: Bearer <token>.")
    # The token alone decides who is calling, even with a session cookie sent along.
    found = bearer.verify(credentials)
    if found is None:
        return Caller(None, problem="That token is not valid: it is mistyped or was revoked.")
    return Caller(*found)


def identify() -> Caller:
    """This request's caller, worked out once (the rate limiter asks first)."""
    if "api_caller" not in g:
        g.api_caller = _identify()
    return g.api_caller


# The user an API view acts for: the token's, else the signed-in browser's. API
# modules use this, never Flask-Login's `current_user`, which knows only cookies.
api_user: Any = LocalProxy(lambda: identify().user)


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
    upload = storage.is_upload_request() and request.mimetype == "multipart/form-data"
    if request.method in BODY_METHODS and _has_body() and not request.is_json and not upload:
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
