/* nic: suggestions as one types in the header's search box. ES module, no
   dependencies; loaded on every page by templates/base.html, it acts on
   input[data-suggest] (the box in the header, for people signed in).

   Two characters or more open a list of the best titles (threads, practices,
   live sessions: nic.services.search.suggest) from GET data-suggest?q=, each
   with its kind ("Practice · Looking at student work"), then a last option
   "Search for “…”" that opens the full results page. The WAI-ARIA 1.2
   combobox pattern with list autocomplete (static/js/combobox.js):
   - Down and Up move through the options (from the box, Down opens the list);
     Enter on an option opens it; Enter with none highlighted submits the form,
     the normal search; Escape closes the list (and only the list: the box keeps
     what was typed, the phone menu stays open), so does leaving the box or a
     click or tap outside it; a click or tap on an option opens it;
   - a polite live region says "5 suggestions".
   Requests wait for a pause in typing; only the answer to the latest one is
   shown. Without JavaScript the box is a plain search form. */

import {
  announce, collapse, counted, element, expand, fetchItems, highlight, listbox, option,
} from "./combobox.js";

const PAUSE_MS = 150;
const SHORTEST = 2; // characters; the server answers nothing for fewer (nic.services.search)

const input = document.querySelector("input[data-suggest]");

if (input) {
  const form = input.form;
  const box = { items: [], active: -1, timer: 0, asked: 0, shown: null, cache: new Map() };
  const list = listbox(input, {
    id: `${input.id}-suggestions`, label: "Suggestions", className: "suggestions",
    onChoose: (index) => open(index),
  });
  form.classList.add("site-search--suggest");
  form.append(list);
  input.setAttribute("autocomplete", "off"); // the browser's own list would cover ours

  const typed = () => input.value.trim();

  const close = () => {
    clearTimeout(box.timer);
    box.asked += 1; // an answer on its way is no longer wanted
    box.items = [];
    box.active = -1;
    box.shown = null;
    if (collapse(input, list)) announce("");
  };

  const searchUrl = (text) => `${form.action}?${new URLSearchParams({ q: text })}`;

  /* Where option `index` leads: a suggestion, or the full search (the last option). */
  const open = (index) => {
    const item = box.items[index];
    const url = item ? item.url : searchUrl(box.shown);
    close();
    window.location.assign(url);
  };

  const show = (text, items) => {
    if (items.length === 0) {
      close();
      announce("No suggestions");
      return;
    }
    box.items = items;
    box.shown = text;
    box.active = -1;
    const nodes = items.map((item, index) => {
      const node = option(list, index, "suggestions__option");
      node.append(
        element("span", "suggestions__title", `${item.kind_label} · ${item.title}`),
        " ",
        element("span", "suggestions__meta", item.group),
      );
      return node;
    });
    const all = option(list, items.length, "suggestions__option suggestions__all");
    all.textContent = `Search for “${text}”`;
    expand(input, list, [...nodes, all]);
    announce(counted(items.length));
  };

  const ask = async (text, mine) => {
    let items;
    try {
      items = await fetchItems(input.dataset.suggest, new URLSearchParams({ q: text }));
    } catch {
      if (mine === box.asked) close(); // the form still searches
      return;
    }
    box.cache.set(text, items);
    if (mine === box.asked && document.activeElement === input && typed() === text) {
      show(text, items);
    }
  };

  const lookUp = () => {
    const text = typed();
    if (text.length < SHORTEST) {
      close();
      return;
    }
    if (text === box.shown && !list.hidden) return;
    clearTimeout(box.timer);
    const mine = ++box.asked;
    if (box.cache.has(text)) {
      show(text, box.cache.get(text));
      return;
    }
    box.timer = setTimeout(() => ask(text, mine), PAUSE_MS);
  };

  input.addEventListener("input", lookUp);
  input.addEventListener("blur", close);
  document.addEventListener("pointerdown", (event) => {
    if (!list.hidden && !form.contains(event.target)) close();
  });

  input.addEventListener("keydown", (event) => {
    if (event.isComposing) return;
    const count = list.querySelectorAll("[role=option]").length;
    let handled = true;
    if (list.hidden) {
      if (event.key === "ArrowDown" && typed().length >= SHORTEST) lookUp();
      else handled = false;
    } else if (event.key === "ArrowDown") {
      box.active = highlight(input, list, box.active + 1);
    } else if (event.key === "ArrowUp") {
      box.active = highlight(input, list, box.active < 0 ? count - 1 : box.active - 1);
    } else if (event.key === "Enter" && box.active >= 0) {
      open(box.active);
    } else if (event.key === "Escape") {
      close();
    } else {
      handled = false; // Enter with nothing highlighted: the form submits, the full search
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation(); // Escape closes the list, not the phone's menu around it
    }
  });
}
