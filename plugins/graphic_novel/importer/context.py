"""What one import carries through its phases: the input's name, the notes
for the author, the panel ids taken so far and the narrative prompts found."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Run:
    source: str  # the input's name, at the start of every note
    notes: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)  # panel ids given out
    narratives: list[str] = field(default_factory=list)
    site_url: str | None = None  # where the answer was published: links made absolute
    image_stems: list[str] = field(default_factory=list)  # every image's name, in order

    def note(self, message: str, line: int | None = None) -> None:
        where = self.source if line is None else f"{self.source}:{line}"
        self.notes.append(f"{where}: {message}")

    def add_narrative(self, content: str) -> None:
        if content:
            self.narratives.append(content)
