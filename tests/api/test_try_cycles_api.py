"""A try's PDSA cycle through the API: written as `cycle_id` (left out: kept; null:
unlinked), read only where the caller may see the cycle."""

from __future__ import annotations

from nic.services.tries import CYCLE_CHOICE
from tests.api.conftest import error_code
from tests.test_cycles import world as world
from tests.test_try_cycles import TRIED
from tests.test_try_cycles import trail as trail


def test_the_api_reads_and_writes_a_tries_cycle(api_client, trail):
    practice, own, kept = trail["practice"], trail["own"], trail["kept"]
    maria = api_client(trail["maria"])
    path = f"practices/{practice.id}/tries"
    refused = maria.post(path, dict(TRIED, cycle_id=trail["harbors"].id))
    assert refused.status_code == 400 and error_code(refused) == "invalid"
    assert refused.get_json()["error"]["fields"] == {"cycle_id": CYCLE_CHOICE}
    made = maria.post(path, dict(TRIED, cycle_id=own.id))
    assert made.status_code == 201 and made.get_json()["cycle_id"] == own.id
    kept_one = maria.post(path, TRIED)  # left out: kept
    assert kept_one.status_code == 200 and kept_one.get_json()["cycle_id"] == own.id
    assert maria.post(path, dict(TRIED, cycle_id=kept.id)).get_json()["cycle_id"] == kept.id
    assert maria.get(path).get_json()["items"][0]["cycle_id"] == kept.id
    # Outside the private group the try is there, its cycle is not.
    seen = api_client(trail["james"]).get(path).get_json()["items"]
    assert [(t["school"]["name"], t["cycle_id"]) for t in seen] == [("Lincoln Elementary", None)]
    unlinked = maria.post(path, dict(TRIED, cycle_id=None))
    assert unlinked.status_code == 200 and unlinked.get_json()["cycle_id"] is None
