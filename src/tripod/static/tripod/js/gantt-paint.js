/*
 * Tripod's Gantt chart, drawing (see gantt.js for the chart as a whole and why it is Tripod's own): the canvas of
 * bars, baseline bars, links, weekends and today for the rows in view, the two-tier time header, and the grid of
 * names as a recycled pool of row elements. Loaded before gantt.js, which mixes these methods into its chart.
 */
(function () {
  "use strict";

  var ROW = 26, HEAD = 44, OVERSCAN = 6, DAY = 1440;
  var ZOOMS = ["day", "week", "month", "quarter"];
  var PX_PER_DAY = { day: 30, week: 11, month: 3.4, quarter: 1.2 };
  var COLORS = {
    task: "#4f5bd5", taskDone: "#2f3aa0", crit: "#d92d20", critDone: "#9b1c13", summary: "#344054",
    baseline: "#98a2b3", link: "#667085", today: "#f79009", weekend: "#f2f4f7", line: "#eaecf0",
    select: "rgba(79, 91, 213, 0.08)", text: "#475467", ghost: "rgba(79, 91, 213, 0.35)"
  };

  function fmt(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : values[key];
    });
  }

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function isoDay(day) { // day = days since the epoch
    var d = new Date(day * 86400000);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate());
  }

  function startDay(m) { return Math.floor(m / DAY); }
  function finishDay(m) { return Math.floor((m - 1) / DAY); } // a finish at midnight belongs to the day before

  function monthStart(m) {
    var d = new Date(m * 60000);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 60000;
  }

  function addMonths(m, k) {
    var d = new Date(m * 60000);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k, 1) / 60000;
  }


  var P = {};

  // --- drawing -------------------------------------------------------------------------------------------------
  P.draw = function (force) {
    if (force) this.filled = {};
    if (this.frame) return;
    var self = this;
    this.frame = requestAnimationFrame(function () { self.frame = 0; self.paint(); });
  };

  P.sizeCanvas = function (canvas, w, h) {
    var dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
      canvas.style.width = w + "px";
      canvas.style.height = h + "px";
    }
    var ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return ctx;
  };

  P.paint = function () {
    if (!this.data) return;
    var w = this.scroll.clientWidth, h = this.scroll.clientHeight, top = this.scroll.scrollTop;
    this.grid.scrollTop = top;
    var ctx = this.sizeCanvas(this.canvas, w, h);
    var first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    var last = Math.min(this.visible.length, Math.ceil((top + h) / ROW) + OVERSCAN);
    ctx.clearRect(0, 0, w, h);
    this.paintBackground(ctx, w, h, first, last, top);
    this.paintLinks(ctx, w, first, last, top);
    for (var r = first; r < last; r++) this.paintRow(ctx, r, r * ROW - top);
    this.paintDrag(ctx, top);
    this.paintHead(w);
    this.paintGrid(first, last);
    if (this.root.dataset.state !== "ready") { // tests and bench/gantt.py wait for this
      this.root.dataset.state = "ready";
      if (!this.root.dataset.renderedMs) this.root.dataset.renderedMs = String(Math.round(performance.now()));
    }
  };

  P.units = function (kind, from, to, visit) { // visit(start, end) for each calendar unit
    var m;
    if (kind === "day" || kind === "week") {
      var step = kind === "day" ? DAY : 7 * DAY;
      m = Math.floor(from / DAY) * DAY;
      if (kind === "week") m -= ((startDay(m) + 3) % 7) * DAY; // back to Monday (1970-01-01 was a Thursday)
      for (; m < to; m += step) visit(m, m + step);
      return;
    }
    var months = kind === "month" ? 1 : kind === "quarter" ? 3 : 12;
    m = monthStart(from);
    var d = new Date(m * 60000);
    m = Date.UTC(d.getUTCFullYear(), months === 12 ? 0 : d.getUTCMonth() - (d.getUTCMonth() % months), 1) / 60000;
    while (m < to) {
      var next = addMonths(m, months);
      visit(m, next);
      m = next;
    }
  };

  P.paintBackground = function (ctx, w, h, first, last, top) {
    var self = this, from = this.origin + this.scroll.scrollLeft / this.ppm(), to = from + w / this.ppm();
    var workdays = this.meta.workdays || [0, 1, 2, 3, 4];
    if (this.zoom === "day" || this.zoom === "week") {
      ctx.fillStyle = COLORS.weekend;
      this.units("day", from, to, function (s, e) {
        if (workdays.indexOf((startDay(s) + 3) % 7) < 0) ctx.fillRect(self.x(s), 0, self.x(e) - self.x(s), h);
      });
    }
    ctx.strokeStyle = COLORS.line;
    ctx.lineWidth = 1;
    ctx.beginPath();
    var minor = { day: "day", week: "week", month: "month", quarter: "quarter" }[this.zoom];
    this.units(minor, from, to, function (s) {
      var x = Math.round(self.x(s)) + 0.5;
      ctx.moveTo(x, 0);
      ctx.lineTo(x, h);
    });
    ctx.stroke();
    if (this.selected >= 0 && this.rowOf[this.selected] >= first && this.rowOf[this.selected] < last) {
      ctx.fillStyle = COLORS.select;
      ctx.fillRect(0, this.rowOf[this.selected] * ROW - top, w, ROW);
    }
    var tx = Math.round(this.x(this.meta.today)) + 0.5;
    if (tx >= 0 && tx <= w) {
      ctx.strokeStyle = COLORS.today;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(tx, 0);
      ctx.lineTo(tx, h);
      ctx.stroke();
      ctx.setLineDash([]);
    }
  };

  P.anchor = function (i, atFinish) { // where a link leaves or enters a bar
    var b = this.bar(i);
    return b ? (atFinish ? b[1] : b[0]) : null;
  };

  P.paintLinks = function (ctx, w, first, last, top) {
    var links = this.data.links, rowOf = this.rowOf, T = this.T, hits = [];
    ctx.lineWidth = 1;
    for (var k = 0; k < links.length; k++) {
      var L = links[k], rp = rowOf[L[0]], rs = rowOf[L[1]];
      if (rp < 0 || rs < 0 || (rp < first && rs < first) || (rp >= last && rs >= last)) continue;
      var type = L[2], outFinish = type === "FS" || type === "FF", inFinish = type === "FF" || type === "SF";
      var sx = this.anchor(L[0], outFinish), tx = this.anchor(L[1], inFinish);
      if (sx === null || tx === null || (sx < -200 && tx < -200) || (sx > w + 200 && tx > w + 200)) continue;
      var sy = rp * ROW - top + ROW / 2, ty = rs * ROW - top + ROW / 2;
      var dOut = outFinish ? 1 : -1, dIn = inFinish ? -1 : 1; // dIn: the arrow points right (+1) or left (-1)
      var x1 = sx + dOut * 6, x2 = tx - dIn * 6, pts;
      if (dOut !== dIn) {
        var mid = dOut === 1 ? Math.max(x1, x2) : Math.min(x1, x2);
        pts = [sx, sy, mid, sy, mid, ty, tx, ty];
      } else if ((dOut === 1 && x1 <= x2) || (dOut === -1 && x1 >= x2)) {
        pts = [sx, sy, x1, sy, x1, ty, tx, ty];
      } else {
        var yb = ty - (ty > sy ? 1 : -1) * ROW / 2;
        pts = [sx, sy, x1, sy, x1, yb, x2, yb, x2, ty, tx, ty];
      }
      var crit = T.crit[L[0]] && T.crit[L[1]];
      ctx.strokeStyle = ctx.fillStyle = crit ? COLORS.crit : COLORS.link;
      ctx.beginPath();
      ctx.moveTo(pts[0], pts[1]);
      for (var p = 2; p < pts.length; p += 2) ctx.lineTo(pts[p], pts[p + 1]);
      ctx.stroke();
      ctx.beginPath();
      ctx.moveTo(tx, ty);
      ctx.lineTo(tx - dIn * 5, ty - 3.5);
      ctx.lineTo(tx - dIn * 5, ty + 3.5);
      ctx.fill();
      hits.push([k, pts]);
    }
    this.linkHits = hits;
  };

  P.paintRow = function (ctx, r, y) {
    var i = this.visible[r], T = this.T, b = this.bar(i);
    if (!b) return;
    var kind = T.kind[i], crit = T.crit[i], mid = y + ROW / 2, hasBase = T.bs[i] !== null && T.bf[i] !== null;
    if (hasBase) { // the baseline: a thin grey bar under the current one
      var bx1 = this.x(T.bs[i]), bx2 = Math.max(this.x(T.bf[i]), bx1 + 3);
      ctx.fillStyle = COLORS.baseline;
      if (kind === 2) this.diamond(ctx, bx1, y + ROW - 5, 4);
      else ctx.fillRect(bx1, y + ROW - 7, bx2 - bx1, 4);
    }
    if (kind === 1) { // summary: a bracket
      ctx.fillStyle = COLORS.summary;
      var sy = y + 7;
      ctx.fillRect(b[0], sy, b[1] - b[0], 6);
      ctx.beginPath();
      ctx.moveTo(b[0], sy); ctx.lineTo(b[0] + 6, sy + 6); ctx.lineTo(b[0], sy + 11); ctx.closePath();
      ctx.moveTo(b[1], sy); ctx.lineTo(b[1] - 6, sy + 6); ctx.lineTo(b[1], sy + 11); ctx.closePath();
      ctx.fill();
    } else if (kind === 2) {
      ctx.fillStyle = crit ? COLORS.crit : COLORS.summary;
      this.diamond(ctx, (b[0] + b[1]) / 2, hasBase ? mid - 2 : mid, 7);
    } else {
      var by = hasBase ? y + 4 : y + 6, bh = hasBase ? 12 : 14;
      ctx.fillStyle = crit ? COLORS.crit : COLORS.task;
      ctx.fillRect(b[0], by, b[1] - b[0], bh);
      if (T.pct[i] > 0) {
        ctx.fillStyle = crit ? COLORS.critDone : COLORS.taskDone;
        ctx.fillRect(b[0], by + bh / 2 - 2, (b[1] - b[0]) * T.pct[i] / 100, 4);
      }
    }
    if (this.meta.editable && i === this.hover && kind !== 1 && !this.drag) { // the link handle
      ctx.fillStyle = "#fff";
      ctx.strokeStyle = COLORS.link;
      ctx.beginPath();
      ctx.arc(b[1] + 9, mid, 4, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
    ctx.fillStyle = COLORS.text;
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    ctx.fillText(T.name[i], b[1] + (this.meta.editable && i === this.hover ? 18 : 6), mid);
  };

  P.diamond = function (ctx, cx, cy, r) {
    ctx.beginPath();
    ctx.moveTo(cx, cy - r); ctx.lineTo(cx + r, cy); ctx.lineTo(cx, cy + r); ctx.lineTo(cx - r, cy);
    ctx.closePath();
    ctx.fill();
  };

  P.paintDrag = function (ctx, top) {
    var d = this.drag;
    if (!d || !d.moved) return;
    var y = this.rowOf[d.i] * ROW - top;
    if (d.mode === "link") {
      var b = this.bar(d.i);
      ctx.strokeStyle = COLORS.task;
      ctx.setLineDash([5, 3]);
      ctx.beginPath();
      ctx.moveTo(b[1] + 9, y + ROW / 2);
      ctx.lineTo(d.x, d.y);
      ctx.stroke();
      ctx.setLineDash([]);
      return;
    }
    var T = this.T, s = T.start[d.i], f = T.finish[d.i], shift = d.days * DAY;
    var x1 = this.x(d.mode === "move" ? s + shift : s), x2 = this.x(f + shift);
    ctx.fillStyle = COLORS.ghost;
    ctx.strokeStyle = COLORS.task;
    if (T.kind[d.i] === 2) this.diamond(ctx, x1, y + ROW / 2, 8);
    else {
      ctx.fillRect(x1, y + 3, Math.max(x2 - x1, 3), ROW - 6);
      ctx.strokeRect(x1 + 0.5, y + 3.5, Math.max(x2 - x1, 3) - 1, ROW - 7);
    }
    ctx.fillStyle = COLORS.text;
    ctx.font = "bold 11px system-ui, sans-serif";
    var label = d.mode === "move" ? isoDay(startDay(s) + d.days) : isoDay(finishDay(f) + d.days);
    ctx.fillText(label, (d.mode === "move" ? x1 : x2) + 4, y - 6 < 8 ? y + ROW + 6 : y - 6);
  };

  P.paintHead = function (w) {
    var ctx = this.sizeCanvas(this.head, w, HEAD), self = this;
    var from = this.origin + this.scroll.scrollLeft / this.ppm(), to = from + w / this.ppm();
    ctx.fillStyle = "#fafbfc";
    ctx.fillRect(0, 0, w, HEAD);
    ctx.strokeStyle = COLORS.line;
    ctx.fillStyle = COLORS.text;
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    var tiers = {
      day: ["month", "day"], week: ["month", "week"], month: ["year", "month"], quarter: ["year", "quarter"]
    }[this.zoom];
    var labels = {
      year: function (m) { return String(new Date(m * 60000).getUTCFullYear()); },
      month: function (m) { return tiers[0] === "month" ? self.fmtMonthYear.format(new Date(m * 60000)) : self.fmtMonth.format(new Date(m * 60000)); },
      quarter: function (m) { return fmt(self.t.quarter || "Q%(n)s", { n: Math.floor(new Date(m * 60000).getUTCMonth() / 3) + 1 }); },
      week: function (m) { return self.fmtDayMonth.format(new Date(m * 60000)); },
      day: function (m) { return String(new Date(m * 60000).getUTCDate()); }
    };
    tiers.forEach(function (unit, tier) {
      var y0 = tier * HEAD / 2;
      ctx.beginPath();
      self.units(unit, from, to, function (s, e) {
        var x1 = Math.round(self.x(s)) + 0.5, x2 = self.x(e);
        ctx.moveTo(x1, y0);
        ctx.lineTo(x1, y0 + HEAD / 2);
        var text = labels[unit](s), tw = ctx.measureText(text).width;
        if (x2 - x1 > tw + 6) ctx.fillText(text, Math.max(x1 + 4, Math.min(4, x2 - tw - 4)), y0 + HEAD / 4);
      });
      ctx.moveTo(0, y0 + HEAD / 2 - 0.5);
      ctx.lineTo(w, y0 + HEAD / 2 - 0.5);
      ctx.stroke();
    });
  };

  // --- the grid (virtualised rows from a recycled pool) -------------------------------------------------------
  P.rowElement = function () {
    var row = document.createElement("div");
    row.className = "tp-gantt-row";
    row.setAttribute("role", "treeitem");
    row.innerHTML = '<span class="tp-gantt-col-wbs"></span><span class="tp-gantt-col-name">' +
      '<button type="button" class="tp-gantt-toggle" data-toggle><i class="bi" aria-hidden="true"></i></button>' +
      '<span class="tp-gantt-name"></span></span><span class="tp-gantt-col-date"></span>' +
      '<span class="tp-gantt-col-date"></span>';
    this.gridSpacer.appendChild(row);
    return row;
  };

  P.paintGrid = function (first, last) {
    var T = this.T, pool = this.pool, need = last - first;
    while (pool.length < need) pool.push(this.rowElement());
    for (var k = 0; k < pool.length; k++) {
      var row = pool[k];
      if (k >= need) { row.hidden = true; row._r = -1; continue; }
      var r = first + k, i = this.visible[r];
      row.hidden = false;
      row.style.top = r * ROW + "px";
      row.classList.toggle("is-selected", i === this.selected);
      if (row._r === r && this.filled[k] === i) continue;
      row._r = r;
      this.filled[k] = i;
      row.dataset.index = i;
      var cells = row.children, open = !this.collapsed[T.id[i]];
      cells[0].textContent = T.wbs[i];
      var name = cells[1];
      name.style.paddingLeft = 4 + T.depth[i] * 14 + "px";
      name.lastChild.textContent = T.name[i];
      name.title = T.name[i];
      var toggle = name.firstChild;
      toggle.hidden = !this.hasKids[i];
      toggle.firstChild.className = "bi " + (open ? "bi-chevron-down" : "bi-chevron-right");
      toggle.setAttribute("aria-label", (open ? this.t.collapse : this.t.expand) + " " + T.name[i]);
      row.classList.toggle("is-summary", T.kind[i] === 1);
      row.classList.toggle("is-critical", !!T.crit[i]);
      row.setAttribute("aria-level", T.depth[i] + 1);
      if (this.hasKids[i]) row.setAttribute("aria-expanded", open ? "true" : "false");
      else row.removeAttribute("aria-expanded");
      cells[2].textContent = T.start[i] === null ? "" : isoDay(startDay(T.start[i]));
      cells[3].textContent = T.finish[i] === null ? "" : isoDay(finishDay(T.finish[i]));
    }
  };


  window.tripodGantt = {
    ROW: ROW, HEAD: HEAD, DAY: DAY, ZOOMS: ZOOMS, PX_PER_DAY: PX_PER_DAY,
    fmt: fmt, isoDay: isoDay, startDay: startDay, finishDay: finishDay, monthStart: monthStart, addMonths: addMonths,
    paint: P
  };
})();
