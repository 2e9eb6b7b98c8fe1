"""The reading experience, measured in Debian's Chromium on two real projects:
the default story with the repository's own mkdocs.yml, and a project made by
`graphic-novel new` with the mkdocs.yml it writes. Phone (390x844) and desktop
(1366x900), light and dark.
"""

from __future__ import annotations

import io
import re
from contextlib import contextmanager

import pytest
from PIL import Image
from playwright.sync_api import expect

from browser import SiteServer, scripts_started, started_on_load
from sites import Site, default_project, new_project

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
VIEWS = {"phone": PHONE, "desktop": DESKTOP}
SCHEMES = ("light", "dark")


@pytest.fixture(scope="module", params=["default", "new"])
def site(request) -> Site:
    return request.getfixturevalue(f"{request.param}_story_site")


def _open(browser, view: str, scheme: str, **options):
    phone = view == "phone"
    return browser.new_context(viewport=VIEWS[view], color_scheme=scheme, is_mobile=phone,
                               has_touch=phone, **options)


@contextmanager
def _page(browser, view: str, scheme: str, *, scripts_started: bool = True, **options):
    """A fresh page at a phone's or a desktop's size, in one colour scheme; with
    ``scripts_started``, ``goto`` returns once the page's scripts have run (a panel opens the
    lightbox only then: before, its link opens the picture)."""
    context = _open(browser, view, scheme, **options)
    try:
        page = context.new_page()
        if scripts_started:
            started_on_load(page)
        yield page
    finally:
        context.close()


def _rect(locator) -> dict:
    return locator.evaluate("e => { const r = e.getBoundingClientRect(); "
                            "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, "
                            "width: r.width, height: r.height}; }")


def _chars_per_line(paragraph) -> float:
    """How many characters of the paragraph's own font fit on one of its lines."""
    return paragraph.evaluate("""p => {
        const c = document.createElement('canvas').getContext('2d');
        const s = getComputedStyle(p);
        c.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
        // Ordinary English prose, so the figure depends on the font, not the page.
        const text = 'The auditorium was meant for all-hands meetings and visiting speakers. ' +
                     'That afternoon it was packed with people who had heard a rumour.';
        const perChar = c.measureText(text).width / text.length;
        return p.getBoundingClientRect().width / perChar;
    }""")


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("view", ["phone", "desktop"])
def test_chapter_reads_as_a_reader_not_a_docs_page(browser, site, view, scheme):
    with _page(browser, view, scheme) as page:
        chapter = site.chapters[0]
        page.goto(site.url + chapter["url"])
        width = VIEWS[view]["width"]
        # No docs sidebars at any width: the nav and the table of contents are
        # hidden, or (the phone's nav drawer) off screen until asked for.
        for sidebar in page.locator(".md-sidebar").all():
            r = _rect(sidebar)
            assert not sidebar.is_visible() or r["right"] <= 0 or r["left"] >= width, r
        # The panel takes the reading column; on a phone, edge to edge.
        img = _rect(page.locator(".gn-panel-unit figure.gn-panel img").first)
        if view == "desktop":
            assert img["width"] >= 900, img
        else:
            assert img["width"] >= 350 and img["left"] <= 1 and img["right"] >= width - 1, img
        # Prose at a book's measure beside the wide panel.
        prose = page.locator(".md-content__inner > p").first
        p_rect = _rect(prose)
        assert p_rect["width"] < img["width"]
        if view == "desktop":
            assert 60 <= _chars_per_line(prose) <= 80
        # A title that reads as a title: the shipped display face, large, full contrast.
        h1 = page.locator(".md-content h1")
        page.evaluate("document.fonts.ready")
        style = h1.evaluate("e => { const s = getComputedStyle(e); return {family: s.fontFamily,"
                            " size: parseFloat(s.fontSize), color: s.color}; }")
        assert style["family"].startswith('"GN Display"'), style
        assert page.evaluate("document.fonts.check('40px \"GN Display\"')")
        assert style["size"] >= (48 if view == "desktop" else 36), style
        bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert _contrast(style["color"], bg) >= 7, (style, bg)
        # Kicker and progress count the same chapters.
        kicker = page.locator(".gn-kicker").inner_text()
        bar = page.locator("progress.gn-progress")
        m = re.fullmatch(r"CHAPTER (\d+) OF (\d+)", kicker.upper())
        assert m, kicker
        assert (bar.get_attribute("value"), bar.get_attribute("max")) == m.groups()
        # Previous and next at the top (on screen at once) and at the bottom,
        # each naming the neighbouring page.
        for where in ("top", "bottom"):
            for rel in ("prev", "next"):
                link = page.locator(f".gn-pager--{where} a[rel={rel}]")
                link.scroll_into_view_if_needed()
                expect(link).to_be_visible()
                assert link.locator(".gn-pager-label").inner_text().strip()
                assert link.locator(".gn-pager-title").inner_text().strip()
        nxt = site.chapters[1]
        expect(page.locator(".gn-pager--bottom a[rel=next]")).to_contain_text(nxt["title"])
        page.evaluate("window.scrollTo(0, 0)")
        top = _rect(page.locator(".gn-pager--top"))
        assert top["bottom"] <= VIEWS[view]["height"] / 3, top


