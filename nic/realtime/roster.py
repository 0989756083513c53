"""Who is in each live session, counted across every server process.

The handlers' registry (`presence.py`) knows this process's sockets; a roster
counts them per (session, person), so that `presence` joined and left go out
once per person (not per tab, not per process) and the join ack lists
everyone who is here, wherever they are connected.

- `LocalRoster`: one server process (no NIC_MESSAGE_QUEUE); plain counters.
- `RedisRoster`: several processes sharing the Redis of NIC_MESSAGE_QUEUE.
  Each process counts its own sockets under its own id and keeps a heartbeat.
  A process whose heartbeat is older than the TTL (killed, or its machine
  gone) no longer counts, and the first live process to notice removes its
  entries and reports who thereby left, so their `left` is still announced.
  A process that was only stalled writes its entries back at its next beat
  and reports who is thereby back, so their `joined` is announced again.

Redis keys (all under `prefix`, the installation's own: see installation.py):
`procs` (sorted set: process id -> last heartbeat), `u:<session>:<user>`
(hash: process id -> sockets), `s:<session>` (set: users with any entry),
`p:<process>` (set of "<session>:<user>" the process has entries for, for
reaping). Every change is one Lua script, so two processes never see each other half-way.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

import redis

DEFAULT_TTL_S = 15.0

# Shared by the scripts: is a process alive, and how many live sockets has a user?
_LUA_HELPERS = """
local prefix, me, oldest = ARGV[1], ARGV[2], tonumber(ARGV[3])
local procs = prefix .. 'procs'
local function alive(proc)
  if proc == me then return true end
  local beat = redis.call('ZSCORE', procs, proc)
  return beat and tonumber(beat) >= oldest
end
local function live_count(session, user)
  local entries = redis.call('HGETALL', prefix .. 'u:' .. session .. ':' .. user)
  local total = 0
  for i = 1, #entries, 2 do
    if alive(entries[i]) then total = total + tonumber(entries[i + 1]) end
  end
  return total
end
local function drop(session, user, proc)
  local key = prefix .. 'u:' .. session .. ':' .. user
  redis.call('HDEL', key, proc)
  redis.call('SREM', prefix .. 'p:' .. proc, session .. ':' .. user)
  if redis.call('HLEN', key) == 0 then redis.call('SREM', prefix .. 's:' .. session, user) end
end
"""

# ARGV[4..6]: session, user, +1 or -1. Returns the user's live sockets after the change.
_CHANGE = (
    _LUA_HELPERS
    + """
local session, user = ARGV[4], ARGV[5]
local key = prefix .. 'u:' .. session .. ':' .. user
if redis.call('HINCRBY', key, me, tonumber(ARGV[6])) <= 0 then
  drop(session, user, me)
else
  redis.call('SADD', prefix .. 's:' .. session, user)
  redis.call('SADD', prefix .. 'p:' .. me, session .. ':' .. user)
end
return live_count(session, user)
"""
)

# ARGV[4]: session. Returns the ids of users with a live socket in it.
_ONLINE = (
    _LUA_HELPERS
    + """
local here = {}
for _, user in ipairs(redis.call('SMEMBERS', prefix .. 's:' .. ARGV[4])) do
  if live_count(ARGV[4], user) > 0 then table.insert(here, user) end
end
return here
"""
)

# ARGV[4]: a process whose heartbeat looked stale. If it still is, takes it out of
# `procs` and removes its entries in one step, so a beat of its own cannot fall
# in between (it comes first and the process lives, or after and it restores);
# returns "<session>:<user>" for each person who thereby left. A process another
# survivor reaped already has no score: nothing to do, so each is reported once.
_REAP = (
    _LUA_HELPERS
    + """
local dead, gone = ARGV[4], {}
local beat = redis.call('ZSCORE', procs, dead)
if not beat or tonumber(beat) >= oldest then return gone end
redis.call('ZREM', procs, dead)
for _, entry in ipairs(redis.call('SMEMBERS', prefix .. 'p:' .. dead)) do
  local session, user = string.match(entry, '^(%d+):(%d+)$')
  if session then
    drop(session, user, dead)
    if live_count(session, user) == 0 then table.insert(gone, entry) end
  end
end
redis.call('DEL', prefix .. 'p:' .. dead)
return gone
"""
)

# ARGV[4..]: session, user, count triples: this process's own entries, written back.
# Returns "<session>:<user>" for each person who had no live socket until now.
_RESTORE = (
    _LUA_HELPERS
    + """
