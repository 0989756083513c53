"""GET /api/v1/search: the same service, as JSON, with the API's errors."""

from __future__ import annotations

import pytest

from nic.services.live import questions as live_questions
from tests.api.conftest import error_code
from tests.factories import in_session, make_session


def test_results_have_the_documented_shape(network, as_role):
    body = as_role("member").get("search?q=coaching").get_json()
    assert body["total"] >= 1 and body["page"] == 1
    item = next(i for i in body["items"] if i["kind"] == "thread")
    assert item["id"] == network.open_thread.id
    assert item["title"] == "Coaching cycles"
    assert item["snippet"] == "<mark>Coaching</mark> cycles"
    assert item["url"] == f"/threads/{network.open_thread.id}"
    assert item["group"] == {"id": network.open_group.id, "name": "Coaching circle"}
    assert item["author"] == {"id": network.member.id, "name": "Maria Lopez"}
    assert item["created_at"].endswith("Z") and isinstance(item["score"], float)


def test_private_results_only_for_members(network, as_role):
    assert as_role("member").get("search?q=schedule").get_json()["total"] == 1
    for role in ("outsider",):
        assert as_role(role).get("search?q=schedule").get_json() == {
            "items": [], "page": 1, "per_page": 25, "total": 0,
        }  # fmt: skip
    assert as_role("anonymous").get("search?q=schedule").status_code == 401


@pytest.mark.parametrize(
    "query",
    ["", "q=" + "x" * 501, "q=a&kind=people", "q=a&sort=best", "q=a&from=yesterday",
     "q=a&group_id=0", "q=a%00b", "q=a&per_page=1000"],
)  # fmt: skip
def test_bad_queries_are_400_invalid(network, as_role, query):
    response = as_role("member").get(f"search?{query}")
    assert response.status_code == 400 and error_code(response) == "invalid"


@pytest.mark.parametrize("q", ['"unbalanced', "NEAR(a", "*", "title:foo", "-", "🙂"])
def test_fts_syntax_is_never_an_error(network, as_role, q):
    assert as_role("member").get("search", query_string={"q": q}).status_code == 200


def test_session_questions_are_a_kind(network, as_role):
    session = make_session(network.facilitator, network.open_group, "Check-in", live=True)
    asked = live_questions.ask(in_session(network.member, session.id), "Rubric norms?")
    body = as_role("outsider").get("search?q=rubric&kind=question").get_json()
    assert [(i["kind"], i["id"]) for i in body["items"]] == [("question", asked["id"])]
    assert body["items"][0]["url"] == f"/sessions/{session.id}#question-{asked['id']}"
    assert body["items"][0]["author"] == {"id": network.member.id, "name": "Maria Lopez"}
    assert as_role("outsider").get("search?q=rubric&kind=message").get_json()["total"] == 0
