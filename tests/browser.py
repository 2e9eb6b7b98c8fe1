"""Browser test support: serve a built site on 127.0.0.1 and drive Debian's Chromium."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def chromium_path() -> str:
    """Debian's Chromium; the suite fails (never skips) without it: `make test` installs it."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("Chromium is not installed: run `make test` (it installs Debian's "
                       "chromium package) or `apt-get install chromium`.")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a browser cancelling a request (broken pipe) is not a test failure


class SiteServer:
    """A built site on 127.0.0.1, on a free port (``handler``: how files are sent)."""

    def __init__(self, root: Path, handler_class: type = _Quiet):
        handler = functools.partial(handler_class, directory=str(root))
        self.httpd = _Server(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# Material's bundle and the reader's script start a frame after DOMContentLoaded
# (deferred_scripts.py), which on this fast local host can be after the load event that
# goto and reload wait for. A reader cannot press a key that soon; a test that acts at once
# waits until every script has run and Material's document$ has emitted.
_COUNT_SCRIPTS = """document.addEventListener("load", (e) => {
  if (e.target.tagName === "SCRIPT") window.__scriptsRun = (window.__scriptsRun || 0) + 1;
}, true);"""
_SCRIPTS_RAN = """() => {
  const n = document.querySelectorAll("body script[src]").length;
  return n > 0 && (window.__scriptsRun || 0) >= n && typeof window.document$ === "object";
}"""
_DOCUMENT_EMITTED = "() => new Promise((r) => window.document$.subscribe(() => setTimeout(r)))"


def scripts_started(page) -> None:
    """Wait until the page's scripts have run and Material's document$ has emitted: after
    a click that loaded a whole page, on a page set up by :func:`started_on_load`."""
    page.wait_for_function(_SCRIPTS_RAN)
    page.evaluate(_DOCUMENT_EMITTED)


def started_on_load(page) -> None:
    """Make ``page.goto`` and ``page.reload`` return once the page's scripts have started
    (for pages of the built site, which all load Material's bundle)."""
    page.add_init_script(_COUNT_SCRIPTS)

    def started(navigate):
        def go(*args, **kwargs):
            response = navigate(*args, **kwargs)
            scripts_started(page)
            return response
        return go

    page.goto, page.reload = started(page.goto), started(page.reload)
