"""The Story model: plain data, no MkDocs, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

CHAPTER_KINDS = ("chapter", "prologue", "epilogue", "appendix")


@dataclass(frozen=True)
class Panel:
    id: str
    title: str
    alt: str
    prompt: str
    source: Path  # file the entry came from
    line: int
    number: int = 0  # 1-based position in story order (cover is 0)
    label: str = ""  # shown on the panel and its caption: "3.2" (chapter 3, second panel),
    # or the page's own order ("2") on an unnumbered page; "" for the cover


@dataclass(frozen=True)
class Citation:
    ref_id: str
    line: int
    anchor: str  # id of the citation's <sup>, for back-links


@dataclass
class Chapter:
    slug: str  # file stem, e.g. "01-arms-race"
    title: str
    summary: str
    kind: str
    draft: bool
    body: str  # Markdown as written, front matter removed
    body_line: int  # line in the file where the body starts
    source: Path
    panel_ids: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    # Citations written inside a link's text or an image's alt text, where they can
    # only be plain text: (the ids, the line in the body), for pages.cite_warnings.
    cited_in_text: list[tuple[tuple[str, ...], int]] = field(default_factory=list)
    number: int = 0  # counts kind == "chapter" only; 0 for others
    position: int = 0  # 1-based place in reading order
    custom_label: str = ""  # front matter `label`, e.g. "Call to Action"
    updated: float = 0.0  # the file's modification time (for the feed)

    @property
    def label(self) -> str:
        if self.custom_label:
            return self.custom_label
        if self.kind == "chapter":
            return f"Chapter {self.number}"
        return self.kind.capitalize()

    @property
    def src_uri(self) -> str:
        return f"chapters/{self.slug}.md"


@dataclass(frozen=True)
class Reference:
    id: str
    title: str
    url: str | None
    publisher: str | None
    date: str | None
    note: str | None
    number: int
    line: int


@dataclass(frozen=True)
class CastMember:
    """A character with a fixed look, from ``cast:`` in image_prompts.yaml."""
    name: str
    description: str
    line: int = 0


@dataclass
class Story:
    root: Path
    title: str
    subtitle: str
    author: str
    notice: str
    cover_id: str | None
    style: str
    narrative_prompt: str
    panels: dict[str, Panel]  # story order
    chapters: list[Chapter]
    references: dict[str, Reference]
    art: dict[str, Path]  # panel id -> art file in story/art
    warnings: list[str] = field(default_factory=list)
    cast: list[CastMember] = field(default_factory=list)  # image_prompts.yaml's cast sheet

    @property
    def cover(self) -> Panel | None:
        return self.panels.get(self.cover_id) if self.cover_id else None

    @property
    def chapter_count(self) -> int:
        return sum(1 for c in self.chapters if c.kind == "chapter")

    def without_texts(self) -> Story:
        """A copy whose chapters hold no text (every other part is shared)."""
        return replace(self, chapters=[replace(c, body="") for c in self.chapters])

    def citing_chapters(self) -> dict[str, list[tuple[Chapter, Citation]]]:
        """For each cited reference's id, each chapter citing it, in order, with its
        first citation of it: one pass over the citations, not one per reference."""
        out: dict[str, list[tuple[Chapter, Citation]]] = {}
        for chapter in self.chapters:
            seen: set[str] = set()
            for cite in chapter.citations:
                if cite.ref_id not in seen:
                    seen.add(cite.ref_id)
                    out.setdefault(cite.ref_id, []).append((chapter, cite))
        return out
