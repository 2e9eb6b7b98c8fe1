"""What one build knows, in one object, and the summaries made from it.

The MkDocs glue makes a :class:`BuildState` when a build starts and drops it
when the build ends or fails, so a `mkdocs serve` rebuild starts clean and
nothing one build learned leaks into the next. Plain data: no MkDocs here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import images as img
from .model import Story
from .pages import Blocks, Context
from .prompt_memo import PromptMemo
from .rules import plural
from .spool import Spool

if TYPE_CHECKING:
    from concurrent.futures import Future

    from .converted_pages import ConvertedPages
    from .editions.shelf import Plan


@dataclass
class BuildState:
    """One story's part of a build."""

    story_dir: Path
    cache_dir: Path
    prefix: str = ""  # where its pages go in the site ("" at the root; config.StorySpec)
    name: str = ""  # its folder's name
    setting: str = "story_dir"  # how mkdocs.yml names it, for messages
    shown: str = "story"  # its folder as mkdocs.yml names it ("stories/x")
    story: Story | None = None
    # Under `mkdocs serve`, the story's problems: the site becomes a page that
    # lists them (error_page.py) instead of the build stopping.
    error: list[str] | None = None  # each problem as one line, "file:line: what to do"
    renderer: img.Renderer | None = None
    images: dict[str, img.ImageSet] = field(default_factory=dict)
    pending: dict[str, Future] = field(default_factory=dict)  # panels still being drawn
    ctx: Context | None = None
    # What makes each generated page's Markdown, by src_uri; used when MkDocs
    # reads the page, then let go.
    makers: dict[str, Callable[[], str]] = field(default_factory=dict)
    rendered: Spool = field(default_factory=Spool)  # chapter HTML, one-page edition's page
    metas: dict[str, dict] = field(default_factory=dict)  # front matter held while pages render
    one_page: str | None = None  # where it goes; its page, with empty slots, is in rendered

    @property
    def loaded(self) -> Story:
        """The story, in the steps that run only once it has loaded without error."""
        if self.story is None:
            raise RuntimeError("graphic-novel: the story is used before it has loaded")
        return self.story
    # This build's editions (the EPUB, the PDF), as far as it makes them (editions/shelf.py).
    editions: list[Plan] = field(default_factory=list)

    def site_uri(self, uri: str) -> str:
        """The MkDocs src_uri (or site path) of the story's page or file ``uri``."""
        return self.prefix + uri

    def stop_workers(self) -> None:
        """Close the drawing processes (after every build, serve included:
        idle workers would outlive a killed `mkdocs serve`)."""
        if self.renderer is not None:
            self.renderer.close()
            self.renderer = None

    def close_editions(self) -> None:
        """Close the PDF's print process, if one is still running, and the texts
        held for an edition not made."""
        if self.editions:
            from .editions import shelf

            shelf.close(self.editions)

    def release_page_inputs(self) -> None:
        """Every page is converted: the story's copy of each chapter's text
        (3 MB at 1,000 chapters) and the prompt memo are not read again. The model
        is not changed: the build carries on with a copy of the story without the
        texts (an edition that is still to be made has its own)."""
        if self.story is None:
            return
        self.makers = {}
        self.story = self.story.without_texts()
        if self.ctx is not None:
            self.ctx = dataclasses.replace(self.ctx, story=self.story, memo=None)


@dataclass
class SiteBuild:
    """What one build knows: each story's part, and what they share."""

    books: list[BuildState]
    cache_dir: Path
    memo: PromptMemo | None = None  # prompts.json, one for every story (prompt_memo.py)
    # Pages MkDocs converted in earlier builds (converted_pages.py), None when this build
    # converts every page; decided once the site's files are known (on_nav).
    converted: ConvertedPages | None = None
    # Every generated page's src_uri -> (its story's part, the story's own URI);
    # the shelf page is not in it.
    pages: dict[str, tuple[BuildState, str]] = field(default_factory=dict)
    shelf_uri: str | None = None  # the page listing the stories, when there are several
    shelf_maker: Callable[[], str] | None = None
    shelf_blocks: Blocks = field(default_factory=Blocks)
    metas: dict[str, dict] = field(default_factory=dict)  # front matter held while pages render
    # mkdocs-glightbox's tags for a page, by the page's way back to the site's root
    # (all they depend on): made once for each (lightbox.glightbox_additions).
    glightbox_tags: dict[str, tuple[str, str] | None] = field(default_factory=dict)

    @property
    def several(self) -> bool:
        return len(self.books) > 1 or any(b.prefix for b in self.books)

    @property
    def built(self) -> list[BuildState]:
        """The stories whose pages are being built (loaded, not shown as an error)."""
        return [b for b in self.books if b.story is not None and b.error is None]

    def page(self, src_uri: str) -> tuple[BuildState, str] | None:
        return self.pages.get(src_uri)

    def stop_workers(self) -> None:
        for book in self.books:
            book.stop_workers()
            book.close_editions()

    def end(self) -> None:
        self.stop_workers()
        if self.converted is not None:
            self.converted.close()
        for book in self.books:
            book.rendered.close()  # a build that stopped before the one-page edition


def panel_summary(images: dict[str, img.ImageSet]) -> str:
    """"4 panels, 1 with art, 3 placeholders (3 made this build, 1 from cache)"."""
    total = len(images)
    art = sum(1 for i in images.values() if i.is_art)
    drawn = sum(1 for i in images.values() if i.drawn)
    return (f"{plural(total, 'panel')}, {art} with art, {plural(total - art, 'placeholder')} "
            f"({drawn} made this build, {total - drawn} from cache)")


def unlettered_notes(story: Story, images: dict[str, img.ImageSet]) -> list[str]:
    """One line for each placeholder drawn this build whose text lost some
    character: no shipped or system font has it (CJK without a CJK font
    installed, say)."""
    notes = []
    for pid, made in images.items():
        if made.drawn and not made.is_art:  # a warm build draws none: no lettering loaded
            from .lettering import unlettered

            panel = story.panels[pid]
            missing = unlettered(f"{panel.label} {panel.title} {panel.prompt}")
            if missing:
                codes = " ".join(f"U+{ord(ch):04X}" for ch in missing)
                notes.append(f"placeholder for panel '{pid}' could not letter {codes}: no "
                             "font here has those characters (install a font that does, e.g. "
                             "Debian's fonts-noto-cjk, to see them; the art will replace it).")
    return notes
