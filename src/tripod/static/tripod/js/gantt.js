/*
 * Tripod's Gantt chart renderer.
 *
 * Why our own and not a library: a plan of 10,000 tasks must open in well under a second, which needs *virtualised*
 * rows (only the rows in view, plus a small overscan, exist as pixels or elements). The vendorable open libraries
 * draw every row as SVG/DOM elements (frappe-gantt needs 5-6 s for 5,000 rows; dhtmlx's free edition and
 * jsGanttImproved do the same), the ones that virtualise are commercial (Bryntum, DHTMLX PRO) or need a framework
 * build step, which Tripod does not have. So: a canvas the size of the viewport, redrawn on scroll, and a left grid
 * of task names whose row elements are a small recycled pool, both driven by one scroll position.
 *
 * Data: the columnar JSON of tripod.projects.selectors.gantt (one array per attribute, dates in *local minutes*:
 * minutes since 1970-01-01 00:00 in the plan's time zone, read here as UTC so there is no time-zone arithmetic).
 * Texts: data-t-* attributes rendered (and translated) by the template. Editing (drag a bar: move = constraint
 * "start no earlier than"; drag its right end: duration; drag from the handle after a bar to another bar: a
 * finish-to-start dependency; click an arrow: remove it) only when the data says the user may edit; every edit
 * is a POST answered with fresh data, so the chart always shows what the server scheduled.
 * Keyboard (chart focused): arrows / PageUp / PageDown scroll, + and - zoom, Home goes to the start, T to today.
 */
