"""Not found means not found: an outsider cannot tell a private thing from one that never was.

For every API operation and page that takes the id of a group, thread, post
or live session, an outsider asking for a private group's thing gets the
very response (status, code, message, page) they get for an id that was
never used (issue 14).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from nic.services import discussions, measures, reading, tokens
from nic.services.live import sessions as live_sessions
from tests.factories import make_group, make_reply, make_school, make_thread, make_user

NEVER = 2_000_000  # an id no test database reaches
PRIVATE_KINDS = ("group_id", "thread_id", "post_id", "session_id", "measure_id")
# A plausible body for the operations that read one, so they get past validation.
BODIES = {
    ("post", "/api/v1/threads/{thread_id}/posts"): {"body": "A reply"},
    ("patch", "/api/v1/posts/{post_id}"): {"body": "Edited"},
    ("post", "/api/v1/groups/{group_id}/threads"): {"title": "A title", "body": "A body"},
    ("patch", "/api/v1/groups/{group_id}"): {"name": "A new name"},
    ("patch", "/api/v1/sessions/{session_id}"): {"title": "A new title"},
}
PAGES = [
    "/groups/{group_id}",
    "/groups/{group_id}/members",
    "/groups/{group_id}/threads/new",
    "/threads/{thread_id}",
    "/threads/{thread_id}/unread",
    "/posts/{post_id}",
    "/posts/{post_id}/edit",
    "/posts/{post_id}/history",
    "/sessions/{session_id}",
    "/sessions/{session_id}/transcript.md",
    "/measures/new?group_id={group_id}",
    "/measures/{measure_id}",
    "/measures/{measure_id}/edit",
    "/measures/{measure_id}/schools/{school_id}",
    "/measures/{measure_id}/upload",
    "/measures/{measure_id}/export.csv",
]


@pytest.fixture
def private_things(app):
    facilitator = make_user("Fran Facilitator", job_role="facilitator")
    member = make_user("Maria Lopez")
    outsider = make_user("Olivia Outside")
    group = make_group("Principals ILT", visibility="private", facilitator=facilitator,
                       members=[member])  # fmt: skip
    thread = make_thread(group, member, "Our ILT stalled", "What would you do?")
    reply = make_reply(thread, facilitator, "Start from the agenda.")
    starts = datetime.now(UTC) + timedelta(days=1)
    session = live_sessions.schedule_session(
        facilitator, group.id,
        live_sessions.SessionFields("ILT check-in", "", starts, starts + timedelta(hours=1)),
    )  # fmt: skip
    measure = measures.define_measure(facilitator, group.id, measures.MeasureFields(
        "ILT huddles held", "process", "count", "weekly", "up"))  # fmt: skip
    ids = {"group_id": group.id, "thread_id": thread.id, "post_id": reply.id,
           "session_id": session.id, "user_id": member.id, "measure_id": measure.id,
           "school_id": make_school("Lincoln Elementary").id}  # fmt: skip
    return outsider, ids


def api_operations(app) -> list[tuple[str, str]]:
    """(method, path template) of every /api/v1 rule that takes a private kind of id."""
    found = []
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        if path.startswith("/api/v1/") and any(f"{{{k}}}" in path for k in PRIVATE_KINDS):
            found += [(m.lower(), path) for m in rule.methods - {"HEAD", "OPTIONS"}]
    return sorted(found)


def fill(template: str, ids: dict[str, int], never: bool) -> str:
    return template.format(**{k: (NEVER if never and k in PRIVATE_KINDS else v)
                              for k, v in ids.items()})  # fmt: skip


def test_every_api_operation_answers_a_private_id_as_a_missing_one(app, client, private_things):
    outsider, ids = private_things
    headers = {"Authorization": f"Bearer {tokens.create_token(outsider, 'walk').secret}"}
    operations = api_operations(app)
    assert len(operations) >= 15, operations  # the walk covers the API, not a corner of it
    for method, template in operations:
        body = BODIES.get((method, template), {} if method in ("post", "patch") else None)
        answers = []
        for never in (False, True):
            response = client.open(fill(template, ids, never), method=method.upper(),
                                   headers=headers, json=body)  # fmt: skip
            answers.append((response.status_code, response.get_json()))
        assert answers[0] == answers[1], (method, template, answers)
        assert answers[0][0] in (400, 404), (method, template, answers)


def page_text(response) -> str:
    # The CSRF token differs from page to page: leave it out of the comparison.
    return re.sub(r'content="[^"]+"|value="[^"]+"', "", response.get_data(as_text=True))


@pytest.mark.parametrize("template", PAGES)
def test_every_page_answers_a_private_id_as_a_missing_one(client, login, private_things, template):
    outsider, ids = private_things
    login(outsider)
    private, missing = (client.get(fill(template, ids, never)) for never in (False, True))
    assert private.status_code == missing.status_code == 404, template
    assert page_text(private) == page_text(missing), template


def test_the_not_found_page_says_private_groups_exist_and_whom_to_ask(
    client, login, private_things
):
    """A colleague's link to a private group: still a 404, but one that explains (issue 17)."""
    outsider, ids = private_things
    login(outsider)
    for path in (f"/groups/{ids['group_id']}", f"/threads/{ids['thread_id']}", "/no-such-page"):
        response = client.get(path)
        assert response.status_code == 404
        page = response.get_data(as_text=True)
        assert "Some groups are private" in page
        assert "ask them, or the group's facilitator, to add you" in page
        assert "network administrator" in page
        assert "Principals ILT" not in page and "Our ILT stalled" not in page


def test_a_thread_whose_every_post_is_deleted_answers_as_a_missing_one(
    client, login, private_things
):
    outsider, _ids = private_things
    member_thread = make_thread(make_group("Open circle", members=[outsider]), outsider)
    discussions.delete_post(outsider, reading.opening_post(member_thread.id).id)
    login(outsider)
    gone, missing = client.get(f"/threads/{member_thread.id}"), client.get(f"/threads/{NEVER}")
    assert gone.status_code == missing.status_code == 404
    assert page_text(gone) == page_text(missing)
