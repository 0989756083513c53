"""Exceptions services raise; views, the API and socket handlers translate them."""

from __future__ import annotations


class ServiceError(Exception):
    """Base for the errors a service raises on purpose (a subclass may set a stock message)."""

    code = "error"
    status = 400
    default_message = "That cannot be done now."

    def __init__(self, message: str | None = None) -> None:
        message = message or self.default_message
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


class EmailUnconfirmed(PermissionDenied):
    """The account's email address is not confirmed yet, so it may not write (policy.may_write)."""

    code = "email_unconfirmed"
    status = 403
    default_message = (
        "Confirm your email address first: open the link we mailed you "
        "(or ask for a new one in the banner at the top of the page), then try again."
    )


class NotFound(ServiceError):
    """Missing, or not this user's to see (outsiders must not learn it exists)."""

    code = "not_found"
    status = 404

    default_message = "Not found."


class Conflict(ServiceError):
    """The request clashes with the current state (duplicate, already done)."""

    code = "conflict"
    status = 409


class Unauthenticated(ServiceError):
    """No signed-in user (or the account was deactivated since connecting)."""

    code = "unauthenticated"
    status = 401
    default_message = "Sign in first."


class RateLimited(ServiceError):
    """Too many requests of one kind in a short time; try again shortly."""

    code = "rate_limited"
    status = 429
    default_message = "Slow down: too many messages. Try again shortly."


class NotLive(ServiceError):
    """The live session is scheduled or ended, so it cannot take chat or votes."""

    code = "not_live"
    status = 409
    default_message = "The session is not live."


class ChatLocked(ServiceError):
    """The facilitator locked the chat: only facilitators can write."""

    code = "locked"
    status = 409
    default_message = "The facilitator has locked the chat."


class Muted(ServiceError):
    """A facilitator muted this participant in this session."""

    code = "muted"
    status = 403
    default_message = "A facilitator has muted you in this session."
