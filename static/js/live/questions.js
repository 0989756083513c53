/* Questions (asked, upvoted, answered) and polls. */

import { refuseIfOver } from "../counters.js";
import { button, el, plural, showError } from "./dom.js";

export function mountQuestions(room) {
  const { $ } = room;
  const ui = {
    questions: $("[data-live-questions]"),
    questionsEmpty: $("[data-live-questions-empty]"),
    ask: room.ui.ask,
    askError: $("[data-live-ask-error]"),
    poll: $("[data-live-poll]"),
    pollEmpty: $("[data-live-poll-empty]"),
    openPoll: $("[data-live-open-poll]"),
    pollError: $("[data-live-poll-error]"),
    error: room.ui.error,
  };
  const questions = new Map();
  const polls = new Map();
  let myQuestionVotes = new Set();
  let myPollVotes = {};

  // The room sees "Anonymous"; a facilitator's copy names the asker, for them only.
  function asker(q) {
    if (!q.anonymous) return "Asked by " + q.author.name;
    return q.author ? "Asked anonymously (by " + q.author.name + ": only facilitators see this)" : "Asked anonymously";
  }

  function keep(q) {
    const old = questions.get(q.id);
    if (q.anonymous && !q.author && old && old.author) q = { ...q, author: old.author };
    questions.set(q.id, q);
  }

  function renderQuestions() {
    if (!ui.questions) return;
    const list = Array.from(questions.values()).sort(
      (a, b) => (a.answered - b.answered) || (b.votes - a.votes) || (a.id - b.id));
    ui.questions.replaceChildren();
    list.forEach((q) => {
      const li = el("li", q.answered ? "is-answered" : "");
      li.id = "question-" + q.id;
      const text = el("div", "questions__text");
      text.innerHTML = q.body_html; // sanitised by the server
      text.append(el("span", "live-person__meta", asker(q) + (q.answered ? " · answered" : "")));
      li.append(text, el("span", "questions__votes", plural(q.votes, "vote", "votes")));
      const voted = myQuestionVotes.has(q.id);
      const up = button(voted ? "Upvoted" : "Upvote", "button button--secondary button--small", () => {
        room.send("upvote", { question_id: q.id }, (ack) => {
          if (!ack.ok) return showError(ui.askError || ui.error, ack.error.message);
          myQuestionVotes.add(q.id);
          keep(ack.question);
          renderQuestions();
        });
      });
      up.setAttribute("aria-pressed", voted ? "true" : "false");
      up.setAttribute("aria-label", (voted ? "You upvoted: " : "Upvote: ") + q.body);
      up.disabled = voted || q.answered;
      li.append(up);
      if (room.isFacilitator) {
        li.append(button(q.answered ? "Reopen" : "Mark answered", "button button--secondary button--small",
          () => room.command("answer", { question_id: q.id, answered: !q.answered })));
      }
      ui.questions.append(li);
    });
    ui.questionsEmpty.textContent = list.length ? "" : "No questions yet.";
  }

  function latestPoll() {
    let latest = null;
    polls.forEach((p) => { if (!latest || p.id > latest.id) latest = p; });
    return latest;
  }

  function renderPoll() {
    if (!ui.poll) return;
    const p = latestPoll();
    ui.poll.replaceChildren();
    ui.pollEmpty.textContent = p ? "" : "No poll yet.";
    if (!p) return;
    const mine = myPollVotes[String(p.id)] || [];
    const voting = p.open && room.state.status === "live";
    const hidden = p.counts === null;
    const form = el("form");
    const box = el("fieldset");
    box.append(el("legend", "poll__question",
      p.question + (p.multiple ? " (choose any)" : "") + (p.open ? "" : " (closed)")));
    const list = el("ul", "poll__options");
    p.options.forEach((option, i) => {
      const li = el("li", "poll__option");
      const row = el("div", "poll__label");
      const name = el(voting ? "label" : "span", voting ? "checkbox-row" : null);
      if (voting) {
        const input = el("input");
        input.type = p.multiple ? "checkbox" : "radio";
        input.name = "poll-" + p.id;
        input.value = String(i);
        input.checked = mine.indexOf(i) !== -1;
        name.append(input);
      }
      name.append(el("span", null, option));
      row.append(name);
      li.append(row);
      if (!hidden) {
        row.append(el("span", "poll__count", p.counts[i] + " of " + p.total));
        const meter = el("meter");
        meter.min = 0;
        meter.max = Math.max(p.total, 1);
        meter.value = p.counts[i];
        meter.setAttribute("aria-label", option + ": " + p.counts[i] + " of " + plural(p.total, "person", "people"));
        li.append(meter);
      }
      list.append(li);
    });
    box.append(list);
    if (hidden) {
      const voted = p.total === 1 ? "1 person has" : p.total + " people have";
      box.append(el("p", "live-empty", voted + " voted. The results show when the poll closes."));
    }
    form.append(box);
    if (voting) {
      const vote = el("button", "button button--primary button--small", mine.length ? "Change vote" : "Vote");
      vote.type = "submit";
      form.append(vote);
    }
    if (room.isFacilitator && p.open) {
      form.append(" ", button("Close poll", "button button--secondary button--small",
        () => room.command("close_poll", { poll_id: p.id }, ui.pollError)));
    }
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const chosen = Array.from(form.querySelectorAll("input:checked"), (input) => Number(input.value));
      if (!chosen.length) return showError(ui.pollError || ui.error, "Choose an option first.");
      room.send("vote", { poll_id: p.id, option: p.multiple ? chosen : chosen[0] }, (ack) => {
        if (!ack.ok) return showError(ui.pollError || ui.error, ack.error.message);
        myPollVotes[String(p.id)] = chosen;
        polls.set(ack.poll.id, ack.poll);
        renderPoll();
      });
    });
    ui.poll.append(form);
  }

  room.onSession((session, state) => {
    if (session) {
      myQuestionVotes = new Set(session.me.question_votes);
      myPollVotes = session.me.poll_votes || {};
      questions.clear();
      session.questions.forEach((q) => questions.set(q.id, q));
      polls.clear();
      session.polls.forEach((p) => polls.set(p.id, p));
      renderQuestions();
    }
    if (state || session) renderPoll(); // voting opens and closes with the status
  });

  room.on("question", (q) => {
    if (q.session_id !== room.sessionId) return;
    keep(q);
    renderQuestions();
  });

  room.on("poll", (p) => {
    if (p.session_id !== room.sessionId) return;
    polls.set(p.id, p);
    const focused = ui.poll.contains(document.activeElement);
    renderPoll();
    const first = ui.poll.querySelector("input, button");
    if (focused && first) first.focus();
  });

  if (ui.ask) {
    ui.ask.addEventListener("submit", (event) => {
      event.preventDefault();
      const box = ui.ask.querySelector("textarea");
      const anonymous = ui.ask.querySelector("[name=anonymous]");
      const body = box.value.trim();
      if (!body) return showError(ui.askError, "Write your question first.");
      if (refuseIfOver(box)) return;
      const payload = { body };
      if (anonymous && anonymous.checked) payload.anonymous = true;
      room.send("ask", payload, (ack) => {
        if (!ack.ok) return showError(ui.askError, ack.error.message);
        showError(ui.askError, "");
        box.value = "";
        keep(ack.question);
        renderQuestions();
      });
    });
  }

  if (ui.openPoll) {
    ui.openPoll.addEventListener("submit", (event) => {
      event.preventDefault();
      const question = ui.openPoll.querySelector("[name=question]");
      const options = ui.openPoll.querySelector("[name=options]");
      const multiple = ui.openPoll.querySelector("[name=multiple]");
      const choices = options.value.split("\n").map((s) => s.trim()).filter(Boolean);
      const payload = { question: question.value.trim(), options: choices, multiple: Boolean(multiple && multiple.checked) };
      room.send("open_poll", payload, (ack) => {
        if (!ack.ok) return showError(ui.pollError, ack.error.message);
        showError(ui.pollError, "");
        question.value = "";
        options.value = "";
        polls.set(ack.poll.id, ack.poll);
        renderPoll();
      });
    });
  }
}
