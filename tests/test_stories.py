"""Several stories in one site, and stories inside an existing docs site (issue 14).

Each story is the mini fixture's story folder with its own title and one
prompt of its own, so the panel ids ("cover", "01-storm" ...) are the same
in every story, as they are in real sites of chat-model stories.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURES, Project

STORIES = {"harbour-light": "The Harbour Light", "salt-road": "The Salt Road",
           "tin-moon": "The Tin Moon"}


def _story(dest: Path, title: str) -> None:
    shutil.copytree(FIXTURES / "mini" / "story", dest)
    meta = dest / "story.yaml"
    meta.write_text(meta.read_text("utf-8").replace("The Little Lighthouse", title), "utf-8")
    prompts = dest / "image_prompts.yaml"
    prompts.write_text(prompts.read_text("utf-8").replace(
        "A lighthouse at dusk, warm light, gulls.", f"The cover of {title}, at dusk."), "utf-8")


def _mkdocs_yml(stories: list[str], extra: str = "", nav: str = "") -> str:
    base = (FIXTURES / "mini" / "mkdocs.yml").read_text("utf-8")
    base = base.replace("site_name: Mini", "site_name: Story Shelf")
    listed = "".join(f"        - folder: stories/{name}\n" for name in stories)
    base = base.replace("      concurrency: 2", f"      concurrency: 2\n      stories:\n{listed}"
                        + extra)
    return base + nav


def shelf_project(root: Path, names=tuple(STORIES), docs: dict[str, str] | None = None,
                  nav: str = "", extra: str = "") -> Project:
    root.mkdir(parents=True, exist_ok=True)
    for name in names:
        _story(root / "stories" / name, STORIES.get(name, name.title()))
    (root / "docs").mkdir(exist_ok=True)
    for path, text in (docs or {}).items():
        (root / "docs" / path).write_text(text, "utf-8")
    (root / "mkdocs.yml").write_text(_mkdocs_yml(list(names), extra, nav), "utf-8")
    return Project(root)


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text("utf-8"), "html.parser")


def _local_refs(site: Path, page: str) -> list[Path]:
    """Every file a page's images and links point at inside the site."""
    html = soup(site, page)
    base = "https://x.test/" + page
    out = []
    for tag, attr in (("img", "src"), ("a", "href"), ("link", "href")):
        for el in html.find_all(tag):
            ref = el.get(attr)
            if not ref or ref.startswith(("#", "mailto:", "data:")) or "://" in ref:
                continue
            url = urljoin(base, ref).split("#")[0].split("?")[0]
            rel = unquote(url[len("https://x.test/"):])
            out.append(site / (rel + "index.html" if rel.endswith("/") or not rel else rel))
    return out


@pytest.fixture(scope="module")
def shelf_site(tmp_path_factory) -> Project:
    proj = shelf_project(tmp_path_factory.mktemp("shelf"))
    result = proj.build()
    assert result.ok, result.error + result.log
    return proj


def test_three_stories_at_the_root_with_a_shelf(shelf_site):
    site = shelf_site.site
    cards = soup(site, "index.html").select("ol.gn-shelf li.gn-card")
    assert [c.select_one(".gn-card-title").get_text() for c in cards] == list(STORIES.values())
    assert [c.a["href"] for c in cards] == [f"stories/{n}/" for n in STORIES]
    first = cards[0]
    assert "chapter" in first.select_one(".gn-card-label").get_text()
    assert first.select_one("img")["src"].startswith("stories/harbour-light/assets/panels/")
    resume = first.select_one("a.gn-continue")
    assert resume.has_attr("hidden") and resume["data-story"] == "stories/harbour-light/"
    for name in STORIES:
        for page in ("index.html", "chapters/01-storm/index.html", "references/index.html",
                     "chapters/all/index.html"):
            assert (site / "stories" / name / page).is_file(), (name, page)
        assert (site / "stories" / name / "feed.xml").is_file()
        assert len(list((site / "stories" / name).glob("*.epub"))) == 1
        # Its contents list, written into the site under its prefix, lists its own pages.
        contents = json.loads((site / "stories" / name / "assets/graphic-novel/contents.json")
                              .read_text("utf-8"))
        assert contents["pages"] and all(not p["url"].startswith("stories/")
                                         for p in contents["pages"])


