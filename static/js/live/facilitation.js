/* The facilitator's tools: lock the chat, call on the next hand, pin an
   agenda item or unpin, and Start / End through the socket. */

import { button } from "./dom.js";

export function mountFacilitation(room) {
  if (!room.isFacilitator) return;
  const { $ } = room;
  const lock = room.ui.lock;
  const callNext = $("[data-live-call-next]");
  const unpin = $("[data-live-unpin]");
  const agenda = $("[data-live-agenda]");

  if (lock) lock.addEventListener("click", () => room.command("lock", { locked: !room.state.locked }));
  if (callNext) callNext.addEventListener("click", () => room.command("call_on", {}));
  if (unpin) unpin.addEventListener("click", () => room.command("pin", {}));
  if (agenda) {
    let items = agenda.querySelectorAll("li");
    if (!items.length) items = agenda.querySelectorAll("p");
    items.forEach((item) => {
      const text = item.textContent.trim();
      if (!text) return;
      const pin = button("Pin", "button button--link button--small live-pin",
        () => room.command("pin", { text: text.slice(0, 500) }));
      pin.setAttribute("aria-label", "Pin as now discussing: " + text);
      item.append(pin);
    });
  }
  /* Start and End are plain forms (they work without JavaScript); when the
     socket is up they go through it, so the page never reloads. app.js has
     already asked for confirmation (data-confirm) and may have cancelled. */
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || !form.matches || !form.matches("[data-live-command]")) return;
    if (!room.connection.connected) return; // fall back to the plain form post
    event.preventDefault();
    room.command(form.dataset.liveCommand, {}, room.ui.toolsError || room.ui.error);
  });
}
