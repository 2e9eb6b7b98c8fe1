"""The story as an EPUB 3 book, made with ebooklib, deterministic and cached.

:func:`plan` names the book by a hash of everything that goes into it (the
story's text and metadata, the panels' image keys, the language); a build
that finds a book of that name in the cache copies it and makes nothing.
:func:`make` writes a missing one: the same input always gives the same
bytes (fixed zip times, an identifier derived from the story, the date from
the story's own files or SOURCE_DATE_EPOCH).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import re
import shutil
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import StoryError
from ..images import ImageSet
from ..model import Chapter, Panel, Story
from ..rules import chapter_heading
from .held_story import HeldStory

if TYPE_CHECKING:
    from .epub_images import BookImage
    from .epub_text import Picture

# The book's own files (epub_text writes them). epub_text and epub_images, with the
# Markdown and image code they load, are imported only when a book is made: a build
# that finds its book in the cache plans with this module alone.
TITLE_PAGE = "title.xhtml"
PROMPTS_PAGE = "prompts.xhtml"
REFERENCES_PAGE = "references.xhtml"
IMAGE_FOLDER = "images"

VERSION = "1"  # bump when the book is made differently
IMAGES_VERSION = "1"  # bump when epub_images converts the pictures differently
CACHE_FOLDER = "epub"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: the time is not the content
MEDIA_TYPE = "application/epub+zip"

STYLESHEET = """\
body { margin: 0 4%; line-height: 1.5; }
h1 { font-size: 1.5em; margin: 1.2em 0 0.8em; }
.title-page { text-align: center; }
.title-page h1 { font-size: 2em; }
.subtitle { font-style: italic; }
.notice { font-size: 0.85em; font-style: italic; margin-top: 2em; }
figure.panel { margin: 1em 0; text-align: center; page-break-inside: avoid;
  break-inside: avoid; }
figure.panel img { max-width: 100%; height: auto; }
figcaption { font-size: 0.85em; margin-top: 0.3em; }
.panel-number { font-weight: bold; }
sup.cite { font-size: 0.7em; }
.prompt { page-break-inside: avoid; break-inside: avoid; }
.prompt h2, .style h2 { font-size: 1.1em; }
ol.references li { margin-bottom: 0.5em; }
"""


@dataclass
class EpubPlan:
    key: str
    file_name: str  # where it goes in the site, e.g. "the-llama-effect.epub"
    cached: Path
    story: HeldStory | None  # held only while the book is still to be made
    language: str
    identifier: str
    modified: datetime

    @property
    def ready(self) -> bool:
        return self.cached.is_file() and self.cached.stat().st_size > 0


def chapter_file(chapter: Chapter) -> str:
    """The book's file for a chapter."""
    return f"{chapter.slug}.xhtml"


def file_name(story: Story) -> str:
    """The book's file name in the site, from the story's title."""
    slug = re.sub(r"[^a-z0-9]+", "-", story.title.lower()).strip("-")[:60].strip("-")
    return f"{slug or 'story'}.epub"


