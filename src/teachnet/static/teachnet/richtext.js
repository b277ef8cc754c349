// The rich-text editor (Quill, served from /static/vendor/quill): every <textarea data-richtext> becomes an
// editor whose HTML is written back into the textarea, so the form posts as it would without JavaScript.
// The server cleans whatever arrives (core.richtext); the toolbar offers only what it keeps.
(function () {
  "use strict";
  const TOOLBAR = [
    [{ header: [2, 3, false] }],
    ["bold", "italic", "underline", "strike"],
    [{ list: "ordered" }, { list: "bullet" }, "blockquote", "code-block"],
    ["link", "clean"],
  ];

  function attach(textarea) {
    if (textarea.dataset.richtextReady || typeof Quill === "undefined") return;
    textarea.dataset.richtextReady = "1";
    const holder = document.createElement("div");
    holder.className = "richtext-editor";
    holder.setAttribute("data-testid", (textarea.dataset.testid || textarea.name) + "-editor");
    textarea.insertAdjacentElement("afterend", holder);
    textarea.hidden = true;
    const editor = new Quill(holder, {
      theme: "snow",
      modules: { toolbar: TOOLBAR },
      placeholder: textarea.getAttribute("placeholder") || "",
    });
    if (textarea.value.trim()) editor.clipboard.dangerouslyPasteHTML(textarea.value);
    const sync = () => {
      textarea.value = editor.getText().trim() ? editor.getSemanticHTML() : "";
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    };
    editor.on("text-change", sync);
    textarea.form && textarea.form.addEventListener("submit", sync);
    textarea.richtext = editor;
  }

  function attachAll(root) {
    (root || document).querySelectorAll("textarea[data-richtext]").forEach(attach);
  }
  document.addEventListener("DOMContentLoaded", () => attachAll(document));
  document.addEventListener("htmx:afterSwap", (event) => attachAll(event.target));
})();