(function () {
  "use strict";

  var G = window.tripodGantt; // constants, helpers and the drawing methods: gantt-paint.js
  var ROW = G.ROW, DAY = G.DAY, ZOOMS = G.ZOOMS, PX_PER_DAY = G.PX_PER_DAY;
  var fmt = G.fmt, isoDay = G.isoDay, startDay = G.startDay, finishDay = G.finishDay;
  var monthStart = G.monthStart, addMonths = G.addMonths;

  function Gantt(root) {
    this.root = root;
    this.t = {};
    for (var key in root.dataset) {
      if (key.indexOf("t") === 0 && key.length > 1 && key[1] === key[1].toUpperCase()) {
        this.t[key.charAt(1).toLowerCase() + key.slice(2)] = root.dataset[key];
      }
    }
    this.grid = root.querySelector("[data-grid-scroll]");
    this.gridSpacer = root.querySelector("[data-grid-spacer]");
    this.scroll = root.querySelector("[data-chart-scroll]");
    this.spacer = root.querySelector("[data-chart-spacer]");
    this.canvas = root.querySelector("[data-canvas]");
    this.head = root.querySelector("[data-head]");
    this.tip = root.querySelector("[data-tip]");
    this.status = root.querySelector("[data-status]");
    this.count = root.querySelector("[data-count]");
    this.select = root.querySelector("[data-baseline-select]");
    this.pool = [];
    this.collapsed = {};
    this.zoom = "week";
    this.baseline = null; // null: the server's default (the newest baseline)
    this.drag = null;
    this.hover = -1;
    this.selected = -1;
    this.linkHits = [];
    this.frame = 0;
    var lang = document.documentElement.lang || "en";
    this.fmtMonthYear = new Intl.DateTimeFormat(lang, { year: "numeric", month: "long", timeZone: "UTC" });
    this.fmtMonth = new Intl.DateTimeFormat(lang, { month: "short", timeZone: "UTC" });
    this.fmtDayMonth = new Intl.DateTimeFormat(lang, { month: "numeric", day: "numeric", timeZone: "UTC" });
    this.restore();
    this.bind();
    this.load();
  }

  Gantt.prototype.storageKey = function () { return "tp-gantt:" + location.pathname; };

  Gantt.prototype.restore = function () {
    try {
      var saved = JSON.parse(sessionStorage.getItem(this.storageKey()) || "{}");
      if (ZOOMS.indexOf(saved.zoom) >= 0) this.zoom = saved.zoom;
      this.collapsed = saved.collapsed || {};
    } catch (e) { /* no storage: defaults */ }
  };

  Gantt.prototype.remember = function () {
    try {
      sessionStorage.setItem(this.storageKey(), JSON.stringify({ zoom: this.zoom, collapsed: this.collapsed }));
    } catch (e) { /* ignore */ }
  };

  // --- data ----------------------------------------------------------------------------------------------------
  Gantt.prototype.url = function () {
    var url = this.root.dataset.url;
    return this.baseline === null ? url : url + "?baseline=" + encodeURIComponent(this.baseline);
  };

  Gantt.prototype.say = function (text) { this.status.textContent = text || ""; };

  Gantt.prototype.load = function () {
    var self = this;
    if (!this.data) this.say(this.t.loading);
    fetch(this.url(), { credentials: "same-origin" }) // as the page's <link rel="preload"> asked for it
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) { self.setData(data); })
      .catch(function () { self.say(self.t.failed); });
  };

  Gantt.prototype.setData = function (data) {
    var first = !this.data;
    var T = data.tasks, n = T.id.length;
    this.data = data;
    this.T = T;
    this.n = n;
    this.meta = data.meta;
    this.baseline = data.meta.baseline === null ? 0 : data.meta.baseline;
    var hasKids = new Uint8Array(n);
    for (var i = 0; i < n; i++) if (T.parent[i] >= 0) hasKids[T.parent[i]] = 1;
    this.hasKids = hasKids;
    this.indexOf = {};
    for (i = 0; i < n; i++) this.indexOf[T.id[i]] = i;
    this.range();
    this.rebuild();
    this.fillBaselines();
    this.count.textContent = fmt(this.t.rows, { count: n });
    if (this.meta.scheduleError) this.say(this.meta.scheduleError);
    else if (this.meta.scheduleProgress !== null && this.meta.scheduleProgress !== undefined) {
      this.say(this.t.scheduling + " " + this.meta.scheduleProgress + "%");
      var self = this;
      clearTimeout(this.poll);
      this.poll = setTimeout(function () { self.load(); }, 1500);
    } else this.say(n ? "" : this.t.empty);
    this.layout();
    if (first) this.scrollToTime(this.firstStart - 2 * DAY);
    this.markZoom();
    this.draw(true);
  };

  Gantt.prototype.range = function () {
    var T = this.T, lo = Infinity, hi = -Infinity, firstStart = Infinity;
    var cols = [T.start, T.finish, T.bs, T.bf];
    for (var c = 0; c < cols.length; c++) {
      var col = cols[c];
      for (var i = 0; i < col.length; i++) {
        var v = col[i];
        if (v === null) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    for (i = 0; i < T.start.length; i++) if (T.start[i] !== null && T.start[i] < firstStart) firstStart = T.start[i];
    var today = this.meta.today;
    if (lo === Infinity) { lo = today; hi = today; }
    this.firstStart = firstStart === Infinity ? today : firstStart;
    this.origin = addMonths(monthStart(Math.min(lo, today)), -1);
    this.end = addMonths(monthStart(Math.max(hi, today)), 3);
  };

  Gantt.prototype.rebuild = function () { // the rows shown, skipping the descendants of collapsed summaries
    var T = this.T, n = this.n, visible = new Int32Array(n), rowOf = new Int32Array(n).fill(-1), k = 0;
    for (var i = 0; i < n; i++) {
      visible[k] = i;
      rowOf[i] = k++;
      if (this.hasKids[i] && this.collapsed[T.id[i]]) {
        var d = T.depth[i];
        while (i + 1 < n && T.depth[i + 1] > d) i++;
      }
    }
    this.visible = visible.subarray(0, k);
    this.rowOf = rowOf;
    this.filled = {};
  };

  Gantt.prototype.fillBaselines = function () {
    var select = this.select, meta = this.meta;
    while (select.options.length > 1) select.remove(1);
    meta.baselines.forEach(function (b) { select.add(new Option(b.label, String(b.id))); });
    select.value = String(meta.baseline === null ? 0 : meta.baseline);
  };

  // --- geometry ------------------------------------------------------------------------------------------------
  Gantt.prototype.ppm = function () { return PX_PER_DAY[this.zoom] / DAY; };
  Gantt.prototype.x = function (m) { return (m - this.origin) * this.ppm() - this.scroll.scrollLeft; };

  Gantt.prototype.layout = function () {
    var rows = this.visible.length;
    this.spacer.style.width = Math.ceil((this.end - this.origin) * this.ppm()) + "px";
    this.spacer.style.height = rows * ROW + "px";
    var bar = this.scroll.offsetHeight - this.scroll.clientHeight;
    this.gridSpacer.style.height = rows * ROW + Math.max(bar, 0) + "px";
  };

  Gantt.prototype.scrollToTime = function (m) {
    this.scroll.scrollLeft = Math.max(0, (m - this.origin) * this.ppm());
  };

  Gantt.prototype.setZoom = function (zoom) {
    if (ZOOMS.indexOf(zoom) < 0 || zoom === this.zoom) return;
    var w = this.scroll.clientWidth;
    var center = this.origin + (this.scroll.scrollLeft + w / 2) / this.ppm();
    this.zoom = zoom;
    this.layout();
    this.scroll.scrollLeft = Math.max(0, (center - this.origin) * this.ppm() - w / 2);
    this.markZoom();
    this.remember();
    this.draw(true);
  };

  Gantt.prototype.markZoom = function () {
    var zoom = this.zoom;
    this.root.querySelectorAll("[data-zoom]").forEach(function (b) {
      var on = b.dataset.zoom === zoom;
      b.classList.toggle("active", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
  };

  Gantt.prototype.bar = function (i) { // screen x of a task's bar: [x1, x2], or null when it has no dates
    var T = this.T, s = T.start[i], f = T.finish[i];
    if (s === null || f === null) return null;
    var x1 = this.x(s), x2 = this.x(f);
    if (T.kind[i] === 2) return [x1 - 7, x1 + 7];
    if (x2 - x1 < 3) x2 = x1 + 3;
    return [x1, x2];
  };

  Object.assign(Gantt.prototype, G.paint);

  Gantt.prototype.toggle = function (i, open) {
    var id = this.T.id[i];
    if (open === undefined) open = !!this.collapsed[id];
    if (open) delete this.collapsed[id]; else this.collapsed[id] = 1;
    this.rebuild();
    this.layout();
    this.remember();
    this.draw(true);
  };

  Gantt.prototype.toggleAll = function (open) {
    this.collapsed = {};
    if (!open) for (var i = 0; i < this.n; i++) if (this.hasKids[i]) this.collapsed[this.T.id[i]] = 1;
    this.rebuild();
    this.layout();
    this.remember();
    this.draw(true);
  };

  // --- pointer: hover, tooltip, drag ----------------------------------------------------------------------------
  Gantt.prototype.hit = function (event) {
    var rect = this.scroll.getBoundingClientRect();
    var x = event.clientX - rect.left, y = event.clientY - rect.top;
    var r = Math.floor((y + this.scroll.scrollTop) / ROW);
    var i = r >= 0 && r < this.visible.length ? this.visible[r] : -1;
    var hit = { x: x, y: y, i: i, zone: null };
    if (i < 0) return hit;
    var b = this.bar(i), kind = this.T.kind[i], editable = this.meta.editable;
    if (!b) return hit;
    if (editable && kind === 0 && Math.abs(x - b[1]) <= 5) hit.zone = "resize";
    else if (editable && kind !== 1 && x > b[1] + 3 && x < b[1] + 16) hit.zone = "link";
    else if (x >= b[0] - 2 && x <= b[1] + 2) hit.zone = editable && kind !== 1 ? "move" : "bar";
    return hit;
  };

  Gantt.prototype.showTip = function (event, i) {
    if (i < 0) { this.tip.hidden = true; return; }
    var T = this.T, t = this.t, lines = [], mpd = this.meta.minutesPerDay || 480;
    var title = document.createElement("strong");
    title.textContent = (T.wbs[i] ? T.wbs[i] + " " : "") + T.name[i];
    if (T.start[i] !== null) lines.push([t.start, isoDay(startDay(T.start[i]))]);
    if (T.finish[i] !== null) lines.push([t.finish, isoDay(finishDay(T.finish[i]))]);
    if (T.kind[i] === 0) lines.push([t.duration, Math.round(T.dur[i] / mpd * 100) / 100 + " " + t.days]);
    if (T.kind[i] === 2) lines.push([t.milestone, ""]);
    lines.push([t.complete, T.pct[i] + "%"]);
    if (T.bs[i] !== null) lines.push([t.baselineStart, isoDay(startDay(T.bs[i]))]);
    if (T.bf[i] !== null) lines.push([t.baselineFinish, isoDay(finishDay(T.bf[i]))]);
    if (T.con[i] && T.con[i] !== "ASAP") lines.push([t.constraint, T.con[i]]);
    if (T.crit[i]) lines.push([t.critical, ""]);
    this.tip.replaceChildren(title);
    var self = this;
    lines.forEach(function (line) {
      var div = document.createElement("div");
      div.textContent = line[1] === "" ? line[0] : line[0] + ": " + line[1];
      self.tip.appendChild(div);
    });
    var box = this.root.getBoundingClientRect();
    this.tip.style.left = Math.min(event.clientX - box.left + 14, box.width - 260) + "px";
    this.tip.style.top = event.clientY - box.top + 16 + "px";
    this.tip.hidden = false;
  };

  Gantt.prototype.onMove = function (event) {
    if (!this.data) return;
    var d = this.drag;
    if (d) {
      var dx = event.clientX - d.startX;
      if (Math.abs(dx) > 3 || Math.abs(event.clientY - d.startY) > 3) d.moved = true;
      d.days = Math.round(dx / this.ppm() / DAY);
      var rect = this.scroll.getBoundingClientRect();
      d.x = event.clientX - rect.left;
      d.y = event.clientY - rect.top;
      this.tip.hidden = true;
      this.draw();
      return;
    }
    var hit = this.hit(event);
    var cursor = { resize: "ew-resize", link: "crosshair", move: "grab" }[hit.zone] || "";
    this.scroll.style.cursor = cursor || (this.nearLink(hit.x, hit.y) >= 0 && this.meta.editable ? "pointer" : "");
    if (hit.i !== this.hover) { this.hover = hit.i; this.draw(); }
    this.showTip(event, hit.zone ? hit.i : -1);
  };

  Gantt.prototype.nearLink = function (x, y) { // the link drawn within 4 px of (x, y), or -1
    var hits = this.linkHits;
    for (var k = 0; k < hits.length; k++) {
      var p = hits[k][1];
      for (var j = 0; j + 3 < p.length; j += 2) {
        var ax = p[j], ay = p[j + 1], bx = p[j + 2], by = p[j + 3];
        if (x >= Math.min(ax, bx) - 4 && x <= Math.max(ax, bx) + 4 && y >= Math.min(ay, by) - 4 && y <= Math.max(ay, by) + 4) {
          return hits[k][0];
        }
      }
    }
    return -1;
  };

  Gantt.prototype.onDown = function (event) {
    if (event.button !== 0 || !this.data) return;
    var hit = this.hit(event);
    if (hit.i >= 0 && hit.zone) {
      this.selected = hit.i;
      this.draw(true);
    }
    if (!this.meta.editable) return;
    if (hit.zone === "move" || hit.zone === "resize" || hit.zone === "link") {
      event.preventDefault();
      this.scroll.setPointerCapture(event.pointerId);
      this.drag = { mode: hit.zone, i: hit.i, startX: event.clientX, startY: event.clientY, days: 0, moved: false, x: hit.x, y: hit.y };
      this.scroll.focus({ preventScroll: true });
      return;
    }
    var link = this.nearLink(hit.x, hit.y);
    if (link >= 0) this.confirmUnlink(link);
  };

  Gantt.prototype.onUp = function (event) {
    var d = this.drag;
    if (!d) return;
    this.drag = null;
    if (this.scroll.hasPointerCapture(event.pointerId)) this.scroll.releasePointerCapture(event.pointerId);
    var T = this.T, i = d.i;
    if (!d.moved) { this.draw(); return; }
    if (d.mode === "move" && d.days) {
      var day = isoDay(startDay(T.start[i]) + d.days);
      this.post(this.meta.moveUrl, { task: T.id[i], version: T.ver[i], start: day }, fmt(this.t.moved, { date: day }));
    } else if (d.mode === "resize" && d.days) {
      var finish = isoDay(finishDay(T.finish[i]) + d.days);
      this.post(this.meta.resizeUrl, { task: T.id[i], version: T.ver[i], finish: finish }, this.t.resized);
    } else if (d.mode === "link") {
      var target = this.hit(event);
      if (target.i >= 0 && target.i !== i && target.zone) {
        this.post(this.meta.linkUrl, { pred: T.id[i], succ: T.id[target.i], type: "FS" }, this.t.linked);
      }
    }
    this.draw();
  };

  Gantt.prototype.confirmUnlink = function (k) {
    var L = this.data.links[k], T = this.T, self = this;
    var text = fmt(this.t.unlinkConfirm, { pred: T.name[L[0]], succ: T.name[L[1]] });
    var remove = function () { self.post(self.meta.unlinkUrl, { dependency: L[3] }, self.t.unlinked); };
    var modal = document.getElementById("tp-confirm");
    if (modal && window.bootstrap) {
      // The shared confirmation dialog: tripod.js stops the first click of a [data-confirm] button, asks, and on
      // "Confirm" clicks it again with data-tp-confirmed="1" set; only that second click removes the link.
      this.root.querySelectorAll("[data-tp-gantt-unlink]").forEach(function (old) { old.remove(); });
      var holder = document.createElement("button");
      holder.type = "button";
      holder.hidden = true;
      holder.dataset.tpGanttUnlink = "";
      holder.dataset.confirm = text;
      holder.addEventListener("click", function () {
        if (holder.dataset.tpConfirmed === "1") { remove(); holder.remove(); }
      });
      this.root.appendChild(holder);
      holder.click();
    } else if (window.confirm(text)) remove();
  };

  Gantt.prototype.post = function (url, fields, success) {
    var self = this, body = new URLSearchParams();
    Object.keys(fields).forEach(function (k) { body.append(k, fields[k]); });
    body.append("baseline", this.baseline === null ? "" : this.baseline);
    this.say(this.t.saving);
    this.root.dataset.state = "saving";
    fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": this.root.dataset.csrf, Accept: "application/json" }
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (json) { return { ok: r.ok, status: r.status, json: json }; });
    }).then(function (res) {
      if (res.ok) {
        self.setData(res.json);
        self.toast(success, "success");
      } else {
        self.root.dataset.state = "ready";
        self.say("");
        var message = res.json.message || (res.status === 403 ? document.body.dataset.tpForbiddenMessage : self.t.failed);
        self.toast(res.status === 409 ? self.t.conflict : message, "error");
        if (res.status === 409) self.load();
        else self.draw(true);
      }
    }).catch(function () {
      self.root.dataset.state = "ready";
      self.say("");
      self.toast(self.t.failed, "error");
    });
  };

  Gantt.prototype.toast = function (message, level) {
    if (window.tripod && window.tripod.toast) window.tripod.toast(message, level);
    else this.say(message);
  };

  // --- wiring ----------------------------------------------------------------------------------------------------
  Gantt.prototype.bind = function () {
    var self = this, scroll = this.scroll;
    scroll.addEventListener("scroll", function () { self.draw(); }, { passive: true });
    this.grid.addEventListener("wheel", function (event) {
      scroll.scrollTop += event.deltaY;
      scroll.scrollLeft += event.deltaX;
      event.preventDefault();
    }, { passive: false });
    scroll.addEventListener("pointermove", function (e) { self.onMove(e); });
    scroll.addEventListener("pointerdown", function (e) { self.onDown(e); });
    scroll.addEventListener("pointerup", function (e) { self.onUp(e); });
    scroll.addEventListener("pointercancel", function () { self.drag = null; self.draw(); });
    scroll.addEventListener("pointerleave", function () {
      if (!self.drag) { self.hover = -1; self.tip.hidden = true; self.draw(); }
    });
    scroll.addEventListener("keydown", function (e) { self.onKey(e); });
    window.addEventListener("resize", function () { self.layout(); self.draw(true); });
    // The data may arrive before the stylesheet has given the chart its height: redraw whenever the chart's box
    // changes size, or only the rows that fitted the first, smaller box would ever be drawn.
    if (window.ResizeObserver) {
      new ResizeObserver(function () { if (self.data) { self.layout(); self.draw(true); } }).observe(scroll);
    }
    this.root.addEventListener("click", function (event) {
      var zoom = event.target.closest("[data-zoom]");
      if (zoom) { self.setZoom(zoom.dataset.zoom); return; }
      var action = event.target.closest("[data-action]");
      if (action && self.data) {
        var what = action.dataset.action;
        if (what === "today") self.scrollToTime(self.meta.today - 7 * DAY);
        else if (what === "expand-all") self.toggleAll(true);
        else if (what === "collapse-all") self.toggleAll(false);
        self.draw();
        return;
      }
      var toggle = event.target.closest("[data-toggle]");
      var row = event.target.closest(".tp-gantt-row");
      if (!row || !self.data) return;
      var i = +row.dataset.index;
      if (toggle) { self.toggle(i); return; }
      self.selected = i;
      if (self.T.start[i] !== null) self.scrollToTime(self.T.start[i] - 2 * DAY);
      self.draw(true);
    });
    this.select.addEventListener("change", function () {
      self.baseline = self.select.value;
      self.load();
    });
  };

  Gantt.prototype.onKey = function (e) {
    var s = this.scroll, page = s.clientHeight - ROW;
    var keys = {
      ArrowDown: function () { s.scrollTop += ROW; },
      ArrowUp: function () { s.scrollTop -= ROW; },
      ArrowRight: function () { s.scrollLeft += 80; },
      ArrowLeft: function () { s.scrollLeft -= 80; },
      PageDown: function () { s.scrollTop += page; },
      PageUp: function () { s.scrollTop -= page; },
      Home: function () { s.scrollTop = 0; },
      End: function () { s.scrollTop = s.scrollHeight; }
    };
    var self = this, z = ZOOMS.indexOf(this.zoom);
    if (keys[e.key]) keys[e.key]();
    else if (e.key === "+" || e.key === "=") this.setZoom(ZOOMS[Math.max(0, z - 1)]);
    else if (e.key === "-" || e.key === "_") this.setZoom(ZOOMS[Math.min(ZOOMS.length - 1, z + 1)]);
    else if (e.key === "t" || e.key === "T") this.scrollToTime(self.meta.today - 7 * DAY);
    else return;
    e.preventDefault();
  };

  function start() {
    document.querySelectorAll("[data-tp-gantt]").forEach(function (root) {
      if (!root.tpGantt) root.tpGantt = new Gantt(root);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