def identifier(story: Story, site_url: str | None) -> str:
    """A stable identifier: the same story at the same address keeps it."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"graphic-novel:{site_url or ''}:{story.title}").urn


def modified_time(story: Story) -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else the newest
    chapter file's time, to the second."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    stamp = float(epoch) if epoch.isdigit() else max((c.updated for c in story.chapters),
                                                     default=0.0)
    return datetime.fromtimestamp(int(stamp), UTC)


def book_story(story: Story) -> Story:
    """The story as the book tells it: drafts are never in an edition."""
    if not any(c.draft for c in story.chapters):
        return story
    return dataclasses.replace(story, chapters=[c for c in story.chapters if not c.draft])


def book_panels(story: Story) -> dict[str, str]:
    """Each panel the book shows, in order of appearance, with the file holding it."""
    where: dict[str, str] = {}
    if story.cover:
        where[story.cover.id] = TITLE_PAGE
    for chapter in story.chapters:
        for pid in chapter.panel_ids:
            if pid in story.panels:
                where.setdefault(pid, chapter_file(chapter))
    return where


def _content_key(story: Story, images: dict[str, ImageSet], language: str, ident: str,
                 modified: datetime) -> str:
    def chapter(c: Chapter) -> list:
        return [c.slug, c.source.name, c.title, c.summary, c.kind, c.label, c.number, c.body]

    def panel(p: Panel) -> list:
        return [p.id, p.title, p.alt, p.prompt, p.label, images[p.id].key if p.id in images
                else None]

    # Each reference's fields in order: what dataclasses.astuple gives, without its
    # deep copies (0.3 ms a story of 15 references).
    references = [list(vars(r).values()) for r in story.references.values()]
    facts = [VERSION, IMAGES_VERSION, _ebooklib_version(), language, ident,
             modified.isoformat(), story.title, story.subtitle, story.author, story.notice,
             story.cover_id, story.style, story.narrative_prompt,
             [chapter(c) for c in story.chapters],
             [panel(story.panels[pid]) for pid in book_panels(story)],
             references]
    return hashlib.sha256(json.dumps(facts, default=str).encode("utf-8", "surrogatepass")) \
        .hexdigest()[:32]


@functools.cache  # reading a distribution's metadata costs about 1 ms
def _ebooklib_version() -> str:
    try:
        return metadata.version("ebooklib")
    except metadata.PackageNotFoundError:
        return "?"


def plan(story: Story, images: dict[str, ImageSet], cache_dir: Path, language: str = "en",
         site_url: str | None = None) -> EpubPlan:
    """What the book will be, and whether the cache has it already. Call it
    while the story still holds its chapters' text."""
    story = book_story(story)
    ident, modified = identifier(story, site_url), modified_time(story)
    key = _content_key(story, images, language, ident, modified)
    cached = Path(cache_dir) / CACHE_FOLDER / f"{key}.epub"
    made = EpubPlan(key, file_name(story), cached, None, language or "en", ident, modified)
    if not made.ready:
        made.story = HeldStory(story)
    return made


def make(epub_plan: EpubPlan, images: dict[str, ImageSet], cache_dir: Path) -> Path:
    """The book in the cache, made if it is not there yet (the panels' renditions
    must be drawn by now). Returns its path."""
    if epub_plan.ready or epub_plan.story is None:
        return epub_plan.cached
    from . import child

    epub_plan.cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = epub_plan.cached.with_name(f".{epub_plan.cached.name}.{os.getpid()}.partial")
    try:  # in a process of its own: the book's memory never becomes the build's
        child.run(_make_book, epub_plan.story, images, cache_dir, epub_plan.language,
                  epub_plan.identifier, epub_plan.modified, tmp)
    except RuntimeError as exc:
        tmp.unlink(missing_ok=True)
        raise StoryError(None, f"the EPUB could not be made ({exc}); set 'epub: false' to "
                               "build without it.") from None
    os.replace(tmp, epub_plan.cached)
    return epub_plan.cached


def _make_book(held: HeldStory, images: dict[str, ImageSet], cache_dir: Path, language: str,
               identifier: str, modified: datetime, out: Path) -> None:
    """Assemble the book and write it to ``out`` (what the child process runs)."""
    write(assemble(held.whole(), images, cache_dir, language, identifier), out, modified)


def copy_into_site(path: Path, site_dir: str | Path, name: str) -> int:
    """Put the cached book into the site; returns its size in bytes."""
    dest = Path(site_dir) / name
    dest.unlink(missing_ok=True)
    try:
        os.link(path, dest)
    except OSError:
        shutil.copyfile(path, dest)
    return dest.stat().st_size


def assemble(story: Story, images: dict[str, ImageSet], cache_dir: Path, language: str,
             ident: str):
    """The ebooklib book: metadata, pictures, title page, chapters, appendices, nav."""
    from ebooklib import epub

    from . import epub_text

    story = book_story(story)
    book = epub.EpubBook()
    _metadata(book, story, language, ident)
    css = epub.EpubItem(uid="style", file_name="style.css", media_type="text/css",
                        content=STYLESHEET.encode())
    book.add_item(css)
    pictures = _add_pictures(book, story, images, cache_dir)

    def document(uid: str, name: str, title: str, body: str):
        item = epub.EpubHtml(uid=uid, file_name=name, title=title, lang=language,
                             content=body)
        item.add_item(css)
        book.add_item(item)
        return item

    title = document("title", TITLE_PAGE, story.title, epub_text.title_page(story, pictures))
    chapters = [document(f"c-{c.slug}", chapter_file(c), nav_title(c),
                         epub_text.chapter_body(story, c, pictures)) for c in story.chapters]
    where = {pid: f for pid, f in book_panels(story).items() if pid in pictures}
    prompts = document("prompts", PROMPTS_PAGE, "Image prompts",
                       epub_text.prompts_appendix(story, where))
    refs = document("references", REFERENCES_PAGE, "References",
                    epub_text.references_body(story))
    parts = [title, *chapters, prompts, refs]
    book.toc = [epub.Link(item.file_name, item.title, item.id) for item in parts]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav(title="Contents"))
    book.spine = [title, "nav", *chapters, prompts, refs]
    return book


