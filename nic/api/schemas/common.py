"""Building blocks every API schema shares: strict fields, pages, errors.

Request schemas reject unknown fields (marshmallow's default RAISE) and wrong
JSON types (no "1" for 1, no 1 for true); response schemas turn naive SQLite
timestamps into ISO 8601 UTC. The OpenAPI document is generated from these
same classes, so what is documented is what is enforced.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from nic.models import iso_utc
from nic.services.validation import check_characters

# Ids are PostgreSQL `integer` columns: anything larger cannot exist.
MAX_ID = 2**31 - 1
MAX_PAGE = 100_000
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25
# Beyond any count, percent or rate a school records (as nic.services.validation.clean_number).
NUMBER_MAX = 1e12


class ApiSchema(ma.Schema):
    """Base schema: unknown fields are an error (a typo must not pass silently)."""

    class Meta:
        unknown = ma.RAISE


class Text(fields.String):
    """Text as the services take it: no control characters but tab and line breaks, no lone
    surrogates (the same check and message as forms and sockets: `check_characters`)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = check_characters(text)
        if problem:
            raise ma.ValidationError(problem)
        return text


class Flag(fields.Boolean):
    """A JSON true or false, nothing else (1 and "yes" are type errors)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class UtcDateTime(fields.DateTime):
    """ISO 8601 in UTC with a `Z`, whatever the database handed back."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return iso_utc(value)


class Number(fields.Float):
    """A JSON number (not a string, not a boolean), finite and at most NUMBER_MAX either side
    of 0: an absurd one (1e400, 10**400) is a 400, never an overflow."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Range(min=-NUMBER_MAX, max=NUMBER_MAX))
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        # The bound first: math.isfinite(10**400) would overflow.
        if abs(value) > NUMBER_MAX or not math.isfinite(value):
            raise ma.ValidationError(f"Give a number from -{NUMBER_MAX:g} to {NUMBER_MAX:g}.")
        return float(value)


class Id(fields.Integer):
    """A positive database id; strict in JSON bodies, parsed from text in queries."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("strict", True)
        kwargs.setdefault("validate", validate.Range(min=1, max=MAX_ID))
        super().__init__(**kwargs)


class PageArgs(ApiSchema):
    """`?page=&per_page=` for every list."""

    page = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=MAX_PAGE),
        metadata={"description": "1-based page number."},
    )
    per_page = fields.Integer(
        load_default=DEFAULT_PER_PAGE,
        validate=validate.Range(min=1, max=MAX_PER_PAGE),
        metadata={"description": f"Items per page, at most {MAX_PER_PAGE}."},
    )


@cache
def page_of(item_schema: type[ma.Schema]) -> type[ma.Schema]:
    """The list envelope `{"items", "page", "per_page", "total"}` for one item type.

    Cached, so each item type has exactly one page schema (and one name in
    the OpenAPI document).
    """
    name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
    return type(
        name,
        (ApiSchema,),
        {
            "items": fields.List(fields.Nested(item_schema), required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "total": fields.Integer(
                required=True, metadata={"description": "Items on all pages together."}
            ),
        },
    )


class ErrorBodySchema(ApiSchema):
    code = fields.String(
        required=True, metadata={"description": "Stable machine-readable code, e.g. not_found."}
    )
    message = fields.String(required=True, metadata={"description": "For people."})
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "Field name (dotted for nested values) to its problem."},
    )
    rows = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.String()),
        metadata={
            "description": "A batch's bad rows (POST /measures/{id}/points): each row's number, "
            'counting from 1, to its fields\' problems, e.g. {"3": {"value": "Give a number."}}.'
        },
    )


class ErrorSchema(ApiSchema):
    """Every error response."""

    error = fields.Nested(ErrorBodySchema, required=True)


class FlagArgs(ApiSchema):
    """Body of the pin and lock actions; sending no body means true."""

    value = Flag(load_default=True, metadata={"description": "false undoes the action."})


class Annotated:
    """A model object plus values worked out for the current viewer.

    Schemas read attributes; this lets a view add the few that are not on the
    model (the caller's group role, a body the caller may not read) without a
    second schema per case: `annotate(post, body=None)`.
    """

    __slots__ = ("_extra", "_obj")

    def __init__(self, obj: Any, extra: dict[str, Any]) -> None:
        self._obj = obj
        self._extra = extra

    def __getattr__(self, name: str) -> Any:
        extra = object.__getattribute__(self, "_extra")
        if name in extra:
            return extra[name]
        return getattr(object.__getattribute__(self, "_obj"), name)


@cache
def stale_of(schema: type[ma.Schema], what: str) -> type[ma.Schema]:
    """The 409 of a save from a stale version: `{"error": {"code", "message", "current"}}`,
    `current` being the thing (`what`) as saved now, in `schema`. Cached: one name each."""
    name = "Stale" + schema.__name__.removesuffix("Schema")
    body = ApiSchema.from_dict(
        {
            "code": fields.String(required=True, metadata={"description": "conflict"}),
            "message": fields.String(required=True),
            "current": fields.Nested(
                schema, required=True, metadata={"description": f"The {what} as saved now."}
            ),
        },
        name=f"{name}Body",
    )
    return ApiSchema.from_dict({"error": fields.Nested(body, required=True)}, name=name)


def annotate(obj: Any, **extra: Any) -> Annotated:
    return Annotated(obj, extra)