def _rgb(css: str) -> tuple[int, ...]:
    return tuple(int(float(x)) for x in re.findall(r"[\d.]+", css)[:3])


def _contrast(fg: str, bg: str) -> float:
    def lum(rgb):
        def ch(c):
            c /= 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
        r, g, b = (ch(c) for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    a, b = sorted((lum(_rgb(fg)), lum(_rgb(bg))), reverse=True)
    return (a + 0.05) / (b + 0.05)


@pytest.mark.parametrize("view", ["phone", "desktop"])
def test_panels_on_consecutive_lines_form_a_row(browser, site, view):
    with _page(browser, view, "light") as page:
        page.goto(site.url + site.row_chapter())
        units = page.locator(".gn-row > .gn-panel-unit")
        assert units.count() >= 2
        first, second = _rect(units.nth(0).locator("img")), _rect(units.nth(1).locator("img"))
        if view == "desktop":  # side by side, tops level, equal ratios give equal heights
            assert second["left"] >= first["right"]
            assert abs(first["top"] - second["top"]) <= 1
            assert abs(first["height"] - second["height"]) <= 1
        else:  # stacked, each edge to edge
            assert second["top"] >= first["bottom"]
            assert first["width"] >= 350 and second["width"] >= 350
        # Each keeps its caption and its prompt block.
        for i in range(2):
            unit = units.nth(i)
            expect(unit.locator("figcaption")).to_be_visible()
            expect(unit.locator("details.gn-prompt summary")).to_be_visible()
        # Width and height are set, so nothing moves while the art loads.
        img = units.nth(0).locator("img")
        assert int(img.get_attribute("width")) > 0 and int(img.get_attribute("height")) > 0


def test_panel_numbers_restart_in_every_chapter(browser, site):
    with _page(browser, "desktop", "light") as page:
        for entry in site.chapters:
            page.goto(site.url + entry["url"])
            numbers = page.locator("figure.gn-panel figcaption .gn-panel-number").all_inner_texts()
            label = entry["label"]
            m = re.fullmatch(r"Chapter (\d+)", label)
            want = [f"{m.group(1)}.{i}" if m else str(i) for i in range(1, len(numbers) + 1)]
            assert numbers == want, (entry, numbers)


def test_story_text_has_curly_quotes_but_code_and_prompts_keep_theirs(browser, site):
    with _page(browser, "desktop", "light") as page:
        seen_curly = False
        for entry in site.chapters:
            page.goto(site.url + entry["url"])
            prose = page.evaluate("""() => [...document.querySelectorAll(
                '.md-content__inner > p, .md-content__inner > blockquote, .md-content__inner li')]
                .filter(e => !e.closest('details, pre, code'))
                .map(e => { const c = e.cloneNode(true);
                            c.querySelectorAll('code').forEach(x => x.remove());
                            return c.textContent; }).join('\\n')""")
            assert '"' not in prose, entry
            seen_curly = seen_curly or "\u201c" in prose or "\u2019" in prose
        if site.name == "default":
            assert seen_curly


@pytest.mark.parametrize("scheme", SCHEMES)
def test_dark_and_light_panels_sit_on_the_page_without_white_frames(browser, site, scheme):
    with _page(browser, "desktop", scheme) as page:
        page.goto(site.url)
        for path, selectors in [("", ("figure.gn-cover-panel img", ".gn-card img")),
                                (site.chapters[0]["url"], ("figure.gn-panel img",))]:
            page.goto(site.url + path)
            page.wait_for_load_state("networkidle")
            for selector in selectors:
                img = page.locator(selector).first
                img.scroll_into_view_if_needed()
                page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                       arg=img.element_handle())
                r = _rect(img)
                shot = Image.open(io.BytesIO(page.screenshot(clip={
                    "x": r["left"] - 6, "y": r["top"] - 6, "width": r["width"] + 12,
                    "height": r["height"] + 12}))).convert("RGB")
                # The picture's own edge (3 px in from its border) and the page
                # just outside it: no white band in the dark scheme.
                edge = _ring(shot, 9)
                outside = _ring(shot, 1)
                page_bg = _rgb(page.evaluate("getComputedStyle(document.body).backgroundColor"))
                if scheme == "dark":
                    assert _share_white(edge) < 0.05, (path, selector)
                    assert _share_white(outside) < 0.05, (path, selector)
                    assert max(page_bg) < 80


