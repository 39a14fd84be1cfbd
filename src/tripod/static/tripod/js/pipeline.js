/* The pipeline board: drag an opportunity's card onto another stage to move it (HTML5 drag and drop); the "move to"
 * menu on each card does the same from the keyboard. Moves between open stages swap the board's columns in by HTMX
 * and put the focus back on the moved card. Won and lost ask why: dropping a card there opens the win or lose
 * dialog. Filters apply as soon as a choice changes. */
(function () {
  "use strict";

  var dragged = null;

  function root() {
    return document.getElementById("pipeline-columns");
  }

  function columnOf(el) {
    return el && el.closest ? el.closest(".tp-pipeline-column") : null;
  }

  function move(card, stage) {
    var board = root();
    if (!board || !card || card.dataset.stage === stage) return;
    if (stage === "won" || stage === "lost") {
      if (card.dataset.stage === "lost") return;
      window.location.assign(stage === "won" ? card.dataset.winUrl : card.dataset.loseUrl);
      return;
    }
    var form = card.querySelector("form.tp-pipeline-move");
    if (!form) return;
    var values = {};
    new FormData(form).forEach(function (value, key) { values[key] = value; });
    values.stage = stage;
    card.classList.add("tp-board-moving");
    window.htmx.ajax("POST", board.dataset.moveUrl, {
      source: form,
      target: "#pipeline-columns",
      swap: "outerHTML",
      values: values,
      headers: { "X-CSRFToken": values.csrfmiddlewaretoken || "" }
    });
  }

  function clearDrops(except) {
    document.querySelectorAll(".tp-pipeline-column.tp-board-drop").forEach(function (el) {
      if (el !== except) el.classList.remove("tp-board-drop");
    });
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest(".tp-pipeline-card[draggable='true']") : null;
    if (!card) return;
    dragged = card;
    card.classList.add("tp-board-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.opportunity);
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("tp-board-dragging");
    dragged = null;
    clearDrops(null);
  });

  document.addEventListener("dragover", function (event) {
    var column = columnOf(event.target);
    if (!dragged || !column) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    clearDrops(column);
    column.classList.add("tp-board-drop");
  });

  document.addEventListener("drop", function (event) {
    var column = columnOf(event.target);
    if (!dragged || !column) return;
    event.preventDefault();
    column.classList.remove("tp-board-drop");
    move(dragged, column.dataset.stage);
  });

  // After a move the new columns arrive: put the focus back on the moved card's menu.
  document.addEventListener("htmx:afterSwap", function () {
    var board = root();
    if (!board || !board.dataset.moved) return;
    var card = board.querySelector(".tp-pipeline-card[data-opportunity='" + board.dataset.moved + "']");
    if (!card) return;
    var select = card.querySelector("select[name='stage']");
    (select || card).focus();
  });

  document.addEventListener("change", function (event) {
    var form = event.target.closest ? event.target.closest("form[data-pipeline-filters]") : null;
    if (form) form.requestSubmit();
  });
})();
