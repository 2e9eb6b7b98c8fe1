"""The first paint on a slow phone: nothing moves once drawn, nothing blocks it needlessly.

The default story built with the repository's own mkdocs.yml, loaded over a throttled
connection (150 ms round trips, 1.6 Mbit/s, the CPU four times slower), as Lighthouse's
mobile run does.
"""

from __future__ import annotations

import re

import pytest

from graphic_novel.deferred_scripts import loaded_scripts

SLOW_PHONE = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8,
              "uploadThroughput": 0.75e6 / 8}
LAYOUT_SHIFTS = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (!e.hadRecentInput) window.__shifts.push({value: e.value,
      nodes: e.sources.map((s) => s.node ? s.node.nodeName + "." + s.node.className : "")});
  }
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.fixture(scope="module")
def default_site(default_story_site):
    return default_story_site.url, default_story_site.project.site


@pytest.mark.parametrize("path", ["", "chapters/05-small-beats-big/", "chapters/all/"])
def test_nothing_moves_once_drawn_on_a_slow_phone(browser, default_site, path):
    """Layout shift under 0.01 (Lighthouse's 'good' is 0.1; it scores 100 below about 0.04).
    Before the page kind went on Material's article and the title face had a
    width-matched fallback, the cover's title jumped (0.05)."""
    url, _ = default_site
    context = browser.new_context(viewport={"width": 412, "height": 823},
                                  device_scale_factor=1.75)
    try:
        page = context.new_page()
        page.add_init_script(LAYOUT_SHIFTS)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_PHONE)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready")
        page.wait_for_timeout(500)
        shifts = page.evaluate("window.__shifts")
        assert sum(s["value"] for s in shifts) < 0.01, shifts
        # The display face did arrive and is what the title is set in.
        assert page.evaluate("document.fonts.check('400 40px \"GN Display\"')")
    finally:
        context.close()


def test_story_pages_carry_their_kind_on_materials_article(default_site):
    """The reading layout keys on these classes (graphic-novel.css). If Material's
    article markup changes, the classes go missing and this fails."""
    _, site = default_site
    kinds = {"index.html": "cover", "chapters/05-small-beats-big/index.html": "chapter",
             "references/index.html": "references", "chapters/all/index.html": "onepage"}
    for page, kind in kinds.items():
        html = (site / page).read_text("utf-8")
        assert f'<article class="md-content__inner md-typeset gn-page gn-page--{kind}">' in html
    assert "gn-page--" not in (site / "404.html").read_text("utf-8")


def test_nothing_render_blocking_but_the_stylesheets(default_site):
    """In <head>: no synchronous script but Material's tiny inline one; the lightbox's
    files are not there at all; the plugin's own files are minified."""
    _, site = default_site
    for page in ("index.html", "chapters/05-small-beats-big/index.html"):
        head = (site / page).read_text("utf-8").split("</head>", 1)[0]
        assert not re.search(r"<script[^>]+src=", head), page
        assert "glightbox.min" not in head
        css = re.findall(r'href="([^"]*graphic-novel\.[0-9a-f]{8}\.min\.css)"', head)
        assert len(css) == 1
        text = (site / page).parent.joinpath(css[0]).resolve().read_text("utf-8")
        assert "\n" not in text.strip() and "/*" not in text


def test_materials_bundle_and_the_readers_script_start_after_the_first_frame_on_every_page_kind(
        default_site):
    """Pins Material's script block (material/templates/base.html, block scripts): if the
    bundle's tag changes shape, the plugin no longer hands it to the loader and this fails."""
    _, site = default_site
    chapter = sorted(site.glob("chapters/0*/index.html"))[0]
    for html in (site / "index.html", chapter, site / "chapters/all/index.html",
                 site / "references/index.html", site / "404.html"):
        text = html.read_text("utf-8")
        body = text.split("<body", 1)[1]
        assert not re.findall(r"<script\b[^>]*\bsrc=", body), html  # no tag of their own
        loaded = loaded_scripts(text)
        assert "assets/javascripts/bundle." in loaded[0], (html, loaded)
        assert any("assets/graphic-novel/graphic-novel." in src for src in loaded[1:]), html