def _ring(img: Image.Image, inset: int) -> list[tuple[int, int, int]]:
    w, h = img.size
    px = img.load()
    pts = [(x, inset) for x in range(inset, w - inset)] + \
          [(x, h - 1 - inset) for x in range(inset, w - inset)] + \
          [(inset, y) for y in range(inset, h - inset)] + \
          [(w - 1 - inset, y) for y in range(inset, h - inset)]
    return [px[p] for p in pts]


def _share_white(pixels) -> float:
    return sum(1 for p in pixels if min(p) > 225) / len(pixels)


def test_copy_button_copies_what_graphic_novel_prompts_gives(browser, site):
    context = browser.new_context(viewport=DESKTOP,
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    started_on_load(page)
    try:
        expected = site.prompts()
        page.goto(site.url + site.row_chapter())
        blocks = page.locator("details.gn-prompt")
        checked = 0
        for i in range(blocks.count()):
            block = blocks.nth(i)
            panel = block.get_attribute("id").removeprefix("prompt-")
            summary = block.locator("summary")
            expect(summary).to_have_text("Show image prompt", use_inner_text=True)
            summary.click()
            expect(summary).to_have_text("Hide image prompt", use_inner_text=True)
            block.locator("button.gn-copy").click()
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied == expected[panel], panel
            assert "**" not in copied and "](" not in copied
            checked += 1
        assert checked >= 2
    finally:
        context.close()


@pytest.mark.parametrize("view", ["phone", "desktop"])
def test_contents_menu_lists_every_chapter_one_tap_away(browser, site, view):
    with _page(browser, view, "dark") as page:
        here = site.chapters[1]
        page.goto(site.url + here["url"])
        link = page.locator(".gn-pager--top a.gn-contents-link")
        expect(link).to_be_visible()
        link.click()
        dialog = page.locator("dialog.gn-contents")
        expect(dialog).to_be_visible()
        items = dialog.locator("li a")
        assert items.count() == len(site.contents)
        for entry, text in zip(site.contents, items.all_inner_texts()):
            assert entry["label"].upper() in text.upper() and entry["title"] in text
        current = dialog.locator("a[aria-current=page]")
        expect(current).to_contain_text(here["title"])
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        link.click()
        target = site.chapters[-1]
        dialog.locator("li a", has_text=target["title"]).first.click()
        expect(page).to_have_url(site.url + target["url"])
        expect(page.locator(".md-content h1")).to_have_text(target["title"])


@pytest.mark.parametrize("view", ["phone", "desktop"])
def test_lightbox_shows_caption_stays_in_the_chapter_and_fills_the_screen(browser, site, view):
    with _page(browser, view, "dark") as page:
        page.goto(site.url + site.row_chapter())
        links = page.locator("figure.gn-panel a.gn-panel-link")
        count = links.count()
        first_alt = links.first.locator("img").get_attribute("alt")
        links.first.click()
        slide = page.locator(".glightbox-container .gslide.current")
        expect(slide.locator(".gslide-image img")).to_be_visible()
        desc = slide.locator(".gslide-desc")
        expect(desc).to_contain_text(first_alt)
        caption = page.locator("figure.gn-panel figcaption").first.inner_text()
        expect(desc).to_contain_text(caption.split(" ", 1)[1])
        # The overlay is opaque and covers the whole screen.
        container = _rect(page.locator(".glightbox-container"))
        assert container["width"] >= VIEWS[view]["width"] - 1
        assert container["height"] >= VIEWS[view]["height"] - 1
        overlay = page.locator(".goverlay").evaluate(
            "e => { const s = getComputedStyle(e); return [s.backgroundColor, s.opacity]; }")
        page.wait_for_function("() => getComputedStyle(document.querySelector('.goverlay'))"
                               ".opacity === '1'")
        assert _rgb(overlay[0]) == (0, 0, 0)
        img = _rect(slide.locator(".gslide-image img"))
        if view == "phone":
            assert img["width"] >= VIEWS[view]["width"] * 0.95, img
        # The picture has no white frame.
        bg = slide.locator(".gslide-image img").evaluate("e => getComputedStyle(e).backgroundColor")
        assert bg in ("rgba(0, 0, 0, 0)", "transparent"), bg
        # Its gallery is this chapter's panels only.
        assert page.locator(".glightbox-container .gslide").count() == count
        page.keyboard.press("ArrowRight")
        expect(page.locator(".glightbox-container .gslide.current .gslide-desc")).to_contain_text(
            links.nth(1).locator("img").get_attribute("alt"))
        page.keyboard.press("Escape")
        expect(page.locator(".glightbox-container")).to_have_count(0)


def test_lightbox_on_the_one_page_edition_keeps_to_one_chapter(browser, site):
    with _page(browser, "desktop", "light") as page:
        page.goto(site.url + site.row_chapter())
        in_chapter = page.locator("figure.gn-panel").count()
        page.goto(site.url + "chapters/all/")
        slug = site.row_chapter().split("/")[1]
        page.locator(f".gn-onepage-chapter:has([id='{slug}']) a.gn-panel-link").first.click()
        expect(page.locator(".glightbox-container .gslide.current img")).to_be_visible()
        assert page.locator(".glightbox-container .gslide").count() == in_chapter


ONE_PAGE = "chapters/all/"
# Whether a chapter's body is drawn: its first element is not skipped by content-visibility.
_DRAWN = "b => b.firstElementChild.checkVisibility({contentVisibilityAuto: true})"


def test_one_page_edition_draws_a_chapter_only_as_it_nears_the_screen(browser,
                                                                       default_story_site):
    site = default_story_site
    with _page(browser, "phone", "light") as page:
        page.goto(site.url + ONE_PAGE)
        bodies = page.locator(".gn-onepage-body")
        assert bodies.count() == len(site.chapters)
        drawn = [bodies.nth(n).evaluate(_DRAWN) for n in range(bodies.count())]
        assert drawn[0] and not any(drawn[2:]), drawn
        # Find in page still reaches a chapter that is not drawn, and shows it.
        words = " ".join(bodies.last.locator("p").first.text_content().split()[:6])
        assert page.evaluate("words => window.find(words)", words)
        assert bodies.last.evaluate(_DRAWN)
        # Printing draws every chapter.
        page.emulate_media(media="print")
        assert all(bodies.nth(n).evaluate(_DRAWN) for n in range(bodies.count()))


@pytest.mark.parametrize("view", ["phone", "desktop"])
def test_one_page_chapters_not_drawn_yet_take_about_their_real_height(browser,
                                                                       default_story_site,
                                                                       view):
    """The estimates make the scroll bar and a jump's first landing about right."""
    with _page(browser, view, "light") as page:
        page.goto(default_story_site.url + ONE_PAGE)
        bodies = page.locator(".gn-onepage-body")
        last = bodies.count() - 1
        assert not bodies.nth(last).evaluate(_DRAWN)
        estimated, real = page.evaluate("""() => {
            const bodies = [...document.querySelectorAll('.gn-onepage-body')];
            const height = () => bodies.map(b => b.getBoundingClientRect().height);
            const estimated = height();
            bodies.forEach(b => { b.style.contentVisibility = 'visible'; });
            return [estimated, height()];
        }""")
        ratios = [round(e / r, 2) for e, r in zip(estimated, real)]
        assert all(0.8 <= ratio <= 1.2 for ratio in ratios), ratios


def test_one_page_panels_still_run_edge_to_edge_on_a_phone(browser, default_story_site):
    """A chapter's box clips what it paints (content-visibility); a phone's panels reach past
    the column to the screen's edges, and must not be cut at the column."""
    with _page(browser, "phone", "light") as page:
        page.goto(default_story_site.url + ONE_PAGE)
        img = page.locator(".gn-onepage-chapter").nth(2).locator("figure.gn-panel img").first
        img.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=img.element_handle())
        _frames_later(page)
        r = _rect(img)
        assert r["left"] <= 0 and r["right"] >= PHONE["width"]
        strip = Image.open(io.BytesIO(page.screenshot(clip={
            "x": 0, "y": r["top"] + r["height"] / 2, "width": PHONE["width"], "height": 1})))
        page_bg = _rgb(page.evaluate("getComputedStyle(document.body).backgroundColor"))
        edges = [strip.convert("RGB").getpixel((x, 0)) for x in (0, 1, 2, PHONE["width"] - 1)]
        assert all(max(abs(a - b) for a, b in zip(px, page_bg)) > 40 for px in edges), edges


