/* The live room's state machine, driven by the server: scheduled -> live ->
   ended. The page is rendered by the server in the state it is in; from then
   on the `state` event (and the state in every join ack, for a page that
   arrived late or reconnected) moves it on, so a page that stayed open looks
   exactly like a fresh load:
   - scheduled: agenda only; the chat opens by itself when the session starts;
   - live: chat and side panels; controls that the lock, a mute or the
     status block are disabled, with the reason shown before anyone types;
   - ended: the page becomes the record (fetched from the server, as a reload
     would show it, the facilitator's "Post session notes" included). */

import { el, showError } from "./dom.js";

const NOTICE = {
  scheduled: "This session has not started yet. The chat opens here when it starts: no need to reload.",
  live: "This session is live: the chat is open.",
};
const BADGE = {
  live: ["live", "Live now"], ended: ["neutral", "Ended"], scheduled: ["new", "Scheduled"],
};

export function createRoom(root) {
  const $ = (selector) => root.querySelector(selector);
  const page = (selector) => document.querySelector(selector);
  const room = {
    root,
    sessionId: Number(root.dataset.sessionId),
    me: Number(root.dataset.userId),
    isFacilitator: root.dataset.facilitator === "true",
    unconfirmed: root.dataset.unconfirmed === "true",
    canTakePart: root.dataset.canTakePart === "true",
    state: { status: root.dataset.status, locked: false, pinned: { message_id: null, text: null } },
    muted: false,
    closed: false,
    $,
    ui: {
      notice: $("[data-live-notice]"),
      chat: $("[data-live-chat]"),
      side: $("[data-live-side]"),
      locked: $("[data-live-locked]"),
      connection: $("[data-live-connection]"),
      composer: $("[data-live-composer]"),
      reason: $("[data-live-blocked]"),
      ask: $("[data-live-ask]"),
      askReason: $("[data-live-ask-blocked]"),
      hand: $("[data-live-hand]"),
      error: $("[data-live-error]"),
      toolsError: $("[data-live-tools-error]"),
      lock: $("[data-live-lock]"),
      badge: page("[data-live-badge]"),
      calendar: page("[data-live-calendar]"),
      video: page("[data-live-video]"),
      startForm: page('[data-live-command="start"]'),
      endForm: page('[data-live-command="end"]'),
    },
    listeners: [],
    // The modules' hooks: each gets the join ack's session and each state.
    onSession(fn) { room.listeners.push(fn); },
  };

  room.setConnection = (text) => {
    if (room.ui.connection) room.ui.connection.textContent = text;
  };

  room.setNotice = (text) => {
    if (room.ui.notice) room.ui.notice.textContent = text;
  };

  /* Why this person cannot write now ("scheduled", "ended", "unconfirmed",
     "muted", "locked"), or "" if they can: live_access.speaking_blocked's rule, which
     the server enforces. Facilitators are never locked out or muted. The
     words are the template's (data-* of the note). */
  room.blockedReason = () => {
    const status = room.state.status;
    if (status !== "live") return status;
    if (room.unconfirmed) return "unconfirmed";
    if (room.isFacilitator) return "";
    if (room.muted) return "muted";
    if (room.state.locked) return "locked";
    return "";
  };

  room.updateControls = () => {
    const reason = room.closed ? "ended" : room.blockedReason();
    const live = room.state.status === "live" && !room.closed;
    for (const [form, note] of [[room.ui.composer, room.ui.reason], [room.ui.ask, room.ui.askReason]]) {
      if (!form) continue;
      form.querySelectorAll("textarea, button, input").forEach((control) => {
        control.disabled = Boolean(reason);
      });
      if (note) {
        note.textContent = reason ? note.dataset[reason] : "";
        note.hidden = !reason;
      }
    }
    if (room.ui.hand) room.ui.hand.disabled = !live;
  };

  function showStatus(status, before) {
    root.dataset.status = status;
    const live = status === "live";
    if (room.ui.chat) room.ui.chat.hidden = status === "scheduled";
    if (room.ui.side) room.ui.side.hidden = status === "scheduled";
    if (room.ui.startForm) room.ui.startForm.hidden = status !== "scheduled";
    if (room.ui.calendar) room.ui.calendar.hidden = status !== "scheduled";
    if (room.ui.video) room.ui.video.hidden = !live;
    if (room.ui.endForm) room.ui.endForm.hidden = !live;
    if (room.ui.badge && BADGE[status]) {
      const [kind, text] = BADGE[status];
      room.ui.badge.replaceChildren(el("span", "badge badge--" + kind, text));
    }
    if (NOTICE[status]) room.setNotice(NOTICE[status]);
    // A flash from loading the page ("Session scheduled.") is history now.
    if (before && before !== status) document.querySelectorAll(".flashes").forEach((f) => f.remove());
  }

  room.applyState = (s) => {
    const before = room.state.status;
    room.state = { status: s.status, locked: s.locked, pinned: s.pinned || { message_id: null, text: null } };
    if (room.ui.locked) room.ui.locked.hidden = !s.locked;
    if (room.ui.lock) {
      room.ui.lock.setAttribute("aria-pressed", s.locked ? "true" : "false");
      room.ui.lock.textContent = s.locked ? "Unlock chat" : "Lock chat";
    }
    if (s.status === "ended") {
      becomeRecord();
      return;
    }
    showStatus(s.status, before);
    room.updateControls();
    room.listeners.forEach((fn) => fn(null, room.state));
  };

  /* The join ack (first join, or catching up after a lost connection). */
  room.joined = (ack, catchingUp) => {
    room.muted = Boolean(ack.session.me && ack.session.me.muted);
    room.listeners.forEach((fn) => fn(ack.session, null));
    room.applyState(ack.session);
    if (!room.closed) room.chat.received(ack, catchingUp);
  };

  room.command = (event, payload, region) => {
    room.send(event, payload, (ack) => {
      if (!ack.ok) showError(region || room.ui.toolsError || room.ui.error, ack.error.message);
      else if (ack.state) room.applyState(ack.state);
    });
  };

  /* The session ended: this page becomes the record, as a reload would show
     it. The connection closes; nothing typed here can be sent any more. */
  function becomeRecord() {
    if (room.closed) return;
    room.closed = true;
    room.updateControls();
    room.connection.close();
    room.setConnection("The session has ended.");
    const fallback = () => {
      room.setNotice("The session has ended. ");
      const link = el("a", null, "Open the session record");
      link.href = window.location.pathname;
      if (room.ui.notice) room.ui.notice.append(link);
    };
    window.fetch(window.location.pathname, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        const fresh = new DOMParser().parseFromString(html, "text/html");
        const main = document.getElementById("main");
        const next = fresh.getElementById("main");
        if (!main || !next) return fallback();
        main.replaceChildren(...next.childNodes);
        document.title = fresh.title;
        const notice = el("p", "flash flash--info", "The session has ended. This page is now its record.");
        notice.setAttribute("role", "status");
        const flashes = el("div", "flashes");
        flashes.append(notice);
        main.prepend(flashes);
      })
      .catch(fallback);
  }

  return room;
}
