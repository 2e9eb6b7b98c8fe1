"""Which rendition of each panel the browser fetches, and whether each picture's `sizes`
(slots.py) says how wide the layout really shows it. The default story, built with the
repository's own mkdocs.yml, in Debian's Chromium.

Renditions are `assets/panels/<id>-<thumb|mid|full>-<hash>.webp`, 480, 800 and 1600 px
wide. Service workers are blocked: the offline precache fetches every rendition on
purpose, and this measures what the page itself asks for.
"""

from __future__ import annotations

import re

import pytest

from sites import Site
from test_reader import DESKTOP, PHONE

RENDITIONS = {"thumb": 480, "mid": 800, "full": 1600}
PANEL_FILE = re.compile(r"/assets/panels/(?P<id>[^/]+)-(?P<kind>thumb|mid|full)-[0-9a-f]+\.webp$")
CHAPTER = "chapters/05-small-beats-big/"  # a lone panel and a row of two
PANEL_IMAGES = "figure.gn-panel img, figure.gn-cover-panel img, .gn-card img"


@pytest.fixture(scope="module")
def site(default_story_site) -> Site:
    assert CHAPTER in [c["url"] for c in default_story_site.chapters]
    return default_story_site


def _expected(needed_px: float) -> str:
    """The smallest rendition at least ``needed_px`` wide, else the largest."""
    fits = [kind for kind, width in sorted(RENDITIONS.items(), key=lambda kv: kv[1])
            if width >= needed_px - 0.5]
    return fits[0] if fits else "full"


SCREENS = {"phone-dpr3": (PHONE, 3, True), "desktop-dpr1": (DESKTOP, 1, False)}


@pytest.mark.parametrize("path", ["", CHAPTER], ids=["cover", "chapter"])
@pytest.mark.parametrize("screen", SCREENS)
def test_each_panel_fetches_the_smallest_rendition_that_is_sharp(browser, site, screen, path):
    viewport, dpr, mobile = SCREENS[screen]
    context = browser.new_context(viewport=viewport, device_scale_factor=dpr, is_mobile=mobile,
                                  has_touch=mobile, service_workers="block")
    try:
        page = context.new_page()
        fetched: dict[str, set[str]] = {}

        def record(response):
            m = PANEL_FILE.search(response.url)
            if m and response.ok:
                fetched.setdefault(m["id"], set()).add(m["kind"])

        page.on("response", record)
        page.goto(site.url + path)
        images = page.locator(PANEL_IMAGES)
        count = images.count()
        assert count >= (2 if path else 5), count
        seen = []
        for i in range(count):
            img = images.nth(i)
            # Each picture as it comes into view, the way a reader scrolls to it.
            img.scroll_into_view_if_needed()
            page.wait_for_function("img => img.complete && img.naturalWidth > 0 && img.currentSrc",
                                   arg=img.element_handle())
            shown = img.evaluate("img => ({src: img.currentSrc, "
                                 "width: img.getBoundingClientRect().width})")
            m = PANEL_FILE.search(shown["src"])
            assert m, shown
            want = _expected(shown["width"] * dpr)
            seen.append((m["id"], m["kind"], round(shown["width"], 1), want))
        page.wait_for_load_state("networkidle")
        wrong = [s for s in seen if s[1] != s[3]]
        assert not wrong, (f"{screen} {path or 'cover'}: (panel, fetched, shown px, wanted) "
                           f"where the rendition is not the smallest >= shown width x {dpr}: "
                           f"{wrong}")
        for panel, kind, width, _ in seen:
            larger = {k for k in fetched.get(panel, set())
                      if RENDITIONS[k] > RENDITIONS[kind]}
            assert not larger, (f"{screen} {path or 'cover'}: panel {panel} shows {kind} "
                                f"({width} px) but also fetched {sorted(larger)}")
            assert kind in fetched.get(panel, set()), (panel, kind, fetched.get(panel))
    finally:
        context.close()


# What `sizes` says, evaluated in the page the way the browser does: the first entry
# whose media condition matches (or the last), its length measured on a scratch element.
MEASURE = """() => {
    const split = s => {  // on top-level commas only
        const out = []; let depth = 0, start = 0;
        for (let i = 0; i < s.length; i++) {
            if (s[i] === '(') depth++;
            else if (s[i] === ')') depth--;
            else if (s[i] === ',' && depth === 0) { out.push(s.slice(start, i)); start = i + 1; }
        }
        out.push(s.slice(start));
        return out.map(x => x.trim()).filter(Boolean);
    };
    const parse = entry => {  // [media condition, length]: the length is the last part
        let i = entry.length - 1;
        if (entry[i] === ')') {
            let depth = 0;
            for (; i >= 0; i--) {
                if (entry[i] === ')') depth++;
                else if (entry[i] === '(' && --depth === 0) break;
            }
            while (i > 0 && /[a-z-]/i.test(entry[i - 1])) i--;  // calc( min( ...
        } else {
            i = entry.search(/\\S+$/);
        }
        return [entry.slice(0, i).trim(), entry.slice(i).trim()];
    };
    const px = length => {
        const probe = document.createElement('div');
        probe.style.cssText = 'position:absolute;left:0;top:0;height:1px;visibility:hidden';
        probe.style.width = length;
        if (!probe.style.width) throw new Error('not a length: ' + length);
        document.body.appendChild(probe);
        const w = probe.getBoundingClientRect().width;
        probe.remove();
        return w;
    };
    return [...document.querySelectorAll('img[sizes]')].map(img => {
        const entries = split(img.getAttribute('sizes')).map(parse);
        const hit = entries.find(([media]) => !media || matchMedia(media).matches) ||
                    entries[entries.length - 1];
        const r = img.getBoundingClientRect();
        const unit = img.closest('.gn-panel-unit');
        const lone = unit && !unit.parentElement.classList.contains('gn-row');
        const capped = lone && unit.getBoundingClientRect().width <
                       unit.parentElement.clientWidth - 1 &&
                       r.height >= 0.92 * innerHeight - 1;
        return {img: img.getAttribute('src').split('/').pop(), entry: hit.join(' '),
                sizes: px(hit[1]), width: r.width, height: r.height,
                portrait: img.naturalHeight > img.naturalWidth ||
                          +img.getAttribute('height') > +img.getAttribute('width'),
                lone: !!lone, capped: !!capped};
    });
}"""

WIDTHS = {390: 844, 768: 1024, 1024: 768, 1366: 900, 1920: 1080}
LAYOUTS = {"cover": "", "row-chapter": CHAPTER, "one-page": "chapters/all/"}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_sizes_says_how_wide_each_picture_is_shown(browser, site, layout, width):
    context = browser.new_context(viewport={"width": width, "height": WIDTHS[width]},
                                  service_workers="block")
    try:
        page = context.new_page()
        page.goto(site.url + LAYOUTS[layout])
        if layout == "row-chapter":
            assert page.locator(".gn-row img[sizes]").count() >= 2
        rows = page.evaluate(MEASURE)
        assert len(rows) >= 2, rows
        bad = []
        for row in rows:
            under = row["sizes"] < row["width"] - 2  # never: the browser would pick too small
            over = row["sizes"] > row["width"] * 1.12
            if over and row["lone"] and (row["portrait"] or row["capped"]):
                over = False  # narrowed by its height cap: sizes may say more
            if under or over:
                bad.append(f"{row['img']}: sizes gives {row['sizes']:.1f} px "
                           f"({row['entry']}), shown {row['width']:.1f} x "
                           f"{row['height']:.1f} px")
        assert not bad, f"{layout} at {width} px:\n" + "\n".join(bad)
    finally:
        context.close()
