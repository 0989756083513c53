/* The room's Socket.IO connection to /live (docs/live-protocol.md): emit with
   an acknowledgement, join (and join again after a lost connection with the
   last message id seen, so only what was missed arrives), and say in words
   how the connection is. */

const ACK_TIMEOUT = 10000;

export function connect(room) {
  const socket = window.io("/live", { transports: ["websocket", "polling"] });
  let joined = false;

  /* Emit with an acknowledgement; `done(ack)` always runs, with a made-up
     error ack when the page is offline or the server does not answer. */
  function send(event, payload, done) {
    payload.session_id = room.sessionId;
    if (!socket.connected) {
      done({ ok: false, error: { code: "offline", message: "You are offline. Wait until the page reconnects, then try again." } });
      return;
    }
    socket.timeout(ACK_TIMEOUT).emit(event, payload, (err, ack) => {
      if (err || !ack) {
        done({ ok: false, error: { code: "timeout", message: "No answer from the server. Try again." } });
      } else {
        done(ack);
      }
    });
  }

  function join() {
    const payload = {};
    const lastId = room.chat.lastId();
    if (lastId) payload.after_id = lastId;
    send("join", payload, (ack) => {
      if (!ack.ok) {
        room.setConnection(ack.error.message);
        return;
      }
      const catchingUp = joined;
      joined = true;
      room.setConnection("Connected.");
      room.joined(ack, catchingUp);
      if (ack.has_more && catchingUp) join(); // more than one page was missed
    });
  }

  socket.on("connect", () => {
    room.setConnection(joined ? "Reconnected. Catching up…" : "Joining…");
    join();
  });
  socket.on("disconnect", (reason) => {
    if (room.closed) return;
    room.setConnection(reason === "io server disconnect"
      ? "The server closed the connection. Reload the page to rejoin."
      : "Connection lost. Reconnecting…");
  });
  socket.on("connect_error", (err) => {
    const message = err && err.data && err.data.message;
    room.setConnection(message ? message + " Reload the page after signing in." : "Cannot reach the server. Retrying…");
  });

  return {
    send,
    on: (event, handler) => socket.on(event, handler),
    get connected() { return socket.connected; },
    close: () => socket.disconnect(),
  };
}