def test_every_link_and_picture_of_every_story_resolves(shelf_site):
    site = shelf_site.site
    pages = ["index.html"] + [f"stories/{n}/{p}" for n in STORIES for p in
                              ("index.html", "chapters/01-storm/index.html",
                               "chapters/03-epilogue/index.html", "references/index.html",
                               "chapters/all/index.html")]
    for page in pages:
        missing = [str(p.relative_to(site)) for p in _local_refs(site, page) if not p.exists()]
        assert not missing, (page, missing)


def test_same_panel_ids_in_every_story_keep_their_own_pictures(shelf_site):
    site = shelf_site.site
    covers = {}
    for name in STORIES:
        img = soup(site, f"stories/{name}/index.html").select_one("figure.gn-cover-panel img")
        covers[name] = img["src"]
        assert (site / "stories" / name / img["src"]).is_file()
    files = {name: (site / "stories" / name / covers[name]).read_bytes() for name in STORIES}
    assert len(set(files.values())) == 3  # each story's own cover, under the same id
    assert all(src.startswith("assets/panels/cover-") for src in covers.values())


def test_paging_never_leaves_a_story(shelf_site):
    site = shelf_site.site
    for name in STORIES:
        prefix = f"stories/{name}/"
        for page in ("index.html", "chapters/01-storm/index.html",
                     "chapters/03-epilogue/index.html", "references/index.html"):
            html = soup(site, prefix + page)
            base = "https://x.test/" + prefix + page
            links = [a["href"] for a in html.select("nav.gn-pager a[href]")]
            links += [a["href"] for a in html.select("a.md-footer__link[href]")]
            assert links
            for href in links:
                assert urljoin(base, href).startswith("https://x.test/" + prefix), (page, href)


def test_each_story_is_its_own_section_of_the_nav_and_its_feed_its_own(shelf_site):
    site = shelf_site.site
    html = soup(site, "stories/salt-road/chapters/02-lens/index.html")
    nav_text = html.select_one("nav.md-nav--primary").get_text(" ", strip=True)
    for title in STORIES.values():
        assert title in nav_text
    feed = (site / "stories" / "salt-road" / "feed.xml").read_text("utf-8")
    assert "The Salt Road" in feed and "The Tin Moon" not in feed
    assert "https://example.org/mini/stories/salt-road/chapters/01-storm/" in feed


def test_the_service_worker_knows_every_story(shelf_site):
    worker = (shelf_site.site / "sw.js").read_text("utf-8")
    for name in STORIES:
        assert f"stories/{name}/chapters/02-lens/index.html" in worker


DOCS = {"index.md": "# Course home\n\nWelcome to the course.\n",
        "about.md": "# About\n\nWho writes this course.\n"}


def test_a_docs_site_keeps_its_pages_and_nav_and_gains_two_stories(tmp_path):
    nav = ("nav:\n  - Home: index.md\n  - About: about.md\n  - Stories:\n"
           "      - stories/index.md\n      - stories/harbour-light/index.md\n"
           "      - Salt: stories/salt-road/index.md\n")
    proj = shelf_project(tmp_path / "site", names=("harbour-light", "salt-road"), docs=DOCS,
                         nav=nav)
    result = proj.build()
    assert result.ok, result.error + result.log
    home = soup(proj.site, "index.html")
    assert "Welcome to the course." in home.get_text()
    assert home.select_one("article.gn-page") is None  # docs pages keep the docs layout
    assert soup(proj.site, "about/index.html").select_one("article.gn-page") is None
    shelf = soup(proj.site, "stories/index.html")
    assert [urljoin("https://x.test/stories/", a["href"])
            for a in shelf.select("li.gn-card > a:first-child")] == [
        "https://x.test/stories/harbour-light/", "https://x.test/stories/salt-road/"]
    chapter = soup(proj.site, "stories/salt-road/chapters/01-storm/index.html")
    assert chapter.select_one("article.gn-page--chapter") is not None
    nav_text = chapter.select_one("nav.md-nav--primary").get_text(" | ", strip=True)
    assert "| Home |" in nav_text and "| About |" in nav_text
    assert "| Salt | Cover | 1. The Storm |" in nav_text  # its cover became its section


