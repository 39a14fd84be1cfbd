/*
 * The weekly timesheet grid: each cell input saves itself over HTMX when it changes (see _cell.html). This file adds
 * spreadsheet keys: Enter (or Shift+Enter) moves to the same day of the next (previous) task, which leaves the cell
 * and so saves it; focusing a cell selects its content so typing replaces it.
 */
(function () {
  "use strict";

  function cellAt(row, col) {
    return document.querySelector('[data-tp-ts-input][data-row="' + row + '"][data-col="' + col + '"]');
  }

  function neighbour(input, step) {
    var rows = Array.prototype.map.call(document.querySelectorAll("#timesheet-grid tbody tr[data-task]"), function (tr) {
      return tr.getAttribute("data-task");
    });
    var at = rows.indexOf(input.getAttribute("data-row"));
    for (var i = at + step; i >= 0 && i < rows.length; i += step) {
      var next = cellAt(rows[i], input.getAttribute("data-col"));
      if (next) return next;
    }
    return null;
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target.closest && event.target.closest("[data-tp-ts-input]");
    if (!input || event.key !== "Enter") return;
    event.preventDefault();
    var next = neighbour(input, event.shiftKey ? -1 : 1);
    if (next) {
      next.focus();
    } else {
      input.blur(); // leaving the cell fires its "change", which saves it
    }
  });

  document.addEventListener("focusin", function (event) {
    var input = event.target.closest && event.target.closest("[data-tp-ts-input]");
    if (input) input.select();
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var input = event.target.closest && event.target.closest("[data-tp-ts-input]");
    if (input) input.closest(".tp-ts-box").classList.add("tp-ts-saving");
  });
})();
