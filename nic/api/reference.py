"""/api/v1/docs: the API reference as a plain page, built from the OpenAPI document.

Server-rendered (the site's CSP allows no inline or third-party scripts, so
Swagger UI and ReDoc are out), and generated from the same spec that
/api/v1/openapi.json serves, so the two cannot disagree. A table of contents
by area leads to each operation; the error statuses every operation shares
are one table (each operation lists its codes and links there); each
operation with a JSON body shows an example request and response, built
from its schemas with realistic values (tests/api/test_reference.py checks
the main ones against real answers).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, current_app, render_template

from nic.markup import render_markdown
from nic.responses import HTTP_CODES

bp = Blueprint("api_reference", __name__)

METHODS = ("get", "post", "put", "patch", "delete")


# What each error status means for a caller; every operation links here instead of
# repeating the table (its own codes are listed on it).
ERRORS: dict[str, str] = {
    "400": "Invalid input. `fields` names each bad field with a message, all at once; a batch "
    "of a measure's points refused for its rows adds `rows`, each bad row's number (from 1) "
    "with its fields' problems.",
    "401": "No token, or a malformed, unknown or revoked one (see `WWW-Authenticate`).",
    "403": "Not allowed: you can see the thing but may not do this to it.",
    "404": "Not found: missing, or not yours to see (a private group, someone's draft).",
    "409": "Conflict with the current state: a taken name, an ended session. A save from a "
    "stale `version` (the aim, a part of a driver diagram, a PDSA cycle, a measure) carries "
    "`current`, as saved now.",
    "413": "Too large: the body or file is over the limit.",
    "415": "The body is not JSON (send `Content-Type: application/json`).",
    "429": "Too many requests: wait the seconds in `Retry-After`, then try again.",
}

# Realistic values for the examples, by field name (anything else gets a plain value).
SAMPLES: dict[str, Any] = {
    "name": "Maria Lopez",
    "username": "maria.lopez",
    "email": "maria.lopez@example.org",
    "job_role": "principal",
    "bio": "Principal at Lincoln Elementary; our focus is math talk.",
    "time_zone": "America/New_York",
    "title": "Exit tickets that teachers actually use",
    "body": "We tried a three-question exit ticket in grade 7 math.\n\n- Week 1: ...",
    "summary": "Three questions, two minutes, sorted by the team the same afternoon.",
    "agenda": "Welcome\nData huddle: exit ticket results\nNext PDSA cycle",
    "description": "Principals of the network's elementary schools.",
    "visibility": "network",
    "my_role": "member",
    "status": "published",
    "levers": ["data_use"],
    "levels": ["elementary"],
    "tags": ["exit tickets"],
    "job_roles": ["principal"],
    "message": "Some fields are not valid: title.",
    "code": "invalid",
    "url": "https://nic.example.org/practices/7",
    "caption": "Exit ticket template",
    "filename": "exit-ticket.pdf",
    "body_html": "<p>We tried a three-question exit ticket in grade 7 math.</p>",
    "agenda_html": "<p>Welcome<br>Data huddle: exit ticket results</p>",
    "id": 12,
    "thread_id": 31,
    "parent_id": 30,
    "group_id": 4,
    "user_id": 9,
    "school_id": 3,
    "practice_id": 7,
    "session_id": 5,
    "district_id": 2,
    "notes_thread_id": 32,
    "diagram_id": 6,
    "node_id": 41,
    "what": "Raise the share of 3rd graders reading on grade level",
    "how_much": "from 48% to 60%",
    "for_whom": "across our 22 schools",
    "statement": "Raise the share of 3rd graders reading on grade level from 48% to 60% by "
    "June 2027 across our 22 schools.",
    "kind": "primary",
    "group_name": "Principals ILT",
    "description_html": "<p>Grade teams meet weekly with protected time.</p>",
    "cycle_id": 17,
    "change_idea_id": 44,
    "previous_id": 16,
    "next_ids": [18],
    "warnings": [],
    "phase": "study",
    "decision": "adapt",
    "overdue_phase": "act",
    "question": "Will a 20-minute data huddle change what grade 3 reteaches on Friday?",
    "question_html": "<p>Will a 20-minute data huddle change what grade 3 reteaches on Friday?</p>",
    "prediction": "Four of five teams will plan a reteach from the exit ticket.",
    "prediction_html": "<p>Four of five teams will plan a reteach from the exit ticket.</p>",
    "plan": "Grade 3 team, Fridays 8:00, room 12; the coach facilitates.",
    "plan_html": "<p>Grade 3 team, Fridays 8:00, room 12; the coach facilitates.</p>",
    "data_plan": "Exit tickets before and after; the reteach plan each week.",
    "data_plan_html": "<p>Exit tickets before and after; the reteach plan each week.</p>",
    "did": "Three huddles; the third was cut to 10 minutes by an assembly.",
    "did_html": "<p>Three huddles; the third was cut to 10 minutes by an assembly.</p>",
    "observations": "Teams sorted tickets faster each week.",
    "observations_html": "<p>Teams sorted tickets faster each week.</p>",
    "problems": "Sub coverage on the second Friday.",
    "problems_html": "<p>Sub coverage on the second Friday.</p>",
    "results": "4 of 5 teams planned a reteach (predicted 4).",
    "results_html": "<p>4 of 5 teams planned a reteach (predicted 4).</p>",
    "learned": "Ten minutes is enough once the tickets are sorted beforehand.",
    "learned_html": "<p>Ten minutes is enough once the tickets are sorted beforehand.</p>",
    "next_steps": "Sort tickets the day before; try it in grade 4.",
    "next_steps_html": "<p>Sort tickets the day before; try it in grade 4.</p>",
    "definition": "Grade-team PLC meetings held with the protocol, from the team's log.",
    "definition_html": "<p>Grade-team PLC meetings held with the protocol, from the team's "
    "log.</p>",
    "unit_label": "meetings",
    "baseline_points": 12,
    "period": "2026-03-02",
    "period_label": "Week of 2 Mar 2026",
    "note": "Two teams met on Tuesday instead (Monday assembly).",
}
# A name inside a nested object is that object's name ("school": {"name": ...}).
NAMES = {"school": "Lincoln Elementary", "district": "Riverside Unified", "group": "Principals ILT"}
DATE_TIME, DATE = "2026-03-14T15:30:00Z", "2026-03-14"
PAGE_PARAMETERS = ("page", "per_page")


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[dict[str, Any]]
    request: str | None
    responses: list[tuple[str, str, str | None]]
    errors: list[str] = field(default_factory=list)
    request_example: str | None = None
    response_example: tuple[str, str] | None = None
    paginated: bool = False

    @property
    def anchor(self) -> str:
        return (
            "op-" + self.method.lower() + re.sub(r"[^a-z0-9]+", "-", self.path.lower()).rstrip("-")
        )


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


def example(spec: dict[str, Any], schema: dict[str, Any] | None, name: str = "",
            writing: bool = False, depth: int = 0, within: str = "") -> Any:  # fmt: skip
    """A plausible value for `schema`: what a request (`writing`) or a response holds."""
    if not schema or depth > 5:
        return None
    if "$ref" in schema:
        resolved = spec["components"]["schemas"][ref_name(schema["$ref"])]
        return example(spec, resolved, name, writing, depth)
    if "allOf" in schema:
        return example(spec, schema["allOf"][0], name, writing, depth)
    for either in ("anyOf", "oneOf"):  # nullable nested objects: show the object
        if either in schema:
            options = schema[either]
            chosen = next((o for o in options if "$ref" in o or "properties" in o), options[0])
            return example(spec, chosen, name, writing, depth)
    if "enum" in schema:
        return SAMPLES.get(name) if SAMPLES.get(name) in schema["enum"] else schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "array":
        sample = SAMPLES.get(name)
        if isinstance(sample, list):
            return sample
        return [example(spec, schema.get("items"), name.removesuffix("s"), writing, depth + 1)]
    if kind == "object":
        props = schema.get("properties", {})
        return {
            key: example(spec, prop, key, writing, depth + 1, within=name)
            for key, prop in props.items()
            if not (writing and prop.get("readOnly"))
            and not (not writing and prop.get("writeOnly"))
        }
    if kind == "string":
        fmt = schema.get("format")
        if fmt in ("date-time", "date"):
            return DATE_TIME if fmt == "date-time" else DATE
        if name == "name" and within in NAMES:
            return NAMES[within]
        return SAMPLES.get(name, "…")
    if kind == "integer":
        return SAMPLES.get(name, 1)
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    return None


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _schema_of(spec: dict[str, Any], body: dict[str, Any] | None) -> dict[str, Any] | None:
    if not body:
        return None
    if "$ref" in body:
        body = spec["components"]["responses"][ref_name(body["$ref"])]
    return body.get("content", {}).get("application/json", {}).get("schema")


def _examples(
    spec: dict[str, Any], op: dict[str, Any]
) -> tuple[str | None, tuple[str, str] | None]:
    """The operation's example request body and its first success response (status, body)."""
    request_schema = _schema_of(spec, op.get("requestBody"))
    request = _json(example(spec, request_schema, writing=True)) if request_schema else None
    for code, response in sorted(op.get("responses", {}).items()):
        if code.startswith("2"):
            schema = _schema_of(spec, response)
            return request, (code, _json(example(spec, schema)) if schema else "")
    return request, None


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
            responses = _responses(spec, op.get("responses", {}))
            request_example, response_example = _examples(spec, op)
            parameters = [_parameter(p) for p in shared + op.get("parameters", [])]
            # `page` and `per_page` mean the same everywhere: told once, under Lists.
            paginated = {"page", "per_page"} <= {p["name"] for p in parameters}
            if paginated:
                parameters = [p for p in parameters if p["name"] not in PAGE_PARAMETERS]
            section.operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=op.get("summary", ""),
                    description=op.get("description", ""),
                    parameters=parameters,
                    request=_body_schema(op.get("requestBody")),
                    responses=[r for r in responses if r[0] < "400"],
                    errors=[r[0] for r in responses if r[0] in ERRORS],
                    request_example=request_example,
                    response_example=response_example,
                    paginated=paginated,
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
    error_example = _json(
        {"error": {"code": "invalid", "message": "Some fields are not valid: title.",
                   "fields": {"title": "This cannot be empty."}}}
    )  # fmt: skip
    return render_template(
        "api/reference.html",
        spec=spec,
        errors=[(code, HTTP_CODES.get(int(code), ""), text) for code, text in ERRORS.items()],
        error_example=error_example,
        # The description is markdown (it reads well in the JSON document too).
        intro_html=render_markdown(spec["info"].get("description", "")),
        sections=sections(spec),
        schemas=schemas,
        schema_names={s["name"] for s in schemas},
    )
