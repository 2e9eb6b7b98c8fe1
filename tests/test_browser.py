"""The reader's experience in a real headless Chromium (Playwright + Debian's chromium)."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from browser import SiteServer, scripts_started, started_on_load
from conftest import make_project

PAGES = ["", "chapters/01-storm/", "references/", "chapters/all/"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("browser"))
    result = project.build()
    assert result.ok, result.error + result.log
    server = SiteServer(project.site)
    yield server.url
    server.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    started_on_load(pg)
    errors = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert not errors, errors  # no script error on any page visited


def test_arrow_keys_turn_pages_and_home_goes_to_cover(page, site):
    page.goto(site + "chapters/01-storm/")
    page.keyboard.press("ArrowRight")
    _settled(page, site, "chapters/02-lens/")
    expect(page.locator("h1")).to_have_text("A New Lens")
    page.keyboard.press("ArrowLeft")
    _settled(page, site, "chapters/01-storm/")
    expect(page.locator("h1")).to_have_text("The Storm")
    page.keyboard.press("Home")
    expect(page).to_have_url(site)
    # Home still finds the cover after instant navigation from the cover itself,
    # when Material's base path was resolved on a page at another depth.
    page.locator("a.gn-start").click()
    _settled(page, site, "chapters/01-storm/")
    page.keyboard.press("Home")
    expect(page).to_have_url(site)
    expect(page.locator(".md-content h1")).to_have_text("The Little Lighthouse")


def test_arrow_keys_do_nothing_while_typing_in_search(page, site):
    page.goto(site + "chapters/01-storm/")
    search = page.locator("input.md-search__input")
    search.click()
    expect(search).to_be_focused()
    search.type("lamp")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(300)
    assert page.url == site + "chapters/01-storm/"
    assert search.input_value() == "lamp"


def _settled(page, site, path):
    """Wait until instant navigation has swapped in the whole page, footer included, and
    the page's scripts have run: the fixture's sitemap names example.org, so a link may
    load the whole page instead, and a key or a swipe before the reader's script is there
    would be lost (on a page set up by :func:`started_on_load`)."""
    expect(page).to_have_url(site + path)
    expect(page.locator("link[rel=canonical]")).to_have_attribute(
        "href", re.compile(re.escape(path) + "$"))
    page.wait_for_function(
        "() => !document.querySelector('.md-footer a') || "
        "[...document.querySelectorAll('.md-footer a')].every(a => a.isConnected)")
    page.wait_for_timeout(150)
    scripts_started(page)


def _swipe(page, x0, y0, x1, y1, steps=6):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent",
             {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]})
    for i in range(1, steps + 1):
        x = x0 + (x1 - x0) * i / steps
        y = y0 + (y1 - y0) * i / steps
        cdp.send("Input.dispatchTouchEvent",
                 {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def test_swipe_turns_page_but_vertical_strokes_do_not(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True)
    page = context.new_page()
    started_on_load(page)
    try:
        page.goto(site + "chapters/01-storm/")
        _swipe(page, 300, 400, 290, 150)  # a scroll-like vertical stroke
        page.wait_for_timeout(400)
        assert page.url == site + "chapters/01-storm/"
        _swipe(page, 330, 400, 60, 410)  # right to left: next page
        _settled(page, site, "chapters/02-lens/")
        _swipe(page, 60, 400, 330, 395)  # left to right: previous page
        expect(page).to_have_url(site + "chapters/01-storm/")
    finally:
        context.close()


def test_instant_navigation_keeps_one_set_of_stylesheets_and_one_resolving_script(
        browser, tmp_path):
    """Material's instant navigation compares the next page's <head> with this one tag by tag:
    the stylesheet links resolved before the first frame (resolved_stylesheets.py) and the
    script doing it are the same tags on every page, so they stay, once, and apply.

    The site is built for the address it is served at: Material's instant navigation takes
    over only links its sitemap lists, and it reads the sitemap at ``site_url`` (elsewhere
    the fixture's example.org, which a test cannot reach, and then every link loads whole)."""
    project = make_project(tmp_path)
    server = SiteServer(project.site)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        result = project.build(site_url=server.url)
        assert result.ok, result.error + result.log
        page = context.new_page()
        started_on_load(page)
        head = ("() => [document.head.querySelectorAll('link[rel=stylesheet]').length,"
                " [...document.head.querySelectorAll('script')].filter("
                "  s => s.textContent.includes('link[rel=stylesheet]')).length]")
        page.goto(server.url + "chapters/01-storm/")
        page.wait_for_load_state("networkidle")  # the sitemap, which instant navigation needs
        before = page.evaluate(head)
        assert before[0] >= 3 and before[1] == 1
        page.evaluate("() => { window.samePage = true }")  # gone after a whole load
        for path in ("chapters/02-lens/", "chapters/03-epilogue/"):
            page.locator(".gn-pager--bottom a[rel=next]").click()
            _settled(page, server.url, path)
        assert page.evaluate("() => window.samePage === true")  # it was instant navigation
        assert page.evaluate(head) == before
        sheets = page.evaluate("() => [...document.styleSheets].filter(s => s.href)"
                               ".map(s => s.cssRules.length > 0)")
        assert len(sheets) == before[0] and all(sheets)
    finally:
        context.close()
        server.close()


def test_lightbox_opens_closes_and_survives_instant_navigation(page, site):
    page.goto(site + "chapters/01-storm/")
    page.locator("figure.gn-panel a.gn-panel-link").first.click()
    slide = page.locator(".glightbox-container .gslide.current .gslide-image img")
    expect(slide).to_be_visible()
    assert "01-storm-full" in slide.get_attribute("src")
    page.keyboard.press("Escape")
    expect(page.locator(".glightbox-container")).to_have_count(0)
    # Instant navigation to the next chapter, then the lightbox again.
    page.locator(".gn-pager--bottom a[rel=next]").click()
    expect(page).to_have_url(site + "chapters/02-lens/")
    scripts_started(page)  # a whole load here (the fixture's sitemap names example.org)
    page.locator("figure#panel-02-dawn a.gn-panel-link").click()
    current = page.locator(".glightbox-container .gslide.current .gslide-image img")
    expect(current).to_be_visible()
    expect(current).to_have_attribute("src", re.compile("02-dawn-full"))
    # Arrow keys belong to the lightbox while it is open.
    page.keyboard.press("ArrowRight")
    assert page.url == site + "chapters/02-lens/"
    page.keyboard.press("Escape")
    expect(page.locator(".glightbox-container")).to_have_count(0)


def test_panel_link_not_yet_bound_opens_in_the_lightbox(page, site):
    """Between an instant navigation's swap and document$, the new page's panel links
    are not bound by GLightbox (it binds links when started or reloaded). A reader's
    click in that moment opens the lightbox, not the bare picture: an unbound copy of
    a panel link, added after GLightbox started, stands for such a link."""
    page.goto(site + "chapters/01-storm/")
    page.locator("figure.gn-panel a.gn-panel-link").first.click()
    expect(page.locator(".glightbox-container")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(page.locator(".glightbox-container")).to_have_count(0)
    page.evaluate("""() => {
        const link = document.querySelector("figure.gn-panel a.gn-panel-link").cloneNode(true);
        link.id = "unbound";
        document.querySelector("article").prepend(link);
    }""")
    page.locator("#unbound").click()
    current = page.locator(".glightbox-container .gslide.current .gslide-image img")
    expect(current).to_be_visible()
    expect(current).to_have_attribute("src", re.compile("01-storm-full"))
    assert page.url == site + "chapters/01-storm/"


def test_cover_offers_to_continue_after_reload(page, site):
    page.goto(site)
    expect(page.locator("a.gn-continue")).to_be_hidden()
    page.goto(site + "chapters/02-lens/")
    page.goto(site)
    page.reload()
    resume = page.locator("a.gn-continue")
    expect(resume).to_be_visible()
    expect(resume).to_have_text("Continue reading: Chapter 2 · A New Lens")
    resume.click()
    expect(page).to_have_url(site + "chapters/02-lens/")


def test_prompt_toggle_opens_every_prompt_and_persists(page, site):
    page.goto(site + "chapters/02-lens/")
    toggle = page.locator(".gn-prompts-toggle")
    expect(toggle).to_have_text("Show all prompts")
    assert page.locator("details.gn-prompt[open]").count() == 0
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert page.locator("details.gn-prompt[open]").count() == 2
    page.locator(".gn-pager--top a[rel=prev]").click()  # instant navigation
    expect(page).to_have_url(site + "chapters/01-storm/")
    expect(page.locator("details.gn-prompt").first).to_have_attribute("open", "")
    page.reload()
    expect(page.locator("details.gn-prompt").first).to_have_attribute("open", "")
    page.locator(".gn-prompts-toggle").click()
    expect(page.locator("details.gn-prompt[open]")).to_have_count(0)
    page.goto(site + "chapters/02-lens/")
    expect(page.locator("details.gn-prompt[open]")).to_have_count(0)


def test_copy_button_copies_exact_prompt(browser, site):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(site + "chapters/01-storm/")
        page.locator("details.gn-prompt summary").first.click()
        page.locator("button.gn-copy").first.click()
        expect(page.locator(".md-dialog")).to_contain_text("Copied")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == ("Bright, colourful wide-landscape drawing.\n\n"
                          "A storm hits the coast; the keeper climbs the spiral stairs.\n\n"
                          "Second paragraph of the prompt.")
    finally:
        context.close()


def test_one_page_edition_holds_every_chapter_in_order(page, site):
    page.goto(site)
    page.locator("a.gn-onepage").click()
    expect(page).to_have_url(site + "chapters/all/")
    headings = page.locator(".gn-onepage-chapter h2").all_inner_texts()
    assert [h.strip() for h in headings] == ["Chapter 1: The Storm", "Chapter 2: A New Lens",
                                             "Epilogue: The Light Today"]
    assert page.locator("figure.gn-panel").count() == 3
    ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)), "ids on the one-page edition must be unique"


