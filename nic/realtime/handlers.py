"""Inbound Socket.IO handlers: the /live namespace (see docs/live-protocol.md).

Handlers are thin: each is wrapped by `acks.event` (check the payload's
shape, re-load the user, turn what the one service it calls returns or
raises into the acknowledgement `{"ok": true, ...}` or `{"ok": false,
"error": {"code", "message"}}`). A handler never raises for bad input: a
malformed payload is `invalid`, an unknown event too. Connecting needs a
signed-in session cookie or an API token (`auth={"token": ...}`); the origin
check is engineio's (same origin unless NIC_ALLOWED_ORIGINS lists others).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, g, request
from flask_login import current_user
from flask_socketio import Namespace, SocketIO, join_room, leave_room

from nic import events
from nic.errors import Conflict, NotFound, NotLive
from nic.events import (
    LIVE_NAMESPACE,
    facilitators_room,
    login_credential,
    session_room,
    token_credential,
    user_room,
)
from nic.extensions import socketio
from nic.jsonlimits import MAX_DEPTH
from nic.models import User
from nic.realtime.acks import Ack, error_ack, event
from nic.realtime.packets import MALFORMED, TOO_DEEP
from nic.realtime.payloads import (
    optional_flag,
    optional_id,
    optional_value,
    required_id,
    required_value,
)
from nic.realtime.presence import Presence, current_presence, keep_counted
from nic.realtime.roster import Beat
from nic.services import notification_feed
from nic.services.live import attendance as live_attendance
from nic.services.live import chat as live_chat
from nic.services.live import facilitation as live_facilitation
from nic.services.live import questions as live_questions
from nic.services.live import sessions as live_sessions
from nic.services.live.access import LiveAccess
from nic.services.tokens import authenticate_token

log = logging.getLogger(__name__)


def _keep_counted(presence: Presence) -> None:
    """Start this process's presence heartbeat once, if its roster needs one (Redis)."""
    with presence.lock:
        if presence.roster.heartbeat_s is None or presence.heartbeat_started:
            return
        presence.heartbeat_started = True
    app = current_app._get_current_object()

    def people_moved(beat: Beat) -> None:
        with app.app_context():
            for session_id, user_id in beat.left:
                live_attendance.person_left(session_id, user_id)
            for session_id, user_id in beat.back:
                live_attendance.person_back(session_id, user_id)

    socketio.start_background_task(keep_counted, presence, socketio.sleep, people_moved)