def _frames_later(page, frames: int = 4) -> None:
    """Return once the page has drawn ``frames`` more frames."""
    page.evaluate("""n => new Promise(done => {
        const next = () => (--n ? requestAnimationFrame(next) : done());
        requestAnimationFrame(next);
    })""", frames)


def _off_target(page, target: str) -> float:
    """How far the element with id ``target`` is, a few frames from now, from where a jump to
    it puts it: its scroll margin below the top."""
    _frames_later(page)
    return page.evaluate("""id => {
        const t = document.getElementById(id);
        return t.getBoundingClientRect().top - (parseFloat(getComputedStyle(t).scrollMarginTop) || 0);
    }""", target)


@pytest.mark.parametrize("view", ["phone", "desktop"])
def test_a_jump_in_the_one_page_edition_lands_on_its_chapter(browser, default_story_site, view):
    """A chapter drawn only as it nears the screen has an estimated height until then: the
    jump must still end with its target at the top, not pushed off by the chapter above."""
    site = default_story_site
    slugs = [entry["url"].split("/")[1] for entry in site.chapters]
    with _page(browser, view, "light") as page:
        page.goto(site.url + ONE_PAGE + "#" + slugs[4])
        assert abs(_off_target(page, slugs[4])) <= 1
        # One jump after another, down and up the book: Material's instant navigation has
        # made every link absolute by now.
        for n in (7, 2, 11, 5):
            page.locator(".gn-onepage-contents a").nth(n).click()
            assert page.evaluate("location.hash") == "#" + slugs[n]
            assert abs(_off_target(page, slugs[n])) <= 1, n


