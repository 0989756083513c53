/* On a phone the room is tabs: Chat first (with Raise hand beside the
   composer), then Questions, Poll, People, Agenda and the facilitator's
   Tools, so what a member needs is on the first screen. On wider screens, and
   without JavaScript, every panel shows at once. WAI-ARIA tabs pattern:
   arrow keys, Home and End move between tabs. */

import { el } from "./dom.js";

const NARROW = "(max-width: 47.99rem)"; // app.css's one-column layout
const ORDER = ["Chat", "Questions", "Poll", "People", "Agenda", "Tools"];

export function mountTabs(root) {
  const list = root.querySelector("[data-live-tabs]");
  const panels = new Map();
  root.querySelectorAll("[data-live-panel]").forEach((panel) => panels.set(panel.dataset.livePanel, panel));
  if (!list || !panels.has("Chat")) return;
  const names = ORDER.filter((name) => panels.has(name));
  const tabs = new Map();
  const media = window.matchMedia(NARROW);
  let current = "Chat";

  names.forEach((name) => {
    const panel = panels.get(name);
    const tab = el("button", "live-tabs__tab", name);
    tab.type = "button";
    tab.id = "live-tab-" + name.toLowerCase();
    tab.setAttribute("role", "tab");
    tab.setAttribute("aria-controls", panel.id);
    tab.addEventListener("click", () => select(name, true));
    tab.addEventListener("keydown", (event) => {
      const i = names.indexOf(name);
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: names.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      select(names[(to + names.length) % names.length], true);
    });
    tabs.set(name, tab);
    list.append(tab);
  });

  function select(name, focus) {
    current = name;
    apply();
    if (focus) tabs.get(name).focus();
  }

  function apply() {
    const narrow = media.matches;
    list.hidden = !narrow;
    names.forEach((name) => {
      const panel = panels.get(name);
      const tab = tabs.get(name);
      const selected = name === current;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      tab.tabIndex = selected ? 0 : -1;
      panel.classList.toggle("is-tab-hidden", narrow && !selected);
      if (narrow) {
        panel.setAttribute("role", "tabpanel");
        panel.setAttribute("aria-labelledby", tab.id);
      } else {
        panel.removeAttribute("role");
        panel.removeAttribute("aria-labelledby");
      }
    });
  }

  // Links that name a panel ("Ask a question") open its tab on a phone.
  root.querySelectorAll("[data-live-tab-link]").forEach((link) => {
    link.addEventListener("click", (event) => {
      const name = link.dataset.liveTabLink;
      if (!media.matches || !panels.has(name)) return;
      event.preventDefault();
      select(name, false);
      const field = panels.get(name).querySelector("textarea, input");
      if (field) field.focus();
    });
  });

  media.addEventListener("change", apply);
  apply();
}
