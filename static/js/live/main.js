/* nic — the live session room (templates/live/_room.html), as ES modules:
   room.js       the state machine the server drives (scheduled, live, ended)
   connection.js the Socket.IO connection, acks, join and catching up
   chat.js       messages and the composer
   people.js     who is here, mutes, raised hands
   questions.js  questions and polls
   facilitation.js  the facilitator's tools
   commitments.js   "What will you test before we meet next?" appearing live
   tabs.js       the phone layout's tabs
   Everything it needs is in data-* attributes of [data-live-room]: no
   inline script (strict CSP). Every event is acknowledged {ok: true, ...} or
   {ok: false, error}; errors are shown next to what caused them and never
   clear the user's text. */

import { connect } from "./connection.js";
import { mountChat } from "./chat.js";
import { mountCommitments } from "./commitments.js";
import { mountFacilitation } from "./facilitation.js";
import { mountPeople } from "./people.js";
import { mountQuestions } from "./questions.js";
import { createRoom } from "./room.js";
import { mountTabs } from "./tabs.js";

const root = document.querySelector("[data-live-room]");
if (root) start(root);

function start(root) {
  const room = createRoom(root);
  mountTabs(root);
  if (typeof window.io !== "function") {
    room.setConnection("The live connection could not load. Reload the page to try again.");
    return;
  }
  if (!room.canTakePart) {
    room.setConnection("Join the group to take part in its live sessions.");
    return;
  }
  room.connection = connect(room);
  room.send = room.connection.send;
  room.on = room.connection.on;
  room.people = mountPeople(room);
  room.chat = mountChat(room);
  mountQuestions(room);
  mountFacilitation(room);
  mountCommitments(room);
  room.on("state", (s) => {
    if (s.session_id === room.sessionId) room.applyState(s);
  });
  room.on("member_removed", () => {
    room.closed = true;
    room.setConnection("You are no longer a member of this group.");
    room.setNotice("You were removed from this group, so you left the session.");
    room.connection.close();
  });
  room.updateControls();
}