def test_a_docs_site_without_a_nav_lists_its_pages_then_the_stories(tmp_path):
    proj = shelf_project(tmp_path / "site", names=("harbour-light", "salt-road"), docs=DOCS)
    result = proj.build()
    assert result.ok, result.error + result.log
    about = soup(proj.site, "about/index.html")
    text = about.select_one("nav.md-nav--primary").get_text(" ", strip=True)
    assert text.index("Course home") < text.index("About") < text.index("Stories")
    chapter = soup(proj.site, "stories/salt-road/chapters/01-storm/index.html")
    text = chapter.select_one("nav.md-nav--primary").get_text(" ", strip=True)
    assert text.index("Stories") < text.index("The Harbour Light") < text.index("The Salt Road")
    assert (proj.site / "stories" / "index.html").is_file()


@pytest.mark.parametrize(("extra", "said"), [
    ("        - folder: stories/tin-moon\n          prefix: stories/salt-road/\n",
     "stories[2]: prefix 'stories/salt-road/' is taken by stories[1]"),
    ("        - folder: stories/nowhere\n", "stories[2]: the story folder 'stories/nowhere'"),
    ("      story_dir: other\n", "set either 'story_dir' (one story) or 'stories'"),
])
def test_a_wrong_stories_setting_is_one_line_naming_it(tmp_path, extra, said):
    proj = shelf_project(tmp_path / "site", names=("harbour-light", "salt-road"), extra=extra)
    _story(proj.root / "stories" / "tin-moon", "The Tin Moon")
    result = proj.build()
    assert not result.ok
    said_lines = [line for line in result.log.splitlines() if said in line]
    assert said_lines == [f"ERROR: graphic-novel: {said_lines[0].split('graphic-novel: ')[1]}"]


def test_a_prefix_over_a_docs_page_is_refused_by_name(tmp_path):
    proj = shelf_project(tmp_path / "site", names=("harbour-light", "salt-road"),
                         docs={"index.md": "# Home\n"})
    (proj.root / "docs" / "stories" / "salt-road").mkdir(parents=True)
    (proj.root / "docs" / "stories" / "salt-road" / "notes.md").write_text("# Notes\n", "utf-8")
    result = proj.build()
    assert not result.ok
    assert re.search(r"stories\[1\]: prefix 'stories/salt-road/' is also where the docs page "
                     r"stories/salt-road/notes.md is", result.log), result.log


def test_one_story_at_the_root_is_unchanged_by_all_this(built_mini):
    _, result = built_mini
    assert (result.site / "chapters" / "01-storm" / "index.html").is_file()
    assert not (result.site / "stories").exists()


