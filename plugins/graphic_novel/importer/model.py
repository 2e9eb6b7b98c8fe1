"""What the importer makes of an answer: plain data, before it becomes files."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ImportedPanel:
    id: str
    title: str
    alt: str
    prompt: str
    source_name: str = ""  # the image's file name as written ("" when there was none)
    source_src: str = ""  # the image's address as written ("./art/01.png"; "" when none)
    line: int = 0  # line of the image (or prompt) in the input
    context: str = ""  # the narration beside it (its chapter's summary), for alt text


@dataclass
class ImportedChapter:
    slug: str  # from the title: "the-storm-of-1901"
    stem: str  # the file's stem: "01-the-storm-of-1901"
    title: str
    kind: str = "chapter"  # chapter | prologue | epilogue | appendix
    label: str = ""
    summary: str = ""
    body: str = ""  # Markdown; panels as ``![](<id>.png)``
    line: int = 0  # line of the section heading in the input

    @property
    def file_name(self) -> str:
        return f"chapters/{self.stem}.md"


@dataclass
class ImportedReference:
    id: str
    title: str
    url: str | None = None
    note: str = ""


@dataclass
class ImportedStory:
    source: str
    title: str
    subtitle: str = ""
    author: str = ""
    narrative_prompt: str = ""
    cover: ImportedPanel | None = None
    chapters: list[ImportedChapter] = field(default_factory=list)
    panels: list[ImportedPanel] = field(default_factory=list)  # story order, cover excluded
    references: list[ImportedReference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # things the author may want to fix
    cast: list[tuple[str, str]] = field(default_factory=list)  # (name, fixed look)
    references_prompt: str = ""  # the request that produced the reference list
    prompts_found: int = 0  # prompt blocks read (panels', cover's, narrative)
