"""The print edition (editions/pdf.py): made by WeasyPrint from the book's own
XHTML; the PDF's text, pages, fonts and metadata as a printer would get them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import make_project
from graphic_novel import images as img
from graphic_novel.editions import pdf
from graphic_novel.loader import load_story

pypdf = pytest.importorskip("pypdf")
if pdf.engine_problem():
    pytest.skip(pdf.engine_problem(), allow_module_level=True)


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> tuple[Path, object]:
    proj = make_project(tmp_path_factory.mktemp("pdf-mini"))
    story = load_story(proj.story)
    cache = proj.root / ".cache"
    renderer = img.Renderer(cache, workers=1)
    jobs = [img.make_job(p, None, None, 1600, 900, "webp") for p in story.panels.values()]
    sets, pending = renderer.start(jobs)
    renderer.finish(pending)
    renderer.close()
    path = pdf.make(pdf.plan(story, sets, cache, "en", "a4"), sets, cache)
    return path, story


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


def test_letter_paper_on_request(made, tmp_path):
    path, story = made
    cache = path.parent.parent
    sets = {}
    for panel in story.panels.values():
        job = img.make_job(panel, None, None, 1600, 900, "webp")
        sets[panel.id] = img.read_entry(cache / job.key(), job)
    letter = pdf.make(pdf.plan(story, sets, cache, "en", "letter"), sets, cache)
    a4_box = pypdf.PdfReader(path).pages[0].mediabox
    letter_box = pypdf.PdfReader(letter).pages[0].mediabox
    assert (round(float(a4_box.width)), round(float(a4_box.height))) == (595, 842)
    assert (round(float(letter_box.width)), round(float(letter_box.height))) == (612, 792)


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
