// The grading page from the keyboard (the keys are listed on the page): j / Alt+→ next submission, k / Alt+←
// previous; 1–9 choose a level of the active criterion (↓/↑ or Tab move between criteria, and choosing a level
// moves on to the next criterion); c goes to the comment; Ctrl+Enter saves the grade and opens the next one.
// Nothing here is needed to grade: every control is a plain link, radio button or submit button.
(function () {
  "use strict";
  function typing(el) {
    return el && (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && el.type === "text") || el.isContentEditable);
  }
  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("grade-form");
    if (!form) return;
    const criteria = Array.from(form.querySelectorAll("fieldset.criterion"));
    let active = Math.max(0, criteria.findIndex((f) => !f.querySelector("input:checked")));
    const show = () => criteria.forEach((f, i) => f.classList.toggle("active", i === active));
    show();
    criteria.forEach((f, i) => f.addEventListener("focusin", () => { active = i; show(); }));
    const go = (rel) => { const a = document.querySelector(`a[rel="${rel}"]`); if (a) window.location.href = a.href; };
    document.addEventListener("keydown", (event) => {
      if (event.ctrlKey && event.key === "Enter") {
        event.preventDefault();
        form.querySelector('button[value="grade"]').click();
        return;
      }
      if (event.altKey && event.key === "ArrowRight") { event.preventDefault(); go("next"); return; }
      if (event.altKey && event.key === "ArrowLeft") { event.preventDefault(); go("prev"); return; }
      if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "j") { event.preventDefault(); go("next"); }
      else if (event.key === "k") { event.preventDefault(); go("prev"); }
      else if (event.key === "c") { event.preventDefault(); form.querySelector("textarea[name=comment]").focus(); }
      else if (event.key === "ArrowDown" && criteria.length) { event.preventDefault(); active = Math.min(criteria.length - 1, active + 1); show(); }
      else if (event.key === "ArrowUp" && criteria.length) { event.preventDefault(); active = Math.max(0, active - 1); show(); }
      else if (/^[1-9]$/.test(event.key) && criteria.length) {
        const radios = criteria[active].querySelectorAll("input[type=radio]");
        const radio = radios[Number(event.key) - 1];
        if (!radio) return;
        event.preventDefault();
        radio.checked = true;
        radio.dispatchEvent(new Event("change", { bubbles: true }));
        if (active < criteria.length - 1) { active += 1; show(); }
      }
    });
  });
})();
