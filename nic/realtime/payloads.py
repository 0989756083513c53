"""The payloads of /live client events, checked by marshmallow as the REST API checks bodies.

Every event sends one JSON object with the `session_id` it is about; each
event names its other fields with the API's own field types (`Id`, `Flag`),
so a socket and an API request refuse the same values with the same words.
Fields the event does not name are ignored, so a newer client still works;
text (`Raw`) is checked by the service that takes it. A refused payload is
the services' ValidationError: the ack `invalid`, with one message per field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from nic.api.errors import invalid_request
from nic.api.schemas.common import MAX_ID, Flag, Id
from nic.errors import ValidationError


def _id(**kwargs: Any) -> fields.Field:
    """An id, or 0 (`after_id: 0` is "from the start"); booleans and text are not ids."""
    return Id(validate=validate.Range(min=0, max=MAX_ID), **kwargs)


class Payload(ma.Schema):
    """What every event sends: the session it is about."""

    class Meta:
        unknown = ma.EXCLUDE

    session_id = _id(required=True)


def required_id() -> fields.Field:
    return _id(required=True)


def optional_id() -> fields.Field:
    return _id(load_default=None, allow_none=True)


def optional_flag() -> fields.Field:
    return Flag(load_default=None, allow_none=True)


def required_value() -> fields.Field:
    """Any JSON value; the service checks it (text, options) and says what is wrong."""
    return fields.Raw(required=True)


def optional_value() -> fields.Field:
    return fields.Raw(load_default=None, allow_none=True)


def schema_for(name: str, spec: dict[str, Callable[[], fields.Field]]) -> ma.Schema:
    """The schema of one event (built once, by its handler): field names to the makers above."""
    return Payload.from_dict({field: make() for field, make in spec.items()}, name=name)()


def load(schema: ma.Schema, args: tuple) -> dict[str, Any]:
    """The event's one payload object, checked; raises ValidationError."""
    if len(args) != 1 or not isinstance(args[0], dict):
        raise ValidationError("payload", "Send one JSON object.")
    try:
        return schema.load(args[0])
    except ma.ValidationError as exc:
        raise invalid_request(exc.messages) from None
