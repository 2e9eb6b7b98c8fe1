"""The story as a print-ready PDF, made with WeasyPrint from the EPUB's own
XHTML bodies (one document: cover page, contents with page numbers, each
chapter on a new page, the prompts and the references).

Off by default (``pdf: true`` turns it on). Cached like the EPUB, under a
hash of the book's content and the paper size. In a site build WeasyPrint
runs in a process of its own (a :class:`Printer`): its import alone is some
40 MB and a second, and it changes Pillow for the whole process. When it
cannot be loaded the build says so in one line and goes on without it.
"""

from __future__ import annotations

import functools
import hashlib
import html
import os
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import StoryError
from ..images import ImageSet
from ..model import Story
from . import epub
from .held_story import HeldStory

if TYPE_CHECKING:
    from concurrent.futures import Future

PAPER = {"a4": "A4", "letter": "letter"}
VERSION = "1"
MEDIA_TYPE = "application/pdf"
NO_ENGINE = ("PDF edition skipped: WeasyPrint cannot be loaded here ({why}); install it with "
             "pip and Debian's libpango-1.0-0, or set 'pdf: false' in mkdocs.yml.")

PRINT_CSS = """\
@page { size: %(paper)s; margin: 20mm 18mm 22mm;
  @bottom-center { content: counter(page); font-size: 9pt; } }
@page cover { @bottom-center { content: none; } }
html { font-family: "DejaVu Serif", serif; font-size: 11pt; line-height: 1.45; }
.title-page { page: cover; text-align: center; }
.title-page h1 { font-size: 28pt; margin: 0 0 6mm; }
.subtitle { font-style: italic; font-size: 14pt; }
.notice { font-size: 9pt; font-style: italic; }
nav.contents { break-before: page; }
nav.contents ol { list-style: none; padding: 0; }
nav.contents a { color: inherit; text-decoration: none; }
nav.contents a::after { content: leader('.') target-counter(attr(href), page); }
section.chapter, section.prompts, section.references { break-before: page; }
h1 { font-size: 18pt; }
figure.panel { margin: 4mm 0; text-align: center; break-inside: avoid; }
figure.panel img { max-width: 100%%; max-height: 150mm; }
figcaption { font-size: 9pt; }
.panel-number { font-weight: bold; }
sup.cite { font-size: 7pt; }
a { color: #1a3d8f; }
.prompt { break-inside: avoid; }
.prompt h2, .style h2 { font-size: 12pt; }
"""


@dataclass
class PdfPlan:
    key: str
    file_name: str
    cached: Path
    story: HeldStory | None  # held only while the PDF is still to be made
    language: str
    paper: str
    printer: Printer | None = None  # the print process, while the PDF is still to be made

    @property
    def ready(self) -> bool:
        return self.cached.is_file() and self.cached.stat().st_size > 0

    def close(self) -> None:
        if self.printer is not None:
            self.printer.close()
            self.printer = None


@functools.cache  # reading a distribution's metadata costs about 1 ms
def _engine_version() -> str:
    try:
        return metadata.version("weasyprint")
    except metadata.PackageNotFoundError:
        return "?"


