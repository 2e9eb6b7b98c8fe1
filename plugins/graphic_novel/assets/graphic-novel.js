/* graphic-novel reader enhancements.
 *
 * Everything here is optional: without JavaScript the site is plain pages,
 * links and <details> blocks. With it: arrow-key and swipe paging, a contents
 * menu, resume where you left off, one switch for every prompt block,
 * prompts opened for printing. Works with Material's instant navigation (document$).
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

  /* The page before or after this one: a chapter's own pager, else
   * Material's footer (cover, references). */
  function neighbour(rel) {
    return document.querySelector(".gn-pager--bottom a[rel=" + rel + "]") ||
      document.querySelector(rel === "next" ? "a.md-footer__link--next"
                                            : "a.md-footer__link--prev");
  }

  /* GLightbox on first use: lightbox.py turned mkdocs-glightbox's
   * render-blocking files into options; the first press on a panel link
   * loads GLightbox and opens that panel. Once loaded, GLightbox handles its
   * own clicks (and is reloaded on each instant navigation). */
  var lightboxSetup = null, lightbox = null, lightboxLoading = null;

  function readLightboxSetup() {
    var el = document.getElementById("init-glightbox");
    if (!el || el.type !== "application/json") return;
    try {
      var setup = JSON.parse(el.textContent);
      lightboxSetup = {options: setup.options, css: new URL(setup.css, location.href).href,
                       js: new URL(setup.js, location.href).href};
    } catch (e) { /* left to the links' own behaviour: the picture opens */ }
  }

  function loadLightbox() {
    if (lightboxLoading) return lightboxLoading;
    lightboxLoading = new Promise(function (resolve, reject) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = lightboxSetup.css;
      document.head.appendChild(css);
      var js = document.createElement("script");
      js.src = lightboxSetup.js;
      js.onload = function () { resolve(); };
      js.onerror = reject;
      document.head.appendChild(js);
    }).then(function () {
      lightbox = window.GLightbox(lightboxSetup.options);
      nameLightboxDialog();
      return lightbox;
    });
    return lightboxLoading;
  }

  /* GLightbox's viewer is role="dialog" with no name (axe: aria-dialog-name). */
  function nameLightboxDialog() {
    lightbox.on("open", function () {
      var body = document.getElementById("glightbox-body");
      if (body) body.setAttribute("aria-label", "Panel viewer");
    });
  }

  /* A panel link GLightbox has not bound: before its first use, or in the
   * moment between an instant navigation's new page and document$ (GLightbox
   * binds each link when started or reloaded, and prevents the default on
   * those it has). */
  function lightboxLink(event) {
    if (!lightboxSetup || event.defaultPrevented) return null;
    return event.target.closest ? event.target.closest("a.glightbox") : null;
  }

  document.addEventListener("pointerdown", function (event) {
    if (!lightbox && lightboxLink(event)) loadLightbox().catch(function () {});  // a head start
  });
  document.addEventListener("click", function (event) {
    var link = lightboxLink(event);
    if (!link || event.button || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    var bound = !!lightbox;
    loadLightbox().then(function (box) {
      if (bound) box.reload();  // this page's links, not the last page's
      box.open(link);
    }, function () { location.href = link.href; });
  });

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
        event.shiftKey || typing(event.target) || lightboxOpen() || contentsOpen()) return;
    var handled = false;
    if (event.key === "ArrowLeft") {
      handled = follow(neighbour("prev"));
    } else if (event.key === "ArrowRight") {
      handled = follow(neighbour("next"));
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
    follow(neighbour(dx < 0 ? "next" : "prev"));
  }, { passive: true });

  /* Contents: every page of the story in a dialog, from the list the build
   * writes (one small file, fetched once). Without the script the link goes
   * to the cover's chapter gallery. */
  var contents = null;  // the list, once fetched

  function contentsOpen() {
    var dialog = document.querySelector("dialog.gn-contents");
    return !!(dialog && dialog.open);
  }

  function contentsDialog() {
    var dialog = document.querySelector("dialog.gn-contents");
    if (dialog) return dialog;
    dialog = document.createElement("dialog");
    dialog.className = "gn-contents";
    dialog.setAttribute("aria-labelledby", "gn-contents-title");
    var head = document.createElement("div");
    head.className = "gn-contents__head";
    var title = document.createElement("h2");
    title.id = "gn-contents-title";
    title.textContent = "Contents";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "gn-contents__close";
    close.setAttribute("aria-label", "Close the contents");
    close.textContent = "\u00d7";
    close.addEventListener("click", function () { dialog.close(); });
    head.appendChild(title);
    head.appendChild(close);
    var nav = document.createElement("nav");
    nav.setAttribute("aria-label", "Every page of the story");
    nav.appendChild(document.createElement("ol"));
    dialog.appendChild(head);
    dialog.appendChild(nav);
    // A click on the backdrop (outside the box) closes it; a link closes it
    // and instant navigation takes over.
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();
      else if (event.target.closest && event.target.closest("a")) dialog.close();
    });
    document.body.appendChild(dialog);
    return dialog;
  }

  function fillContents(dialog, data) {
    var list = dialog.querySelector("ol");
    list.textContent = "";
    var here = location.pathname;
    var current = null;
    data.pages.forEach(function (entry) {
      if (typeof entry.url !== "string") return;
      var url = new URL(entry.url, ROOT);
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = url.href;
      var label = document.createElement("span");
      label.className = "gn-contents__label";
      label.textContent = entry.label || "";
      link.appendChild(label);
      link.appendChild(document.createTextNode(entry.title || entry.label || ""));
      if (url.pathname === here) {
        link.setAttribute("aria-current", "page");
        current = link;
      }
      item.appendChild(link);
      list.appendChild(item);
    });
    return current;
  }

  function showContents(source) {
    var dialog = contentsDialog();
    var ready = contents ? Promise.resolve(contents) :
      fetch(source, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      }).then(function (data) { contents = data; return data; });
    return ready.then(function (data) {
      var current = fillContents(dialog, data);
      if (!dialog.open) dialog.showModal();
      if (current) {
        current.scrollIntoView({ block: "center" });
        current.focus();
      }
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.gn-contents-link");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    event.stopPropagation();  // not a page change: instant navigation keeps out
    showContents(link.getAttribute("data-contents")).catch(function () {
      location.href = link.href;  // no list: the cover's gallery instead
    });
  }, true);

  /* Prompts: one switch for every prompt block, remembered across pages. */
  /* On a page's start (atStart) the switch only opens: the page came with every prompt
   * closed, and one the reader opened before the scripts started (they start a frame
   * after the page is parsed, deferred_scripts.py) stays open. */
  function applyPrompts(open, atStart) {
    if (open || !atStart) {
      document.querySelectorAll("details.gn-prompt").forEach(function (d) { d.open = open; });
    }
    document.querySelectorAll(".gn-prompts-toggle").forEach(function (button) {
      button.classList.remove("gn-unwired");
      button.removeAttribute("aria-hidden");
      button.removeAttribute("tabindex");
      button.disabled = false;
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

  /* Progress: remember the chapter; offer it back on the cover (and, on a site
   * with several stories, on the shelf's card). Each story keeps its own. */
  function lastKey(element) {
    var story = element.getAttribute("data-story");
    return story ? "last:" + story : "last";
  }

  function remember() {
    var head = document.querySelector(".gn-chapter-head");
    if (!head) return;
    save(lastKey(head), {
      url: location.pathname,
      label: head.getAttribute("data-label"),
      title: head.getAttribute("data-title")
    });
  }

  function offerResume() {
    document.querySelectorAll("a.gn-continue").forEach(function (button) {
      var last = load(lastKey(button));
      if (!last || typeof last.url !== "string" || last.url.charAt(0) !== "/") return;
      button.href = last.url;
      button.textContent = "Continue reading: " + (last.label ? last.label + " · " : "") +
                           (last.title || "");
      button.hidden = false;
    });
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

  /* The one-page edition draws each chapter only as it nears the screen, its
   * height estimated until then (graphic-novel.css: .gn-onepage-body). Where
   * the browser scrolls by those estimates, the chapters round the new place,
   * drawn a frame later at their real heights, would move the text under the
   * reader. So before a jump, and before the reading place is put back on a
   * return, the chapter of the target and the one above it are drawn first;
   * the chapters further up stay at their estimates, off the screen, and move
   * nothing. A few frames later the browser decides again what to draw. */
  function onePage() { return document.querySelector(".gn-onepage-body") !== null; }

  function drawnAround(element) {
    var section = element.closest(".gn-onepage-chapter");
    if (!section) return;
    var before = section.previousElementSibling;
    var bodies = [section, before && before.matches(".gn-onepage-chapter") ? before : null]
      .map(function (s) { return s && s.querySelector(".gn-onepage-body"); })
      .filter(Boolean);
    bodies.forEach(function (b) { b.style.contentVisibility = "visible"; });
    var frames = 3;
    (function later() {
      if (--frames) return requestAnimationFrame(later);
      bodies.forEach(function (b) { b.style.contentVisibility = ""; });
    })();
  }

  function jumpTarget(hash) {
    if (hash.length < 2) return null;
    var id = hash.slice(1);
    try { id = decodeURIComponent(id); } catch (e) { /* not encoded: the id as written */ }
    return document.getElementById(id);
  }
  /* A link followed on the one-page edition: the place kept (Material's
   * instant navigation leaves without a pagehide), and for a jump within the
   * page, the chapters drawn before the browser scrolls (it does after this
   * event). Material's instant navigation makes every link absolute. */
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || !onePage()) return;
    keepPlace();
    var here = link.origin === location.origin && link.pathname === location.pathname;
    var target = here && jumpTarget(link.hash);
    if (target) drawnAround(target);
  }, true);
  /* A jump the browser made before this script ran (a link from elsewhere,
   * with the page's first load): made again, unless the reader has since
   * scrolled the target off the screen. */
  function settleJump() {
    var target = jumpTarget(location.hash);
    if (!target || Math.abs(target.getBoundingClientRect().top) > innerHeight) return;
    drawnAround(target);
    target.scrollIntoView();
  }

  /* The reading place: the chapter, the block of its body a third of the way
   * down the screen, and that block's distance from the top. Found by a hit
   * test, so no chapter off screen is laid out to find it. Kept for this tab
   * as the reader stops scrolling and as the page is left. */
  var PLACE = "gn-place:";
  function readingPlace() {
    var y = innerHeight / 3;
    var hit = document.elementFromPoint(innerWidth / 2, y);
    var body = hit && hit.closest(".gn-onepage-body");
    var heading = body && body.parentElement.querySelector("h2[id]");
    if (!heading) return null;
    for (var i = 0; i < body.children.length; i++) {
      var box = body.children[i].getBoundingClientRect();
      if (box.bottom > y) return {chapter: heading.id, block: i, top: box.top};
    }
    return null;
  }
  function keepPlace() {
    var place = onePage() && readingPlace();
    if (!place) return;  // a heading, a gap or an overlay at the line: the last place stands
    try {
      sessionStorage.setItem(PLACE + location.pathname, JSON.stringify(place));
    } catch (e) { /* storage off: the browser's own offset stands */ }
  }
  var placeTimer = 0;
  window.addEventListener("scroll", function () {
    clearTimeout(placeTimer);
    placeTimer = setTimeout(keepPlace, 200);
  }, {passive: true});
  window.addEventListener("pagehide", keepPlace);

  /* Back, forward or reload (a load of the browser's, or Material's instant
   * navigation going back to another page): the browser restores the scroll
   * offset, and the reading place is put back over it. */
  var returning = (function () {
    var entry = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    return !!entry && (entry.type === "back_forward" || entry.type === "reload");
  })();
  var shownPath = location.pathname;
  window.addEventListener("popstate", function () {
    returning = !!window.document$ && location.pathname !== shownPath;
  });
  function restorePlace() {
    var place = null;
    try { place = JSON.parse(sessionStorage.getItem(PLACE + location.pathname)); } catch (e) { /* none */ }
    var heading = place && document.getElementById(place.chapter);
    var body = heading && heading.parentElement.querySelector(".gn-onepage-body");
    var block = body && body.children[place.block];
    if (!block) return;
    drawnAround(block);
    scrollBy({top: block.getBoundingClientRect().top - place.top, behavior: "instant"});
  }

  function settleOnePage() {
    if (onePage()) {
      if (returning) restorePlace();
      else settleJump();
    }
    returning = false;
    shownPath = location.pathname;
  }

  function onPage() {
    if (!lightboxSetup) readLightboxSetup();
    if (lightbox) lightbox.reload();  // its "open" handler (the dialog's name) stays
    var stale = document.querySelector("dialog.gn-contents");
    if (stale && stale.open) stale.close();
    applyPrompts(load("prompts") === true, true);
    remember();
    offerResume();
    settleOnePage();  // last: opening the prompts moves what follows them
  }

  /* Offline reading: the build names its service worker in a meta tag (never
   * under `mkdocs serve`). Without the tag, a worker a real build left on this
   * address is removed, so a preview never shows cached pages. */
  function setUpOffline() {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
    var meta = document.querySelector('meta[name="graphic-novel:offline"]');
    if (meta) {
      navigator.serviceWorker.register(new URL(meta.content, location.href).href, {scope: ROOT})
        .catch(function () { /* private mode or blocked: the site works online */ });
    } else {
      navigator.serviceWorker.getRegistration(ROOT).then(function (reg) {
        if (reg && reg.scope === ROOT) reg.unregister();
      });
    }
  }
  /* Registered once the page has loaded, a few seconds have passed and the
   * browser is idle: the worker's first fill downloads the whole site, and on a
   * phone that must not compete with the page the reader is looking at
   * (measured: registering at "load" cost Lighthouse's mobile score 15 points). */
  var OFFLINE_DELAY_MS = 8000;
  function setUpOfflineWhenIdle() {
    setTimeout(function () {
      if (window.requestIdleCallback) window.requestIdleCallback(setUpOffline, {timeout: 4000});
      else setUpOffline();
    }, OFFLINE_DELAY_MS);
  }
  if (document.readyState === "complete") setUpOfflineWhenIdle();
  else window.addEventListener("load", setUpOfflineWhenIdle);

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onPage);
  } else {
    onPage();
  }
})();
