"""The API reference page: contents by area, one error table, examples that match real answers."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import pytest

from nic.api.reference import ERRORS
from tests.api.conftest import OPERATIONS


@pytest.fixture
def page(client) -> str:
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def operation_html(page: str, anchor: str) -> str:
    found = re.search(
        rf'<article class="card api-operation" id="{anchor}">(.*?)</article>', page, re.S
    )
    assert found, anchor
    return found.group(1)


def anchor_of(method: str, path: str) -> str:
    return "op-" + method + re.sub(r"[^a-z0-9]+", "-", path.lower()).rstrip("-")


def test_the_contents_lead_to_every_operation_by_area(page):
    contents = page.split('<nav class="api-toc"', 1)[1].split("</nav>", 1)[0]
    for area in ("Users", "Groups", "Threads and posts", "Live sessions", "Practices", "Errors"):
        assert f">{area}</a>" in contents
    for method, path in OPERATIONS:
        anchor = anchor_of(method, path)
        assert f'href="#{anchor}"' in contents, (method, path)
        assert page.count(f'id="{anchor}"') == 1


def test_the_error_table_is_shown_once_and_each_operation_links_to_it(page):
    assert page.count('id="errors"') == 1
    for status in ERRORS:
        assert page.count(f'<tr id="error-{status}">') == 1
    assert page.count("Too Many Requests") == 0  # no per-operation error rows left
    me = operation_html(page, anchor_of("get", "/api/v1/me"))
    assert 'href="#error-401"' in me and 'href="#error-429"' in me
    assert "<td>401</td>" not in me and "200 OK</span> with" in me


def examples_of(page: str, method: str, path: str) -> tuple[Any, Any]:
    """The example request and response an operation shows, as JSON."""
    html = operation_html(page, anchor_of(method, path))
    blocks = [
        json.loads(unescape(b))
        for b in re.findall(r"<pre[^>]*><code>(.*?)</code></pre>", html, re.S)
    ]
    if "Request: <code>" in html:
        return blocks[0], blocks[1]
    return None, blocks[0]


def same_shape(example: Any, real: Any, where: str = "") -> None:
    """The example has the real answer's fields, at every level the real answer fills in."""
    if isinstance(real, dict):
        assert isinstance(example, dict), where
        assert set(example) == set(real), (where, set(example) ^ set(real))
        for key, value in real.items():
            if value is not None:
                same_shape(example[key], value, f"{where}.{key}")
    elif isinstance(real, list) and real and isinstance(real[0], dict):
        assert isinstance(example, list) and example, where
        same_shape(example[0], real[0], f"{where}[0]")


def test_examples_match_what_the_api_really_answers(page, network, as_role):
    member = as_role("member")

    _, me = examples_of(page, "get", "/api/v1/me")
    same_shape(me, member.get("me").get_json())

    _, groups = examples_of(page, "get", "/api/v1/groups")
    same_shape(groups, member.get("groups").get_json())

    request, created = examples_of(page, "post", "/api/v1/groups/{group_id}/threads")
    answer = member.post(f"groups/{network.open_group.id}/threads", request)
    assert answer.status_code == 201, answer.get_json()
    same_shape(created, answer.get_json())

    request, reply = examples_of(page, "post", "/api/v1/threads/{thread_id}/posts")
    request["parent_id"] = network.reply.id
    answer = member.post(f"threads/{network.thread.id}/posts", request)
    assert answer.status_code == 201, answer.get_json()
    same_shape(reply, answer.get_json())

    request, practice = examples_of(page, "post", "/api/v1/practices")
    request.update(group_id=network.open_group.id, coauthor_ids=[network.facilitator.id])
    answer = member.post("practices", request)
    assert answer.status_code == 201, answer.get_json()
    same_shape(practice, answer.get_json())


def test_the_page_is_a_fraction_of_its_old_length(page):
    """Examples fold away (<details>) and errors are one table: far less to scroll."""
    assert page.count("<details") >= 20
    # The one error table, at most one of parameters per operation, one per schema: no more.
    schemas = page.count('<details class="api-schema">')
    assert schemas >= 40
    assert page.count("<table") <= 1 + len(OPERATIONS) + schemas