def nav_title(chapter: Chapter) -> str:
    """"Chapter 3: The GPU Challenge", "Epilogue: The Legacy"."""
    return chapter_heading(chapter.label, chapter.title)


def _metadata(book, story: Story, language: str, ident: str) -> None:
    from . import epub_text

    book.set_identifier(ident)
    book.set_title(story.title)
    book.set_language(language)
    if story.subtitle:
        book.add_metadata("DC", "title", story.subtitle, {"id": "subtitle"})
        book.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle",
                                                     "property": "title-type"})
    if story.author:
        book.add_author(story.author)
    book.add_metadata("DC", "description", epub_text.description(story))


def _add_pictures(book, story: Story, images: dict[str, ImageSet],
                  cache_dir: Path) -> dict[str, Picture]:
    """Every panel the book shows, once each; the cover's picture is the book's cover.
    Each picture is read from the cache only as the zip is written."""
    from . import epub_images
    from .epub_text import Picture

    shown = [images[pid] for pid in book_panels(story) if pid in images]
    epub_images.convert_missing(cache_dir, shown)
    pictures: dict[str, Picture] = {}
    for images_of in shown:
        pid, made = images_of.panel_id, epub_images.book_image(cache_dir, images_of)
        href = f"{IMAGE_FOLDER}/{made.name}"
        book.add_item(_picture_item(pid, href, made, cover=pid == story.cover_id))
        pictures[pid] = Picture(href, made.width, made.height)
    if story.cover_id in pictures:
        book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-img"})
    return pictures


def _picture_item(pid: str, href: str, made: BookImage, cover: bool):
    """An ebooklib item whose bytes are read from ``made.path`` when it is
    written, so the book never holds every picture in memory at once."""
    from ebooklib import epub

    base = epub.EpubCover if cover else epub.EpubImage

    class FileBacked(base):  # type: ignore[misc, valid-type]
        def get_content(self, default=None):
            return made.path.read_bytes()

    item = FileBacked(uid="cover-img" if cover else f"img-{pid}", file_name=href)
    item.media_type = made.media_type
    return item


class _FixedTimeZip(zipfile.ZipFile):
    """A zip whose entries all carry one fixed time and mode: the same files,
    the same bytes."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if isinstance(zinfo_or_arcname, str):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=ZIP_TIME)
            info.compress_type = self.compression if compress_type is None else compress_type
            info.external_attr = 0o644 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)


def write(book, path: Path, modified: datetime) -> None:
    """Write ``book`` to ``path`` with fixed zip times and a given modified date."""
    from ebooklib import epub

    class Writer(epub.EpubWriter):
        def write(self) -> None:  # ebooklib's own, with the fixed-time zip
            self.out = _FixedTimeZip(self.file_name, "w", zipfile.ZIP_DEFLATED,
                                     compresslevel=9)
            self.out.writestr("mimetype", MEDIA_TYPE, compress_type=zipfile.ZIP_STORED)
            self._write_container()
            self._write_opf()
            self._write_items()
            self.out.close()

    writer = Writer(str(path), book, {"mtime": modified, "epub3_pages": False,
                                      "epub3_landmark": False, "raise_exceptions": True})
    writer.process()
    writer.write()


# ---------------------------------------------------------------- check


def problems(story: Story, shown) -> list[str]:
    """What the editions cannot carry, one line each, "file:line: what to do"
    (the PDF is printed from the EPUB's XHTML, so the two lose the same links).
    ``shown`` turns a story file's path into the path the author knows."""
    from . import epub_text

    out = []
    for chapter in book_story(story).chapters:
        for line, what in epub_text.unreachable_links(chapter, story):
            out.append(f"{shown(chapter.source)}:{chapter.body_line + line - 1}: {what}; the "
                       "EPUB and PDF editions show its text only (link to a chapter's .md "
                       "file or an http(s) address to keep the link).")
    return out

