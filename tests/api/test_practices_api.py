"""The practice library through the API: write, publish, revise, who sees what, tries, helpful."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from nic.models import Practice, School, User
from nic.services import tokens
from tests.api.conftest import ApiClient, error_code
from tests.factories import make_practice, make_school, make_user

MISSING = 999_999
LAST_WEEK = (date.today() - timedelta(days=7)).isoformat()
TRY = {"tried_on": LAST_WEEK, "outcome": "adopted", "observations": "More students explained."}
FULL = {
    "summary": "Grade teams look at one exit ticket together and plan a reteach.",
    "body": "## What we did\n\nTwenty minutes, one exit ticket, one next step.",
    "levers": ["data_use"],
    "levels": ["elementary"],
}


@dataclass
class Library:
    """The network's practices: all by `member` (Lincoln Elementary), and readers elsewhere."""

    jefferson: School
    priya: User  # Jefferson Middle, in no group
    ben: User  # Jefferson Middle too
    published: Practice  # to the whole network
    group_only: Practice  # to the private group (member and facilitator belong)
    draft: Practice


@pytest.fixture
def lib(network) -> Library:
    jefferson = make_school("Jefferson Middle")
    priya = make_user("Priya Raman", school=jefferson)
    ben = make_user("Ben Torres", job_role="instructional_coach", school=jefferson)
    return Library(
        jefferson,
        priya,
        ben,
        published=make_practice(network.member, "Data huddles every other Friday"),
        group_only=make_practice(network.member, "ILT norms", group=network.private_group),
        draft=make_practice(network.member, "Half written", publish=False),
    )


def titles(client: ApiClient, query: str = "") -> list[str]:
    response = client.get(f"practices?per_page=100&{query}")
    assert response.status_code == 200, response.get_json()
    return [p["title"] for p in response.get_json()["items"]]


# --- Writing and publishing ------------------------------------------------------


def test_a_draft_is_written_then_published(network, lib, as_role):
    author = as_role("member")
    created = author.post("practices", {"title": "Walkthrough cadence", "tags": ["Walk  Throughs"]})
    assert created.status_code == 201, created.get_json()
    draft = created.get_json()
    assert (draft["status"], draft["revision_number"], draft["published_at"]) == ("draft", 0, None)
    assert draft["tags"] == ["walk throughs"]
    assert draft["url"] == f"/practices/{draft['id']}"
    assert [(a["name"], a["school"]) for a in draft["authors"]] == [
        ("Maria Lopez", {"id": network.school.id, "name": "Lincoln Elementary"})
    ]
    url = f"practices/{draft['id']}"
    assert as_role("outsider").get(url).status_code == 404
    assert "Walkthrough cadence" not in titles(author)
    assert draft["thread_id"] is None  # no discussion before it is published

    refused = author.post(f"{url}/publish")
    assert refused.status_code == 400
    assert set(refused.get_json()["error"]["fields"]) == {"summary", "body", "levers", "levels"}
    assert author.get(url).get_json()["status"] == "draft"

    assert author.patch(url, FULL).get_json()["status"] == "draft"
    published = author.post(f"{url}/publish")
    assert published.status_code == 200, published.get_json()
    body = published.get_json()
    assert (body["status"], body["revision_number"]) == ("published", 1)
    assert body["published_at"] is not None and body["title"] == "Walkthrough cadence"
    assert as_role("outsider").get(url).status_code == 200
    assert "Walkthrough cadence" in titles(as_role("outsider"))
    discussion = as_role("outsider").get(f"threads/{body['thread_id']}")
    assert discussion.status_code == 200
    assert discussion.get_json()["title"] == "Practice: Walkthrough cadence"