class LiveNamespace(Namespace):
    """The /live namespace; one `on_<event>` per client event."""

    def trigger_event(self, event: str, *args: Any) -> Any:
        """Route an event; unknown events and bugs still get an error ack.

        connect and disconnect are passed through untouched: an error there
        must refuse the connection, never be turned into a (truthy) ack. A
        client may also send an ordinary event under those names; on a socket
        that is connected (not connecting or disconnecting) it gets an error
        ack, instead of running the handlers (a refused-connection traceback,
        or the person counted as gone while still here).
        """
        if event in ("connect", "disconnect"):
            sid = args[0]  # python-socketio passes the sid first; no request context yet
            if self.socketio.server.manager.is_connected(sid, self.namespace):
                return error_ack("invalid", "That event name is reserved.")
            return super().trigger_event(event, *args)
        if event == MALFORMED:
            log.warning("Closed a /live connection that sent text that is not a Socket.IO packet")
            self.disconnect(args[0])
            return None
        if event == TOO_DEEP:
            return error_ack("invalid", f"The payload is nested more than {MAX_DEPTH} levels deep.")
        if not hasattr(self, f"on_{event}"):
            return error_ack("invalid", "Unknown event.")
        try:
            return super().trigger_event(event, *args)
        except Exception:
            # A bug, not bad input: log it with its traceback for the operator.
            log.exception("Unhandled error in /live event %r", event)
            return error_ack("server_error", "Something went wrong; nothing was changed.")

    def on_connect(self, auth: Any = None) -> None:
        """Accept a signed-in cookie or an API token; refuse anyone else."""
        token = auth.get("token") if isinstance(auth, dict) else None
        user, credential = None, None
        if token is not None:
            found = authenticate_token(token)
            if found is not None:
                user, credential = found[0], token_credential(found[1].id)
        elif current_user.is_authenticated:
            user, credential = current_user, login_credential(g.nic_login_id)
        if user is None or credential is None:
            raise ConnectionRefusedError({"code": "unauthenticated", "message": "Sign in first."})
        presence = current_presence()
        presence.connect(request.sid, user.id, credential)
        join_room(user_room(user.id))
        # The header badge's true count, on every (re)connect, to this socket only.
        events.notifications_changed(user.id, notification_feed.unread_count(user.id), request.sid)
        _keep_counted(presence)

    def on_disconnect(self, reason: Any = None) -> None:
        """Announce the person left each session this was their last socket in."""
        _user_id, last_in = current_presence().disconnect(request.sid)
        if _user_id is None:
            return
        for session_id in last_in:
            live_attendance.person_left(session_id, _user_id)

    @event({"after_id": optional_id})
    def on_join(access: LiveAccess, p: dict) -> Ack:
        """Enter the session room; ack its state and the messages after `after_id`."""
        access = live_attendance.attend(access)
        session_id = access.item.id
        presence = current_presence()
        join_room(session_room(session_id))
        if access.is_facilitator:
            join_room(facilitators_room(session_id))
        if presence.enter(request.sid, session_id, access.item.group_id):
            live_attendance.announce_joined(access)
        after_id = p["after_id"]
        limit = live_chat.HISTORY_LIMIT
        messages = live_chat.messages_after(access.item, after_id, limit + 1)
        ack: Ack = {
            "session": live_facilitation.session_snapshot(
                access, presence.online_user_ids(session_id)
            ),
            "messages": messages[:limit] if after_id is not None else messages[-limit:],
            "has_more": len(messages) > limit,
        }
        if after_id is not None:
            ack["deleted_ids"] = live_chat.deleted_message_ids(session_id, after_id)
        return ack

    @event({}, access=False)
    def on_leave(user: User, p: dict) -> Ack:
        """Leave the session room (the page closed its chat panel); not_found if not in it."""
        session_id = p["session_id"]
        presence = current_presence()
        if session_id not in presence.sessions_of(request.sid):
            raise NotFound("You have not joined that session.")
        leave_room(session_room(session_id))
        leave_room(facilitators_room(session_id))
        if presence.exit(request.sid, session_id):
            live_attendance.person_left(session_id, user.id)
        return {}

    @event(
        {"body": required_value, "client_msg_id": required_value, "reply_to_id": optional_id},
        limit="write",
        lock=True,
    )
    def on_send(access: LiveAccess, p: dict) -> Ack:
        message = live_chat.send_message(access, p["body"], p["client_msg_id"], p["reply_to_id"])
        return {"message": message}

    @event({"message_id": required_id, "emoji": required_value}, limit="action")
    def on_react(access: LiveAccess, p: dict) -> Ack:
        return {"reaction": live_chat.toggle_reaction(access, p["message_id"], p["emoji"])}

    @event({"message_id": required_id})
    def on_delete(access: LiveAccess, p: dict) -> Ack:
        live_chat.delete_message(access, p["message_id"])
        return {}

    @event({}, limit="action")
    def on_raise_hand(access: LiveAccess, p: dict) -> Ack:
        return {"hands": live_facilitation.raise_hand(access)}

    @event({}, limit="action")
    def on_lower_hand(access: LiveAccess, p: dict) -> Ack:
        return {"hands": live_facilitation.lower_hand(access)}

    @event({"user_id": optional_id})
    def on_call_on(access: LiveAccess, p: dict) -> Ack:
        return {"hands": live_facilitation.call_on(access, p["user_id"])}

    @event({"message_id": optional_id, "text": optional_value})
    def on_pin(access: LiveAccess, p: dict) -> Ack:
        return {"state": live_facilitation.pin(access, p["message_id"], p["text"])}

    @event({"locked": optional_flag})
    def on_lock(access: LiveAccess, p: dict) -> Ack:
        return {"state": live_facilitation.set_locked(access, p["locked"] is not False)}

    @event({"user_id": required_id, "muted": optional_flag})
    def on_mute(access: LiveAccess, p: dict) -> Ack:
        muted = p["muted"] is not False
        return {"participant": live_facilitation.set_muted(access, p["user_id"], muted)}

    @event({"body": required_value, "anonymous": optional_flag}, limit="write")
    def on_ask(access: LiveAccess, p: dict) -> Ack:
        return {"question": live_questions.ask(access, p["body"], p["anonymous"])}

    @event({"question_id": required_id}, limit="action")
    def on_upvote(access: LiveAccess, p: dict) -> Ack:
        return {"question": live_questions.upvote(access, p["question_id"])}

    @event({"question_id": required_id, "answered": optional_flag})
    def on_answer(access: LiveAccess, p: dict) -> Ack:
        answered = p["answered"] is not False
        return {"question": live_questions.answer(access, p["question_id"], answered)}

    @event({"question": required_value, "options": required_value, "multiple": optional_flag})
    def on_open_poll(access: LiveAccess, p: dict) -> Ack:
        poll = live_questions.open_poll(access, p["question"], p["options"], p["multiple"])
        return {"poll": poll}

    @event({"poll_id": required_id, "option": required_value}, limit="action")
    def on_vote(access: LiveAccess, p: dict) -> Ack:
        return {"poll": live_questions.vote(access, p["poll_id"], p["option"])}

    @event({"poll_id": required_id})
    def on_close_poll(access: LiveAccess, p: dict) -> Ack:
        return {"poll": live_questions.close_poll(access, p["poll_id"])}

    @event({})
    def on_start(access: LiveAccess, p: dict) -> Ack:
        return {"state": live_sessions.state_of(live_sessions.start_session(access))}

    @event({})
    def on_end(access: LiveAccess, p: dict) -> Ack:
        try:
            session = live_sessions.end_session(access)
        except Conflict as exc:
            raise NotLive(exc.message) from exc
        return {"state": live_sessions.state_of(session)}


def register_handlers(socketio: SocketIO) -> None:
    """Attach the /live namespace once; safe to call for every app the factory builds.

    Flask-SocketIO re-registers the namespaces it holds on each `init_app`,
    so one instance serves every app; adding a second would double-handle.
    """
    if any(ns.namespace == LIVE_NAMESPACE for ns in socketio.namespace_handlers):
        return
    namespace = LiveNamespace(LIVE_NAMESPACE)
    socketio.on_namespace(namespace)
    if namespace not in socketio.namespace_handlers:
        # on_namespace only records it when no server exists yet.
        socketio.namespace_handlers.append(namespace)
