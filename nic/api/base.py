"""What every API blueprint shares: parsing, authentication, rate limits, ids.

Each resource module creates an `ApiBlueprint`; it arrives already wired to
authenticate the caller, CSRF-check session writes, count requests against
the read and write rate limits, and turn parse failures into 400s with
field messages.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, NoReturn

import marshmallow as ma
from flask import current_app
from flask_smorest import Blueprint
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.routing import IntegerConverter

from nic import jsonlimits
from nic.api.auth import SAFE_METHODS, authenticate, rate_limit_key
from nic.api.errors import invalid_request, unauthenticated
from nic.api.schemas.common import MAX_ID
from nic.errors import Unauthenticated, ValidationError
from nic.extensions import limiter

API_PREFIX = "/api/v1"
WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]


class IdConverter(IntegerConverter):
    """`<id:name>` in routes: 1..2**31-1, so an absurd id is a 404, not a database error."""

    def __init__(self, map: Any, min: int = 1, max: int = MAX_ID) -> None:
        super().__init__(map, min=min, max=max)


class ApiParser(FlaskParser):
    """webargs, raising the services' ValidationError (400) instead of aborting with 422."""

    DEFAULT_VALIDATION_STATUS = 400
    # A misspelt query parameter (`?per_pgae=`) is an error, not silently ignored.
    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
        "querystring": ma.RAISE,
    }

    def handle_error(self, error: ma.ValidationError, req: Any, schema: ma.Schema,
                     *, error_status_code: Any, error_headers: Any) -> NoReturn:  # fmt: skip
        messages = error.messages
        # webargs files messages under their location ({"json": {...}}): drop that level.
        if isinstance(messages, dict) and len(messages) == 1:
            messages = next(iter(messages.values()))
        raise invalid_request(messages) from error

    def _raw_load_json(self, req: Any) -> Any:
        """webargs' own JSON decoding, with nic's nesting limit."""
        if not is_json_request(req):
            return missing
        return jsonlimits.loads(req.get_data(cache=True))

    def _handle_invalid_json_error(self, error: Exception, req: Any, *args: Any,
                                   **kwargs: Any) -> NoReturn:  # fmt: skip
        if isinstance(error, jsonlimits.TooDeep):
            message = f"The request body is nested more than {jsonlimits.MAX_DEPTH} levels deep."
            raise ValidationError({}, message) from error
        raise ValidationError({}, "The request body is not valid JSON.") from error


def read_limit() -> str:
    return current_app.config["NIC_API_READ_LIMIT"]


def write_limit() -> str:
    return current_app.config["NIC_API_WRITE_LIMIT"]


class ApiBlueprint(Blueprint):
    """A flask-smorest Blueprint for one resource area of /api/v1."""

    ARGUMENTS_PARSER = ApiParser()

    def __init__(self, name: str, import_name: str, *, tag: str, description: str) -> None:
        super().__init__(name, import_name, url_prefix=API_PREFIX, description=description)
        self.tag = tag
        self.before_request(authenticate)
        self.register_error_handler(Unauthenticated, unauthenticated)
        # Shared scopes: one read and one write budget per caller across the API.
        limiter.shared_limit(
            read_limit, scope="api-read", key_func=rate_limit_key, methods=sorted(SAFE_METHODS)
        )(self)
        limiter.shared_limit(
            write_limit, scope="api-write", key_func=rate_limit_key, methods=WRITE_METHODS
        )(self)

    def route(self, rule: str, *, parameters: Any = None, tags: Any = None, **options: Any):
        """Blueprint.route, tagged with the area, documenting the 401 and 429 every call may get."""
        register = super().route(rule, parameters=parameters, tags=tags or [self.tag], **options)

        def decorator(func):
            return register(self.errors(401, 429)(func))

        return decorator

    def errors(self, *statuses: int):
        """Document the error statuses an operation can answer with (403, 404, 409...)."""

        def decorator(func):
            for status in statuses:
                func = self.alt_response(status, response=HTTPStatus(status).name)(func)
            return func

        return decorator
