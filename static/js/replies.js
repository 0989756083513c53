/* nic: replying in place on the thread page (issue 17). An ES module, loaded
   only by templates/threads/show.html.

   Without this script, "Reply" under a post opens the page's reply form at the
   bottom, with the post named and quoted (the server renders that). With it:
   - "Reply" moves that same form (one textarea, its preview toggle, its CSRF
     token) right under the post, with the author named and a short quote;
   - the form posts with fetch (Accept: application/json); the server answers
     201 with the new post's card HTML (nic.views.threads.posted_reply), or an
     error {"error": {"message", "fields"}} shown in the box, the text kept;
   - the card goes where a reload would put it in the tree, gets the focus,
     and a status region says it was posted. */

const MAX_DEPTH = 4; // nic.services.reading.MAX_DEPTH: deeper replies stay flat
const QUOTE_LENGTH = 160; // nic.excerpts.EXCERPT_LENGTH

const form = document.querySelector("form[data-reply-form]");
const home = form && form.closest("section");
const repliesSection = document.getElementById("replies");

function excerpt(text) {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= QUOTE_LENGTH) return flat;
  let cut = flat.slice(0, QUOTE_LENGTH);
  const space = cut.lastIndexOf(" ");
  if (space > QUOTE_LENGTH / 2) cut = cut.slice(0, space);
  return cut.replace(/[ .,;:]+$/, "") + "…";
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const status = element("p", "visually-hidden");
status.setAttribute("role", "status");
document.body.append(status);

function announce(text) {
  status.textContent = "";
  // A change after a beat is announced even when the text repeats.
  window.setTimeout(() => { status.textContent = text; }, 50);
}

const textarea = form && form.querySelector("textarea");
const parentField = form && form.querySelector('input[name="parent_id"]');
const quote = form && form.querySelector("[data-reply-quote]");
const submitButton = form && form.querySelector('button[type="submit"]');
let errorBox = null;
let opener = null; // the Reply link that opened the box, for focus on cancel
let cancelButton = null;
let backToThread = null;

function clearError() {
  if (errorBox) errorBox.remove();
  errorBox = null;
  form.querySelectorAll(".field__errors, .form-errors").forEach((node) => node.remove());
  textarea.removeAttribute("aria-invalid");
  textarea.setAttribute("aria-describedby", textarea.id + "-hint");
}

function showError(message) {
  clearError();
  errorBox = element("div", "flash flash--error reply-form__error");
  errorBox.id = "reply-error";
  errorBox.setAttribute("role", "alert");
  errorBox.textContent = message;
  form.querySelector(".reply-form__actions").before(errorBox);
  textarea.setAttribute("aria-invalid", "true");
  textarea.setAttribute("aria-describedby", textarea.id + "-hint reply-error");
  textarea.focus();
}

function writeMode() {
  // The preview toggle of static/js/app.js: back to writing before moving the box.
  const write = form.querySelector(".markdown-toggle button");
  if (write && write.getAttribute("aria-pressed") !== "true") write.click();
}

function setQuote(card, author) {
  quote.replaceChildren();
  const who = element("p", "reply-quote__who", "Replying to ");
  const link = element("a", "", author);
  link.href = "#" + card.id;
  who.append(link, ":");
  quote.append(who);
  const body = card.querySelector("div.post__body");
  if (body) quote.append(element("blockquote", "reply-quote__text", excerpt(body.textContent)));
}

function ensureCancel() {
  if (cancelButton) return;
  cancelButton = element("button", "button button--secondary", "Cancel");
  cancelButton.type = "button";
  cancelButton.addEventListener("click", () => {
    const back = opener;
    closeBox();
    if (back) back.focus();
  });
  form.querySelector(".reply-form__actions").append(cancelButton);
}

function ensureBackToThread() {
  if (backToThread) return;
  backToThread = element("p", "reply-form__elsewhere");
  const button = element("button", "button button--secondary", "Reply to the thread instead");
  button.type = "button";
  button.addEventListener("click", () => {
    closeBox();
    textarea.focus();
  });
  backToThread.append(button);
  home.append(backToThread);
}

