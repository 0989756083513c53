"""API errors: the statuses the pages never need, and request-parsing failures.

Every error leaves the API as `{"error": {"code", "message", "fields"?}}`
through `nic.responses.error_response`, the same builder the pages use for JSON;
a 409 for a save from a stale version adds `current`, the thing as saved now, and a
batch refused for its rows adds `rows`, each bad row's number with its fields' problems.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import jsonify

from nic.api.bearer import challenge
from nic.errors import Conflict, ServiceError, Unauthenticated, ValidationError
from nic.responses import error_response
from nic.services.measure_points import RowErrors


class InvalidToken(Unauthenticated):
    """A token was sent but is malformed, unknown or revoked (RFC 6750 invalid_token)."""


class UnsupportedMediaType(ServiceError):
    """A request body that is not JSON."""

    code = "unsupported_media_type"
    status = 415


def flatten_messages(messages: object, prefix: str = "") -> dict[str, str]:
    """marshmallow's nested error messages as {"field.sub": "first message"}.

    Clients get one readable message per field, with list indexes and nested
    names joined by dots (`job_roles.1`).
    """
    if isinstance(messages, Mapping):
        flat: dict[str, str] = {}
        for key, value in messages.items():
            flat.update(flatten_messages(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(messages, list | tuple) and messages:
        if all(isinstance(m, str) for m in messages):
            return {prefix: str(messages[0])}
        return flatten_messages(dict(enumerate(messages)), prefix)
    return {prefix: str(messages)}


def invalid_request(messages: object) -> ValidationError:
    """A webargs/marshmallow failure as the services' ValidationError (400).

    Problems with the body as a whole (a list where an object belongs) come
    under marshmallow's `_schema` key: they become the message, not a field.
    """
    fields = flatten_messages(messages)
    whole = [v for k, v in fields.items() if k.split(".")[-1] == "_schema"]
    fields = {k: v for k, v in fields.items() if k.split(".")[-1] != "_schema"}
    if fields:
        names = ", ".join(sorted(fields))
        return ValidationError(fields, f"Some fields are not valid: {names}.")
    message = whole[0] if whole else "The request is not valid."
    if message == "Invalid input type.":
        message = "The request body must be a JSON object."
    return ValidationError({}, message)


def unauthenticated(exc: Unauthenticated):
    """401 with `WWW-Authenticate` (RFC 6750), so clients know to send a token."""
    body, status = error_response(exc.status, exc.code, exc.message)
    return body, status, {"WWW-Authenticate": challenge(isinstance(exc, InvalidToken))}


def conflict_with(exc: Conflict, current: object):
    """409 for a save from a stale version: the error, with the thing as saved now in
    `current` (so a client can merge and send again with its `version`)."""
    body = {"error": {"code": exc.code, "message": exc.message, "current": current}}
    return jsonify(body), exc.status


def row_errors(exc: RowErrors, rows_field: str | None = "points"):
    """400 for a batch with bad rows (nothing of it saved): `rows` maps each row's number,
    counting from 1 as people count rows, to its fields' messages; `fields` names the same
    problems by their place in a JSON body's list `rows_field` (`points.2.value`, counting
    from 0), as every 400 names its fields (None, for a batch that is no JSON list: none)."""
    rows = {str(number): problems for number, problems in exc.rows.items()}
    body: dict = {"error": {"code": exc.code, "message": exc.message, "rows": rows}}
    if rows_field is not None:
        body["error"]["fields"] = {
            f"{rows_field}.{number - 1}.{name}": message
            for number, problems in exc.rows.items()
            for name, message in problems.items()
        }
    return jsonify(body), exc.status
