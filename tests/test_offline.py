"""Offline reading: the web app manifest, its icons and the service worker, used for real."""

from __future__ import annotations

import json
import re
import time

import pytest
from PIL import Image
from playwright.sync_api import Error as PlaywrightError

from browser import SiteServer
from graphic_novel import offline


def _plan(site) -> dict:
    text = (site / "sw.js").read_text("utf-8")
    return json.loads(re.search(r"^const PLAN = (\{.*\});$", text, re.M).group(1))


def test_manifest_names_the_story_with_icons_cut_from_the_cover(built_mini):
    proj, result = built_mini
    data = json.loads((proj.site / "manifest.webmanifest").read_text("utf-8"))
    assert data["name"] == "The Little Lighthouse" and data["short_name"] == "Little"
    assert data["start_url"] == "./" and data["scope"] == "./"
    assert data["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", data["theme_color"])
    assert [i["sizes"] for i in data["icons"]] == ["192x192", "512x512"]
    for icon in data["icons"]:
        with Image.open(proj.site / icon["src"]) as im:
            assert im.format == "PNG" and im.size == (int(icon["sizes"][:3]),) * 2
    for page in ("index.html", "chapters/02-lens/index.html", "404.html"):
        head = result.html(page).head
        link = head.select_one('link[rel="manifest"]')
        if page == "404.html":
            continue  # theme pages: no story-relative links (they are served anywhere)
        assert (proj.site / page).parent.joinpath(link["href"]).resolve() == \
            (proj.site / "manifest.webmanifest").resolve()
        assert head.select_one('meta[name="theme-color"]')["content"] == data["theme_color"]


def test_short_name_drops_a_leading_article_and_fits_under_an_icon():
    assert offline.short_name("The Llama Effect") == "Llama Effect"
    assert offline.short_name("Lighthouse") == "Lighthouse"
    assert offline.short_name("A Very Long Title Indeed") == "Very Long"
    assert offline.short_name("Supercalifragilistic") == "Supercalifra"


def test_worker_lists_every_page_and_picture_once_and_nothing_useless(built_mini):
    proj, result = built_mini
    plan = _plan(proj.site)
    assert plan["whole"] is True
    files = plan["precache"]
    pages = {p.relative_to(proj.site).as_posix() for p in proj.site.rglob("*.html")}
    assert pages <= set(files)
    shown = {p.relative_to(proj.site).as_posix() for p in proj.site.glob("assets/panels/*")
             if "-social-" not in p.name}
    assert shown <= set(files)
    assert "search/search_index.json" in files and "assets/graphic-novel/contents.json" in files
    assert not [f for f in files if f.endswith((".map", ".gz")) or "-social-" in f
                or f in ("sw.js", "feed.xml") or "/lunr/" in f]
    # Content-addressed names are their own revision; other files carry a hash.
    panel = next(f for f in files if f.startswith("assets/panels/"))
    assert files[panel] in panel
    assert re.fullmatch(r"[0-9a-f]{12}", files["index.html"])
    meta = result.html("chapters/02-lens/index.html").head.select_one(
        'meta[name="graphic-novel:offline"]')
    assert meta["content"] == "../../sw.js"


def test_a_large_site_caches_its_shell_then_pages_as_read(built_mini, tmp_path):
    proj, _ = built_mini
    files = offline.site_files(proj.site)
    order = ["index.html", "chapters/01-storm/index.html", "chapters/02-lens/index.html",
             "chapters/03-epilogue/index.html", "references/index.html"]
    plan = offline.plan(proj.site, files, order, budget=0)
    assert plan["whole"] is False
    shell = plan["precache"]
    assert "index.html" in shell and "404.html" in shell
    assert "chapters/02-lens/index.html" not in shell
    assert any(f.startswith("assets/stylesheets/main.") for f in shell)
    lens = plan["pages"]["chapters/02-lens/index.html"]
    assert lens and all(f.startswith("assets/panels/02-") for f in lens)
    # The cover's gallery shows each chapter's first panel; the rest wait for their page.
    assert [f for f in lens if "02-dawn" in f] and not [f for f in shell if "02-dawn" in f]
    assert plan["next"]["chapters/01-storm/index.html"] == "chapters/02-lens/index.html"


def test_a_build_with_offline_off_has_no_worker(project):
    project.edit("mkdocs.yml", "      concurrency: 2", "      concurrency: 2\n      offline: false")
    result = project.build()
    assert result.ok, result.error + result.log
    assert not (project.site / "sw.js").exists()
    assert result.html("index.html").select_one('meta[name="graphic-novel:offline"]') is None


def _wait_for_caches(page, test, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while True:
        keys = page.evaluate("caches.keys()")
        if test(keys):
            return keys
        assert time.monotonic() < deadline, f"caches never passed the test: {keys}"
        time.sleep(0.2)


def _controlled(page, url):
    page.goto(url)
    # The worker takes control once installed, i.e. once every precached file is in.
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30000)
    _wait_for_caches(page, bool)