def test_an_imported_folder_of_five_stories_builds_strict_with_their_images(
        tmp_path, monkeypatch, capsys):
    from graphic_novel.cli import main
    from test_import_folder import ROBOT_GARDEN, make_folder

    folder = make_folder(tmp_path / "course")
    # The folder's unreadable story, mended: five stories to import.
    (folder / "broken-story" / "index.md").write_text(
        ROBOT_GARDEN.replace("Robot Garden", "Copper Orchard"), "utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["import", str(folder.relative_to(tmp_path)), "-o", "project"]) == 0
    capsys.readouterr()
    proj = Project(tmp_path / "project")
    stories = sorted(p.name for p in (proj.root / "stories").iterdir())
    assert len(stories) == 5
    result = proj.build()  # strict, with no edit
    assert result.ok, result.error + result.log
    with_art = 0
    for name in stories:
        copied = {p.stem for p in (proj.root / "stories" / name / "art").glob("*")}
        shown = set()
        for page in (proj.site / "stories" / name / "chapters").glob("*/index.html"):
            html = soup(proj.site, str(page.relative_to(proj.site)))
            shown |= {f["data-panel"] for f in html.select("figure[data-art='art']")}
        cover = soup(proj.site, f"stories/{name}/index.html").select_one("figure.gn-cover-panel")
        if cover is not None and cover["data-art"] == "art":
            shown.add(cover["data-panel"])
        assert copied <= shown, (name, copied, shown)  # every image copied is on its page
        with_art += bool(copied)
    assert with_art >= 3  # winter-bees is words only
    cards = soup(proj.site, "index.html").select("li.gn-shelf-card")
    assert len(cards) == 5


def test_a_broken_story_is_named_from_mkdocs_yml_and_check_agrees(tmp_path, monkeypatch, capsys):
    from graphic_novel.cli import main

    proj = shelf_project(tmp_path / "site", names=("harbour-light", "salt-road"))
    chapter = proj.root / "stories" / "salt-road" / "chapters" / "02-lens.md"
    chapter.write_text(chapter.read_text("utf-8") + "\n![](no-such-panel.png)\n", "utf-8")
    result = proj.build()
    assert not result.ok
    assert "stories/salt-road/chapters/02-lens.md:" in result.log
    monkeypatch.chdir(proj.root)
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "stories/salt-road/chapters/02-lens.md:" in err


def test_a_placeholder_names_its_own_storys_art_folder(monkeypatch, tmp_path):
    from graphic_novel import images, placeholder

    said = []
    real = placeholder.draw_placeholder
    monkeypatch.setattr(placeholder, "draw_placeholder",
                        lambda *a, **k: said.append(a[6] if len(a) > 6 else k.get("art_folder"))
                        or real(*a, **k))
    panel = type("P", (), {"id": "cover", "label": "", "title": "A title", "prompt": "Dusk."})
    usual = images.make_job(panel, None, None, 640, 360, "png")
    theirs = images.make_job(panel, None, None, 640, 360, "png",
                             art_folder="stories/salt-road/art")
    assert usual.key() == images.make_job(panel, None, None, 640, 360, "png",
                                          art_folder="story/art").key()  # caches kept
    assert theirs.key() != usual.key()
    images.render(theirs, str(tmp_path))
    assert said == ["stories/salt-road/art"]


def test_the_shelf_offers_to_continue_only_the_story_the_reader_started(shelf_site, browser):
    from playwright.sync_api import expect

    from browser import SiteServer, started_on_load

    server = SiteServer(shelf_site.site)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    started_on_load(page)  # "Continue reading" is the reader's script's to show
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(server.url)
        expect(page.locator("a.gn-continue:visible")).to_have_count(0)
        from axe_playwright_python.sync_playwright import Axe

        found = Axe().run(page)  # the shelf, a page type of its own
        assert not found.response["violations"], found.generate_report()
        page.goto(server.url + "stories/salt-road/chapters/02-lens/")
        page.goto(server.url)
        page.reload()
        shown = page.locator("a.gn-continue:visible")
        expect(shown).to_have_count(1)
        expect(shown).to_have_attribute("data-story", "stories/salt-road/")
        expect(shown).to_have_text("Continue reading: Chapter 2 · A New Lens")
        # The salt road's own cover offers it too; another story's cover does not.
        page.goto(server.url + "stories/salt-road/")
        expect(page.locator("a.gn-continue")).to_be_visible()
        page.goto(server.url + "stories/tin-moon/")
        expect(page.locator("a.gn-continue")).to_be_hidden()
        shown = None
    finally:
        context.close()
        server.close()
    assert not errors, errors


def test_each_story_of_a_site_gets_its_own_editions_on_its_cover(tmp_path):
    from graphic_novel.editions import pdf

    proj = shelf_project(tmp_path / "site", names=("harbour-light", "salt-road"),
                         extra="      pdf: true\n")
    result = proj.build()
    assert result.ok, result.error + result.log
    engine = pdf.engine_findable() is None
    for name, title in (("harbour-light", "the-harbour-light"), ("salt-road", "the-salt-road")):
        folder = proj.site / "stories" / name
        assert (folder / f"{title}.epub").is_file()
        assert (folder / f"{title}.pdf").is_file() == engine
        links = [a["href"] for a in soup(proj.site, f"stories/{name}/index.html")
                 .select("a.gn-download")]
        assert f"{title}.epub" in links
        assert (f"{title}.pdf" in links) == engine
