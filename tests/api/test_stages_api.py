"""A school's stage with a change idea through the API: set, cleared, who may, bad input."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nic.extensions import db
from nic.models import StageSetting
from nic.services import tokens
from tests.api.conftest import error_code, fields_of, ok
from tests.api.test_cycles_api import plan
from tests.api.test_reference import examples_of, same_shape
from tests.factories import make_group_change_idea, make_user

PATH = "/api/v1/change-ideas/{change_idea_id}/stages/{school_id}"
SPREADING = {"stage": "spreading", "reason": "Every grade since January"}


def url(idea, school_id: int) -> str:
    return f"change-ideas/{idea.id}/stages/{school_id}"


def stages_of(client, idea) -> dict:
    return ok(client.get(f"change-ideas/{idea.id}/evidence"))["stages"]


def adopted(world) -> None:
    """Lincoln's one cycle on the idea, decided adopt: its cycles say implementing."""
    cycle = plan(world["as_maria"], world["idea"], world["lincoln"])
    ok(world["as_maria"].patch(f"cycles/{cycle['id']}", {"decision": "adopt", "version": 1}))


def test_a_school_member_sets_its_stage_and_gets_the_evidence(world):
    adopted(world)
    maria, idea = world["as_maria"], world["idea"]
    answer = ok(maria.put(url(idea, world["lincoln"].id), SPREADING))
    assert answer == ok(maria.get(f"change-ideas/{idea.id}/evidence"))
    assert answer["change_idea"] == {"id": idea.id, "title": "Data huddles"}
    assert (answer["cycles"], answer["schools"]) == (1, 1)
    assert answer["stages"] == {"testing": 0, "implementing": 0, "spreading": 1, "abandoned": 0}
    assert answer["decisions"] == {"adopt": 1, "adapt": 0, "abandon": 0}
    # Others see it too: the setting is the school's, not the caller's.
    assert stages_of(world["as_james"], idea)["spreading"] == 1


def test_null_clears_it_and_the_derived_stage_shows_again(world):
    adopted(world)
    maria, idea, lincoln = world["as_maria"], world["idea"], world["lincoln"]
    ok(maria.put(url(idea, lincoln.id), {"stage": "abandoned", "reason": "No time"}))
    assert stages_of(maria, idea)["abandoned"] == 1
    cleared = ok(maria.put(url(idea, lincoln.id), {"stage": None}))
    assert cleared["stages"] == {"testing": 0, "implementing": 1, "spreading": 0, "abandoned": 0}
    # Each setting is kept on the record; the latest counts.
    settings = db.session.scalars(sa.select(StageSetting).order_by(StageSetting.id)).all()
    assert [(s.stage, s.reason, s.set_by_id) for s in settings] == [
        ("abandoned", "No time", world["maria"].id), (None, "", world["maria"].id)
    ]  # fmt: skip


def test_a_stage_without_cycles_counts_the_school(world):
    answer = ok(world["as_james"].put(url(world["idea"], world["harbor"].id), SPREADING))
    assert (answer["cycles"], answer["schools"], answer["stages"]["spreading"]) == (0, 1, 1)


def test_only_the_schools_own_people_and_admins_set_it(world, api_client):
    idea, lincoln = world["idea"], world["lincoln"]
    for client in (world["as_james"], world["as_fran"]):  # another school; no school
        refused = client.put(url(idea, lincoln.id), SPREADING)
        assert refused.status_code == 403 and error_code(refused) == "forbidden"
    assert stages_of(world["as_maria"], idea)["spreading"] == 0
    admin = api_client(make_user("Ada Admin", admin=True))
    assert ok(admin.put(url(idea, lincoln.id), SPREADING))["stages"]["spreading"] == 1


def test_a_private_groups_change_idea_is_404_for_outsiders(world):
    _group, idea = make_group_change_idea([world["maria"]])
    ok(world["as_maria"].put(url(idea, world["lincoln"].id), SPREADING))
    for client, school in ((world["as_james"], world["harbor"]),
                           (world["as_james"], world["lincoln"])):  # fmt: skip
        hidden = client.put(url(idea, school.id), SPREADING)
        assert hidden.status_code == 404 and error_code(hidden) == "not_found"


def test_what_is_not_a_change_idea_or_a_school_is_404(world):
    maria, lincoln = world["as_maria"], world["lincoln"]
    for path in (url(world["secondary"], lincoln.id), f"change-ideas/999999/stages/{lincoln.id}",
                 url(world["idea"], 999_999), url(world["idea"], 0)):  # fmt: skip
        missing = maria.put(path, SPREADING)
        assert missing.status_code == 404 and error_code(missing) == "not_found", path
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StageSetting)) == 0


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"stage": "adopted", "reason": "x"}, {"stage"}),
        ({"stage": 3, "reason": "x"}, {"stage"}),
        ({"reason": "x"}, {"stage"}),
        ({"stage": "spreading"}, {"reason"}),
        ({"stage": "spreading", "reason": "   "}, {"reason"}),
        ({"stage": "spreading", "reason": "x" * 301}, {"reason"}),
        ({"stage": "spreading", "reason": None}, {"reason"}),
        ({"stage": "testing", "reason": "x", "school_id": 1}, {"school_id"}),
    ],
)
def test_bad_input_is_400_naming_its_fields(world, body, fields):
    response = world["as_maria"].put(url(world["idea"], world["lincoln"].id), body)
    assert set(fields_of(response)) == fields


def test_callers_who_may_not_write_are_refused(world, api_client, client):
    path = url(world["idea"], world["lincoln"].id)
    assert api_client(None).put(path, SPREADING).status_code == 401
    newcomer = make_user("Nina New", school=world["lincoln"], confirmed=False)
    unconfirmed = api_client(newcomer).put(path, SPREADING)
    assert unconfirmed.status_code == 403 and error_code(unconfirmed) == "email_unconfirmed"
    maria = world["maria"]
    revoked = api_client(maria)
    tokens.revoke_token(maria, tokens.list_tokens(maria)[0].id)
    assert revoked.put(path, SPREADING).status_code == 401
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StageSetting)) == 0


def test_the_reference_example_matches_a_real_answer(world, client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    request, answer = examples_of(page, "put", PATH)
    assert set(request) == {"stage", "reason"}
    same_shape(answer, ok(world["as_maria"].put(url(world["idea"], world["lincoln"].id), request)))