def test_publishing_at_once_and_sharing_with_a_group(network, lib, as_role):
    body = {
        "title": "Coaching cycles",
        **FULL,
        "publish": True,
        "group_id": network.private_group.id,
        "coauthor_ids": [network.facilitator.id],
    }
    response = as_role("member").post("practices", body)
    assert response.status_code == 201, response.get_json()
    practice = response.get_json()
    assert (practice["status"], practice["group_id"]) == ("published", network.private_group.id)
    assert [a["id"] for a in practice["authors"]] == [network.member.id, network.facilitator.id]
    assert practice["body_html"].startswith("<h2>What we did</h2>")
    # The co-author may change it; someone outside the group does not even find it.
    renamed = as_role("facilitator").patch(f"practices/{practice['id']}", {"title": "Cycles"})
    assert renamed.status_code == 200
    assert as_role("outsider").get(f"practices/{practice['id']}").status_code == 404


def test_every_bad_field_is_named_at_once(network, lib, as_role):
    client = as_role("member")
    bad = {"title": "  ", "summary": "x" * 301, "levers": ["astrology"], "levels": ["college"]}
    response = client.post("practices", bad)
    assert response.status_code == 400
    assert error_code(response) == "invalid"
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"title", "summary", "levers", "levels"}
    assert fields["summary"] == "This is 301 characters; the limit is 300. Shorten it by 1."
    assert "astrology" in fields["levers"] and "college" in fields["levels"]
    # Publishing names what a published practice needs besides.
    response = client.post("practices", {"title": "Rounds", "publish": True})
    assert set(response.get_json()["error"]["fields"]) == {"summary", "body", "levers", "levels"}
    # A missing title is named too, and a wrong type.
    response = client.post("practices", {"summary": "No title", "levers": "data_use"})
    assert set(response.get_json()["error"]["fields"]) == {"title", "levers"}
    # Nothing was written.
    assert client.get("practices").get_json()["total"] == 2


def test_a_group_only_practice_goes_to_a_group_the_writer_belongs_to(network, lib, api_client):
    body = {"title": "ILT agendas", "group_id": network.private_group.id}
    response = api_client(lib.priya).post("practices", body)
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"group_id"}


def test_patch_changes_only_what_it_sends_and_a_real_change_is_a_revision(network, lib, as_role):
    client = as_role("member")
    url = f"practices/{lib.published.id}"
    before = client.get(url).get_json()
    assert before["revision_number"] == 1

    same = client.patch(url, {"title": before["title"], "levers": before["levers"]})
    assert same.status_code == 200
    assert same.get_json()["revision_number"] == 1

    changed = client.patch(url, {"body": "## What we did\n\nThirty minutes now."})
    assert changed.status_code == 200, changed.get_json()
    after = changed.get_json()
    assert after["revision_number"] == 2
    assert "Thirty minutes" in after["body_html"]
    kept = ("title", "summary", "levers", "levels", "tags", "group_id")
    assert {k: after[k] for k in kept} == {k: before[k] for k in kept}

    revisions = client.get(f"{url}/revisions").get_json()
    assert revisions["total"] == 2
    assert [(r["number"], r["body"]) for r in revisions["items"]] == [
        (2, "## What we did\n\nThirty minutes now."),
        (1, FULL["body"]),
    ]
    assert revisions["items"][1]["labels"] == {
        "levers": ["plc", "data_use"],
        "levels": ["elementary"],
        "tags": ["data huddles"],
    }
    assert revisions["items"][0]["author"]["id"] == network.member.id


def test_a_published_practice_keeps_what_publishing_needs(network, lib, as_role):
    response = as_role("member").patch(
        f"practices/{lib.published.id}", {"summary": "", "levels": []}
    )
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"summary", "levels"}


def test_a_reader_who_is_not_an_author_may_not_change_it(network, lib, as_role):
    url = f"practices/{lib.published.id}"
    for method, body in (("PATCH", {"title": "Mine now"}), ("DELETE", None), ("POST", None)):
        path = f"{url}/publish" if method == "POST" else url
        response = as_role("outsider").request(method, path, body)
        assert response.status_code == 403, (method, response.get_json())
        assert error_code(response) == "forbidden"
    assert as_role("outsider").get(url).get_json()["title"] == "Data huddles every other Friday"