def engine_problem() -> str | None:
    """Why the PDF cannot be made here, in one line, or None (imports
    WeasyPrint into this process)."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        return NO_ENGINE.format(why=(str(exc).splitlines() or [type(exc).__name__])[0][:120])
    return None


def engine_findable() -> str | None:
    """Why the PDF cannot be made here, from a quick look that imports nothing
    (WeasyPrint installed, Pango's library present), or None. Loading the
    engine (engine_problem) takes a second; this, a few milliseconds."""
    import ctypes.util
    import importlib.util

    try:
        found = importlib.util.find_spec("weasyprint") is not None
    except (ImportError, ValueError):  # a module set to None, as a failed import leaves it
        found = False
    if not found:
        return NO_ENGINE.format(why="WeasyPrint is not installed")
    if not ctypes.util.find_library("pango-1.0"):
        return NO_ENGINE.format(why="Pango's library, libpango-1.0, is not installed")
    return None


class Printer:
    """One worker process that loads WeasyPrint as soon as it is made and
    prints the PDF when asked: the build process never holds the engine.
    Made when a build will print, so loading it overlaps the build's pages."""

    def __init__(self) -> None:
        from concurrent.futures import ProcessPoolExecutor

        from .child import process_pool

        self._pool: ProcessPoolExecutor | None = process_pool()
        self._loaded: Future = self._pool.submit(engine_problem)

    def problem(self) -> str | None:
        """Waits for the engine to load: why it cannot, in one line, or None."""
        from concurrent.futures.process import BrokenProcessPool

        try:
            return self._loaded.result()
        except BrokenProcessPool:
            return NO_ENGINE.format(why="its process stopped while loading it")

    def print_book(self, story: Story, images: dict[str, ImageSet], cache_dir: Path,
                   language: str, paper: str, out: Path) -> None:
        """Make the book's document and print it, both in the printer's process:
        the document (some 10 MB at 200 chapters) never becomes the build's memory."""
        if self._pool is None:
            raise RuntimeError("graphic-novel: the printer is used after it was closed")
        self._pool.submit(print_book, story, images, cache_dir, language, paper, out).result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def file_name(story: Story) -> str:
    return epub.file_name(story).removesuffix(".epub") + ".pdf"


def plan(story: Story, images: dict[str, ImageSet], cache_dir: Path, language: str,
         paper: str, site_url: str | None = None, book: epub.EpubPlan | None = None) -> PdfPlan:
    """What the PDF will be, and whether the cache has it already. ``book``,
    the EPUB's plan for the same story when the build has one, spares
    hashing the story twice."""
    book = book or epub.plan(story, images, cache_dir, language, site_url)
    # The book's content, and how it is printed: this module's version, its
    # stylesheet, the paper and the engine's version.
    how = hashlib.sha256(f"{VERSION}{PRINT_CSS}{_engine_version()}".encode()).hexdigest()[:8]
    key = f"{book.key}-{how}-{paper}"
    cached = Path(cache_dir) / "pdf" / f"{key}.pdf"
    made = PdfPlan(key, file_name(story), cached, None,
                   book.language, paper)
    if not made.ready:  # the EPUB's texts, when it has them on hold too
        made.story = book.story or HeldStory(epub.book_story(story))
    return made


def document(story: Story, images: dict[str, ImageSet], cache_dir: Path, language: str,
             paper: str) -> str:
    """The whole book as one HTML document for the print engine."""
    from . import epub_images, epub_text

    shown = [images[pid] for pid in epub.book_panels(story) if pid in images]
    epub_images.convert_missing(cache_dir, shown)
    pictures = {}
    for made_for in shown:
        made = epub_images.book_image(cache_dir, made_for)
        pictures[made_for.panel_id] = epub_text.Picture(made.path.resolve().as_uri(),
                                                        made.width, made.height)
    items = "".join(f'<li><a href="#{html.escape(c.slug)}">{html.escape(epub.nav_title(c))}'
                    "</a></li>" for c in story.chapters)
    items += ('<li><a href="#image-prompts">Image prompts</a></li>'
              '<li><a href="#references">References</a></li>')
    where = {pid: f for pid, f in epub.book_panels(story).items() if pid in pictures}
    parts = [epub_text.title_page(story, pictures),
             f'<nav class="contents"><h1>Contents</h1><ol>{items}</ol></nav>',
             *(epub_text.chapter_body(story, c, pictures) for c in story.chapters),
             epub_text.prompts_appendix(story, where), epub_text.references_body(story)]
    body = _one_document_links("\n".join(parts))
    author = f'<meta name="author" content="{html.escape(story.author)}">' if story.author \
        else ""
    return (f'<!DOCTYPE html><html lang="{html.escape(language)}"><head><meta charset="utf-8">'
            f"<title>{html.escape(story.title)}</title>{author}"
            f'<meta name="description" content="{html.escape(epub_text.description(story))}">'
            f"<style>{PRINT_CSS % {'paper': PAPER[paper]}}</style></head>"
            f"<body>{body}</body></html>")


_BOOK_LINK_RE = re.compile(r'href="([A-Za-z0-9_.-]+)\.xhtml(#[^"]*)?"')


def _one_document_links(text: str) -> str:
    """Links between the EPUB's files become links within the one document:
    "references.xhtml#ref-x" is "#ref-x", "02-lens.xhtml" is "#02-lens"."""
    return _BOOK_LINK_RE.sub(lambda m: f'href="{m.group(2) or "#" + m.group(1)}"', text)


def write_pdf(source: str, out: Path, base_url: str) -> None:
    """Print the HTML document ``source`` to ``out`` (what the printer's process runs)."""
    import weasyprint

    # Reproducible bytes: no creation or modification time from the clock.
    weasyprint.HTML(string=source, base_url=base_url).write_pdf(
        str(out), uncompressed_pdf=False, custom_metadata=False)


def print_book(story: Story, images: dict[str, ImageSet], cache_dir: Path, language: str,
               paper: str, out: Path) -> None:
    """The book's document, printed to ``out``."""
    write_pdf(document(story, images, cache_dir, language, paper), out, str(cache_dir))


def make(pdf_plan: PdfPlan, images: dict[str, ImageSet], cache_dir: Path) -> Path:
    """The PDF in the cache, printed if it is not there yet (the panels must be
    drawn by now), in a print process of its own."""
    if pdf_plan.ready or pdf_plan.story is None:
        return pdf_plan.cached
    from concurrent.futures.process import BrokenProcessPool

    pdf_plan.cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = pdf_plan.cached.with_name(f".{pdf_plan.cached.name}.{os.getpid()}.partial")
    how = (pdf_plan.story.whole(), images, cache_dir, pdf_plan.language, pdf_plan.paper, tmp)
    if pdf_plan.printer is None:
        pdf_plan.printer = Printer()
    problem = pdf_plan.printer.problem()
    if problem:  # found by the quick look (engine_findable), but it would not load
        raise StoryError(None, problem.replace("PDF edition skipped", "the PDF cannot be "
                                               "printed", 1))
    try:
        pdf_plan.printer.print_book(*how)
    except BrokenProcessPool:
        tmp.unlink(missing_ok=True)
        raise StoryError(None, "the PDF's print process stopped unexpectedly (out of memory?); "
                               "run the build again, or set 'pdf: false'.") from None
    except Exception as exc:  # WeasyPrint's own errors have no common base
        tmp.unlink(missing_ok=True)
        what = (str(exc).splitlines() or [""])[0][:200]
        raise StoryError(None, f"WeasyPrint could not print the PDF ({type(exc).__name__}: "
                               f"{what}); set 'pdf: false' to build without it.") from None
    os.replace(tmp, pdf_plan.cached)
    return pdf_plan.cached


def story_pdf(story: Story, cache_dir: Path, out: Path, paper: str = "a4",
              language: str = "en", workers: int | None = None) -> Path:
    """The PDF of ``story`` at ``out``, its panels drawn (or taken from the
    cache) first: what `graphic-novel pdf` runs, without a site build."""
    import shutil

    from .. import images as img

    renderer = img.Renderer(cache_dir, workers=workers)
    try:
        jobs = [img.make_job(p, story.art.get(p.id), str(story.art.get(p.id) or "") or None,
                             1600, 900, "webp") for p in story.panels.values()]
        sets, pending = renderer.start(jobs)
        renderer.finish(pending)
    finally:
        renderer.close()
    print_plan = plan(story, sets, cache_dir, language, paper)
    try:
        made = make(print_plan, sets, cache_dir)
    finally:
        print_plan.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(made, out)
    return out
