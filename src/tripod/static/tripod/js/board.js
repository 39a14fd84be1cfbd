/* The task board: drag a card onto another column to move it (HTML5 drag and drop); the "move to" menu on each card
 * does the same from the keyboard. Either way the board's columns are swapped in by HTMX (no full reload), and focus
 * returns to the moved card. Filters apply as soon as a choice changes. */
(function () {
  "use strict";

  var dragged = null;

  function board() {
    return document.getElementById("board-columns");
  }

  function columnOf(el) {
    return el && el.closest ? el.closest(".tp-board-column") : null;
  }

  function move(card, status) {
    var root = board();
    if (!root || !card || card.dataset.status === status) return;
    var form = card.querySelector("form.tp-board-move");
    var values = {};
    new FormData(form).forEach(function (value, key) { values[key] = value; });
    values.status = status;
    card.classList.add("tp-board-moving");
    window.htmx.ajax("POST", root.dataset.moveUrl, {
      source: form,
      target: "#board-columns",
      swap: "outerHTML",
      values: values,
      headers: { "X-CSRFToken": values.csrfmiddlewaretoken || "" }
    });
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest(".tp-board-card[draggable='true']") : null;
    if (!card) return;
    dragged = card;
    card.classList.add("tp-board-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.task);
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("tp-board-dragging");
    dragged = null;
    document.querySelectorAll(".tp-board-drop").forEach(function (el) { el.classList.remove("tp-board-drop"); });
  });

  document.addEventListener("dragover", function (event) {
    var column = columnOf(event.target);
    if (!dragged || !column) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    document.querySelectorAll(".tp-board-drop").forEach(function (el) {
      if (el !== column) el.classList.remove("tp-board-drop");
    });
    column.classList.add("tp-board-drop");
  });

  document.addEventListener("drop", function (event) {
    var column = columnOf(event.target);
    if (!dragged || !column) return;
    event.preventDefault();
    column.classList.remove("tp-board-drop");
    move(dragged, column.dataset.status);
  });

  // After a move the new columns arrive: put the focus back on the moved card's menu.
  document.addEventListener("htmx:afterSwap", function () {
    var root = board();
    if (!root || !root.dataset.moved) return;
    var card = root.querySelector(".tp-board-card[data-task='" + root.dataset.moved + "']");
    if (!card) return;
    var select = card.querySelector("select[name='status']");
    (select || card).focus();
  });

  document.addEventListener("change", function (event) {
    var form = event.target.closest ? event.target.closest("form[data-board-filters]") : null;
    if (form) form.requestSubmit();
  });
})();