@pytest.fixture(scope="module")
def instant_story_site(tmp_path_factory):
    """The default story with a site_url, served at that address: Material's instant
    navigation then takes over the site's links (it needs the sitemap's addresses)."""
    project = default_project(tmp_path_factory.mktemp("instant-story"))
    server = SiteServer(project.site)
    try:
        result = project.build(site_url=server.url)
        assert result.ok, result.error + result.log
        yield server.url
    finally:
        server.close()


def _read_to_chapter_ten(page):
    """Scroll to a line of chapter 10 as a reader would, and return that line."""
    line = page.locator(".gn-onepage-chapter").nth(9).locator(".gn-onepage-body > p").nth(3)
    line.evaluate("p => p.scrollIntoView()")
    page.mouse.wheel(0, -300)
    page.wait_for_timeout(600)  # the place is kept once scrolling stops
    return line


def test_a_return_to_the_one_page_edition_lands_on_the_same_line(browser, default_story_site):
    """Back from another page, the browser restores the scroll offset, which the estimated
    heights of the chapters above move; the reading place is put back over it."""
    site = default_story_site
    with _page(browser, "phone", "light") as page:
        page.goto(site.url + ONE_PAGE)
        line = _read_to_chapter_ten(page)
        before = _rect(line)["top"]
        page.goto(site.url + "references/")
        page.go_back()
        scripts_started(page)
        assert page.evaluate("performance.getEntriesByType('navigation')[0].type") \
            == "back_forward"
        _frames_later(page)
        assert abs(_rect(line)["top"] - before) <= 1


