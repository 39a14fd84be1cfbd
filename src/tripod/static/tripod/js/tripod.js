/*
 * Tripod's own behaviour, shared by every page. No inline scripts anywhere (the CSP allows only 'self'):
 * pages declare what they want with data attributes and this file wires it up.
 *
 *   [data-tp-toast]        a Bootstrap toast shown on load (Django messages become toasts)
 *   [data-confirm="text"]  a button or link that asks for confirmation in the shared dialog first
 *                          (also works on HTMX elements: the request is issued only after "Confirm")
 *   [data-tp-autosubmit]   a form control that submits its form when changed (filter selects)
 *   HX-Trigger: {"tripod:toast": {"message": "...", "level": "success"}}  a toast from an HTMX response
 */
(function () {
  "use strict";

  function showToasts(root) {
    if (!window.bootstrap) return;
    root.querySelectorAll("[data-tp-toast]:not(.showing):not(.show)").forEach(function (el) {
      if (el.closest("template")) return;
      bootstrap.Toast.getOrCreateInstance(el, { delay: 6000 }).show();
      el.addEventListener("hidden.bs.toast", function () { el.remove(); });
    });
  }

  function toast(message, level) {
    var template = document.getElementById("tp-toast-template");
    var container = document.getElementById("tp-toasts");
    if (!template || !container) return;
    var el = template.content.firstElementChild.cloneNode(true);
    el.className = el.className.replace(/tp-toast-\w+/, "tp-toast-" + (level || "info"));
    el.querySelector(".tp-toast-text").textContent = message;
    container.appendChild(el);
    showToasts(container);
  }
  window.tripod = { toast: toast };

  // --- confirmation dialog -------------------------------------------------------------------------------
  var pending = null;

  function askConfirmation(text, onConfirm) {
    var modalEl = document.getElementById("tp-confirm");
    if (!modalEl || !window.bootstrap) {
      if (window.confirm(text)) onConfirm();
      return;
    }
    modalEl.querySelector("[data-tp-confirm-text]").textContent = text;
    pending = onConfirm;
    bootstrap.Modal.getOrCreateInstance(modalEl).show();
  }

  document.addEventListener("click", function (event) {
    var ok = event.target.closest("[data-tp-confirm-ok]");
    if (ok) {
      var modalEl = document.getElementById("tp-confirm");
      var action = pending;
      pending = null;
      bootstrap.Modal.getOrCreateInstance(modalEl).hide();
      if (action) action();
      return;
    }
    var trigger = event.target.closest("[data-confirm]");
    if (!trigger || trigger.hasAttribute("hx-get") || trigger.hasAttribute("hx-post") ||
        trigger.hasAttribute("hx-delete") || trigger.hasAttribute("hx-put") || trigger.hasAttribute("hx-patch")) {
      return; // HTMX elements are handled by the htmx:confirm listener below
    }
    if (trigger.dataset.tpConfirmed === "1") {
      delete trigger.dataset.tpConfirmed;
      return;
    }
    event.preventDefault();
    askConfirmation(trigger.dataset.confirm, function () {
      trigger.dataset.tpConfirmed = "1";
      if (trigger.form) {
        trigger.form.requestSubmit(trigger.type === "submit" ? trigger : undefined);
      } else {
        trigger.click();
      }
    });
  });

  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.hasAttribute("data-confirm")) return;
    event.preventDefault();
    askConfirmation(elt.getAttribute("data-confirm"), function () { event.detail.issueRequest(true); });
  });

  // --- auto-submitting filters -----------------------------------------------------------------------------
  document.addEventListener("change", function (event) {
    var el = event.target.closest("[data-tp-autosubmit]");
    if (!el || !el.form || el.hasAttribute("hx-get")) return;
    el.form.requestSubmit();
  });

  // --- HTMX integration -------------------------------------------------------------------------------------
  document.addEventListener("tripod:toast", function (event) {
    var detail = event.detail || {};
    toast(detail.message || detail.value || "", detail.level);
  });

  document.addEventListener("htmx:afterSwap", function (event) { showToasts(event.target); });

  // A partial request that ended on the login page (the session expired): go there instead of swapping it in.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var marker = document.querySelector("[data-tp-login-url]");
    var xhr = event.detail.xhr;
    if (!marker || !xhr || !xhr.responseURL) return;
    var loginPath = marker.getAttribute("data-tp-login-url");
    if (new URL(xhr.responseURL).pathname === loginPath) {
      event.detail.shouldSwap = false;
      window.location.assign(xhr.responseURL.replace(/next=[^&]*/, "next=" + encodeURIComponent(location.pathname + location.search)));
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var message = document.body.dataset.tpErrorMessage || "Something went wrong.";
    if (xhr && xhr.status === 403) message = document.body.dataset.tpForbiddenMessage || message;
    toast(message, "error");
  });

  // Close the search results when clicking elsewhere or pressing Escape.
  document.addEventListener("click", function (event) {
    var results = document.getElementById("search-results");
    if (results && !event.target.closest(".tp-search")) results.innerHTML = "";
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var results = document.getElementById("search-results");
    if (results) results.innerHTML = "";
  });

  document.addEventListener("DOMContentLoaded", function () { showToasts(document); });
})();
