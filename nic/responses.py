"""Error responses: one builder for pages and JSON alike.

Pages get the error page in the site's layout; the API and scripts (a path
under /api/ or a request that prefers JSON) get `{"error": {"code",
"message", "fields"?}}`. The app's error handlers (nic.setup) and the API
(nic.api.errors) both answer through `error_response`.
"""

from __future__ import annotations

from flask import jsonify, render_template, request

ERROR_TEXT = {
    400: ("Something was wrong with that request", "Please go back and try again."),
    403: ("Not allowed", "You do not have permission to do that."),
    404: ("Page not found", "That page does not exist, or you do not have access to it."),
    405: ("Not allowed", "That page cannot be used that way."),
    413: ("Too large", "What you sent is too large."),
    429: ("Slow down", "Too many requests. Please wait a moment and try again."),
    500: ("Something went wrong", "We could not finish that. Nothing you saved was lost."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def json_error(status: int, code: str, message: str, fields: dict | None = None):
    """One error as `{"error": {"code", "message", "fields"?}}`, whatever the request
    accepts: for the endpoints that only ever answer JSON (search suggestions)."""
    body: dict = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), status


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    """One error, as JSON for the API and scripts, as a page for people."""
    if wants_json():
        return json_error(status, code, message, fields)
    title, default_message = ERROR_TEXT.get(status, ERROR_TEXT[400])
    return (
        render_template(
            "errors/error.html", code=status, title=title, message=message or default_message
        ),
        status,
    )


HTTP_CODES = {
    400: "invalid",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}
