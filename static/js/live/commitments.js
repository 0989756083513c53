/* "What will you test before we meet next?" (templates/cycles/_commitments.html).
   Until the session ends its page holds the answer form, hidden (with the
   member's CSRF token and the change ideas); `commitments_opened`, or a join
   ack that says the question was asked while this page was away, shows it
   without a reload. Focus stays where it is (someone may be typing in the
   chat): the room's polite status notice says so, with a link to the
   question. A facilitator's "Ask for commitments" appears once the session
   is live. */

import { el } from "./dom.js";

const ASKED = "The facilitator asked: What will you test before we meet next? ";

export function mountCommitments(room) {
  const section = document.querySelector("[data-commitments]");
  const answer = section && section.querySelector("[data-commitments-answer]");
  if (!answer) return;
  const ask = section.querySelector("[data-commitments-ask]");
  let asked = !answer.hidden;

  function show() {
    if (asked || room.closed) return;
    asked = true;
    if (ask) ask.hidden = true;
    answer.hidden = false;
    section.hidden = false;
    const link = el("a", null, "Answer below the chat");
    link.href = "#commitments";
    room.setNotice(ASKED);
    if (room.ui.notice) room.ui.notice.append(link);
  }

  room.on("commitments_opened", (data) => {
    if (data && data.session_id === room.sessionId) show();
  });
  room.onSession((session, state) => {
    if (session && session.commitments_opened_at) show();
    const status = (session || state).status;
    if (ask && !asked && status === "live") section.hidden = false;
  });
}