def test_an_author_deletes_a_practice(network, lib, as_role):
    url = f"practices/{lib.published.id}"
    response = as_role("member").delete(url)
    assert (response.status_code, response.data) == (204, b"")
    assert as_role("member").get(url).status_code == 404
    assert "Data huddles every other Friday" not in titles(as_role("outsider"))


# --- Who sees what -----------------------------------------------------------------

VIEWERS = ["outsider", "member", "facilitator", "admin"]  # member wrote both practices
# (method, path after /practices/{id}, body, statuses for VIEWERS)
DRAFT = [
    ("GET", "", None, (404, 200, 404, 404)),
    ("PATCH", "", {"title": "Renamed"}, (404, 200, 404, 404)),
    ("DELETE", "", None, (404, 204, 404, 404)),
    ("POST", "/publish", None, (404, 200, 404, 404)),
    ("GET", "/revisions", None, (404, 200, 404, 404)),
    ("GET", "/tries", None, (404, 200, 404, 404)),
    ("POST", "/tries", TRY, (404, 403, 404, 404)),  # a draft is not tried
    ("POST", "/helpful", None, (404, 403, 404, 404)),  # nor marked
    ("DELETE", "/helpful", None, (404, 403, 404, 404)),
]
GROUP_ONLY = [
    ("GET", "", None, (404, 200, 200, 200)),
    ("PATCH", "", {"title": "Renamed"}, (404, 200, 403, 403)),
    ("DELETE", "", None, (404, 204, 403, 403)),
    ("POST", "/publish", None, (404, 200, 403, 403)),
    ("GET", "/revisions", None, (404, 200, 200, 200)),
    ("GET", "/tries", None, (404, 200, 200, 200)),
    ("POST", "/tries", TRY, (404, 201, 403, 403)),  # the facilitator and admin have no school
    ("POST", "/helpful", None, (404, 200, 200, 200)),
    ("DELETE", "/helpful", None, (404, 200, 200, 200)),
]
CASES = [
    pytest.param(
        which, method, path, body, viewer, status, id=f"{method} {which}{path} as {viewer}"
    )
    for which, rows in (("draft", DRAFT), ("group_only", GROUP_ONLY))
    for method, path, body, statuses in rows
    for viewer, status in zip(VIEWERS, statuses, strict=True)
]


@pytest.mark.parametrize(("which", "method", "path", "body", "viewer", "status"), CASES)
def test_who_sees_a_draft_and_a_group_only_practice(
    network, lib, as_role, which, method, path, body, viewer, status
):
    client = as_role(viewer)
    practice = getattr(lib, which)
    response = client.request(method, f"practices/{practice.id}{path}", body)
    assert response.status_code == status, response.get_json()
    if status == 404:
        # Exactly what a missing id gets: nothing tells that it exists.
        missing = client.request(method, f"practices/{MISSING}{path}", body)
        assert (missing.status_code, missing.get_json()) == (404, response.get_json())
    elif status == 403:
        assert error_code(response) == "forbidden"


def test_the_library_lists_only_what_the_caller_may_see(network, lib, as_role):
    everyone = ["ILT norms", "Data huddles every other Friday"]
    assert titles(as_role("member")) == everyone  # its own draft is not in the library
    assert titles(as_role("facilitator")) == everyone
    assert titles(as_role("admin")) == everyone
    outsider = as_role("outsider").get("practices").get_json()
    assert [p["title"] for p in outsider["items"]] == ["Data huddles every other Friday"]
    assert outsider["total"] == 1
    assert titles(as_role("outsider"), f"group_id={network.private_group.id}") == []


# --- Tries and helpful marks ---------------------------------------------------------


def counts(client: ApiClient, practice_id: int) -> tuple[int, int, int, int]:
    p = client.get(f"practices/{practice_id}").get_json()
    return p["tried_count"], p["adopted_count"], p["adapted_count"], p["stopped_count"]


