/*
 * The WBS grid: keyboard navigation, in-place cell editing, row commands, collapse / expand, paste dialog.
 * Every change is a POST answered with the whole grid (#wbs-grid, swapped outerHTML), because rescheduling can
 * move the dates of other rows. Texts come from data-* attributes rendered by the template (translated there).
 *
 *   a click selects a cell, a double click edits it; arrows move between cells; Enter / F2 / typing edits; Enter saves and goes down, Tab saves and goes right,
 *   Esc cancels; Insert adds a task below; Alt+Shift+Right/Left indent / outdent; Alt+Shift+Up/Down move;
 *   Delete puts the row in the bin (Ctrl+Z or the Undo button brings it back); Ctrl+V pastes rows.
 */
(function () {
  "use strict";

  var root = null;
  var current = { task: null, col: "name" };
  var editing = null;
  var pending = null; // where to put the focus after the next swap
  var collapsed = new Set();

  function grid() { return document.getElementById("wbs-grid"); }
  function table() { var g = grid(); return g && g.querySelector(".wbs-table"); }
  function rows() { var t = table(); return t ? Array.prototype.slice.call(t.tBodies[0].rows) : []; }
  function visibleRows() { return rows().filter(function (r) { return !r.hidden; }); }
  function rowOf(task) { return document.getElementById("wbs-task-" + task); }
  function columns() {
    var first = rows()[0];
    if (!first) return [];
    return Array.prototype.map.call(first.cells, function (c) { return c.dataset.col || ""; });
  }
  function url(name, task) {
    return root.dataset["url" + name.charAt(0).toUpperCase() + name.slice(1)].replace("/0/", "/" + task + "/");
  }

  // --- focus --------------------------------------------------------------------------------------------------
  function cellAt(row, col) {
    if (!row) return null;
    var index = columns().indexOf(col);
    return row.cells[index >= 0 ? index : 2];
  }

  function focusCell(task, col, quiet) {
    var row = task ? rowOf(task) : null;
    if (!row || row.hidden) row = visibleRows()[0];
    if (!row) { var t = table(); if (t) t.focus(); return null; }
    var cell = cellAt(row, col || current.col);
    rows().forEach(function (r) { r.classList.toggle("wbs-current", r === row); });
    Array.prototype.forEach.call(table().querySelectorAll("td[tabindex]"), function (c) { c.removeAttribute("tabindex"); });
    cell.setAttribute("tabindex", "0");
    current = { task: row.dataset.task, col: cell.dataset.col || "name" };
    if (!quiet) cell.focus();
    return cell;
  }

  function moveFocus(dRow, dCol) {
    var list = visibleRows();
    var row = rowOf(current.task);
    var at = Math.max(0, list.indexOf(row));
    var next = list[Math.min(list.length - 1, Math.max(0, at + dRow))];
    var cols = columns().filter(Boolean);
    var c = cols.indexOf(current.col) + dCol;
    focusCell(next && next.dataset.task, cols[Math.min(cols.length - 1, Math.max(0, c))]);
  }

  // --- editing ------------------------------------------------------------------------------------------------
  function startEdit(cell, typed) {
    if (!cell || !cell.dataset.edit || !root.hasAttribute("data-editable")) return;
    if (cell.dataset.edit === "toggle") { save(cell, cell.dataset.value === "1" ? "0" : "1", 0, 0); return; }
    var input;
    if (cell.dataset.edit === "select") {
      input = document.createElement("select");
      input.className = "form-select form-select-sm";
      var options = document.getElementById(cell.dataset.options);
      input.appendChild(options.content.cloneNode(true));
      input.value = cell.dataset.value;
    } else {
      input = document.createElement("input");
      input.type = "text";
      input.className = "form-control form-control-sm";
      input.value = typed !== undefined ? typed : cell.dataset.value;
    }
    input.setAttribute("aria-label", table().tHead.rows[0].cells[cell.cellIndex].textContent.trim());
    editing = { cell: cell, input: input, html: cell.innerHTML };
    cell.classList.add("wbs-editing");
    cell.innerHTML = "";
    cell.appendChild(input);
    input.focus();
    if (input.select && typed === undefined) input.select();
    input.addEventListener("blur", function () {
      if (editing && editing.input === input) commit(0, 0);
    });
    if (input.tagName === "SELECT") {
      input.addEventListener("change", function () {
        if (editing && editing.input === input) commit(0, 0);
      });
    }
  }

  function cancelEdit() {
    var e = editing;
    if (!e) return;
    editing = null;
    e.cell.innerHTML = e.html;
    e.cell.classList.remove("wbs-editing");
    e.cell.focus();
  }

  function commit(dRow, dCol) {
    var e = editing;
    if (!e || e.saving) return;
    var value = e.input.value;
    if (value === e.cell.dataset.value) {
      cancelEdit();
      if (dRow || dCol) moveFocus(dRow, dCol);
      return;
    }
    // The editor stays until the grid comes back; a refused value leaves it open to be corrected.
    e.saving = true;
    save(e.cell, value, dRow, dCol);
  }

  function save(cell, value, dRow, dCol) {
    var row = cell.closest("tr");
    pending = { task: row.dataset.task, col: cell.dataset.col, dRow: dRow, dCol: dCol };
    htmx.ajax("POST", url("edit", row.dataset.task), {
      target: "#wbs-grid",
      swap: "outerHTML",
      values: { field: cell.dataset.col, value: value, version: row.dataset.version },
    });
  }

  // --- row commands -------------------------------------------------------------------------------------------
  function command(name) {
    if (!root.hasAttribute("data-editable")) return;
    if (name === "paste") { openPaste(""); return; }
    if (name === "add") {
      pending = { col: "name" };
      htmx.ajax("POST", root.dataset.urlAdd, {
        target: "#wbs-grid", swap: "outerHTML", values: { after: current.task || "" },
      });
      return;
    }
    if (!current.task || !rowOf(current.task)) { window.tripod.toast(root.dataset.msgNoRow, "info"); return; }
    // After a delete the row below takes the focus: remember where the row was.
    pending = { task: current.task, col: current.col, index: visibleRows().indexOf(rowOf(current.task)) };
    htmx.ajax("POST", url(name, current.task), { target: "#wbs-grid", swap: "outerHTML" });
  }

  // --- collapse / expand --------------------------------------------------------------------------------------
  function applyCollapsed() {
    var hideBelow = null;
    rows().forEach(function (row) {
      var level = +row.dataset.level;
      if (hideBelow !== null && level > hideBelow) { row.hidden = true; return; }
      hideBelow = null;
      row.hidden = false;
      if (row.hasAttribute("aria-expanded")) {
        var closed = collapsed.has(row.dataset.task);
        row.setAttribute("aria-expanded", closed ? "false" : "true");
        if (closed) hideBelow = level;
      }
    });
  }

  function toggle(row, open) {
    if (!row || !row.hasAttribute("aria-expanded")) return;
    var task = row.dataset.task;
    var willOpen = open === undefined ? collapsed.has(task) : open;
    if (willOpen) collapsed.delete(task); else collapsed.add(task);
    try { sessionStorage.setItem(root.dataset.storageKey, JSON.stringify(Array.from(collapsed))); } catch (e) { /* private mode */ }
    applyCollapsed();
  }

  // --- paste --------------------------------------------------------------------------------------------------
  function openPaste(text) {
    var modal = document.getElementById("wbs-paste");
    if (!modal) return;
    var area = modal.querySelector("textarea");
    area.value = text;
    modal.querySelector("[data-wbs-paste-after]").value = current.task || "";
    bootstrap.Modal.getOrCreateInstance(modal).show();
    modal.addEventListener("shown.bs.modal", function () { area.focus(); }, { once: true });
    if (text) htmx.trigger(area, "wbs:preview");
    else document.getElementById("wbs-paste-preview").innerHTML = "";
  }

  // --- wiring -------------------------------------------------------------------------------------------------
  function afterSwap() {
    var g = grid();
    if (!g) return;
    editing = null;
    applyCollapsed();
    var focus = pending;
    pending = null;
    var task = g.dataset.focusTask || (focus && focus.task) || current.task;
    var col = g.dataset.focusCol || (focus && focus.col) || current.col;
    if (!rowOf(task)) {
      var list = visibleRows();
      var at = focus && focus.index >= 0 ? Math.min(focus.index, list.length - 1) : 0;
      task = list[at] ? list[at].dataset.task : null;
    }
    var cell = focusCell(task, col);
    if (focus && (focus.dRow || focus.dCol)) moveFocus(focus.dRow, focus.dCol);
    else if (cell && g.hasAttribute("data-focus-edit")) startEdit(cell);
  }

  function onKey(event) {
    if (!root || !table() || document.querySelector(".modal.show")) return;
    // Focus falls back to the body when the focused row is swapped out: shortcuts still apply to the grid.
    var inGrid = event.target === document.body || (event.target.closest && event.target.closest(".wbs-table"));
    if (editing) {
      if (event.key === "Escape") { event.preventDefault(); cancelEdit(); }
      else if (event.key === "Enter") { event.preventDefault(); commit(1, 0); }
      else if (event.key === "Tab") { event.preventDefault(); commit(0, event.shiftKey ? -1 : 1); }
      return;
    }
    if ((event.ctrlKey || event.metaKey) && (event.key === "z" || event.key === "Z")) {
      // Undo works wherever focus went after the delete (the grid, the body, the undo bar), not while typing.
      var typing = event.target.closest && event.target.closest("input, textarea, select, [contenteditable]");
      var undo = grid().querySelector("[data-wbs-undo]");
      if (undo && !typing && (inGrid || root.contains(event.target))) {
        event.preventDefault();
        // Straight to the request: the bar may be on screen before htmx has wired its button (settle delay).
        htmx.ajax("POST", undo.getAttribute("hx-post"), { source: undo, target: "#wbs-grid", swap: "outerHTML" });
      }
      return;
    }
    if (!inGrid) return;
    var cell = cellAt(rowOf(current.task), current.col);
    if (event.altKey && event.shiftKey) {
      var moves = { ArrowRight: "indent", ArrowLeft: "outdent", ArrowUp: "up", ArrowDown: "down" };
      if (moves[event.key]) { event.preventDefault(); command(moves[event.key]); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    switch (event.key) {
      case "ArrowDown": event.preventDefault(); moveFocus(1, 0); break;
      case "ArrowUp": event.preventDefault(); moveFocus(-1, 0); break;
      case "ArrowRight":
        event.preventDefault();
        if (current.col === "name" && rowOf(current.task) && rowOf(current.task).getAttribute("aria-expanded") === "false") toggle(rowOf(current.task), true);
        else moveFocus(0, 1);
        break;
      case "ArrowLeft":
        event.preventDefault();
        if (current.col === "name" && rowOf(current.task) && rowOf(current.task).getAttribute("aria-expanded") === "true") toggle(rowOf(current.task), false);
        else moveFocus(0, -1);
        break;
      case "Home": event.preventDefault(); moveFocus(-1e6, 0); break;
      case "End": event.preventDefault(); moveFocus(1e6, 0); break;
      case "Enter": case "F2": event.preventDefault(); startEdit(cell); break;
      case "Insert": event.preventDefault(); command("add"); break;
      case "Delete": event.preventDefault(); command("delete"); break;
      default:
        if (event.key.length === 1 && cell && cell.dataset.edit === "text" && event.key !== " ") {
          event.preventDefault();
          startEdit(cell, event.key);
        } else if (event.key === " " && cell && cell.dataset.edit === "toggle") {
          event.preventDefault();
          startEdit(cell);
        }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    root = document.querySelector("[data-wbs]");
    if (!root) return;
    try { collapsed = new Set(JSON.parse(sessionStorage.getItem(root.dataset.storageKey) || "[]")); } catch (e) { collapsed = new Set(); }
    applyCollapsed();
    document.addEventListener("keydown", onKey);
    root.addEventListener("click", function (event) {
      var toggler = event.target.closest("[data-wbs-toggle]");
      if (toggler) { toggle(toggler.closest("tr")); return; }
      var action = event.target.closest("[data-wbs-action]");
      if (action) { command(action.dataset.wbsAction); return; }
      var cell = event.target.closest(".wbs-table td");
      if (!cell || cell.classList.contains("wbs-editing")) return;
      focusCell(cell.closest("tr").dataset.task, cell.dataset.col);
    });
    root.addEventListener("focusin", function (event) {
      if (event.target.classList && event.target.classList.contains("wbs-table") && rows().length) {
        focusCell(current.task, current.col);
      }
    });
    root.addEventListener("dblclick", function (event) {
      var cell = event.target.closest(".wbs-table td");
      if (cell && !cell.classList.contains("wbs-editing")) startEdit(cell);
    });
    document.addEventListener("paste", function (event) {
      if (editing || !root.hasAttribute("data-editable")) return;
      if (!(event.target.closest && event.target.closest(".wbs-table"))) return;
      var text = (event.clipboardData || window.clipboardData).getData("text");
      if (!text) return;
      event.preventDefault();
      openPaste(text);
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      var xhr = event.detail.xhr;
      if (xhr && xhr.getResponseHeader("HX-Reswap") === "none") return; // refused: nothing was swapped
      if (event.detail.target && event.detail.target.id === "wbs-grid") afterSwap();
    });
    // While a big plan is scheduled in the background the grid refreshes itself, but never under an open editor.
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      if (editing && event.detail.elt && event.detail.elt.hasAttribute("data-wbs-poll")) event.preventDefault();
    });
    document.body.addEventListener("htmx:afterRequest", function (event) {
      var xhr = event.detail.xhr;
      var refused = !event.detail.successful || (xhr && xhr.getResponseHeader("HX-Reswap") === "none");
      if (editing && editing.saving && refused) {
        editing.saving = false;
        pending = null;
        editing.input.focus();
      }
      var form = event.detail.elt;
      if (!form || !form.matches || !form.matches("[data-wbs-paste-form]")) return;
      if (event.detail.successful && xhr.getResponseHeader("HX-Reswap") !== "none") {
        bootstrap.Modal.getOrCreateInstance(document.getElementById("wbs-paste")).hide();
      }
    });
    var focusTask = grid() && grid().dataset.focusTask;
    if (rows().length) focusCell(focusTask || rows()[0].dataset.task, "name", true);
  });
})();
