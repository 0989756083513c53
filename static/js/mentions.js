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
   "@maria.lopez" typed by hand mentions just the same. */

const PAUSE_MS = 200;
// "@" and the start of a handle, just before the caret; not after a letter, digit or one of
// the characters that make it no mention on the server (nic.markup_extensions.MENTION_RE).
const TYPED = /(?:^|[^\p{L}\p{N}_@/.+\\-])@([a-z0-9][a-z0-9_.-]{0,79})$/iu;
const fields = new WeakMap();
let serial = 0;

const status = document.createElement("p");
status.className = "visually-hidden";
status.setAttribute("role", "status");

function announce(text) {
  if (!status.isConnected) document.body.append(status);
  status.textContent = text;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

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
  const list = element("ul", "mentions");
  list.id = `${textarea.id || "field-" + serial}-mentions`;
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "People to mention");
  list.hidden = true;
  textarea.parentElement.classList.add("mentions-anchor");
  textarea.insertAdjacentElement("afterend", list);
  textarea.setAttribute("role", "combobox");
  textarea.setAttribute("aria-autocomplete", "list");
  textarea.setAttribute("aria-expanded", "false");
  textarea.setAttribute("aria-controls", list.id);

  const field = {
    textarea, list, items: [], active: -1, typed: null, dismissed: null,
    timer: 0, asked: 0, cache: new Map(),
  };
  fields.set(textarea, field);

  // Keep the focus in the textarea when an option is pressed (mouse, pen or touch).
  list.addEventListener("pointerdown", (event) => event.preventDefault());
  list.addEventListener("mousedown", (event) => event.preventDefault());
  list.addEventListener("click", (event) => {
    const option = event.target.closest("[role=option]");
    if (option) choose(field, Number(option.dataset.index));
  });
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
  if (field.list.hidden) return;
  field.list.hidden = true;
  field.list.replaceChildren();
  field.textarea.setAttribute("aria-expanded", "false");
  field.textarea.removeAttribute("aria-activedescendant");
  announce("");
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
    const response = await fetch(`${field.textarea.dataset.mentions}?${params}`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    items = (await response.json()).items;
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
  field.list.replaceChildren(
    ...items.map((item, index) => {
      const option = element("li", "mentions__option");
      option.id = `${field.list.id}-${index}`;
      option.dataset.index = String(index);
      option.setAttribute("role", "option");
      option.append(element("span", "mentions__name", item.name), " ",
                    element("span", "mentions__meta", describe(item)));
      return option;
    }),
  );
  field.list.hidden = false;
  // Above the field when there is no room below it (the chat, at the foot of a phone's screen).
  field.list.classList.remove("mentions--above");
  const box = field.textarea.getBoundingClientRect();
  const height = field.list.getBoundingClientRect().height;
  if (window.innerHeight - box.bottom < height && box.top > height) {
    field.list.classList.add("mentions--above");
  }
  field.textarea.setAttribute("aria-expanded", "true");
  highlight(field, 0);
  if (changed) {
    const n = items.length;
    announce(`${n} suggestion${n === 1 ? "" : "s"}. Up and down arrows to choose, Enter to insert.`);
  }
}

function highlight(field, index) {
  const count = field.items.length;
  field.active = ((index % count) + count) % count;
  field.list.querySelectorAll("[role=option]").forEach((option, i) => {
    option.setAttribute("aria-selected", i === field.active ? "true" : "false");
    if (i === field.active) {
      field.textarea.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }
  });
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