def test_schools_report_tries_once_each(network, lib, api_client, as_role):
    url = f"practices/{lib.published.id}/tries"
    priya, ben = api_client(lib.priya), api_client(lib.ben)
    first = priya.post(url, TRY)
    assert first.status_code == 201, first.get_json()
    report = first.get_json()
    assert (report["school"]["name"], report["reported_by"]["id"]) == (
        "Jefferson Middle",
        lib.priya.id,
    )
    assert counts(priya, lib.published.id) == (1, 1, 0, 0)

    # Another person of the same school updates the school's report.
    again = ben.post(url, {**TRY, "observations": "It stuck after a month."})
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["id"] == report["id"]
    assert counts(priya, lib.published.id) == (1, 1, 0, 0)
    changed = ben.post(url, {**TRY, "outcome": "adapted", "changes": "Used it with 7th grade."})
    assert changed.status_code == 200
    assert counts(priya, lib.published.id) == (1, 0, 1, 0)

    # Another school is another try.
    assert as_role("member").post(url, {**TRY, "outcome": "stopped"}).status_code == 201
    assert counts(priya, lib.published.id) == (2, 0, 1, 1)
    listed = as_role("outsider").get(url).get_json()
    assert listed["total"] == 2
    assert [
        (t["school"]["name"], t["outcome"], t["reported_by"]["name"]) for t in listed["items"]
    ] == [
        ("Lincoln Elementary", "stopped", "Maria Lopez"),
        ("Jefferson Middle", "adapted", "Ben Torres"),
    ]
    assert listed["items"][1]["changes_html"] == "<p>Used it with 7th grade.</p>"


def test_a_bad_report_names_its_fields(network, lib, api_client):
    future = (date.today() + timedelta(days=30)).isoformat()
    body = {"tried_on": future, "outcome": "loved it", "observations": " "}
    response = api_client(lib.priya).post(f"practices/{lib.published.id}/tries", body)
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {"tried_on", "outcome", "observations"}
    assert counts(api_client(lib.priya), lib.published.id) == (0, 0, 0, 0)


def test_someone_without_a_school_cannot_report(network, lib, as_role):
    response = as_role("outsider").post(f"practices/{lib.published.id}/tries", TRY)
    assert response.status_code == 403
    assert "school" in response.get_json()["error"]["message"]


def test_helpful_is_one_mark_a_person_and_can_be_taken_back(network, lib, as_role, api_client):
    url = f"practices/{lib.published.id}/helpful"
    outsider = as_role("outsider")
    assert outsider.post(url).get_json() == {"helpful": True, "helpful_count": 1}
    assert outsider.post(url).get_json() == {"helpful": True, "helpful_count": 1}
    assert api_client(lib.priya).post(url).get_json() == {"helpful": True, "helpful_count": 2}
    assert outsider.delete(url).get_json() == {"helpful": False, "helpful_count": 1}
    assert outsider.delete(url).get_json() == {"helpful": False, "helpful_count": 1}
    assert outsider.get(f"practices/{lib.published.id}").get_json()["helpful_count"] == 1


# --- The library's filters and sorts ------------------------------------------------


@pytest.fixture
def shelf(network, lib):
    """Two more practices, by Priya and Ben of Jefferson Middle; tried and marked differently."""
    rounds = make_practice(
        lib.priya, "Instructional rounds", levers=("ilt",), levels=("middle",), tags=("Rounds",)
    )
    cycle = make_practice(
        lib.ben, "Coaching cycle", levers=("coaching",), levels=("high",), tags=("cycles",)
    )
    return rounds, cycle


def test_the_library_filters(network, lib, shelf, as_role):
    client = as_role("outsider")
    huddles = "Data huddles every other Friday"
    assert titles(client) == ["Coaching cycle", "Instructional rounds", huddles]
    assert titles(client, "lever=ilt") == ["Instructional rounds"]
    assert titles(client, "lever=data_use") == [huddles]
    assert titles(client, "level=high") == ["Coaching cycle"]
    assert titles(client, "tag=ROUNDS") == ["Instructional rounds"]
    assert titles(client, "author_role=instructional_coach") == ["Coaching cycle"]
    assert titles(client, f"school_id={lib.jefferson.id}") == [
        "Coaching cycle",
        "Instructional rounds",
    ]
    assert titles(client, f"school_id={lib.jefferson.id}&level=middle") == ["Instructional rounds"]
    member = as_role("member")
    assert titles(member, f"group_id={network.private_group.id}") == ["ILT norms"]


