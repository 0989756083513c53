"""Small helpers the blueprints share."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, g, redirect, request
from werkzeug.wrappers import Response

from nic.errors import ServiceError


def safe_next(target: str | None, default: str) -> str:
    """`next` only ever leads to a path on this site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def page_arg() -> int:
    """?page=N, clamped to a sane positive number."""
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), 100_000)


def current_login_id() -> int | None:
    """The id of the sign-in this request's cookies belong to (None for a token or nobody)."""
    return g.get("nic_login_id")


def refused(exc: ServiceError, to: str) -> Response:
    """A page's answer to a refusal it can explain: the service's message, back at `to`."""
    flash(exc.message, "error")
    return redirect(to)
