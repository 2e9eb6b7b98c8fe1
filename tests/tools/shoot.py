"""Screenshot pages of a built site: python shoot.py SITE_DIR OUT_DIR path [path ...]

Widths: phone (390) and desktop (1366); palettes: light and dark.
"""
import functools, http.server, sys, threading
from pathlib import Path
from playwright.sync_api import sync_playwright

site, out = Path(sys.argv[1]), Path(sys.argv[2])
paths = sys.argv[3:] or [""]
out.mkdir(parents=True, exist_ok=True)
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass
handler = functools.partial(Quiet, directory=str(site))
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_port}/"
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
    for scheme in ("light", "dark"):
        for width, height in ((390, 844), (1366, 900)):
            ctx = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
            page = ctx.new_page()
            for path in paths:
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                name = (path.strip("/").replace("/", "_") or "cover") + f"-{width}-{scheme}.png"
                page.screenshot(path=str(out / name), full_page=True)
                print(out / name)
            ctx.close()
    browser.close()
server.shutdown()
