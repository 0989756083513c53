/* Who is here (presence, mutes) and raised hands. */

import { button, el, personMeta, showError } from "./dom.js";

export function mountPeople(room) {
  const { $, me } = room;
  const ui = {
    participants: $("[data-live-participants]"),
    hereCount: $("[data-live-here-count]"),
    hands: $("[data-live-hands]"),
    handsEmpty: $("[data-live-hands-empty]"),
    hand: room.ui.hand,
    callNext: $("[data-live-call-next]"),
    error: room.ui.error,
  };
  const participants = new Map(); // user id -> participant
  let hands = { queue: [], called_on: null };

  function labelMute(b, person) {
    const p = participants.get(person.id);
    const muted = Boolean(p && p.muted);
    b.textContent = muted ? "Unmute" : "Mute";
    b.setAttribute("aria-pressed", muted ? "true" : "false");
    b.setAttribute("aria-label", (muted ? "Unmute " : "Mute ") + person.name);
  }

  function toggleMute(userId, region) {
    const p = participants.get(userId);
    room.command("mute", { user_id: userId, muted: !(p && p.muted) }, region);
  }

  function renderParticipants() {
    if (!ui.participants) return;
    const people = Array.from(participants.values()).sort(
      (a, b) => (b.online - a.online) || a.name.localeCompare(b.name));
    ui.participants.replaceChildren();
    let here = 0;
    people.forEach((p) => {
      if (p.online) here += 1;
      const li = el("li");
      const who = el("span");
      if (p.online) {
        const dot = el("span", "presence-dot");
        dot.setAttribute("aria-hidden", "true");
        who.append(dot);
      }
      who.append(el("strong", "chat__author", p.name), el("span", "live-person__meta",
        personMeta(p) + (p.online ? "" : " · left") + (p.muted ? " · muted" : "")));
      li.append(who);
      if (room.isFacilitator && p.id !== me) {
        const mute = button("Mute", "button button--secondary button--small", () => toggleMute(p.id));
        labelMute(mute, p);
        li.append(mute);
      }
      ui.participants.append(li);
    });
    if (ui.hereCount) ui.hereCount.textContent = "(" + here + ")";
    document.querySelectorAll("[data-mute-user]").forEach((b) => {
      const p = participants.get(Number(b.dataset.muteUser));
      if (p) labelMute(b, p);
    });
  }

  function renderHands() {
    if (!ui.hands) return;
    ui.hands.replaceChildren();
    let mine = false;
    hands.queue.forEach((h) => {
      if (h.user.id === me) mine = true;
      const li = el("li");
      li.append(el("span", null, h.user.name));
      if (room.isFacilitator) {
        const call = button("Call on", "button button--secondary button--small",
          () => room.command("call_on", { user_id: h.user.id }));
        call.setAttribute("aria-label", "Call on " + h.user.name);
        li.append(call);
      }
      ui.hands.append(li);
    });
    let note = hands.queue.length ? "" : "No hands raised.";
    if (hands.called_on) note = (note ? note + " " : "") + "Called on: " + hands.called_on.user.name + ".";
    ui.handsEmpty.textContent = note;
    if (ui.hand) {
      ui.hand.textContent = mine ? "Lower hand" : "Raise hand";
      ui.hand.setAttribute("aria-pressed", mine ? "true" : "false");
    }
    if (ui.callNext) ui.callNext.disabled = !hands.queue.length;
  }

  room.onSession((session) => {
    if (!session) return;
    participants.clear();
    session.participants.forEach((p) => participants.set(p.id, p));
    renderParticipants();
    hands = session.hands;
    renderHands();
  });

  room.on("presence", (e) => {
    if (e.session_id !== room.sessionId) return;
    if (e.action === "left") {
      const gone = participants.get(e.user_id);
      if (gone) gone.online = false;
    } else {
      const old = participants.get(e.participant.id) || {};
      const online = e.participant.online === undefined ? old.online : e.participant.online;
      participants.set(e.participant.id, { ...old, ...e.participant, online });
      if (e.participant.id === me && e.action === "updated") {
        room.muted = Boolean(e.participant.muted);
        room.updateControls();
        showError(ui.error, room.muted ? "A facilitator has muted you in this session." : "");
      }
    }
    renderParticipants();
  });

  room.on("hands", (h) => {
    if (h.session_id !== room.sessionId) return;
    hands = h;
    renderHands();
  });

  if (ui.hand) {
    ui.hand.addEventListener("click", () => {
      const raising = ui.hand.getAttribute("aria-pressed") !== "true";
      room.send(raising ? "raise_hand" : "lower_hand", {}, (ack) => {
        if (!ack.ok) return showError(ui.error, ack.error.message);
        hands = ack.hands;
        renderHands();
      });
    });
  }

  return { labelMute, toggleMute };
}
