/* nic: @mention suggestions while writing. ES module, no dependencies; loaded
   on every page by templates/base.html, it acts on textarea[data-mentions]
   (posts, replies, edits, practice write-ups, try reports, the live chat).

   Typing "@" and the start of a name opens a list of people (and the groups
   the writer facilitates) under the field, from GET data-mentions?q=&group_id=
   (nic.services.mentions.mention_candidates; data-mentions-group names the
   group being written in, whose members come first). It follows the WAI-ARIA
   1.2 combobox pattern with list autocomplete:
   - the textarea gets role="combobox", aria-autocomplete="list",
     aria-expanded and aria-controls; the focus stays in it, and
     aria-activedescendant names the highlighted option;
   - Up and Down move through the options, Enter or Tab inserts the
     highlighted one ("@maria.lopez "), Escape closes the list (it stays
     closed until the name typed changes); a click or tap inserts too;
   - a polite live region says how many suggestions there are.
   Requests wait for a pause in typing, and a late answer never replaces a
   newer one. Without JavaScript the textarea is a plain textarea, and
   "@maria.lopez" typed by hand mentions just the same. What this shares with the
   search box's suggestions is in static/js/combobox.js. */

import {
  announce, collapse, counted, element, expand, fetchItems, highlight as highlightOption,
  listbox, option,
} from "./combobox.js";

const PAUSE_MS = 200;
// "@" and the start of a handle, just before the caret; not after a letter, digit or one of
// the characters that make it no mention on the server (nic.markup_extensions.MENTION_RE).
const TYPED = /(?:^|[^\p{L}\p{N}_@/.+\\-])@([a-z0-9][a-z0-9_.-]{0,79})$/iu;
const fields = new WeakMap();
let serial = 0;

function describe(item) {
  if (item.kind === "group") return `@${item.handle} · the whole group`;
  return [`@${item.handle}`, item.job_role_label, item.school].filter(Boolean).join(" · ");
}

/* The "@name" being typed at the caret: { start, query }, or null. */
function typedAt(textarea) {
  if (textarea.selectionStart !== textarea.selectionEnd) return null;
  const before = textarea.value.slice(0, textarea.selectionStart);
  const found = TYPED.exec(before);
  if (!found) return null;
  return { start: before.length - found[1].length - 1, query: found[1].toLowerCase() };
}

function enhance(textarea) {
  if (fields.has(textarea)) return fields.get(textarea);
  serial += 1;
  const field = {
    textarea, list: null, items: [], active: -1, typed: null, dismissed: null,
    timer: 0, asked: 0, cache: new Map(),
  };
  field.list = listbox(textarea, {
    id: `${textarea.id || "field-" + serial}-mentions`, label: "People to mention",
    className: "mentions", onChoose: (index) => choose(field, index),
  });
  textarea.parentElement.classList.add("mentions-anchor");
  textarea.insertAdjacentElement("afterend", field.list);
  fields.set(textarea, field);

  textarea.addEventListener("input", () => lookUp(field));
  textarea.addEventListener("click", () => lookUp(field));
  textarea.addEventListener("keyup", (event) => {
    if (["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) lookUp(field);
  });
  textarea.addEventListener("blur", () => close(field));
  return field;
}

function close(field) {
  clearTimeout(field.timer);
  field.asked += 1; // an answer on its way is no longer wanted
  field.items = [];
  field.active = -1;
  field.typed = null;
  if (collapse(field.textarea, field.list)) announce("");
}

function lookUp(field) {
  const typed = typedAt(field.textarea);
  if (!typed) {
    field.dismissed = null;
    close(field);
    return;
  }
  if (field.dismissed === typed.query) return; // closed with Escape: wait for a change
  field.dismissed = null;
  clearTimeout(field.timer);
  const mine = ++field.asked;
  const cached = field.cache.get(typed.query);
  if (cached) {
    show(field, typed, cached);
    return;
  }
  field.timer = setTimeout(() => ask(field, typed, mine), PAUSE_MS);
}

async function ask(field, typed, mine) {
  const params = new URLSearchParams({ q: typed.query });
  const group = field.textarea.dataset.mentionsGroup;
  if (group) params.set("group_id", group);
  let items;
  try {
    items = await fetchItems(field.textarea.dataset.mentions, params);
  } catch {
    if (mine === field.asked) close(field); // writing goes on as plain text
    return;
  }
  field.cache.set(typed.query, items);
  if (mine === field.asked && document.activeElement === field.textarea) show(field, typed, items);
}

function show(field, typed, items) {
  if (items.length === 0) {
    close(field);
    return;
  }
  const changed = items.length !== field.items.length || field.list.hidden;
  field.items = items;
  field.typed = typed;
  expand(field.textarea, field.list, items.map((item, index) => {
    const node = option(field.list, index, "mentions__option");
    node.append(element("span", "mentions__name", item.name), " ",
                element("span", "mentions__meta", describe(item)));
    return node;
  }));
  // Above the field when there is no room below it (the chat, at the foot of a phone's screen).
  field.list.classList.remove("mentions--above");
  const box = field.textarea.getBoundingClientRect();
  const height = field.list.getBoundingClientRect().height;
  if (window.innerHeight - box.bottom < height && box.top > height) {
    field.list.classList.add("mentions--above");
  }
  highlight(field, 0);
  if (changed) announce(`${counted(items.length)}. Up and down arrows to choose, Enter to insert.`);
}

function highlight(field, index) {
  field.active = highlightOption(field.textarea, field.list, index);
}

function choose(field, index) {
  const item = field.items[index];
  const typed = field.typed;
  if (!item || !typed) return;
  const { textarea } = field;
  const end = textarea.selectionStart;
  const spaced = /\s/.test(textarea.value.charAt(end)); // a space after already: step over it
  textarea.setRangeText(`@${item.handle}${spaced ? "" : " "}`, typed.start, end, "end");
  if (spaced) textarea.selectionStart = textarea.selectionEnd = textarea.selectionEnd + 1;
  close(field);
  announce(`Inserted @${item.handle}.`);
  textarea.dispatchEvent(new Event("input", { bubbles: true })); // counters, drafts
  textarea.focus();
}

/* Capture phase on the document: runs before the field's own handlers (the chat sends on
   Enter), so a key that works the list does only that. */
function onKeydown(event) {
  const field = fields.get(event.target);
  if (!field || field.list.hidden || event.isComposing) return;
  let handled = true;
  if (event.key === "ArrowDown") highlight(field, field.active + 1);
  else if (event.key === "ArrowUp") highlight(field, field.active - 1);
  else if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey && field.active >= 0) {
    choose(field, field.active);
  } else if (event.key === "Escape") {
    field.dismissed = field.typed ? field.typed.query : null;
    close(field);
  } else handled = false;
  if (handled) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}

document.querySelectorAll("textarea[data-mentions]").forEach(enhance);
// Fields added later (none yet; a reply box is moved, not made) get it on first focus.
document.addEventListener("focusin", (event) => {
  const el = event.target;
  if (el instanceof HTMLTextAreaElement && el.dataset.mentions) enhance(el);
});
document.addEventListener("keydown", onKeydown, true);
