/* graphic-novel reader enhancements.
 *
 * Everything here is optional: without JavaScript the site is plain pages,
 * links and <details> blocks. With it: arrow-key and swipe paging, resume
 * where you left off, one switch for every prompt block, prompts opened for
 * printing. Works with Material's instant navigation (document$).
 */
(function () {
  "use strict";

  /* The site root, resolved once against the page first loaded: Material's
   * instant navigation swaps pages without touching #__config, whose base is
   * relative to that first page. */
  var ROOT = (function () {
    try {
      return new URL(JSON.parse(document.getElementById("__config").textContent).base + "/",
                     location.href).href;
    } catch (e) {
      var logo = document.querySelector("a.md-logo");
      return logo ? logo.href : new URL("/", location.href).href;
    }
  })();
  var STORE = "gn:" + new URL(ROOT).pathname;

  function load(key) {
    try { return JSON.parse(localStorage.getItem(STORE + key)); } catch (e) { return null; }
  }
  function save(key, value) {
    try { localStorage.setItem(STORE + key, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }

  function follow(link) {
    if (!link) return false;
    link.click();  // Material's instant navigation intercepts the click
    return true;
  }

  function lightboxOpen() {
    return document.documentElement.classList.contains("glightbox-open");
  }

  function typing(target) {
    if (!target || !target.closest) return false;
    return !!target.closest("input, textarea, select, [contenteditable=''], " +
                            "[contenteditable='true'], .md-search");
  }

  /* Keyboard: Left/Right turn the page, Home goes to the cover. */
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey ||
        event.shiftKey || typing(event.target) || lightboxOpen()) return;
    var handled = false;
    if (event.key === "ArrowLeft") {
      handled = follow(document.querySelector("a.md-footer__link--prev"));
    } else if (event.key === "ArrowRight") {
      handled = follow(document.querySelector("a.md-footer__link--next"));
    } else if (event.key === "Home" && location.href.split("#")[0] !== ROOT) {
      // Through a real link, so instant navigation handles it like the arrows
      // (a plain location change can be cancelled by its history updates).
      var home = document.createElement("a");
      home.href = ROOT;
      home.hidden = true;
      document.body.appendChild(home);
      handled = follow(home);
      home.remove();
    }
    if (handled) event.preventDefault();
  });

  /* Swipe: a quick, mostly horizontal one-finger stroke turns the page.
   * Listeners are passive, so vertical scrolling and pinch-zoom are untouched. */
  var touch = null;
  document.addEventListener("touchstart", function (event) {
    if (event.touches.length !== 1 || lightboxOpen() ||
        (window.visualViewport && window.visualViewport.scale > 1.01) ||
        (event.target.closest && event.target.closest("pre, table, .md-typeset__scrollwrap, " +
                                                      ".md-sidebar, input, textarea"))) {
      touch = null;
      return;
    }
    var t = event.touches[0];
    touch = { x: t.clientX, y: t.clientY, time: Date.now() };
  }, { passive: true });
  document.addEventListener("touchmove", function (event) {
    if (event.touches.length > 1) touch = null;  // a pinch, not a swipe
  }, { passive: true });
  document.addEventListener("touchend", function (event) {
    if (!touch || event.changedTouches.length !== 1) return;
    var t = event.changedTouches[0];
    var dx = t.clientX - touch.x, dy = t.clientY - touch.y;
    var quick = Date.now() - touch.time < 800;
    touch = null;
    if (!quick || Math.abs(dx) < 70 || Math.abs(dx) < 2 * Math.abs(dy)) return;
    follow(document.querySelector(dx < 0 ? "a.md-footer__link--next"
                                          : "a.md-footer__link--prev"));
  }, { passive: true });

  /* Prompts: one switch for every prompt block, remembered across pages. */
  function applyPrompts(open) {
    document.querySelectorAll("details.gn-prompt").forEach(function (d) { d.open = open; });
    document.querySelectorAll(".gn-prompts-toggle").forEach(function (button) {
      button.hidden = false;
      button.setAttribute("aria-pressed", open ? "true" : "false");
      button.textContent = open ? "Hide all prompts" : "Show all prompts";
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".gn-prompts-toggle");
    if (!button) return;
    var open = button.getAttribute("aria-pressed") !== "true";
    save("prompts", open);
    applyPrompts(open);
  });

  /* Progress: remember the chapter; offer it back on the cover. */
  function remember() {
    var head = document.querySelector(".gn-chapter-head");
    if (!head) return;
    save("last", {
      url: location.pathname,
      label: head.getAttribute("data-label"),
      title: head.getAttribute("data-title")
    });
  }

  function offerResume() {
    var button = document.querySelector("a.gn-continue");
    var last = load("last");
    if (!button || !last || typeof last.url !== "string" || last.url.charAt(0) !== "/") return;
    button.href = last.url;
    button.textContent = "Continue reading: " + (last.label ? last.label + " · " : "") +
                         (last.title || "");
    button.hidden = false;
  }

  /* Printing: open every prompt for the paper copy, then put them back. */
  var closedForPrint = [];
  window.addEventListener("beforeprint", function () {
    closedForPrint = Array.prototype.filter.call(
      document.querySelectorAll("details"), function (d) { return !d.open; });
    closedForPrint.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closedForPrint.forEach(function (d) { d.open = false; });
    closedForPrint = [];
  });

  function onPage() {
    applyPrompts(load("prompts") === true);
    remember();
    offerResume();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onPage);
  } else {
    onPage();
  }
})();
