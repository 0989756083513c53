"""Who is here, counted across server processes: the rosters behind `presence`.

Each `RedisRoster` below stands for one server process; they share a real
Redis under a key prefix of this test's own. A person is one person however
many tabs and processes they are on; a process that stops beating stops
counting, and exactly one survivor reports who left with it; a process that
was only stalled puts its people back and reports who is back.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator

import pytest
import redis as redis_lib

from nic.realtime.roster import Beat, LocalRoster, RedisRoster, Roster

SESSION, OTHER_SESSION = 11, 12
MARIA, DEREK = 7, 8
TTL_S = 0.3


@pytest.fixture
def processes(redis) -> Iterator[Callable[..., RedisRoster]]:
    """processes(ttl_s=...) -> a new process's roster; keys removed afterwards."""
    prefix = f"nic:test:{uuid.uuid4().hex}:"
    yield lambda ttl_s=TTL_S: RedisRoster(redis, ttl_s=ttl_s, prefix=prefix)
    client = redis_lib.Redis.from_url(redis)
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(params=["memory", "redis"])
def roster(request) -> Roster:
    if request.param == "memory":
        return LocalRoster()
    return request.getfixturevalue("processes")(ttl_s=60)


def test_a_person_is_counted_once_however_many_tabs(roster):
    assert roster.add(SESSION, MARIA) is True
    assert roster.add(SESSION, MARIA) is False
    assert roster.add(SESSION, DEREK) is True
    assert roster.add(OTHER_SESSION, MARIA) is True
    assert roster.user_ids(SESSION) == {MARIA, DEREK}
    assert roster.remove(SESSION, MARIA) is False
    assert roster.user_ids(SESSION) == {MARIA, DEREK}
    assert roster.remove(SESSION, MARIA) is True
    assert roster.user_ids(SESSION) == {DEREK}
    assert roster.user_ids(OTHER_SESSION) == {MARIA}
    assert roster.beat() == Beat()


def test_tabs_on_two_processes_are_one_person(processes):
    one, two = processes(), processes()
    assert one.add(SESSION, MARIA) is True
    assert two.add(SESSION, MARIA) is False  # already here, through the other process
    assert two.add(SESSION, DEREK) is True
    assert one.user_ids(SESSION) == two.user_ids(SESSION) == {MARIA, DEREK}
    assert one.remove(SESSION, MARIA) is False  # still here on process two
    assert one.user_ids(SESSION) == {MARIA, DEREK}
    assert two.remove(SESSION, MARIA) is True
    assert one.user_ids(SESSION) == {DEREK}


def test_people_on_a_dead_process_leave_and_one_survivor_reports_it(processes):
    dying, survivor, third = processes(), processes(), processes()
    dying.add(SESSION, MARIA)
    dying.add(SESSION, DEREK)
    survivor.add(SESSION, DEREK)  # Derek has a tab on a live process too
    third.beat()
    assert survivor.user_ids(SESSION) == {MARIA, DEREK}
    time.sleep(TTL_S * 1.5)  # `dying` stops beating
    assert survivor.user_ids(SESSION) == {DEREK}  # already, before anyone reaps
    left = survivor.beat().left + third.beat().left
    assert left == [(SESSION, MARIA)]
    assert survivor.beat() == third.beat() == Beat()  # reported once, by one process
    assert survivor.remove(SESSION, DEREK) is True


def test_a_stalled_process_puts_its_people_back_when_it_beats_again(processes):
    stalled, other = processes(), processes()
    stalled.add(SESSION, MARIA)
    stalled.add(SESSION, MARIA)
    stalled.add(SESSION, DEREK)
    other.beat()
    time.sleep(TTL_S * 1.5)
    assert other.add(SESSION, DEREK) is True  # Derek opens a tab on the live process meanwhile
    assert other.beat() == Beat(left=[(SESSION, MARIA)])
    assert other.user_ids(SESSION) == {DEREK}
    # It was reaped: both of Maria's tabs and Derek's are back. Only Maria had
    # been announced as gone, so only she is reported back.
    assert stalled.beat() == Beat(back=[(SESSION, MARIA)])
    assert other.user_ids(SESSION) == {MARIA, DEREK}
    assert stalled.beat() == other.beat() == Beat()
    assert other.remove(SESSION, DEREK) is False  # his tab on the stalled process counts
    assert stalled.remove(SESSION, MARIA) is False
    assert stalled.remove(SESSION, MARIA) is True
    assert other.user_ids(SESSION) == {DEREK}
    assert stalled.remove(SESSION, DEREK) is True
    assert other.user_ids(SESSION) == set()


def test_a_new_process_counts_from_its_first_join(processes):
    early, new = processes(ttl_s=60), processes(ttl_s=60)
    early.beat()
    new.add(SESSION, MARIA)  # before any heartbeat of its own
    assert early.user_ids(SESSION) == {MARIA}
    assert early.add(SESSION, MARIA) is False


def test_a_new_process_that_reaps_on_its_first_join_still_reports_who_left(processes):
    dying = processes()
    dying.add(SESSION, MARIA)
    time.sleep(TTL_S * 1.5)
    new = processes()
    assert new.add(SESSION, DEREK) is True  # registers, and reaps the dead process
    assert new.user_ids(SESSION) == {DEREK}
    assert new.beat() == Beat(left=[(SESSION, MARIA)])
    assert new.beat() == Beat()


def test_a_process_that_beats_before_its_reaper_acts_is_not_reaped(processes):
    """The survivor's list of stale processes can be out of date by the time it reaps."""
    slow, survivor = processes(), processes()
    slow.add(SESSION, MARIA)
    time.sleep(TTL_S * 1.5)
    assert slow.beat() == Beat()  # it beats just after the survivor listed it as stale
    assert survivor._reap(args=survivor._args(slow.process_id)) == []
    assert survivor.user_ids(SESSION) == {MARIA}
    assert slow.beat() == survivor.beat() == Beat()
