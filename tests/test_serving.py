"""`python wsgi.py` answers every request on a kept-alive connection at once.

Without TCP_NODELAY, the server's two writes per response (headers, then
body) met Nagle's algorithm and the client's delayed ACK: on a reused
connection the body trailed the headers by about 40 ms (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlsplit

import pytest

from tests.servers import free_port, migrate, running_server, server_env

pytestmark = pytest.mark.server

FETCHES = 5
# The stall it guards against is 40 ms (200 ms on Windows); a few ms is loopback noise.
MAX_TRAIL_S = 0.010


def test_reused_connection_gets_the_whole_page_at_once(tmp_path):
    env = server_env(
        f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        NIC_PORT=str(free_port()), NIC_ASYNC_MODE="gevent", NIC_SECRET_KEY="serve-test",
    )  # fmt: skip
    migrate(env)
    with running_server(env, tmp_path / "server.log") as url:
        address = urlsplit(url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
        trails = []
        for _ in range(FETCHES):
            connection.request("GET", "/login")
            response = connection.getresponse()  # the status line and headers have arrived
            first_byte = time.perf_counter()
            body = response.read()
            trails.append(time.perf_counter() - first_byte)
            assert response.status == 200
            assert b"Sign in" in body
            assert not response.will_close  # the same connection serves the next fetch
        connection.close()
    assert max(trails) < MAX_TRAIL_S, [round(t * 1000, 1) for t in trails]