def test_instant_navigation_back_to_the_one_page_edition_lands_on_the_same_line(
        browser, instant_story_site):
    with _page(browser, "phone", "light") as page:
        page.goto(instant_story_site + ONE_PAGE)
        line = _read_to_chapter_ten(page)
        before = _rect(line)["top"]
        # To the cover by its logo link (hidden on a phone, where the drawer has it).
        page.evaluate("document.querySelector('a.md-header__button.md-logo').click()")
        expect(page.locator(".gn-onepage-body")).to_have_count(0)
        page.go_back()
        expect(page.locator(".gn-onepage-body").first).to_be_attached()
        _frames_later(page, 8)
        # One document all along: Material swapped the pages in.
        assert page.evaluate("performance.getEntriesByType('navigation')[0].name") \
            == instant_story_site + ONE_PAGE
        assert abs(_rect(line)["top"] - before) <= 1


def test_print_cover_on_two_pages_dark_titles_and_no_empty_first_page(browser, site):
    with _page(browser, "desktop", "dark") as page:
        page.goto(site.url)
        page.wait_for_load_state("networkidle")
        assert _pdf_pages(page.pdf(format="A4")) <= 2
        page.goto(site.url + site.chapters[0]["url"])
        page.emulate_media(media="print")
        colour = page.locator(".md-content h1").evaluate("e => getComputedStyle(e).color")
        assert max(_rgb(colour)) <= 60, colour
        page.emulate_media(media="screen")
        page.goto(site.url + "chapters/all/")
        page.emulate_media(media="print")
        first = page.locator(".gn-onepage-chapter").first
        assert first.evaluate("e => getComputedStyle(e).breakBefore") == "auto"
        intro = _rect(page.locator(".gn-onepage-intro"))
        assert intro["height"] < 600  # title, subtitle and notice: no page of its own
        assert page.locator(".gn-onepage-chapter").nth(1).evaluate(
            "e => getComputedStyle(e).breakBefore") == "page"


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_swipe_in_the_lightbox_moves_to_the_next_panel_not_the_next_page(browser, site):
    with _page(browser, "phone", "light") as page:
        url = site.url + site.row_chapter()
        page.goto(url)
        links = page.locator("figure.gn-panel a.gn-panel-link")
        links.first.click()
        current = page.locator(".glightbox-container .gslide.current .gslide-desc")
        expect(current).to_contain_text(links.first.locator("img").get_attribute("alt"))
        page.wait_for_timeout(500)  # the opening animation
        cdp = page.context.new_cdp_session(page)
        for kind, x in (("touchStart", 330), ("touchMove", 250), ("touchMove", 150),
                        ("touchMove", 60), ("touchEnd", 60)):
            points = [] if kind == "touchEnd" else [{"x": x, "y": 420}]
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})
            page.wait_for_timeout(30)
        expect(current).to_contain_text(links.nth(1).locator("img").get_attribute("alt"))
        assert page.url == url


