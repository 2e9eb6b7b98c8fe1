"""The editions one build makes, as one list: planned while the chapters have
their text, offered on the cover and in the feed, made and put in the site
at the end. The EPUB and the PDF go through the same steps; only how each
is made differs (epub.make, pdf.make).
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..atomic import replacing
from ..images import ImageSet
from ..model import Story
from . import epub, pdf

Plan = epub.EpubPlan | pdf.PdfPlan


@dataclass(frozen=True)
class Format:
    name: str  # as a reader knows it: "EPUB", "PDF"
    media_type: str

    @property
    def size_slot(self) -> str:
        """Where the cover says the file's size, once it is known."""
        return f"gn-edition-size-{self.name.lower()}"


FORMATS = {".epub": Format("EPUB", epub.MEDIA_TYPE), ".pdf": Format("PDF", pdf.MEDIA_TYPE)}


def format_of(path: str) -> Format:
    """The format of the edition at site path ``path``, from its suffix."""
    return FORMATS[PurePosixPath(path).suffix]


def plan(story: Story, images: dict[str, ImageSet], cache_dir: Path, language: str,
         site_url: str | None, *, epub_on: bool, pdf_on: bool, paper: str) -> list[Plan]:
    """The editions this build offers (see :func:`offered` for a PDF the cache lacks)."""
    plans: list[Plan] = []
    book = epub.plan(story, images, cache_dir, language, site_url) if epub_on else None
    if book is not None:
        plans.append(book)
    if pdf_on:
        plans.append(pdf.plan(story, images, cache_dir, language, paper, site_url, book))
    return plans


def offered(plans: list[Plan]) -> tuple[list[Plan], list[str]]:
    """The editions that can be made here, and a log line for each that cannot
    (a PDF to print without WeasyPrint). For a PDF the cache lacks, a quick look
    for the engine (no import): it is loaded once the site is built, in the
    print process, so loading it never holds up the pages or the drawing."""
    kept: list[Plan] = []
    notes: list[str] = []
    for made in plans:
        problem = None
        if isinstance(made, pdf.PdfPlan) and not made.ready:
            problem = pdf.engine_findable()
            if problem:
                notes.append(problem)
        if not problem:
            kept.append(made)
    return kept, notes


def close(plans: list[Plan]) -> None:
    """Stop any printer still running and let go of the texts held for an edition
    not made (a build that failed or ended)."""
    for made in plans:
        if isinstance(made, pdf.PdfPlan):
            made.close()
        if made.story is not None:
            made.story.close()
            made.story = None


def publish(plans: list[Plan], images: dict[str, ImageSet], cache_dir: Path,
            site_dir: str | Path, cover_file: str) -> list[str]:
    """Make each edition the cache lacks, put them all in the site and their
    sizes on the cover page (written by now). Returns a line for the build
    log for each. A StoryError says why one could not be made."""
    lines, sizes = [], {}
    for made in plans:
        was_ready, started = made.ready, time.perf_counter()
        try:
            path = epub.make(made, images, cache_dir) if isinstance(made, epub.EpubPlan) \
                else pdf.make(made, images, cache_dir)
        finally:
            if isinstance(made, pdf.PdfPlan):
                made.close()
        size = sizes[made.file_name] = epub.copy_into_site(path, site_dir, made.file_name)
        how = "from cache" if was_ready else \
            f"made this build in {time.perf_counter() - started:.2f} s"
        lines.append(f"{format_of(made.file_name).name} edition: {made.file_name}, "
                     f"{human_size(size)} ({how})")
    close(plans)  # the texts held for them (one file, when the EPUB and PDF share it)
    cover = Path(site_dir) / cover_file
    if sizes and cover.is_file():
        fill_sizes(cover, sizes)
    return lines


# ---------------------------------------------------------------- the cover


def download_html(links: list[tuple[str, str]]) -> str:
    """The cover's download links, side by side: (href, the edition's site path)
    each. Each size goes in its slot once the file is made (:func:`fill_sizes`)."""
    items = []
    for href, path in links:
        kind = format_of(path)
        items.append(f'<span class="gn-edition"><a class="md-button gn-download" '
                     f'href="{html.escape(href)}">Download {kind.name}</a> '
                     f'<span class="gn-edition-size">{kind.size_slot}</span></span>')
    return ('<div class="gn-editions" data-search-exclude="true"><p>'
            + " ".join(items) + "</p></div>")


def fill_sizes(page: Path, sizes: dict[str, int]) -> None:
    """Put each edition's size, by its site path, in its slot on the written
    page. The page is copied around the slots from a memory map, never read
    into a string: at 1,000 chapters the cover is 860 KB, and its copies were
    2.4 MB of the build's memory at its busiest."""
    import mmap

    if page.stat().st_size == 0:  # nothing to map, and no slot
        return
    with open(page, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as view:
        cuts = []
        for path, size in sizes.items():
            slot = format_of(path).size_slot.encode()
            at = view.find(slot)
            if at >= 0:
                cuts.append((at, at + len(slot), f"({human_size(size)})".encode()))
        if not cuts:
            return
        with replacing(page, "wb") as out, memoryview(view) as whole:
            done = 0
            for start, end, text in sorted(cuts):
                out.write(whole[done:start])
                out.write(text)
                done = end
            out.write(whole[done:])


def human_size(size: int) -> str:
    """"2.4 MB", "310 KB"."""
    if size >= 1_000_000:
        return f"{size / 1e6:.1f} MB"
    return f"{max(1, round(size / 1e3))} KB"
