"""Socket.IO packets decoded with the nesting limit: too deep is an error ack, not a traceback.

python-socketio decodes each packet with `json.loads`, which recurses once
per level: an event of 50,000 `[` raised RecursionError inside the server,
logged a traceback and never answered. Packets are decoded here through
`nic.jsonlimits`; one nested too deeply keeps its type, namespace and ack
id, and its data becomes the event `TOO_DEEP`, which the /live namespace
answers with `invalid` (nic.realtime.handlers). Text that is not a Socket.IO
packet at all (no Socket.IO client sends it) becomes the event `MALFORMED`
on /live, and the namespace closes that connection, as the reference
Socket.IO server does on a parse error, with one line in the log instead of
a traceback.
"""

from __future__ import annotations

import json
from typing import Any

from socketio import packet

from nic import jsonlimits
from nic.realtime.queue import LIVE_NAMESPACE

# Not event names a client can use: no handler has a colon.
TOO_DEEP = "nic:too-deep"
MALFORMED = "nic:malformed"
INT_DIGITS_MAX = 100  # as engine.io's own decoder: a huge integer is bad input too


def _parse_int(text: str) -> int:
    if len(text) > INT_DIGITS_MAX:
        raise ValueError("Integer is too large")
    return int(text)


class LimitedJSON:
    """The JSON module Socket.IO and Engine.IO use: the standard one with the limits."""

    dumps = staticmethod(json.dumps)

    @staticmethod
    def loads(text: str | bytes, **options: Any) -> Any:
        options.setdefault("parse_int", _parse_int)
        return jsonlimits.loads(text, **options)


class LimitedPacket(packet.Packet):
    """A Socket.IO packet whose too-deep data is replaced by the TOO_DEEP event."""

    json = LimitedJSON

    def decode(self, encoded_packet: str) -> int:
        try:
            return super().decode(encoded_packet)
        except jsonlimits.TooDeep:
            self.data = [TOO_DEEP]
        except ValueError:
            self.packet_type, self.namespace, self.id = packet.EVENT, LIVE_NAMESPACE, None
            self.data = [MALFORMED]
        return 0