def test_print_hides_navigation_expands_prompts_and_keeps_panels_whole(page, site):
    page.goto(site + "chapters/all/")
    page.emulate_media(media="print")
    assert not page.locator("header.md-header").is_visible()
    assert not page.locator(".gn-prompts-toggle").first.is_visible()
    text = page.locator("details.gn-prompt .gn-prompt-text").first
    expect(text).to_be_visible()
    style = page.eval_on_selector("figure.gn-panel", "f => getComputedStyle(f).breakInside")
    assert style == "avoid"
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF"


def test_site_reads_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(site + "chapters/01-storm/")
        assert not page.locator("button.gn-copy").first.is_visible()
        assert not page.locator(".gn-prompts-toggle").is_visible()
        summary = page.locator("details.gn-prompt summary").first
        summary.click()
        expect(page.locator("details.gn-prompt .gn-prompt-text").first).to_be_visible()
        page.locator(".gn-pager--bottom a[rel=next]").click()
        expect(page).to_have_url(site + "chapters/02-lens/")
        page.goto(site)
        assert not page.locator("a.gn-continue").is_visible()
        page.locator("a.gn-start").click()
        expect(page).to_have_url(site + "chapters/01-storm/")
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES)
def test_no_accessibility_violations(browser, site, path, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    try:
        page.goto(site + path)
        expected = "slate" if scheme == "dark" else "default"
        expect(page.locator("body")).to_have_attribute("data-md-color-scheme", expected)
        results = Axe().run(page)
        violations = results.response["violations"]
        assert not violations, results.generate_report()
    finally:
        context.close()


def test_every_control_is_reachable_by_keyboard_with_visible_focus(page, site):
    page.goto(site + "chapters/01-storm/")
    seen = set()
    for _ in range(80):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {cls: el.className || el.tagName, outline: style.outlineStyle,
                    shadow: style.boxShadow, tag: el.tagName};
        }""")
        if "gn-prompts-toggle" in str(info["cls"]) or "gn-panel-link" in str(info["cls"]) \
                or info["tag"] == "SUMMARY":
            key = "SUMMARY" if info["tag"] == "SUMMARY" else \
                info["tag"] + ":" + str(info["cls"]).split()[0]
            seen.add(key)
            assert info["outline"] != "none" or info["shadow"] != "none", info
    assert {"BUTTON:md-button", "A:gn-panel-link", "SUMMARY"} <= seen, seen