def test_portrait_art_keeps_its_shape_in_a_row(browser, tmp_path):
    project = new_project(tmp_path)
    art = project.story / "art"
    art.mkdir()
    Image.new("RGB", (1000, 1500), (200, 60, 60)).save(art / "01-left.png")  # 2:3 portrait
    Image.new("RGB", (1600, 900), (60, 60, 200)).save(art / "01-right.png")  # 16:9
    Image.new("RGB", (1200, 1800), (60, 160, 60)).save(art / "01-opening.png")  # alone
    result = project.build()
    assert result.ok, result.error + result.log
    server = SiteServer(project.site)
    try:
        with _page(browser, "desktop", "dark") as page:
            page.goto(server.url + "chapters/01-beginning/")
            left = page.locator("figure#panel-01-left img")
            right = page.locator("figure#panel-01-right img")
            assert (left.get_attribute("width"), left.get_attribute("height")) == ("1000", "1500")
            a, b = _rect(left), _rect(right)
            assert abs(a["width"] / a["height"] - 2 / 3) < 0.01
            assert abs(b["width"] / b["height"] - 16 / 9) < 0.01
            assert abs(a["top"] - b["top"]) <= 1 and abs(a["height"] - b["height"]) <= 1
            # A lone portrait panel stands no taller than the screen, centred.
            alone = _rect(page.locator("figure#panel-01-opening img"))
            assert alone["height"] <= 0.92 * DESKTOP["height"] + 1
            assert abs(alone["width"] / alone["height"] - 2 / 3) < 0.01
            assert abs((alone["left"] + alone["right"]) / 2 - DESKTOP["width"] / 2) < 20
            page.set_viewport_size(PHONE)
            a, b = _rect(left), _rect(right)
            assert b["top"] >= a["bottom"] and abs(a["width"] / a["height"] - 2 / 3) < 0.01
    finally:
        server.close()


def test_no_page_asks_any_host_but_the_site(browser, site):
    """Every page type of the shipped configs, opened and used: each request
    goes to the site itself (no web fonts, scripts or images from elsewhere), the
    service worker's own fetches included (the context sees those, a page does not)."""
    # Not started_on_load: the test server answers no-such-page/ with its own error page,
    # which has no scripts to wait for (404.html is the site's own).
    with _page(browser, "phone", "dark", scripts_started=False) as page:
        hosts: set[str] = set()
        page.context.on("request", lambda request: hosts.add(re.sub(r"^\w+://([^/]+)/.*$", r"\1",
                                                               request.url)))
        for path in ["", site.row_chapter(), "references/", "chapters/all/", "404.html",
                     "no-such-page/"]:
            page.goto(site.url + path)
            page.wait_for_load_state("networkidle")
        page.goto(site.url + site.row_chapter())
        page.wait_for_load_state("networkidle")  # the reader's script has run
        page.locator(".gn-pager--top a.gn-contents-link").click()
        expect(page.locator("dialog.gn-contents")).to_be_visible()
        page.keyboard.press("Escape")
        page.locator("figure.gn-panel a.gn-panel-link").first.click()
        expect(page.locator(".glightbox-container .gslide.current img")).to_be_visible()
        page.wait_for_load_state("networkidle")
        own = re.sub(r"^\w+://([^/]+)/.*$", r"\1", site.url)
        assert hosts == {own}, hosts
