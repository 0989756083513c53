"""Exceptions services raise; views, the API and socket handlers translate them."""

from __future__ import annotations


class ServiceError(Exception):
    """Base for the errors a service raises on purpose."""

    code = "error"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(ServiceError):
    """Input that cannot be accepted; `fields` maps field names to messages."""

    code = "invalid"
    status = 400

    def __init__(self, field: str | dict[str, str], message: str | None = None) -> None:
        fields = field if isinstance(field, dict) else {field: message or "Invalid value."}
        super().__init__(message or next(iter(fields.values())))
        self.fields = fields


class PermissionDenied(ServiceError):
    """The user can see the thing but may not do this to it."""

    code = "forbidden"
    status = 403


class NotFound(ServiceError):
    """Missing, or not this user's to see (outsiders must not learn it exists)."""

    code = "not_found"
    status = 404

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__(message)


class Conflict(ServiceError):
    """The request clashes with the current state (duplicate, already done)."""

    code = "conflict"
    status = 409
