/* nic — small progressive enhancements. No dependencies; loaded with defer.
   (a) Markdown "Write / Preview" toggle for textarea[data-preview-url].
   (b) Confirmation for form[data-confirm] before submitting. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function message(preview, text) {
    var p = document.createElement("p");
    p.className = "markdown-preview__message";
    p.textContent = text;
    preview.replaceChildren(p);
  }

  function makeButton(label, pressed) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button button--secondary button--small";
    b.textContent = label;
    b.setAttribute("aria-pressed", pressed ? "true" : "false");
    return b;
  }

  function setupPreview(textarea) {
    var preview = textarea.parentNode.querySelector(".markdown-preview");
    if (!preview) {
      preview = document.createElement("div");
      preview.className = "markdown-preview";
      preview.hidden = true;
      preview.setAttribute("aria-live", "polite");
      textarea.insertAdjacentElement("afterend", preview);
    }
    var toggle = document.createElement("div");
    toggle.className = "markdown-toggle";
    toggle.setAttribute("role", "group");
    toggle.setAttribute("aria-label", "Editor mode");
    var write = makeButton("Write", true);
    var show = makeButton("Preview", false);
    toggle.append(write, show);
    textarea.insertAdjacentElement("beforebegin", toggle);

    var request = 0;

    function setMode(previewing) {
      write.setAttribute("aria-pressed", previewing ? "false" : "true");
      show.setAttribute("aria-pressed", previewing ? "true" : "false");
      textarea.hidden = previewing;
      preview.hidden = !previewing;
    }

    write.addEventListener("click", function () {
      request += 1; // ignore a preview that arrives late
      setMode(false);
      textarea.focus();
    });

    show.addEventListener("click", function () {
      if (show.getAttribute("aria-pressed") === "true") return;
      setMode(true);
      if (!textarea.value.trim()) {
        message(preview, "Nothing to preview yet.");
        return;
      }
      message(preview, "Loading preview…");
      var mine = ++request;
      fetch(textarea.dataset.previewUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "Accept": "application/json",
          "X-CSRFToken": csrfToken()
        },
        body: JSON.stringify({ text: textarea.value })
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          if (mine !== request) return;
          if (!data || typeof data.html !== "string") throw new Error("Bad response");
          preview.innerHTML = data.html; // sanitised by the server
        })
        .catch(function () {
          if (mine === request) message(preview, "Preview is not available right now.");
        });
    });

    // A hidden, invalid textarea cannot be focused by the browser's validation:
    // switch back to writing so the user sees what is wrong.
    textarea.addEventListener("invalid", function () {
      if (textarea.hidden) {
        request += 1;
        setMode(false);
      }
    });
  }

  function init() {
    document.querySelectorAll("textarea[data-preview-url]").forEach(setupPreview);
  }

  // (b) Confirm before submitting forms marked data-confirm="Question?"
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