def test_the_library_sorts(network, lib, shelf, as_role, api_client):
    rounds, cycle = shelf
    for client in (api_client(lib.priya), as_role("member")):
        client.post(f"practices/{rounds.id}/tries", TRY)
    for role in ("outsider", "admin", "facilitator"):
        as_role(role).post(f"practices/{cycle.id}/helpful")
    as_role("outsider").post(f"practices/{lib.published.id}/helpful")
    client = as_role("outsider")
    huddles = "Data huddles every other Friday"
    assert titles(client, "sort=most_tried") == ["Instructional rounds", "Coaching cycle", huddles]
    assert titles(client, "sort=most_helpful") == [
        "Coaching cycle",
        huddles,
        "Instructional rounds",
    ]
    assert titles(client, "sort=newest") == ["Coaching cycle", "Instructional rounds", huddles]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("lever=astrology", "lever"),
        ("level=college", "level"),
        ("sort=sideways", "sort"),
        ("author_role=astronaut", "author_role"),
        ("school_id=x", "school_id"),
        ("shelf=top", "shelf"),
    ],
)
def test_unknown_filter_values_are_400_naming_the_parameter(network, lib, as_role, query, field):
    response = as_role("member").get(f"practices?{query}")
    assert response.status_code == 400
    assert error_code(response) == "invalid"
    assert field in response.get_json()["error"]["fields"]


def test_the_library_pages(network, lib, shelf, as_role):
    client = as_role("outsider")
    pages = [client.get(f"practices?per_page=2&page={n}").get_json() for n in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [2, 1, 0]
    assert {p["total"] for p in pages} == {3}


def test_the_library_takes_the_same_queries_however_many_practices(network, client, count_queries):
    api = ApiClient(client, tokens.create_token(network.outsider, "q").secret)
    api.get("me")  # the token's first use records last_used_at: keep that out of the count

    def counted() -> int:
        with count_queries() as counter:
            page = api.get("practices?per_page=100").get_json()
        assert page["total"] == len(page["items"])
        return counter.count

    make_practice(network.member, "Practice 0", coauthors=(network.facilitator,))
    few = counted()
    for n in range(1, 12):
        make_practice(
            network.member,
            f"Practice {n}",
            coauthors=(network.facilitator,),
            tags=(f"tag {n}", "shared"),
        )
    assert counted() == few
    # The token, the page, its total, then the authors and the labels of the whole page.
    assert few == 5


# --- A school's practices ----------------------------------------------------------------


def test_a_school_lists_what_its_people_wrote_and_tried_as_the_caller_may_see(
    network, lib, as_role, api_client
):
    group_tried = lib.group_only
    as_role("member").post(f"practices/{group_tried.id}/tries", TRY)  # Lincoln tried it
    api_client(lib.priya).post(f"practices/{lib.published.id}/tries", TRY)  # not Lincoln's
    url = f"schools/{network.school.id}/practices"

    def seen(role: str) -> tuple[list[str], list[tuple[str, str]]]:
        response = as_role(role).get(url)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["school"] == {"id": network.school.id, "name": "Lincoln Elementary"}
        return (
            [p["title"] for p in body["written"]],
            [(t["practice"]["title"], t["report"]["outcome"]) for t in body["tried"]],
        )

    # Drafts are nobody's to list; the group-only practice only its group's.
    assert seen("facilitator") == (
        ["ILT norms", "Data huddles every other Friday"],
        [("ILT norms", "adopted")],
    )
    assert seen("outsider") == (["Data huddles every other Friday"], [])
    assert as_role("outsider").get(f"schools/{MISSING}/practices").status_code == 404