def test_the_first_panel_is_preloaded_as_the_page_will_fetch_it(default_site):
    """Cover and chapters preload their high-priority panel with the image's own srcset
    and sizes (so the browser picks the same file); the one-page edition, whose first
    screen is text, preloads none."""
    _, site = default_site
    for page in ("index.html", "chapters/05-small-beats-big/index.html"):
        html = (site / page).read_text("utf-8")
        head, body = html.split("</head>", 1)
        link = re.search(r'<link rel="preload" as="image" href="([^"]+)" imagesrcset="([^"]+)" '
                         r'imagesizes="([^"]+)" fetchpriority="high">', head)
        assert link, page
        img = re.search(r'<img src="([^"]+)" srcset="([^"]+)" sizes="([^"]+)"[^>]*'
                        r'fetchpriority="high"', body)
        assert img and link.groups() == img.groups(), page
    head, body = (site / "chapters/all/index.html").read_text("utf-8").split("</head>", 1)
    assert 'rel="preload" as="image"' not in head
    panels = re.findall(r'<img [^>]*>', body)
    assert len(panels) > 50 and 'fetchpriority="high"' not in body
    assert all('loading="lazy"' in img for img in panels)


@pytest.mark.parametrize("width,height", [(390, 844), (1366, 768)])
def test_the_one_page_editions_first_panel_is_below_the_first_screen(browser, default_site,
                                                                      width, height):
    """Why the one-page edition asks for no panel early: its title and list of chapters
    fill the first screen, on a phone and on a laptop."""
    url, _ = default_site
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        page.goto(url + "chapters/all/")
        top = page.evaluate("document.querySelector('figure.gn-panel img')"
                            ".getBoundingClientRect().top")
        assert top > height * 1.2, top
    finally:
        page.close()


@pytest.mark.parametrize("scheme,expected", [("dark", "slate"), ("light", "default")])
def test_a_first_visit_is_drawn_in_the_systems_palette_before_materials_bundle_runs(
        browser, default_site, scheme, expected):
    """The bundle starts a frame after parsing (deferred_scripts.py); the loader picks the
    palette whose media query matches before the first frame, as Material's palette
    component does later. Here the bundle never arrives at all."""
    url, _ = default_site
    context = browser.new_context(color_scheme=scheme)
    try:
        page = context.new_page()
        page.route("**/assets/javascripts/bundle.*.min.js", lambda route: route.abort())
        page.goto(url + "chapters/05-small-beats-big/")
        assert page.evaluate("typeof window.document$") == "undefined"  # no bundle
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
    finally:
        context.close()


def test_every_page_with_a_title_preloads_the_titles_face(default_site):
    """The display face is asked for with the stylesheets, not once they are applied:
    the same file the stylesheet's first @font-face names, on every page with an h1."""
    from graphic_novel import site_assets

    _, site = default_site
    css = next((site / site_assets.FOLDER).glob("graphic-novel.*.min.css")).read_text("utf-8")
    first_face = re.search(r'@font-face\{[^}]*src:url\("([^"]+)"\)', css).group(1)
    assert f"{site_assets.FOLDER}/{first_face}" == site_assets.DISPLAY_FONT
    for page in ("index.html", "chapters/05-small-beats-big/index.html",
                 "chapters/all/index.html", "references/index.html"):
        head = (site / page).read_text("utf-8").split("</head>", 1)[0]
        links = re.findall(r'<link rel="preload" href="([^"]+)" as="font" type="font/woff2" '
                           r'crossorigin>', head)
        assert len(links) == 1, page
        assert ((site / page).parent / links[0]).resolve() == (site / site_assets.DISPLAY_FONT)


def test_the_preloaded_face_is_fetched_once_and_used(browser, default_site):
    """The preload and the stylesheet's request are one fetch (the preload's crossorigin
    matches a font's), and Chromium does not warn of a preload left unused."""
    url, _ = default_site
    page = browser.new_page()
    try:
        fonts, warnings = [], []
        page.on("request", lambda r: fonts.append(r.url) if r.url.endswith(".woff2") else None)
        page.on("console", lambda m: warnings.append(m.text) if "preload" in m.text else None)
        page.goto(url + "chapters/05-small-beats-big/")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.fonts.check('400 40px \"GN Display\"')")
        page.wait_for_timeout(3500)  # Chromium's unused-preload warning comes after 3 s
        assert [f.rsplit("/", 1)[-1] for f in fonts] == ["bangers-latin-400-normal.woff2"]
        assert warnings == []
    finally:
        page.close()