function openBox(link) {
  const card = document.getElementById("post-" + link.dataset.replyTo);
  if (!card) return false;
  writeMode();
  clearError();
  opener = link;
  parentField.value = link.dataset.replyTo;
  setQuote(card, link.dataset.replyAuthor);
  ensureCancel();
  cancelButton.hidden = false;
  ensureBackToThread();
  backToThread.hidden = false;
  form.classList.add("reply-form--in-place");
  form.setAttribute("aria-label", "Reply to " + link.dataset.replyAuthor);
  card.after(form);
  textarea.focus();
  return true;
}

function closeBox() {
  writeMode();
  clearError();
  opener = null;
  parentField.value = "";
  quote.replaceChildren();
  if (cancelButton) cancelButton.hidden = true;
  if (backToThread) backToThread.hidden = true;
  form.classList.remove("reply-form--in-place");
  form.removeAttribute("aria-label");
  home.querySelector("h2").after(form);
  home.querySelector("h2").textContent = "Reply to the thread";
}

function childList(item) {
  let list = Array.from(item.children).find((child) => child.matches("ol.replies"));
  if (!list) {
    list = element("ol", "replies");
    item.append(list);
  }
  return list;
}

function rootList() {
  let list = repliesSection.querySelector("ol.replies--root");
  if (!list) {
    list = element("ol", "replies replies--root");
    const pager = repliesSection.querySelector('nav[aria-label="Pages of replies"]');
    if (pager) pager.before(list);
    else repliesSection.append(list);
  }
  return list;
}

/* Put the new <li> where nic.services.reading.build_tree puts it on a reload:
   under its parent, oldest first; below MAX_DEPTH, flat after the parent and
   everything already under it. */
function place(item, parentId) {
  const parent = parentId
    ? repliesSection.querySelector('li[data-post="' + parentId + '"]')
    : null;
  if (!parent) {
    item.dataset.depth = "1";
    rootList().append(item);
    return;
  }
  const depth = Number(parent.dataset.depth);
  item.dataset.depth = String(depth + 1);
  if (depth <= MAX_DEPTH) {
    childList(parent).append(item);
    return;
  }
  const under = new Set([parent.dataset.post]);
  let after = parent;
  while (after.nextElementSibling && under.has(after.nextElementSibling.dataset.parent)) {
    after = after.nextElementSibling;
    under.add(after.dataset.post);
  }
  after.after(item);
}

function fieldMessage(data) {
  const error = (data && data.error) || {};
  const fields = error.fields || {};
  return fields.body || fields.parent_id || error.message || "Your reply was not posted.";
}

async function send(event) {
  event.preventDefault();
  clearError();
  submitButton.disabled = true;
  submitButton.setAttribute("aria-busy", "true");
  let response;
  let data = null;
  try {
    response = await fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      body: new FormData(form),
    });
    data = await response.json().catch(() => null);
  } catch {
    response = null;
  } finally {
    submitButton.disabled = false;
    submitButton.removeAttribute("aria-busy");
  }
  if (!response) {
    showError("Your reply was not posted: the connection failed. Your text is kept; try again.");
    return;
  }
  if (response.status !== 201 || !data || typeof data.html !== "string") {
    showError(fieldMessage(data));
    return;
  }
  if (String(data.page) !== repliesSection.dataset.page) {
    // The reply sits on another page of the thread: go there.
    window.location.assign(data.url);
    return;
  }
  const item = element("li");
  item.dataset.post = String(data.id);
  item.dataset.parent = data.parent_id ? String(data.parent_id) : "";
  item.innerHTML = data.html; // rendered and sanitised by the server
  place(item, data.parent_id);
  textarea.value = "";
  closeBox();
  document.getElementById("replies-heading").firstChild.textContent = data.replies;
  const card = item.querySelector("article.post");
  card.tabIndex = -1;
  card.focus();
  announce("Your reply is posted.");
}

if (form && textarea && parentField && quote && repliesSection) {
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-reply-to]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    if (openBox(link)) event.preventDefault();
  });
  form.addEventListener("submit", send);
}
