/* nic: a live character counter for every length limit. ES module, no dependencies.

   Any <input> or <textarea> with data-limit="N" gets one. The forms macro
   (templates/_macros/forms.html) also sets data-counter="ID", the empty
   element beside the field to write in; without it one is made after the field.

   - Near the limit (from 80 %) it shows "4,200 characters left", and over it
     "312 characters over the limit". Characters are counted as the server
     counts them (code points, a line break is one), so the two agree.
   - Screen readers hear it through a polite live region, updated once typing
     pauses (and at once when the text goes over), not on every keystroke.
   - A form with text over a limit is not sent: a message names the field and
     the field is focused. Text is never cut; the server checks again and
     refuses over-limit text with the writer's text kept (it is the source of truth).

   For scripts that send text themselves (the live chat composer):
     import { attachCounter, isOverLimit, refuseIfOver } from "/static/js/counters.js";
     attachCounter(el)   show the counter of a field added later at once (typing in
                         any [data-limit] field sets it up anyway; safe to call twice)
     isOverLimit(el)     true when el's text is over its data-limit
     refuseIfOver(el)    if over: say so, focus el and return true (do not send) */

const SHOW_FROM = 0.8;
const PAUSE_MS = 900;
const counters = new WeakMap();

function plural(n, word) {
  return `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;
}

/* Code points, as Python's len(): an emoji is one character, not two. */
export function lengthOf(text) {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

function limitOf(el) {
  const limit = parseInt(el.dataset.limit, 10);
  return Number.isFinite(limit) && limit > 0 ? limit : null;
}

function state(el) {
  const limit = limitOf(el);
  if (limit === null) return { limit: null, length: 0, over: 0, near: false };
  const value = el.value || "";
  // UTF-16 length >= code points: far below the limit there is nothing to count.
  if (value.length < limit * SHOW_FROM) return { limit, length: value.length, over: 0, near: false };
  const length = lengthOf(value);
  return { limit, length, over: Math.max(0, length - limit), near: length >= limit * SHOW_FROM };
}

export function isOverLimit(el) {
  return state(el).over > 0;
}

function message(s) {
  if (s.over > 0) return `${plural(s.over, "character")} over the limit`;
  return `${plural(s.limit - s.length, "character")} left`;
}

function labelOf(el) {
  const label = el.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
  return (label ? label.textContent : el.getAttribute("aria-label") || "this field").trim();
}

export function attachCounter(el) {
  if (counters.has(el) || limitOf(el) === null) return;
  let shown = document.getElementById(el.dataset.counter || "");
  if (!shown) {
    shown = document.createElement("p");
    shown.className = "field__counter";
    shown.hidden = true;
    if (el.id) shown.id = `${el.id}-counter`;
    el.insertAdjacentElement("afterend", shown);
  }
  const spoken = document.createElement("span");
  spoken.className = "visually-hidden";
  spoken.setAttribute("aria-live", "polite");
  shown.insertAdjacentElement("afterend", spoken);
  const counter = { shown, spoken, timer: 0, wasOver: false, markedInvalid: false, alert: null };
  counters.set(el, counter);

  const speak = () => {
    const s = state(el);
    spoken.textContent = s.near ? message(s) : "";
  };
  const update = () => {
    const s = state(el);
    shown.hidden = !s.near;
    shown.textContent = s.near ? message(s) : "";
    shown.classList.toggle("field__counter--over", s.over > 0);
    const over = s.over > 0;
    if (over && el.getAttribute("aria-invalid") !== "true") {
      el.setAttribute("aria-invalid", "true");
      counter.markedInvalid = true;
    } else if (!over && counter.markedInvalid) {
      el.removeAttribute("aria-invalid");
      counter.markedInvalid = false;
    }
    if (!over && counter.alert) {
      counter.alert.remove();
      counter.alert = null;
    }
    clearTimeout(counter.timer);
    if (over !== counter.wasOver) speak();
    else counter.timer = setTimeout(speak, PAUSE_MS);
    counter.wasOver = over;
  };
  counter.update = update;
  update();
  clearTimeout(counter.timer); // a re-shown form is read as it is, not announced
  spoken.textContent = "";
}

/* Say that `el` is over its limit, in a message at the top of its form, and focus it. */
export function refuseIfOver(el) {
  const s = state(el);
  if (s.over === 0) return false;
  attachCounter(el);
  const counter = counters.get(el);
  if (!counter.alert) {
    counter.alert = document.createElement("div");
    counter.alert.className = "flash flash--error counter-alert";
    counter.alert.setAttribute("role", "alert");
    const where = el.form || el.parentElement;
    where.insertAdjacentElement("afterbegin", counter.alert);
  }
  counter.alert.textContent =
    `Shorten “${labelOf(el)}” before sending: it is ${plural(s.over, "character")} over the limit ` +
    `of ${s.limit.toLocaleString("en-US")}. Nothing was sent.`;
  el.focus();
  return true;
}

function refuseOverLimitForms(event) {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const over = Array.from(form.querySelectorAll("[data-limit]")).filter(isOverLimit);
  if (over.length === 0) return;
  // Capture phase on the document: runs before any handler on the form (which
  // might send it with fetch), so nothing over a limit leaves the page.
  event.preventDefault();
  event.stopImmediatePropagation();
  over.forEach((el, i) => (i === 0 ? refuseIfOver(el) : counters.get(el)?.update()));
}

function countTyping(event) {
  const el = event.target;
  if (!(el instanceof HTMLElement) || !el.hasAttribute("data-limit")) return;
  if (!counters.has(el)) attachCounter(el);
  counters.get(el)?.update();
}

// Delegated, so fields added later (a reply box opened in place) count too.
document.querySelectorAll("[data-limit]").forEach(attachCounter);
document.addEventListener("input", countTyping);
document.addEventListener("submit", refuseOverLimitForms, true);
