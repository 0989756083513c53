"""The REST API under /api/v1: JSON in and out, documented by OpenAPI 3.

`register_api(app)` wires flask-smorest to the resource blueprints (one per
area: users, org, groups, threads, sessions, practices, improvement, cycles, stages,
measures, charts, dashboard, roster, invitations), serves the generated document at
/api/v1/openapi.json and its
readable form at /api/v1/docs. Views are thin: a schema parses, a service (which asks
`nic.policy`) acts, a schema dumps.
See docs/api.md for the conventions every later feature follows.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from nic.api import (
    charts,
    cycles,
    dashboard,
    groups,
    improvement,
    invitations,
    measures,
    notifications,
    org,
    practices,
    reference,
    roster,
    search,
    sessions,
    stages,
    threads,
    users,
)
from nic.api.base import API_PREFIX, IdConverter
from nic.api.schemas.common import ErrorSchema
from nic.extensions import csrf

SPEC_DESCRIPTION = (
    "Authenticate with a personal access token from Settings → API tokens: "
    "`Authorization: Bearer <token>`. The site's own pages may call with their session "
    "cookie instead; their writes need the `X-CSRFToken` header. Request bodies are JSON "
    "(`Content-Type: application/json`); unknown fields are rejected. Errors are "
    '`{"error": {"code", "message", "fields"}}`. Lists are '
    '`{"items", "page", "per_page", "total"}` with `per_page` at most 100. '
    "Timestamps are ISO 8601 in UTC."
)


class NicApi(Api):
    """flask-smorest's Api, documenting nic's error shape and leaving errors to the app.

    The app's own handlers (nic.setup) already answer /api/ paths with JSON
    errors; smorest's app-wide HTTPException handler would replace them with
    a different shape.
    """

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        return None


def register_api(app: Flask) -> None:
    """Register the API blueprints, the OpenAPI document and the reference page."""
    app.config.setdefault("NIC_API_READ_LIMIT", "600/minute")
    app.config.setdefault("NIC_API_WRITE_LIMIT", "120/minute")
    app.config.setdefault("API_TITLE", "nic API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    # Before any blueprint: rules are compiled with the converters known then.
    app.url_map.converters["id"] = IdConverter

    api = NicApi(
        app,
        spec_kwargs={
            "info": {"description": SPEC_DESCRIPTION},
            "security": [{"bearerAuth": []}],
        },
    )
    api.spec.components.security_scheme(
        "bearerAuth",
        {"type": "http", "scheme": "bearer", "description": "A personal access token."},
    )
    for blueprint in (
        users.bp, org.bp, groups.bp, threads.bp, sessions.bp, practices.bp, notifications.bp,
        search.bp, improvement.bp, cycles.bp, stages.bp, measures.bp, charts.bp,
        dashboard.bp, roster.bp, invitations.bp,
    ):  # fmt: skip
        # Form-style CSRF does not fit JSON; nic.api.auth checks the header
        # for session callers and skips it for tokens, which browsers never send.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    app.extensions["nic_api"] = api
    app.register_blueprint(reference.bp)
