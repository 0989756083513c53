"""The OpenAPI document and the reference page made from it."""

from __future__ import annotations

import re

import pytest

from tests.api.conftest import OPERATIONS

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def operations(spec):
    return {
        (method, path): op
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }


def test_every_operation_is_documented(spec):
    assert spec["openapi"].startswith("3.")
    missing = OPERATIONS - set(operations(spec))
    assert not missing


def test_every_api_route_is_in_the_document(app, spec):
    documented = {path for _method, path in operations(spec)}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api_") and rule.endpoint != "api_reference.docs":
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            assert path in documented, rule.rule


def test_operations_document_auth_errors_and_a_summary(spec):
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert spec["security"] == [{"bearerAuth": []}]
    for key, op in operations(spec).items():
        assert {"401", "429", "default"} <= set(op["responses"]), key
        assert op.get("summary"), key


def test_errors_are_documented_with_the_real_error_shape(spec):
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    body = spec["components"]["schemas"]["ErrorBody"]
    assert set(body["properties"]) == {"code", "message", "fields", "rows"}
    # A batch's bad rows: each row's number to its fields' messages.
    rows = body["properties"]["rows"]
    assert rows["additionalProperties"]["additionalProperties"] == {"type": "string"}


def test_request_bodies_reject_unknown_fields(spec):
    for key, op in operations(spec).items():
        body = op.get("requestBody")
        for content_type, content in (body or {}).get("content", {}).items():
            # JSON bodies, and the multipart body of a file upload.
            assert content_type in ("application/json", "multipart/form-data"), key
            ref = content["schema"]["$ref"].rsplit("/", 1)[-1]
            assert spec["components"]["schemas"][ref]["additionalProperties"] is False, key


def test_pin_and_lock_take_an_optional_value(spec):
    for action in ("pin", "lock"):
        op = spec["paths"][f"/api/v1/threads/{{thread_id}}/{action}"]["post"]
        assert op["requestBody"]["required"] is False
    flag = spec["components"]["schemas"]["FlagArgs"]["properties"]["value"]
    assert (flag["type"], flag["default"]) == ("boolean", True)


def test_list_pages_are_bounded(spec):
    params = {p["name"]: p["schema"] for p in spec["paths"]["/api/v1/groups"]["get"]["parameters"]}
    assert (params["page"]["minimum"], params["page"]["maximum"]) == (1, 100_000)
    assert (params["per_page"]["minimum"], params["per_page"]["maximum"]) == (1, 100)


def test_the_reference_page_lists_every_operation(client, spec):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for method, path in OPERATIONS:
        assert f"{method.upper()}</span> <code>{path}</code>" in page, (method, path)
    assert 'id="schema-ThreadDetail"' in page
    assert 'href="/api/v1/openapi.json"' in page


def test_the_reference_page_keeps_the_strict_csp(client):
    response = client.get("/api/v1/docs")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    page = response.get_data(as_text=True)
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", page))
