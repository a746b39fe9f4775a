/* The questionnaire editor's extras. Every page works without this file: it adds the easy-read
   checks while a person types (the server makes the same checks when the question is kept),
   shows only the answers of the question chosen for "Ask only when", and lets a question be
   dragged to its place (Move up / Move down stay for keyboards and without script). */
(function () {
  "use strict";

  function token() {
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  // -- live easy-read checks ------------------------------------------------------------------
  function showProblems(box, problems) {
    box.textContent = "";
    problems.forEach(function (text) {
      var p = document.createElement("p");
      p.className = "error";
      p.textContent = text;
      box.appendChild(p);
    });
    var field = box.closest(".field");
    if (field) { field.classList.toggle("field-error", problems.length > 0); }
  }

  function liveChecks(form) {
    var url = form.getAttribute("data-check-url");
    form.querySelectorAll("[data-check]").forEach(function (input) {
      var box = document.getElementById(input.getAttribute("data-check"));
      var timer = null;
      var asked = 0;
      input.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          var mine = ++asked;
          fetch(url, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": token() },
            body: JSON.stringify({ text: input.value })
          }).then(function (reply) { return reply.json(); }).then(function (data) {
            if (mine === asked) { showProblems(box, data.problems || []); }
          }).catch(function () { /* the server checks again when the question is kept */ });
        }, 300);
      });
    });
  }

  // -- "Ask only when": the chosen question's answers only -------------------------------------
  function conditionAnswers(form) {
    var chooser = form.querySelector("#when_question");
    if (!chooser) { return; }
    function show() {
      form.querySelectorAll("[data-when-for]").forEach(function (group) {
        group.hidden = group.getAttribute("data-when-for") !== chooser.value;
      });
    }
    chooser.addEventListener("change", show);
    show();
  }

  // -- only the parts the kind of question uses ------------------------------------------------
  function kindParts(form) {
    var kind = form.querySelector("#kind");
    var answers = form.querySelector("#answers");
    var number = form.querySelector("#number-limits");
    if (!kind) { return; }
    function show() {
      // each kind's option says the parts of the form its type uses (questionnaires/types/)
      var chosen = kind.options[kind.selectedIndex];
      var parts = ((chosen && chosen.getAttribute("data-parts")) || "").split(" ");
      if (answers) { answers.hidden = parts.indexOf("answers") < 0; }
      if (number) { number.hidden = parts.indexOf("number") < 0; }
    }
    kind.addEventListener("change", show);
    show();
  }

  // -- drag to reorder --------------------------------------------------------------------------
  function dragToMove(list) {
    var dragged = null;
    var hint = document.querySelector(".editor-drag-hint");
    if (hint) { hint.hidden = false; }
    list.querySelectorAll("li[data-question]").forEach(function (item) {
      item.setAttribute("draggable", "true");
      item.addEventListener("dragstart", function (event) {
        dragged = item;
        item.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", item.getAttribute("data-question"));
      });
      item.addEventListener("dragend", function () { item.classList.remove("dragging"); });
      item.addEventListener("dragover", function (event) { event.preventDefault(); });
      item.addEventListener("drop", function (event) {
        event.preventDefault();
        if (!dragged || dragged === item) { return; }
        var items = Array.prototype.slice.call(list.querySelectorAll("li[data-question]"));
        var place = items.indexOf(item) + 1;
        var form = new FormData();
        form.append("csrf_token", token());
        form.append("to", String(place));
        var id = dragged.getAttribute("data-question");
        fetch(list.getAttribute("data-move-url") + "/questions/" + encodeURIComponent(id) + "/move", {
          method: "POST", credentials: "same-origin", headers: { "Accept": "application/json" }, body: form
        }).then(function () { window.location.reload(); });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("question-form");
    if (form) { liveChecks(form); conditionAnswers(form); kindParts(form); }
    var list = document.getElementById("questions");
    if (list) { dragToMove(list); }
  });
})();
