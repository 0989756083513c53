/* Small DOM helpers for the live room's modules. User text only ever goes in
   as text (textContent); the one exception, server-sanitised HTML, says so
   where it is used. */

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

export function button(label, className, onClick) {
  const b = el("button", className || "button button--link button--small", label);
  b.type = "button";
  if (onClick) b.addEventListener("click", onClick);
  return b;
}

export function plural(n, one, many) {
  return n + " " + (n === 1 ? one : many);
}

export function personMeta(person) {
  return person.job_role_label + (person.school ? " · " + person.school.name : "");
}

/* Put a message in an alert region; a fresh text node makes screen readers
   announce a repeated message too. */
export function showError(region, message) {
  if (!region) return;
  region.textContent = "";
  window.setTimeout(() => { region.textContent = message || ""; }, 50);
}

export function newId() {
  if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
  return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
}

export function timeFormatter(zone) {
  const options = { hour: "numeric", minute: "2-digit" };
  try {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone: zone });
  } catch (e) {
    return new Intl.DateTimeFormat(undefined, options);
  }
}

export function timeEl(format, iso) {
  const t = el("time");
  t.dateTime = iso;
  t.textContent = format.format(new Date(iso));
  return t;
}
