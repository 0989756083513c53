/* nic: what the as-you-type suggestion lists share (static/js/mentions.js for
   @mentions, static/js/suggest.js for the header's search box). ES module, no
   dependencies, nothing done on import but creating the live region.

   Both follow the WAI-ARIA 1.2 combobox pattern with a listbox popup and list
   autocomplete: the field keeps the focus, role="combobox", aria-expanded,
   aria-controls and aria-autocomplete="list" on it, aria-activedescendant
   naming the highlighted option; one polite live region (role="status") says
   how many suggestions there are. */

const status = document.createElement("p");
status.className = "visually-hidden";
status.setAttribute("role", "status");

export function announce(text) {
  if (!status.isConnected) document.body.append(status);
  status.textContent = text;
}

/* "1 suggestion", "5 suggestions". */
export function counted(n) {
  return `${n} suggestion${n === 1 ? "" : "s"}`;
}

export function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/* Make `field` a combobox controlling a new, hidden listbox (returned, not yet in the page).
   Pressing an option (mouse, pen or touch) keeps the focus in the field; a click on one
   calls onChoose(index). */
export function listbox(field, { id, label, className, onChoose }) {
  const list = element("ul", className);
  list.id = id;
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", label);
  list.hidden = true;
  field.setAttribute("role", "combobox");
  field.setAttribute("aria-autocomplete", "list");
  field.setAttribute("aria-expanded", "false");
  field.setAttribute("aria-controls", list.id);
  list.addEventListener("pointerdown", (event) => event.preventDefault());
  list.addEventListener("mousedown", (event) => event.preventDefault());
  list.addEventListener("click", (event) => {
    const option = event.target.closest("[role=option]");
    if (option) onChoose(Number(option.dataset.index));
  });
  return list;
}

/* One option of `list`, its id and index set: fill it with children. */
export function option(list, index, className) {
  const node = element("li", className);
  node.id = `${list.id}-${index}`;
  node.dataset.index = String(index);
  node.setAttribute("role", "option");
  node.setAttribute("aria-selected", "false");
  return node;
}

/* Show `options` in the list, none highlighted yet. */
export function expand(field, list, options) {
  list.replaceChildren(...options);
  list.hidden = false;
  field.setAttribute("aria-expanded", "true");
  field.removeAttribute("aria-activedescendant");
}

/* Hide and empty the list (it was open: true). */
export function collapse(field, list) {
  if (list.hidden) return false;
  list.hidden = true;
  list.replaceChildren();
  field.setAttribute("aria-expanded", "false");
  field.removeAttribute("aria-activedescendant");
  return true;
}

/* Highlight option `index` (wrapping round either end); returns the index highlighted. */
export function highlight(field, list, index) {
  const options = list.querySelectorAll("[role=option]");
  const count = options.length;
  const active = ((index % count) + count) % count;
  options.forEach((node, i) => {
    node.setAttribute("aria-selected", i === active ? "true" : "false");
    if (i === active) {
      field.setAttribute("aria-activedescendant", node.id);
      node.scrollIntoView({ block: "nearest" });
    }
  });
  return active;
}

/* GET url?params as JSON, its `items`; throws on a network error or a status not 2xx. */
export async function fetchItems(url, params) {
  const response = await fetch(`${url}?${params}`, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return (await response.json()).items;
}
