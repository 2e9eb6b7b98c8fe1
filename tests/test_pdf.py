"""The print edition (editions/pdf.py): printed by WeasyPrint from the book's own
XHTML, made by `mkdocs build` when `pdf: true`, offered on the cover and in the feed,
cached; the PDF's text, pages, fonts and metadata as a printer would get them.

PDF printing takes seconds: one build of the mini fixture (with a draft chapter)
serves most tests, and the others print from its cache or not at all."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from conftest import Project, make_project
from graphic_novel import cli
from graphic_novel.editions import pdf, shelf
from graphic_novel.loader import load_story

pypdf = pytest.importorskip("pypdf")
if pdf.engine_problem():
    pytest.skip(pdf.engine_problem(), allow_module_level=True)

PDF = "the-little-lighthouse.pdf"
DRAFT = "---\ntitle: Not Yet\ndraft: true\n---\n\nSecret words.\n"


def print_edition_on(project: Project, paper: str = "a4") -> None:
    project.edit("mkdocs.yml", "      concurrency: 2",
                 f"      concurrency: 2\n      pdf: true\n      paper: {paper}")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Project, str]:
    """The mini fixture with the PDF on and a draft chapter, built once by MkDocs."""
    proj = make_project(tmp_path_factory.mktemp("pdf-mini"))
    print_edition_on(proj)
    proj.write("story/chapters/02a-draft.md", DRAFT)
    result = proj.build()
    assert result.ok, result.error + result.log
    return proj, result.log


@pytest.fixture(scope="module")
def made(built) -> tuple[Path, object]:
    proj, _ = built
    return proj.site / PDF, load_story(proj.story)


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def test_every_chapter_starts_a_page_in_order_after_cover_and_contents(made):
    path, _ = made
    pages = page_texts(path)
    assert pages[0].startswith("The Little Lighthouse")
    assert pages[1].startswith("Contents")
    starts = [i for i, text in enumerate(pages) if text.startswith(("Chapter ", "Epilogue"))]
    assert [pages[i].split("\n")[0] for i in starts] == [
        "Chapter 1: The Storm", "Chapter 2: A New Lens", "Epilogue: The Light Today"]
    assert starts == sorted(starts)
    assert 6 <= len(pages) <= 10


def test_contents_give_the_page_each_chapter_starts_on(made):
    path, _ = made
    pages = page_texts(path)
    listed = dict(re.findall(r"^(.+?) \.+ (\d+)$", pages[1], re.M))
    for title, number in listed.items():
        assert pages[int(number) - 1].startswith(title), (title, number)
    assert {"Chapter 1: The Storm", "Image prompts", "References"} <= set(listed)


def test_every_prompt_and_reference_is_in_the_text(made):
    path, story = made
    text = re.sub(r"\s+", " ", " ".join(page_texts(path)))
    for panel in story.panels.values():
        first_line = panel.prompt.strip().split("\n")[0].replace("*", "")
        assert re.sub(r"\s+", " ", first_line) in text
    assert "Lighthouse history" in text and "The lens report. No address known. Cited" in text


def test_page_numbers_in_the_footer_but_not_on_the_cover(made):
    path, _ = made
    pages = page_texts(path)
    assert not pages[0].rstrip().endswith("1")
    for number, text in enumerate(pages[1:], start=2):
        assert text.rstrip().endswith(str(number))


def test_fonts_are_embedded_and_metadata_names_the_story(made):
    path, _ = made
    reader = pypdf.PdfReader(path)
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            fonts[font["/BaseFont"]] = any(k in descriptor for k in
                                           ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    assert reader.metadata.title == "The Little Lighthouse"
    assert reader.metadata.author == "Test Author"
    assert reader.trailer["/Root"].get("/Lang") == "en"


def test_the_pdf_command_writes_the_print_edition(project):
    run = subprocess.run([sys.executable, "-m", "graphic_novel", "pdf", "--output", "out.pdf"],
                         cwd=project.root, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert re.fullmatch(r"wrote out\.pdf \(\d+ KB\)\n", run.stdout)
    assert page_texts(project.root / "out.pdf")[0].startswith("The Little Lighthouse")


def test_without_the_engine_one_line_says_what_to_do(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as if not installed
    problem = pdf.engine_problem()
    assert problem.startswith("PDF edition skipped: WeasyPrint cannot be loaded here (")
    assert "\n" not in problem and "libpango" in problem


# ---------------------------------------------------------------- in the site build


def test_the_build_puts_the_pdf_in_the_site_and_logs_it_once(built):
    proj, log = built
    assert (proj.site / PDF).stat().st_size > 10_000
    lines = [x for x in log.splitlines() if "PDF edition" in x]
    assert len(lines) == 1
    assert re.fullmatch(rf"INFO: graphic-novel: PDF edition: {PDF}, \d+ KB "
                        r"\(made this build in [\d.]+ s\)", lines[0]), lines
    assert "EPUB edition: the-little-lighthouse.epub" in log


def test_the_cover_offers_both_editions_with_their_sizes_and_the_feed_links_them(built):
    proj, _ = built
    cover = proj.site / "index.html"
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(cover.read_text("utf-8"), "html.parser")
    links = soup.select(".gn-editions a.gn-download")
    assert [(a.get_text(), a["href"]) for a in links] == [
        ("Download EPUB", "the-little-lighthouse.epub"), ("Download PDF", PDF)]
    for link in links:
        size = link.find_next_sibling("span", class_="gn-edition-size").get_text()
        assert size == f"({shelf.human_size((proj.site / link['href']).stat().st_size)})"
    assert "gn-edition-size-" not in cover.read_text("utf-8")  # every slot filled
    feed = feedparser.parse((proj.site / "feed.xml").read_bytes())
    related = [(x.type, x.href, x.title) for x in feed.feed.links if x.get("rel") == "related"]
    assert related == [
        ("application/epub+zip", "https://example.org/mini/the-little-lighthouse.epub",
         "The Little Lighthouse (EPUB)"),
        ("application/pdf", f"https://example.org/mini/{PDF}", "The Little Lighthouse (PDF)")]
    assert PDF not in (proj.site / "sw.js").read_text("utf-8")  # a download, not precached


def test_a_draft_chapter_is_never_in_the_pdf(made):
    path, _ = made
    text = " ".join(page_texts(path))
    assert "Secret words" not in text and "Not Yet" not in text


def test_a_draft_loaded_for_serve_is_left_out_of_the_pdf_and_its_key(built):
    proj, _ = built
    with_draft = load_story(proj.story, include_drafts=True)
    assert "02a-draft" in [c.slug for c in with_draft.chapters]
    cache = proj.root / ".cache"
    planned = pdf.plan(with_draft, {}, cache, "en", "a4")
    assert planned.key == pdf.plan(load_story(proj.story), {}, cache, "en", "a4").key
    assert planned.story is not None  # not printed from this empty image set yet
    assert "02a-draft" not in [c.slug for c in planned.story.whole().chapters]


def test_a_warm_build_takes_the_pdf_from_the_cache_without_loading_the_engine(built,
                                                                              monkeypatch):
    proj, _ = built
    cached = list((proj.root / ".cache" / "graphic-novel" / "pdf").glob("*.pdf"))
    assert len(cached) == 1
    made_at = cached[0].stat().st_mtime_ns

    def no_printer():
        raise AssertionError("a warm build started the print process")

    monkeypatch.setattr(pdf, "Printer", no_printer)
    again = proj.build()
    assert again.ok, again.error + again.log
    assert f"PDF edition: {PDF}, " in again.log and "(from cache)" in again.log
    assert cached[0].stat().st_mtime_ns == made_at
    assert (proj.site / PDF).read_bytes() == cached[0].read_bytes()


def test_letter_paper_from_the_setting(built, tmp_path):
    proj, _ = built
    letter = Project(tmp_path / "letter")
    shutil.copytree(proj.root, letter.root)  # the panels come from the cache
    letter.edit("mkdocs.yml", "paper: a4", "paper: letter")
    result = letter.build()
    assert result.ok, result.error + result.log
    assert "PDF edition" in result.log and "made this build" in result.log
    a4_box = pypdf.PdfReader(proj.site / PDF).pages[0].mediabox
    letter_box = pypdf.PdfReader(letter.site / PDF).pages[0].mediabox
    assert (round(float(a4_box.width)), round(float(a4_box.height))) == (595, 842)
    assert (round(float(letter_box.width)), round(float(letter_box.height))) == (612, 792)


def test_the_pdf_alone_when_the_epub_is_off(built, tmp_path):
    proj, _ = built
    alone = Project(tmp_path / "alone")
    shutil.copytree(proj.root, alone.root)  # the same PDF is in the cache
    alone.edit("mkdocs.yml", "      pdf: true", "      pdf: true\n      epub: false")
    result = alone.build()
    assert result.ok, result.error + result.log
    assert "EPUB edition" not in result.log and f"PDF edition: {PDF}, " in result.log
    assert "(from cache)" in result.log
    assert not list(alone.site.glob("*.epub"))
    cover = (alone.site / "index.html").read_text("utf-8")
    assert "Download EPUB" not in cover and "Download PDF</a>" in cover
    assert "gn-edition-size-" not in cover


def test_without_the_engine_the_site_builds_and_says_so_in_one_line(project, monkeypatch):
    print_edition_on(project)
    # The print process is forked from the build: it finds no engine either.
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    result = project.build()
    assert result.ok, result.error + result.log
    lines = [x for x in result.log.splitlines() if "PDF" in x]
    assert len(lines) == 1 and lines[0].startswith(
        "INFO: graphic-novel: PDF edition skipped: WeasyPrint cannot be loaded here ("), lines
    assert "'pdf: false'" in lines[0]
    assert not (project.site / PDF).exists()
    assert (project.site / "the-little-lighthouse.epub").is_file()
    cover = (project.site / "index.html").read_text("utf-8")
    assert "Download EPUB" in cover and "Download PDF" not in cover
    assert "application/pdf" not in (project.site / "feed.xml").read_text("utf-8")
    assert (project.site / "chapters" / "01-storm" / "index.html").is_file()


def test_check_reports_a_pdf_it_cannot_print_here(project, monkeypatch):
    print_edition_on(project)
    monkeypatch.chdir(project.root)
    story = load_story(project.story)
    assert cli.edition_problems(story, project.story) == []
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    [line] = cli.edition_problems(story, project.story)
    assert line.startswith("mkdocs.yml (pdf: true): PDF edition skipped: WeasyPrint cannot "
                           "be loaded here ("), line


def refuse_to_print(source: str, out: Path, base_url: str) -> None:
    """Stands in for pdf.write_pdf in the print process (found there by name)."""
    raise ValueError("no room on the page\nsecond line")


def test_a_print_failure_is_one_line_and_leaves_no_partial_file(project, monkeypatch):
    print_edition_on(project)
    monkeypatch.setattr(pdf, "write_pdf", refuse_to_print)
    result = project.build()
    assert not result.ok
    errors = [x for x in result.log.splitlines() if x.startswith("ERROR")]
    assert errors == ["ERROR: story: WeasyPrint could not print the PDF (ValueError: no room "
                      "on the page); set 'pdf: false' to build without it."]
    folder = project.root / ".cache" / "graphic-novel" / "pdf"
    assert folder.is_dir() and os.listdir(folder) == []  # no partial file left behind


def test_edition_sizes_fill_their_slots_and_leave_the_rest_of_the_page_as_it_was(tmp_path):
    page = tmp_path / "index.html"
    links = shelf.download_html([("book.epub", "book.epub"), ("book.pdf", "book.pdf")])
    before, after = "<p>Caf\u00e9 \u2014 \U0001f409</p>\n" * 3000, "<p>\u8a9e</p>\n" * 3000
    page.write_text(before + links + after, "utf-8")
    shelf.fill_sizes(page, {"book.pdf": 1_400_000})  # the EPUB's slot stays for now
    expected = links.replace("gn-edition-size-pdf", "(1.4 MB)")
    assert page.read_text("utf-8") == before + expected + after
    shelf.fill_sizes(page, {"book.epub": 769_000, "book.pdf": 1})  # the PDF's is filled
    assert page.read_text("utf-8") == \
        before + expected.replace("gn-edition-size-epub", "(769 KB)") + after
    assert not list(tmp_path.glob("*.partial"))
