"""Screenshots of a built site for a person to look at.

    python tests/tools/shoot.py SITE_DIR OUT_DIR [path ...]

Each path at phone (390 px) and desktop (1366 px) width, light and dark.
"""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from browser import CHROMIUM_ARGS, SiteServer, chromium_path

site, out = Path(sys.argv[1]), Path(sys.argv[2])
paths = sys.argv[3:] or [""]
out.mkdir(parents=True, exist_ok=True)
server = SiteServer(site)
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    for scheme in ("light", "dark"):
        for width, height in ((390, 844), (1366, 900)):
            ctx = browser.new_context(viewport={"width": width, "height": height},
                                      color_scheme=scheme)
            page = ctx.new_page()
            for path in paths:
                page.goto(server.url + path)
                page.wait_for_load_state("networkidle")
                name = (path.strip("/").replace("/", "_") or "cover") + f"-{width}-{scheme}.png"
                page.screenshot(path=str(out / name), full_page=True)
                print(out / name)
            ctx.close()
    browser.close()
server.close()
