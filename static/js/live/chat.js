/* The chat: messages (added in id order, so a late arrival lands in its
   place), replies, reactions, linked-practice cards, "now discussing", and
   the composer. A message that did not reach the server stays in the box
   and is sent again, with the same client_msg_id, once the page rejoins: the
   server stores it once whatever happens. */

import { refuseIfOver } from "../counters.js";
import { button, el, newId, personMeta, plural, showError, timeEl, timeFormatter } from "./dom.js";

const CONTINUED_MS = 5 * 60 * 1000;
const EMOJI = ["👍", "❤️", "🎉", "😂", "🤔", "👏", "💡", "✅"];
// What a message that did not reach the server says: it is kept either way.
const SEND_RETRY = {
  offline: "You are offline. Your message is kept and will be sent when the page reconnects.",
  timeout: "No answer from the server yet. Press Send to try again: your message will not be posted twice.",
};

export function mountChat(room) {
  const { $, me } = room;
  const ui = {
    log: $("[data-live-messages]"),
    earlier: $("[data-live-earlier]"),
    composer: room.ui.composer,
    replying: $("[data-live-replying]"),
    replyingText: $("[data-live-replying-text]"),
    cancelReply: $("[data-live-cancel-reply]"),
    error: room.ui.error,
    pinned: $("[data-live-pinned]"),
    pinnedBody: $("[data-live-pinned-body]"),
  };
  const textarea = ui.composer ? ui.composer.querySelector("textarea") : null;
  const timeFormat = timeFormatter(room.root.dataset.timeZone);
  const messages = new Map(); // id -> message
  let lastId = 0;
  let replyTo = null;
  let pending = null; // {body, id, retry}: a send not yet acknowledged keeps its client_msg_id

  function nearBottom() {
    return ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight < 80;
  }

  function scrollToEnd(force) {
    if (force || nearBottom()) ui.log.scrollTop = ui.log.scrollHeight;
  }

  function addMessage(m, follow) {
    if (m.session_id !== room.sessionId || messages.has(m.id)) return;
    const stick = nearBottom();
    messages.set(m.id, m);
    lastId = Math.max(lastId, m.id);
    const li = renderMessage(m);
    // Ids increase, so a late arrival goes before the first newer message.
    let next = null;
    ui.log.querySelectorAll("li[data-id]").forEach((node) => {
      if (!next && Number(node.dataset.id) > m.id) next = node;
    });
    ui.log.insertBefore(li, next);
    group(li);
    if (li.nextElementSibling) group(li.nextElementSibling);
    if (follow !== false && (stick || m.author.id === me)) scrollToEnd(true);
  }

  /* Consecutive messages from one person within five minutes read as one turn:
     the name, role and time show once (screen readers still hear who wrote). */
  function group(li) {
    const m = messages.get(Number(li.dataset.id));
    const prev = li.previousElementSibling && messages.get(Number(li.previousElementSibling.dataset.id));
    const continued = Boolean(m && prev && !m.reply_to && prev.author.id === m.author.id &&
      new Date(m.created_at) - new Date(prev.created_at) < CONTINUED_MS);
    li.classList.toggle("chat__message--continued", continued);
  }

  function renderMessage(m) {
    const li = el("li", "chat__message" + (m.author.id === me ? " chat__message--own" : ""));
    li.id = "message-" + m.id;
    li.dataset.id = m.id;
    const meta = el("p", "chat__message-meta");
    meta.append(el("strong", "chat__author", m.author.name), " ",
      el("span", "live-person__meta", personMeta(m.author)), " · ", timeEl(timeFormat, m.created_at));
    li.append(meta);
    if (m.reply_to) {
      const quote = el("blockquote", "chat__quote");
      if (m.reply_to.deleted) {
        quote.textContent = "In reply to a deleted message";
      } else {
        const link = el("a", null, m.reply_to.author.name);
        link.href = "#message-" + m.reply_to.id;
        quote.append(link, ": " + m.reply_to.body);
      }
      li.append(quote);
    }
    const body = el("div", "chat__message-body");
    body.innerHTML = m.body_html; // sanitised by the server (nic.markup)
    li.append(body);
    if (m.practices && m.practices.length) li.append(renderPreviews(m.practices));
    li.append(el("p", "chat__reactions"));
    renderReactions(li, m);
    li.append(messageActions(m));
    if (m.id === room.state.pinned.message_id) li.classList.add("chat__message--pinned");
    return li;
  }

  // The practices a message links to, as the server's preview cards show them
  // (templates/practices/_previews.html); all text, never markup.
  function renderPreviews(practices) {
    const list = el("ul", "practice-previews");
    list.setAttribute("aria-label", "Linked practices");
    practices.forEach((p) => {
      const item = el("li", "practice-preview");
      const title = el("a", "practice-preview__title", p.title);
      title.href = p.url;
      item.append(title);
      if (p.summary) item.append(el("p", "practice-preview__summary", p.summary));
      item.append(el("p", "item__meta", p.tried));
      list.append(item);
    });
    return list;
  }

  function renderReactions(li, m) {
    const row = li.querySelector(".chat__reactions");
    row.replaceChildren();
    Object.keys(m.reactions).forEach((emoji) => {
      const who = m.reactions[emoji];
      if (!who.length) return;
      const mine = who.indexOf(me) !== -1;
      const b = button(emoji + " " + who.length, "chat__reaction", () => react(m, emoji));
      b.setAttribute("aria-pressed", mine ? "true" : "false");
      b.setAttribute("aria-label", emoji + " " + plural(who.length, "reaction", "reactions") +
        (mine ? ", including yours. Remove yours" : ". Add yours"));
      row.append(b);
    });
    row.hidden = !row.childElementCount;
  }

  function messageActions(m) {
    const row = el("p", "chat__actions");
    const author = m.author.name;
    const reply = button("Reply", null, () => startReply(m));
    reply.setAttribute("aria-label", "Reply to " + author);
    const more = button("React", null);
    more.setAttribute("aria-expanded", "false");
    more.setAttribute("aria-label", "React to " + author + "'s message");
    const picker = el("span", "chat__reactions");
    picker.hidden = true;
    EMOJI.forEach((emoji) => {
      const b = button(emoji, "chat__reaction", () => {
        react(m, emoji);
        picker.hidden = true;
        more.setAttribute("aria-expanded", "false");
        more.focus();
      });
      b.setAttribute("aria-label", "React with " + emoji);
      picker.append(b);
    });
    more.addEventListener("click", () => {
      picker.hidden = !picker.hidden;
      more.setAttribute("aria-expanded", picker.hidden ? "false" : "true");
      if (!picker.hidden) picker.firstChild.focus();
    });
    row.append(reply, more);
    if (room.isFacilitator) {
      const pin = button("Pin", null, () => room.command("pin", { message_id: m.id }, ui.error));
      pin.setAttribute("aria-label", "Pin " + author + "'s message as now discussing");
      const del = button("Delete", null, () => {
        if (window.confirm("Delete this message for everyone?")) {
          room.command("delete", { message_id: m.id }, ui.error);
        }
      });
      del.setAttribute("aria-label", "Delete " + author + "'s message");
      row.append(pin, del);
      if (m.author.id !== me) {
        const mute = button("Mute", null, () => room.people.toggleMute(m.author.id, ui.error));
        mute.dataset.muteUser = m.author.id;
        row.append(mute);
        room.people.labelMute(mute, m.author);
      }
    }
    row.append(picker);
    return row;
  }

  function removeMessage(id) {
    messages.delete(id);
    const li = document.getElementById("message-" + id);
    const after = li && li.nextElementSibling;
    if (li) li.remove();
    if (after) group(after);
    if (replyTo && replyTo.id === id) cancelReply();
    renderPinned();
  }

  function renderPinned() {
    if (!ui.pinned) return;
    const p = room.state.pinned;
    ui.pinned.hidden = !(p.text || p.message_id);
    ui.pinnedBody.replaceChildren();
    messages.forEach((m) => {
      const li = document.getElementById("message-" + m.id);
      if (li) li.classList.toggle("chat__message--pinned", m.id === p.message_id);
    });
    if (p.text) {
      ui.pinnedBody.textContent = p.text;
    } else if (p.message_id) {
      const m = messages.get(p.message_id);
      if (m) {
        const link = el("a", null, m.author.name + ": ");
        link.href = "#message-" + m.id;
        ui.pinnedBody.append(link, document.createTextNode(m.body));
      } else {
        ui.pinnedBody.textContent = "A message from the chat.";
      }
    }
  }

  function react(m, emoji) {
    room.send("react", { message_id: m.id, emoji }, (ack) => {
      if (!ack.ok) showError(ui.error || room.ui.toolsError, ack.error.message);
    });
  }

  room.on("message", (m) => addMessage(m));
  room.on("message_deleted", (e) => {
    if (e.session_id === room.sessionId) removeMessage(e.message_id);
  });
  room.on("reaction", (r) => {
    const m = messages.get(r.message_id);
    if (r.session_id !== room.sessionId || !m) return;
    const who = (m.reactions[r.emoji] || []).filter((id) => id !== r.user_id);
    if (r.active) who.push(r.user_id);
    m.reactions[r.emoji] = who;
    const li = document.getElementById("message-" + m.id);
    if (li) renderReactions(li, m);
  });
  room.onSession(() => renderPinned());

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
    ui.cancelReply.addEventListener("click", () => { cancelReply(); textarea.focus(); });
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        ui.composer.requestSubmit();
      }
    });
    ui.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = textarea.value.trim();
      if (!body) {
        showError(ui.error, "Write a message first.");
        return;
      }
      if (refuseIfOver(textarea)) return; // the counter says by how much; nothing is cut
      // Resending the same text after a timeout reuses its id: stored once.
      if (!pending || pending.body !== body) pending = { body, id: newId() };
      const payload = { body, client_msg_id: pending.id };
      if (replyTo) payload.reply_to_id = replyTo.id;
      const submit = ui.composer.querySelector("button[type=submit]");
      submit.disabled = true;
      room.send("send", payload, (ack) => {
        submit.disabled = Boolean(room.blockedReason());
        if (!ack.ok) {
          // Lost on the way: sent again, same id, once the page has rejoined.
          pending.retry = Object.prototype.hasOwnProperty.call(SEND_RETRY, ack.error.code);
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

  return {
    lastId: () => lastId,
    renderPinned,
    /* The join ack's messages: the latest on a first join, what was missed
       (and what was deleted meanwhile) when catching up. */
    received(ack, catchingUp) {
      (ack.deleted_ids || []).forEach(removeMessage);
      ack.messages.forEach((m) => addMessage(m, catchingUp));
      if (!catchingUp) {
        if (ui.earlier) ui.earlier.hidden = !ack.has_more;
        scrollToEnd(true);
      }
      if (pending && pending.retry && textarea && textarea.value.trim() === pending.body) {
        pending.retry = false;
        ui.composer.requestSubmit();
      }
    },
  };
}
