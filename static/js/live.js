/* nic — the live session room (templates/live/_room.html).

   Talks to the Socket.IO namespace /live (docs/live-protocol.md) with the
   vendored client (static/vendor/socket.io.min.js). Everything it needs is
   in data-* attributes of [data-live-room]: no inline script (strict CSP).

   Every client event is acknowledged {ok: true, ...} or {ok: false, error};
   errors are shown next to what caused them and never clear the user's text.
   After a lost connection the client joins again with the last message id it
   saw (after_id) and adds only messages it does not have. */
(function () {
  "use strict";

  var root = document.querySelector("[data-live-room]");
  if (!root) return;

  var ACK_TIMEOUT = 10000;
  // What a message that did not reach the server says: it is kept either way.
  var SEND_RETRY = {
    offline: "You are offline. Your message is kept and will be sent when the page reconnects.",
    timeout: "No answer from the server yet. Press Send to try again: your message will not be posted twice."
  };
  var EMOJI = ["👍", "❤️", "🎉", "😂", "🤔", "👏", "💡", "✅"];
  var sessionId = Number(root.dataset.sessionId);
  var me = Number(root.dataset.userId);
  var isFacilitator = root.dataset.facilitator === "true";
  var canTakePart = root.dataset.canTakePart === "true";
  var timeFormat = makeTimeFormat(root.dataset.timeZone);

  function $(selector, scope) {
    return (scope || root).querySelector(selector);
  }
  function page(selector) {
    return document.querySelector(selector);
  }

  var ui = {
    notice: $("[data-live-notice]"),
    pinned: $("[data-live-pinned]"),
    pinnedBody: $("[data-live-pinned-body]"),
    unpin: $("[data-live-unpin]"),
    agenda: $("[data-live-agenda]"),
    chat: $("[data-live-chat]"),
    side: $("[data-live-side]"),
    locked: $("[data-live-locked]"),
    connection: $("[data-live-connection]"),
    log: $("[data-live-messages]"),
    earlier: $("[data-live-earlier]"),
    composer: $("[data-live-composer]"),
    replying: $("[data-live-replying]"),
    replyingText: $("[data-live-replying-text]"),
    cancelReply: $("[data-live-cancel-reply]"),
    error: $("[data-live-error]"),
    toolsError: $("[data-live-tools-error]"),
    lock: $("[data-live-lock]"),
    callNext: $("[data-live-call-next]"),
    participants: $("[data-live-participants]"),
    hereCount: $("[data-live-here-count]"),
    hands: $("[data-live-hands]"),
    handsEmpty: $("[data-live-hands-empty]"),
    hand: $("[data-live-hand]"),
    questions: $("[data-live-questions]"),
    questionsEmpty: $("[data-live-questions-empty]"),
    ask: $("[data-live-ask]"),
    askError: $("[data-live-ask-error]"),
    poll: $("[data-live-poll]"),
    pollEmpty: $("[data-live-poll-empty]"),
    openPoll: $("[data-live-open-poll]"),
    pollError: $("[data-live-poll-error]"),
    badge: page("[data-live-badge]"),
    startForm: page('[data-live-command="start"]'),
    endForm: page('[data-live-command="end"]')
  };
  var textarea = ui.composer ? ui.composer.querySelector("textarea") : null;

  var state = { status: root.dataset.status, locked: false, pinned: { message_id: null, text: null } };
  var lastId = 0;
  var joined = false;
  var messages = new Map(); // id -> message
  var participants = new Map(); // user id -> participant
  var hands = { queue: [], called_on: null };
  var questions = new Map();
  var polls = new Map();
  var myQuestionVotes = new Set();
  var myPollVotes = {};
  var replyTo = null;
  var pending = null; // {body, id}: a send not yet acknowledged keeps its client_msg_id

  // ---- small helpers -------------------------------------------------------

  function makeTimeFormat(zone) {
    try {
      return new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", timeZone: zone });
    } catch (e) {
      return new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit" });
    }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function button(label, className, onClick) {
    var b = el("button", className || "button button--link button--small", label);
    b.type = "button";
    if (onClick) b.addEventListener("click", onClick);
    return b;
  }

  function personMeta(person) {
    return person.job_role_label + (person.school ? " · " + person.school.name : "");
  }

  function timeEl(iso) {
    var t = el("time");
    t.dateTime = iso;
    t.textContent = timeFormat.format(new Date(iso));
    return t;
  }

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  function showError(region, message) {
    if (!region) return;
    region.textContent = "";
    // A fresh text node makes screen readers announce a repeated message too.
    window.setTimeout(function () { region.textContent = message || ""; }, 50);
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  // ---- the connection ------------------------------------------------------

  if (typeof window.io !== "function") {
    setConnection("The live connection could not load. Reload the page to try again.");
    return;
  }
  if (!canTakePart) {
    setConnection("Join the group to take part in its live sessions.");
    return;
  }

  var socket = window.io("/live", { transports: ["websocket", "polling"] });

  function setConnection(text) {
    if (ui.connection) ui.connection.textContent = text;
  }

  /* Emit with an acknowledgement; `done(ack)` always runs, with a made-up
     error ack when the server does not answer in time. */
  function send(event, payload, done) {
    payload.session_id = sessionId;
    if (!socket.connected) {
      done({ ok: false, error: { code: "offline", message: "You are offline. Wait until the page reconnects, then try again." } });
      return;
    }
    socket.timeout(ACK_TIMEOUT).emit(event, payload, function (err, ack) {
      if (err || !ack) {
        done({ ok: false, error: { code: "timeout", message: "No answer from the server. Try again." } });
      } else {
        done(ack);
      }
    });
  }

  function join() {
    var payload = {};
    if (lastId) payload.after_id = lastId;
    send("join", payload, function (ack) {
      if (!ack.ok) {
        setConnection(ack.error.message);
        return;
      }
      var catchingUp = joined;
      joined = true;
      setConnection("Connected.");
      applySession(ack.session);
      (ack.deleted_ids || []).forEach(removeMessage);
      ack.messages.forEach(function (m) { addMessage(m, catchingUp); });
      if (!catchingUp) {
        if (ui.earlier) ui.earlier.hidden = !ack.has_more;
        scrollToEnd(true);
      }
      if (ack.has_more && catchingUp) join(); // more than one page was missed
      renderPinned();
      if (pending && pending.retry && textarea && textarea.value.trim() === pending.body) {
        pending.retry = false;
        ui.composer.requestSubmit();
      }
    });
  }

  socket.on("connect", function () {
    setConnection(joined ? "Reconnected. Catching up…" : "Joining…");
    join();
  });
  socket.on("disconnect", function (reason) {
    setConnection(reason === "io server disconnect"
      ? "The server closed the connection. Reload the page to rejoin."
      : "Connection lost. Reconnecting…");
  });
  socket.on("connect_error", function (err) {
    var message = err && err.data && err.data.message;
    setConnection(message ? message + " Reload the page after signing in." : "Cannot reach the server. Retrying…");
  });

  // ---- session state -------------------------------------------------------

  function applySession(s) {
    applyState(s);
    myQuestionVotes = new Set(s.me.question_votes);
    myPollVotes = s.me.poll_votes || {};
    participants.clear();
    s.participants.forEach(function (p) { participants.set(p.id, p); });
    renderParticipants();
    hands = s.hands;
    renderHands();
    questions.clear();
    s.questions.forEach(function (q) { questions.set(q.id, q); });
    renderQuestions();
    polls.clear();
    s.polls.forEach(function (p) { polls.set(p.id, p); });
    renderPoll();
  }

  function applyState(s) {
    var before = state.status;
    state = { status: s.status, locked: s.locked, pinned: s.pinned || { message_id: null, text: null } };
    root.dataset.status = s.status;
    var live = s.status === "live";
    if (ui.chat) ui.chat.hidden = s.status === "scheduled";
    if (ui.side) ui.side.hidden = s.status === "scheduled";
    if (ui.locked) ui.locked.hidden = !s.locked;
    if (ui.lock) {
      ui.lock.setAttribute("aria-pressed", s.locked ? "true" : "false");
      ui.lock.textContent = s.locked ? "Unlock chat" : "Lock chat";
    }
    if (ui.startForm) ui.startForm.hidden = s.status !== "scheduled";
    if (ui.endForm) ui.endForm.hidden = !live;
    if (ui.composer) {
      ui.composer.querySelectorAll("textarea, button").forEach(function (b) { b.disabled = !live; });
    }
    if (before !== s.status) announceStatus(s.status);
    renderPinned();
  }

  function announceStatus(status) {
    if (ui.badge) {
      var text = { live: "Live now", ended: "Ended", scheduled: "Scheduled" }[status];
      var kind = { live: "live", ended: "neutral", scheduled: "new" }[status];
      ui.badge.replaceChildren(el("span", "badge badge--" + kind, text));
    }
    if (!ui.notice) return;
    if (status === "live") {
      ui.notice.textContent = "The session is live: the chat is open.";
    } else if (status === "ended") {
      ui.notice.textContent = "The session has ended. ";
      var link = el("a", null, "Open the session record");
      link.href = window.location.pathname;
      ui.notice.append(link);
    }
  }

  function renderPinned() {
    if (!ui.pinned) return;
    var p = state.pinned;
    ui.pinned.hidden = !(p.text || p.message_id);
    ui.pinnedBody.replaceChildren();
    messages.forEach(function (m) {
      var li = document.getElementById("message-" + m.id);
      if (li) li.classList.toggle("chat__message--pinned", m.id === p.message_id);
    });
    if (p.text) {
      ui.pinnedBody.textContent = p.text;
    } else if (p.message_id) {
      var m = messages.get(p.message_id);
      if (m) {
        var link = el("a", null, m.author.name + ": ");
        link.href = "#message-" + m.id;
        ui.pinnedBody.append(link, document.createTextNode(m.body));
      } else {
        ui.pinnedBody.textContent = "A message from the chat.";
      }
    }
  }

  socket.on("state", function (s) {
    if (s.session_id === sessionId) applyState(s);
  });

  socket.on("member_removed", function () {
    setConnection("You are no longer a member of this group.");
    if (ui.notice) ui.notice.textContent = "You were removed from this group, so you left the session.";
    socket.disconnect();
  });

  // ---- messages ------------------------------------------------------------

  function nearBottom() {
    return ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight < 80;
  }

  function scrollToEnd(force) {
    if (force || nearBottom()) ui.log.scrollTop = ui.log.scrollHeight;
  }

  function addMessage(m, follow) {
    if (m.session_id !== sessionId || messages.has(m.id)) return;
    var stick = nearBottom();
    messages.set(m.id, m);
    lastId = Math.max(lastId, m.id);
    var li = renderMessage(m);
    // Ids increase, so a late arrival goes before the first newer message.
    var next = null;
    ui.log.querySelectorAll("li[data-id]").forEach(function (node) {
      if (!next && Number(node.dataset.id) > m.id) next = node;
    });
    ui.log.insertBefore(li, next);
    if (follow !== false && (stick || m.author.id === me)) scrollToEnd(true);
  }

  function renderMessage(m) {
    var li = el("li", "chat__message" + (m.author.id === me ? " chat__message--own" : ""));
    li.id = "message-" + m.id;
    li.dataset.id = m.id;
    var meta = el("p", "chat__message-meta");
    meta.append(el("strong", "chat__author", m.author.name), " ",
      el("span", "live-person__meta", personMeta(m.author)), " · ", timeEl(m.created_at));
    li.append(meta);
    if (m.reply_to) {
      var quote = el("blockquote", "chat__quote");
      if (m.reply_to.deleted) {
        quote.textContent = "In reply to a deleted message";
      } else {
        var link = el("a", null, m.reply_to.author.name);
        link.href = "#message-" + m.reply_to.id;
        quote.append(link, ": " + m.reply_to.body);
      }
      li.append(quote);
    }
    var body = el("div", "chat__message-body");
    body.innerHTML = m.body_html; // sanitised by the server (nic.markup)
    li.append(body);
    if (m.practices && m.practices.length) li.append(renderPreviews(m.practices));
    li.append(el("p", "chat__reactions"));
    renderReactions(li, m);
    li.append(messageActions(m));
    if (m.id === state.pinned.message_id) li.classList.add("chat__message--pinned");
    return li;
  }

  // The practices a message links to, as the server's preview cards show them
  // (templates/practices/_previews.html); all text, never markup.
  function renderPreviews(practices) {
    var list = el("ul", "practice-previews");
    list.setAttribute("aria-label", "Linked practices");
    practices.forEach(function (p) {
      var item = el("li", "practice-preview");
      var title = el("a", "practice-preview__title", p.title);
      title.href = p.url;
      item.append(title);
      if (p.summary) item.append(el("p", "practice-preview__summary", p.summary));
      item.append(el("p", "item__meta", p.tried));
      list.append(item);
    });
    return list;
  }

  function renderReactions(li, m) {
    var row = li.querySelector(".chat__reactions");
    row.replaceChildren();
    Object.keys(m.reactions).forEach(function (emoji) {
      var who = m.reactions[emoji];
      if (!who.length) return;
      var mine = who.indexOf(me) !== -1;
      var b = button(emoji + " " + who.length, "chat__reaction", function () { react(m, emoji); });
      b.setAttribute("aria-pressed", mine ? "true" : "false");
      b.setAttribute("aria-label", emoji + " " + plural(who.length, "reaction", "reactions") +
        (mine ? ", including yours. Remove yours" : ". Add yours"));
      row.append(b);
    });
    row.hidden = !row.childElementCount;
  }

  function messageActions(m) {
    var row = el("p", "chat__actions");
    var author = m.author.name;
    var reply = button("Reply", null, function () { startReply(m); });
    reply.setAttribute("aria-label", "Reply to " + author);
    var more = button("React", null);
    more.setAttribute("aria-expanded", "false");
    more.setAttribute("aria-label", "React to " + author + "'s message");
    var picker = el("span", "chat__reactions");
    picker.hidden = true;
    EMOJI.forEach(function (emoji) {
      var b = button(emoji, "chat__reaction", function () {
        react(m, emoji);
        picker.hidden = true;
        more.setAttribute("aria-expanded", "false");
        more.focus();
      });
      b.setAttribute("aria-label", "React with " + emoji);
      picker.append(b);
    });
    more.addEventListener("click", function () {
      picker.hidden = !picker.hidden;
      more.setAttribute("aria-expanded", picker.hidden ? "false" : "true");
      if (!picker.hidden) picker.firstChild.focus();
    });
    row.append(reply, more);
    if (isFacilitator) {
      var pin = button("Pin", null, function () {
        command("pin", { message_id: m.id }, ui.error);
      });
      pin.setAttribute("aria-label", "Pin " + author + "'s message as now discussing");
      var del = button("Delete", null, function () {
        if (window.confirm("Delete this message for everyone?")) {
          command("delete", { message_id: m.id }, ui.error);
        }
      });
      del.setAttribute("aria-label", "Delete " + author + "'s message");
      row.append(pin, del);
      if (m.author.id !== me) {
        var mute = button("Mute", null, function () { toggleMute(m.author.id, ui.error); });
        mute.dataset.muteUser = m.author.id;
        row.append(mute);
        labelMute(mute, m.author);
      }
    }
    row.append(picker);
    return row;
  }

  function removeMessage(id) {
    messages.delete(id);
    var li = document.getElementById("message-" + id);
    if (li) li.remove();
    if (replyTo && replyTo.id === id) cancelReply();
    renderPinned();
  }

  socket.on("message", function (m) { addMessage(m); });
  socket.on("message_deleted", function (e) {
    if (e.session_id === sessionId) removeMessage(e.message_id);
  });
  socket.on("reaction", function (r) {
    var m = messages.get(r.message_id);
    if (r.session_id !== sessionId || !m) return;
    var who = (m.reactions[r.emoji] || []).filter(function (id) { return id !== r.user_id; });
    if (r.active) who.push(r.user_id);
    m.reactions[r.emoji] = who;
    var li = document.getElementById("message-" + m.id);
    if (li) renderReactions(li, m);
  });

  function react(m, emoji) {
    send("react", { message_id: m.id, emoji: emoji }, function (ack) {
      if (!ack.ok) showError(ui.error || ui.toolsError, ack.error.message);
    });
  }

  // ---- composer ------------------------------------------------------------

  function startReply(m) {
    if (!ui.composer) return;
    replyTo = m;
    ui.replyingText.textContent = "Replying to " + m.author.name + ": " +
      (m.body.length > 80 ? m.body.slice(0, 79) + "…" : m.body);
    ui.replying.hidden = false;
    textarea.focus();
  }

  function cancelReply() {
    replyTo = null;
    if (ui.replying) ui.replying.hidden = true;
  }

  if (ui.composer) {
    ui.cancelReply.addEventListener("click", function () { cancelReply(); textarea.focus(); });
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        ui.composer.requestSubmit();
      }
    });
    ui.composer.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = textarea.value.trim();
      if (!body) {
        showError(ui.error, "Write a message first.");
        return;
      }
      // Resending the same text after a timeout reuses its id: stored once.
      if (!pending || pending.body !== body) pending = { body: body, id: newId() };
      var payload = { body: body, client_msg_id: pending.id };
      if (replyTo) payload.reply_to_id = replyTo.id;
      var submit = ui.composer.querySelector("button[type=submit]");
      submit.disabled = true;
      send("send", payload, function (ack) {
        submit.disabled = state.status !== "live";
        if (!ack.ok) {
          // Lost on the way: sent again, same id, once the page has rejoined.
          pending.retry = SEND_RETRY.hasOwnProperty(ack.error.code);
          textarea.setAttribute("aria-invalid", "true");
          showError(ui.error, SEND_RETRY[ack.error.code] || ack.error.message);
          return; // the text stays in the box
        }
        pending = null;
        textarea.removeAttribute("aria-invalid");
        showError(ui.error, "");
        if (textarea.value.trim() === body) textarea.value = "";
        cancelReply();
        addMessage(ack.message);
        textarea.focus();
      });
    });
  }

  // ---- people and hands ----------------------------------------------------

  function labelMute(b, person) {
    var p = participants.get(person.id);
    var muted = Boolean(p && p.muted);
    b.textContent = muted ? "Unmute" : "Mute";
    b.setAttribute("aria-pressed", muted ? "true" : "false");
    b.setAttribute("aria-label", (muted ? "Unmute " : "Mute ") + person.name);
  }

  function toggleMute(userId, region) {
    var p = participants.get(userId);
    command("mute", { user_id: userId, muted: !(p && p.muted) }, region);
  }

  function renderParticipants() {
    if (!ui.participants) return;
    var people = Array.from(participants.values()).sort(function (a, b) {
      return (b.online - a.online) || a.name.localeCompare(b.name);
    });
    ui.participants.replaceChildren();
    var here = 0;
    people.forEach(function (p) {
      if (p.online) here += 1;
      var li = el("li");
      var who = el("span");
      if (p.online) {
        var dot = el("span", "presence-dot");
        dot.setAttribute("aria-hidden", "true");
        who.append(dot);
      }
      who.append(el("strong", "chat__author", p.name), el("span", "live-person__meta",
        personMeta(p) + (p.online ? "" : " · left") + (p.muted ? " · muted" : "")));
      li.append(who);
      if (isFacilitator && p.id !== me) {
        var mute = button("Mute", "button button--secondary button--small", function () { toggleMute(p.id); });
        labelMute(mute, p);
        li.append(mute);
      }
      ui.participants.append(li);
    });
    if (ui.hereCount) ui.hereCount.textContent = "(" + here + ")";
    document.querySelectorAll("[data-mute-user]").forEach(function (b) {
      var p = participants.get(Number(b.dataset.muteUser));
      if (p) labelMute(b, p);
    });
  }

  socket.on("presence", function (e) {
    if (e.session_id !== sessionId) return;
    if (e.action === "left") {
      var gone = participants.get(e.user_id);
      if (gone) gone.online = false;
    } else {
      var old = participants.get(e.participant.id) || {};
      var online = e.participant.online === undefined ? old.online : e.participant.online;
      participants.set(e.participant.id, Object.assign({}, old, e.participant, { online: online }));
      if (e.participant.id === me && e.action === "updated" && ui.error) {
        showError(ui.error, e.participant.muted ? "A facilitator has muted you in this session." : "");
      }
    }
    renderParticipants();
  });

  function renderHands() {
    if (!ui.hands) return;
    ui.hands.replaceChildren();
    var mine = false;
    hands.queue.forEach(function (h) {
      if (h.user.id === me) mine = true;
      var li = el("li");
      li.append(el("span", null, h.user.name));
      if (isFacilitator) {
        var call = button("Call on", "button button--secondary button--small", function () {
          command("call_on", { user_id: h.user.id });
        });
        call.setAttribute("aria-label", "Call on " + h.user.name);
        li.append(call);
      }
      ui.hands.append(li);
    });
    var note = hands.queue.length ? "" : "No hands raised.";
    if (hands.called_on) note = (note ? note + " " : "") + "Called on: " + hands.called_on.user.name + ".";
    ui.handsEmpty.textContent = note;
    if (ui.hand) {
      ui.hand.textContent = mine ? "Lower hand" : "Raise hand";
      ui.hand.setAttribute("aria-pressed", mine ? "true" : "false");
    }
    if (ui.callNext) ui.callNext.disabled = !hands.queue.length;
  }

  socket.on("hands", function (h) {
    if (h.session_id !== sessionId) return;
    hands = h;
    renderHands();
  });

  if (ui.hand) {
    ui.hand.addEventListener("click", function () {
      var raising = ui.hand.getAttribute("aria-pressed") !== "true";
      send(raising ? "raise_hand" : "lower_hand", {}, function (ack) {
        if (!ack.ok) return showError(ui.error, ack.error.message);
        hands = ack.hands;
        renderHands();
      });
    });
  }

  // ---- questions -----------------------------------------------------------

  function renderQuestions() {
    if (!ui.questions) return;
    var list = Array.from(questions.values()).sort(function (a, b) {
      return (a.answered - b.answered) || (b.votes - a.votes) || (a.id - b.id);
    });
    ui.questions.replaceChildren();
    list.forEach(function (q) {
      var li = el("li", q.answered ? "is-answered" : "");
      li.id = "question-" + q.id;
      var text = el("div", "questions__text");
      text.innerHTML = q.body_html; // sanitised by the server
      text.append(el("span", "live-person__meta", "Asked by " + q.author.name + (q.answered ? " · answered" : "")));
      li.append(text, el("span", "questions__votes", plural(q.votes, "vote", "votes")));
      var voted = myQuestionVotes.has(q.id);
      var up = button(voted ? "Upvoted" : "Upvote", "button button--secondary button--small", function () {
        send("upvote", { question_id: q.id }, function (ack) {
          if (!ack.ok) return showError(ui.askError || ui.error, ack.error.message);
          myQuestionVotes.add(q.id);
          questions.set(ack.question.id, ack.question);
          renderQuestions();
        });
      });
      up.setAttribute("aria-pressed", voted ? "true" : "false");
      up.setAttribute("aria-label", (voted ? "You upvoted: " : "Upvote: ") + q.body);
      up.disabled = voted || q.answered;
      li.append(up);
      if (isFacilitator) {
        var answered = button(q.answered ? "Reopen" : "Mark answered", "button button--secondary button--small", function () {
          command("answer", { question_id: q.id, answered: !q.answered });
        });
        li.append(answered);
      }
      ui.questions.append(li);
    });
    ui.questionsEmpty.textContent = list.length ? "" : "No questions yet.";
  }

  socket.on("question", function (q) {
    if (q.session_id !== sessionId) return;
    questions.set(q.id, q);
    renderQuestions();
  });

  if (ui.ask) {
    ui.ask.addEventListener("submit", function (event) {
      event.preventDefault();
      var box = ui.ask.querySelector("textarea");
      var body = box.value.trim();
      if (!body) return showError(ui.askError, "Write your question first.");
      send("ask", { body: body }, function (ack) {
        if (!ack.ok) return showError(ui.askError, ack.error.message);
        showError(ui.askError, "");
        box.value = "";
        questions.set(ack.question.id, ack.question);
        renderQuestions();
      });
    });
  }

  // ---- polls ---------------------------------------------------------------

  function latestPoll() {
    var latest = null;
    polls.forEach(function (p) { if (!latest || p.id > latest.id) latest = p; });
    return latest;
  }

  function renderPoll() {
    if (!ui.poll) return;
    var p = latestPoll();
    ui.poll.replaceChildren();
    ui.pollEmpty.textContent = p ? "" : "No poll yet.";
    if (!p) return;
    var mine = myPollVotes[String(p.id)];
    var voting = p.open && state.status === "live";
    var form = el("form");
    var box = el("fieldset");
    box.append(el("legend", "poll__question", p.question + (p.open ? "" : " (closed)")));
    var list = el("ul", "poll__options");
    p.options.forEach(function (option, i) {
      var li = el("li", "poll__option");
      var row = el("div", "poll__label");
      var name = el(voting ? "label" : "span", voting ? "checkbox-row" : null);
      if (voting) {
        var radio = el("input");
        radio.type = "radio";
        radio.name = "poll-" + p.id;
        radio.value = String(i);
        radio.checked = mine === i;
        name.append(radio);
      }
      name.append(el("span", null, option));
      row.append(name, el("span", "poll__count", p.counts[i] + " of " + p.total));
      var meter = el("meter");
      meter.min = 0;
      meter.max = Math.max(p.total, 1);
      meter.value = p.counts[i];
      meter.setAttribute("aria-label", option + ": " + p.counts[i] + " of " + plural(p.total, "vote", "votes"));
      li.append(row, meter);
      list.append(li);
    });
    box.append(list);
    form.append(box);
    if (voting) {
      var vote = el("button", "button button--primary button--small", mine === undefined ? "Vote" : "Change vote");
      vote.type = "submit";
      form.append(vote);
    }
    if (isFacilitator && p.open) {
      form.append(" ", button("Close poll", "button button--secondary button--small", function () {
        command("close_poll", { poll_id: p.id }, ui.pollError);
      }));
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = form.querySelector("input[type=radio]:checked");
      if (!chosen) return showError(ui.pollError || ui.error, "Choose an option first.");
      send("vote", { poll_id: p.id, option: Number(chosen.value) }, function (ack) {
        if (!ack.ok) return showError(ui.pollError || ui.error, ack.error.message);
        myPollVotes[String(p.id)] = Number(chosen.value);
        polls.set(ack.poll.id, ack.poll);
        renderPoll();
      });
    });
    ui.poll.append(form);
  }

  socket.on("poll", function (p) {
    if (p.session_id !== sessionId) return;
    polls.set(p.id, p);
    var focused = ui.poll.contains(document.activeElement);
    renderPoll();
    if (focused) ui.poll.querySelector("input, button") && ui.poll.querySelector("input, button").focus();
  });

  if (ui.openPoll) {
    ui.openPoll.addEventListener("submit", function (event) {
      event.preventDefault();
      var question = ui.openPoll.querySelector("[name=question]");
      var options = ui.openPoll.querySelector("[name=options]");
      var choices = options.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
      send("open_poll", { question: question.value.trim(), options: choices }, function (ack) {
        if (!ack.ok) return showError(ui.pollError, ack.error.message);
        showError(ui.pollError, "");
        question.value = "";
        options.value = "";
        polls.set(ack.poll.id, ack.poll);
        renderPoll();
      });
    });
  }

  // ---- facilitator tools ---------------------------------------------------

  function command(event, payload, region) {
    send(event, payload, function (ack) {
      if (!ack.ok) showError(region || ui.toolsError || ui.error, ack.error.message);
      else if (ack.state) applyState(ack.state);
    });
  }

  if (isFacilitator) {
    if (ui.lock) {
      ui.lock.addEventListener("click", function () {
        command("lock", { locked: !state.locked });
      });
    }
    if (ui.callNext) {
      ui.callNext.addEventListener("click", function () { command("call_on", {}); });
    }
    if (ui.unpin) {
      ui.unpin.addEventListener("click", function () { command("pin", {}); });
    }
    if (ui.agenda) {
      var items = ui.agenda.querySelectorAll("li");
      if (!items.length) items = ui.agenda.querySelectorAll("p");
      items.forEach(function (item) {
        var text = item.textContent.trim();
        if (!text) return;
        var pin = button("Pin", "button button--link button--small live-pin", function () {
          command("pin", { text: text.slice(0, 500) });
        });
        pin.setAttribute("aria-label", "Pin as now discussing: " + text);
        item.append(pin);
      });
    }
    /* Start and End are plain forms (they work without JavaScript); when the
       socket is up they go through it, so the page never reloads. app.js has
       already asked for confirmation (data-confirm) and may have cancelled. */
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (event.defaultPrevented || !form.matches || !form.matches("[data-live-command]")) return;
      if (!socket.connected) return; // fall back to the plain form post
      event.preventDefault();
      command(form.dataset.liveCommand, {}, ui.toolsError || ui.error);
    });
  }
})();