def _panels_loaded(page) -> list[bool]:
    return page.evaluate("""() => [...document.querySelectorAll('figure.gn-panel img')]
        .map(i => i.complete && i.naturalWidth > 0)""")


def test_read_offline_after_one_visit_and_a_new_build_shows_after_one_reload(project, browser):
    result = project.build()
    assert result.ok, result.error + result.log
    server = SiteServer(project.site)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        _controlled(page, server.url)
        context.set_offline(True)
        page.goto(server.url + "chapters/02-lens/")
        page.wait_for_load_state("load")
        assert "The new lens" in page.inner_text("article")
        assert _panels_loaded(page) == [True, True]
        # Instant navigation (Material fetches the next page) works offline too.
        page.locator(".gn-pager--bottom a[rel=next]").click()
        page.wait_for_url("**/03-epilogue/")
        assert "The light still turns" in page.inner_text("article")
        context.set_offline(False)
        page.goto(server.url + "chapters/02-lens/")

        project.edit("story/chapters/02-lens.md", "By dawn it turned.", "By dawn it turned again.")
        assert project.build().ok
        page.reload()
        assert "By dawn it turned again." in page.inner_text("article")
        # The new worker replaces the old cache: offline now reads the new build.
        build = re.search(r'const BUILD = "(\w+)"', (project.site / "sw.js").read_text()).group(1)
        _wait_for_caches(page, lambda keys: len(keys) == 1 and keys[0].endswith(":" + build))
        context.set_offline(True)
        page.goto(server.url + "chapters/02-lens/")
        assert "By dawn it turned again." in page.inner_text("article")
        assert _panels_loaded(page) == [True, True]
    finally:
        context.close()
        server.close()


def test_large_site_offline_has_the_opened_chapter_and_the_next(project, browser):
    project.edit("mkdocs.yml", "      concurrency: 2",
                 "      concurrency: 2\n      offline_whole_site_mb: 0")
    result = project.build()
    assert result.ok, result.error + result.log
    assert "other pages as they are read" in result.log
    server = SiteServer(project.site)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    try:
        page = context.new_page()
        _controlled(page, server.url)
        page.goto(server.url + "chapters/01-storm/")
        page.wait_for_timeout(1500)  # the worker keeps this page and the next in the cache
        context.set_offline(True)
        page.goto(server.url + "chapters/02-lens/")
        assert "The new lens" in page.inner_text("article")
        assert _panels_loaded(page) == [True, True]
        with pytest.raises(PlaywrightError):
            page.goto(server.url + "chapters/03-epilogue/")  # never opened, not next to one
    finally:
        context.close()
        server.close()


def test_app_icons_are_cut_in_a_process_of_their_own_and_a_bad_picture_gives_none(
        tmp_path, monkeypatch):
    from PIL import Image

    from graphic_novel import offline
    from graphic_novel.editions import child

    picture = tmp_path / "cover.png"
    Image.new("RGB", (320, 180), (200, 40, 40)).save(picture)
    made = offline.app_icons(picture, tmp_path / "cache", "k")
    assert [size for _, size in made] == list(offline.ICON_SIZES)
    for path, size in made:
        with Image.open(path) as icon:
            assert icon.size == (size, size)
    monkeypatch.setattr(child, "run", lambda *a: pytest.fail("cut again"))
    assert offline.app_icons(picture, tmp_path / "cache", "k") == made  # cached: no process
    monkeypatch.undo()
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\nnot a picture")
    assert offline.app_icons(broken, tmp_path / "cache", "other") == []


def test_a_cold_build_has_the_icons_cut_by_the_worker_that_drew_the_cover(project, monkeypatch):
    """The icons come from the cover panel's drawing worker, in parallel with the
    pages, not from a process started once the site is built; a later build whose
    icons went missing cuts them itself."""
    from graphic_novel.editions import child

    started = []
    real_run = child.run

    def run(fn, *args, **kwargs):
        started.append(fn.__name__)
        return real_run(fn, *args, **kwargs)

    monkeypatch.setattr(child, "run", run)
    result = project.build()
    assert result.ok, result.error + result.log
    icons = sorted((project.site / "assets" / "graphic-novel").glob("icon-*.png"))
    assert [Image.open(p).size for p in icons] == [(192, 192), (512, 512)]
    assert "_cut_icons" not in started
    for path in (project.root / ".cache" / "graphic-novel" / "icons").iterdir():
        path.unlink()
    result = project.build()  # every panel from the cache: no worker draws
    assert result.ok, result.error + result.log
    assert started.count("_cut_icons") == 1
    assert len(list((project.site / "assets" / "graphic-novel").glob("icon-*.png"))) == 2
