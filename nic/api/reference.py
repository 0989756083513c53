"""/api/v1/docs: the API reference as a plain page, built from the OpenAPI document.

Server-rendered (the site's CSP allows no inline or third-party scripts, so
Swagger UI and ReDoc are out), and generated from the same spec that
/api/v1/openapi.json serves, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, current_app, render_template

from nic.markup import render_markdown

bp = Blueprint("api_reference", __name__)

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[dict[str, Any]]
    request: str | None
    responses: list[tuple[str, str, str | None]]


@dataclass
class Section:
    name: str
    description: str
    operations: list[Operation] = field(default_factory=list)


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_of(schema: dict[str, Any] | None) -> str:
    """A short human description of a JSON schema: `Group`, `array of Post`, `integer`."""
    if not schema:
        return "any"
    if "$ref" in schema:
        return ref_name(schema["$ref"])
    if "allOf" in schema:
        return " & ".join(type_of(s) for s in schema["allOf"])
    kind = schema.get("type", "object")
    if kind == "array":
        return f"array of {type_of(schema.get('items'))}"
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"] if v is not None)
    return kind + (f" ({schema['format']})" if "format" in schema else "")


def _body_schema(body: dict[str, Any] | None) -> str | None:
    if not body:
        return None
    media = body.get("content", {}).get("application/json", {})
    return type_of(media.get("schema")) if media else None


def _responses(spec: dict, responses: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    found = []
    for code, response in responses.items():
        if "$ref" in response:
            response = spec["components"]["responses"][ref_name(response["$ref"])]
        found.append((code, response.get("description", ""), _body_schema(response)))
    return sorted(found, key=lambda r: (r[0] == "default", r[0]))


def _parameter(param: dict[str, Any]) -> dict[str, Any]:
    schema = param.get("schema", {})
    return {
        "name": param["name"],
        "in": param["in"],
        "required": param.get("required", False),
        "type": type_of(schema),
        "description": param.get("description") or schema.get("description", ""),
    }


def sections(spec: dict[str, Any]) -> list[Section]:
    """Every operation of the spec, grouped by tag in the order the tags were declared."""
    by_tag = {t["name"]: Section(t["name"], t.get("description", "")) for t in spec.get("tags", [])}
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            tag = (op.get("tags") or ["Other"])[0]
            section = by_tag.setdefault(tag, Section(tag, ""))
            section.operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=op.get("summary", ""),
                    description=op.get("description", ""),
                    parameters=[_parameter(p) for p in shared + op.get("parameters", [])],
                    request=_body_schema(op.get("requestBody")),
                    responses=_responses(spec, op.get("responses", {})),
                )
            )
    return [s for s in by_tag.values() if s.operations]


def schema_tables(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Each named schema with its fields: name, type, required, nullable, description."""
    tables = []
    for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items()):
        required = set(schema.get("required", []))
        fields = [
            {
                "name": prop_name,
                "type": type_of(prop),
                "required": prop_name in required,
                "nullable": bool(prop.get("nullable")),
                "read_only": bool(prop.get("readOnly")),
                "description": prop.get("description", ""),
            }
            for prop_name, prop in schema.get("properties", {}).items()
        ]
        tables.append({"name": name, "fields": fields})
    return tables


@bp.route("/api/v1/docs")
def docs():
    """The reference: public, like the OpenAPI document it is made from."""
    spec = current_app.extensions["nic_api"].spec.to_dict()
    schemas = schema_tables(spec)
    return render_template(
        "api/reference.html",
        spec=spec,
        # The description is markdown (it reads well in the JSON document too).
        intro_html=render_markdown(spec["info"].get("description", "")),
        sections=sections(spec),
        schemas=schemas,
        schema_names={s["name"] for s in schemas},
    )
