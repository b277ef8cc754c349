// Course resource forms (TRN-4): show only the fields of the chosen kind, and upload with a progress bar.
(function () {
  "use strict";
  var FIELDS = {
    video: ["upload", "credit_minutes", "title"],
    document: ["upload", "credit_minutes", "title"],
    article: ["body", "credit_minutes", "title"],
    live: ["url", "starts_at", "credit_minutes", "title"],
  };
  var OPTIONAL = ["upload", "body", "url", "starts_at"];

  function fieldBox(form, name) {
    var input = form.querySelector('[name="' + name + '"]');
    return input ? input.closest(".field") : null;
  }

  function applyKind(form) {
    var kindInput = form.querySelector('[name="kind"]');
    if (!kindInput) return;
    var shown = FIELDS[kindInput.value] || [];
    OPTIONAL.forEach(function (name) {
      var box = fieldBox(form, name);
      if (box) box.hidden = shown.indexOf(name) === -1;
    });
    var upload = form.querySelector('[name="upload"]');
    if (upload) upload.accept = kindInput.value === "video" ? "video/mp4,video/webm,.mp4,.m4v,.mov,.webm,.mkv"
      : ".pdf,.doc,.docx,.ppt,.pptx,.xls,.xlsx";
  }

  function uploadWithProgress(form, event) {
    var file = form.querySelector('input[type="file"]');
    if (!file || !file.files.length || !window.XMLHttpRequest) return; // nothing to watch: a normal post
    event.preventDefault();
    var box = form.querySelector(".progress-box");
    var bar = box.querySelector(".progress > div");
    var text = box.querySelector(".progress-text");
    var button = form.querySelector('button[type="submit"]');
    box.hidden = false;
    button.disabled = true;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      var pct = Math.round((e.loaded / e.total) * 100);
      bar.style.width = pct + "%";
      text.textContent = pct + "%";
    };
    xhr.upload.onload = function () { text.textContent = form.dataset.checking || "…"; };
    xhr.onload = function () {
      if (xhr.status < 400 && xhr.responseURL) { window.location.assign(xhr.responseURL); return; }
      document.open(); document.write(xhr.responseText); document.close();
    };
    xhr.onerror = function () {
      button.disabled = false;
      text.textContent = form.dataset.failed || "Upload failed";
    };
    xhr.send(new FormData(form));
  }

  document.querySelectorAll("form.resource-form").forEach(function (form) {
    var kindInput = form.querySelector('[name="kind"]');
    if (kindInput) kindInput.addEventListener("change", function () { applyKind(form); });
    applyKind(form);
    if (form.hasAttribute("data-upload-progress")) {
      form.addEventListener("submit", function (e) { uploadWithProgress(form, e); });
    }
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) { if (!window.confirm(form.dataset.confirm)) e.preventDefault(); });
  });
})();