local back = {}
for i = 4, #ARGV, 3 do
  local session, user = ARGV[i], ARGV[i + 1]
  if live_count(session, user) == 0 then table.insert(back, session .. ':' .. user) end
  redis.call('HSET', prefix .. 'u:' .. session .. ':' .. user, me, ARGV[i + 2])
  redis.call('SADD', prefix .. 's:' .. session, user)
  redis.call('SADD', prefix .. 'p:' .. me, session .. ':' .. user)
end
return back
"""
)

SessionUser = tuple[int, int]


@dataclass(frozen=True)
class Beat:
    """What a heartbeat found, as (session, user) pairs.

    `left`: people whose only sockets were on processes found dead;
    `back`: people this process counts again after it was taken for dead.
    """

    left: list[SessionUser] = field(default_factory=list)
    back: list[SessionUser] = field(default_factory=list)


def _pairs(entries: list[bytes]) -> list[SessionUser]:
    """A script's "<session>:<user>" entries as (session, user) pairs."""
    pairs = []
    for entry in entries:
        session, user = entry.decode().split(":")
        pairs.append((int(session), int(user)))
    return pairs


class Roster(Protocol):
    heartbeat_s: float | None  # how often `beat` must run; None: never

    def add(self, session_id: int, user_id: int) -> bool:
        """Count one more socket of the person in the session; True if it is their first."""

    def remove(self, session_id: int, user_id: int) -> bool:
        """Count one socket less; True if it was the person's last, in any process."""

    def user_ids(self, session_id: int) -> set[int]:
        """Everyone with a socket in the session."""

    def beat(self) -> Beat:
        """Keep this process counted; who left with dead processes, who is back with this one."""


class LocalRoster:
    """Counts for a single server process."""

    heartbeat_s: float | None = None

    def __init__(self) -> None:
        self.counts: Counter[tuple[int, int]] = Counter()

    def add(self, session_id: int, user_id: int) -> bool:
        self.counts[session_id, user_id] += 1
        return self.counts[session_id, user_id] == 1

    def remove(self, session_id: int, user_id: int) -> bool:
        key = (session_id, user_id)
        self.counts[key] -= 1
        if self.counts[key] > 0:
            return False
        del self.counts[key]
        return True

    def user_ids(self, session_id: int) -> set[int]:
        return {user for (session, user) in self.counts if session == session_id}

    def beat(self) -> Beat:
        return Beat()


class RedisRoster(LocalRoster):
    """Counts shared by every process on one Redis; the local counters are this process's own.

    Not safe for concurrent use on its own: `Presence` calls it under its lock,
    which keeps the local counters and Redis in step (a restore writes back
    exactly what Redis lost).
    """

    def __init__(self, url: str, prefix: str, ttl_s: float = DEFAULT_TTL_S) -> None:
        super().__init__()
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.prefix = prefix
        self.ttl_s = ttl_s
        self.heartbeat_s = ttl_s / 3
        self.process_id = uuid.uuid4().hex
        self.registered = False
        self.left: list[SessionUser] = []  # reaped by a first `add`, for the next beat
        self._change = self.client.register_script(_CHANGE)
        self._online = self.client.register_script(_ONLINE)
        self._reap = self.client.register_script(_REAP)
        self._restore = self.client.register_script(_RESTORE)

    def _args(self, *more: object) -> list[object]:
        return [self.prefix, self.process_id, time.time() - self.ttl_s, *more]

    def add(self, session_id: int, user_id: int) -> bool:
        if not self.registered:
            self.left = self.beat().left  # who it reaped, reported at its next beat
        super().add(session_id, user_id)
        return int(self._change(args=self._args(session_id, user_id, 1))) == 1

    def remove(self, session_id: int, user_id: int) -> bool:
        super().remove(session_id, user_id)
        return int(self._change(args=self._args(session_id, user_id, -1))) == 0

    def user_ids(self, session_id: int) -> set[int]:
        return {int(user) for user in self._online(args=self._args(session_id))}

    def beat(self) -> Beat:
        """Heartbeat, write back this process's entries if it was reaped, reap dead processes."""
        procs = self.prefix + "procs"
        now = time.time()
        back: list[SessionUser] = []
        if self.client.zadd(procs, {self.process_id: now}) and self.registered and self.counts:
            # Taken for dead (stalled longer than the TTL): put its people back.
            triples = [str(v) for (s, u), n in self.counts.items() for v in (s, u, n)]
            back = _pairs(self._restore(args=self._args(*triples)))
        self.registered = True
        left, self.left = self.left, []
        for dead in self.client.zrangebyscore(procs, "-inf", f"({now - self.ttl_s}"):
            left.extend(_pairs(self._reap(args=self._args(dead.decode()))))
        return Beat(left, back)
