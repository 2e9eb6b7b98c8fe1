"""Import a chat model's graphic-novel answer (one Markdown file) into story/.

Plain functions, no MkDocs, no printing:

- :func:`parse_answer` reads the Markdown into an :class:`ImportedStory`;
- :func:`render_files` turns that into the files of a story folder;
- :func:`write_files` writes them, all whole or none;
- :func:`import_file` does all three for a file on disk.

Every problem with the input is a :class:`~graphic_novel.errors.StoryError`
naming the file; nothing else is raised for any text. What the author may
want to know but that does not stop the import goes to ``ImportedStory.notes``.

The modules follow the phases: ``read`` (text to tokens), ``sections``
(headings to chapters), ``prompts`` (images, prompt blocks, the cover),
``chapters`` (chapter files), ``references``, ``write`` and ``install``
(the story put in place whole, an old one swapped out to a backup). The shapes of
answer it takes, and how each part maps to the story, are in SHAPES.md in
this folder.
"""

from __future__ import annotations

from pathlib import Path

from ..rules import plural
from ..yamlio import read_text
from .install import Installed, install
from .model import ImportedChapter, ImportedPanel, ImportedReference, ImportedStory
from .parse import parse_answer
from .write import render_files, write_files

__all__ = [
    "ImportedChapter",
    "ImportedPanel",
    "ImportedReference",
    "ImportedStory",
    "Installed",
    "counts_line",
    "import_file",
    "install",
    "parse_answer",
    "read_answer",
    "render_files",
    "write_files",
]


def read_answer(path: Path, site_url: str | None = None) -> ImportedStory:
    """The answer file parsed; StoryError naming it when it cannot be read."""
    path = Path(path)
    return parse_answer(read_text(path, path), str(path), site_url=site_url)


def counts_line(story: ImportedStory) -> str:
    """"5 chapters, 12 panels, 14 prompts and 8 references": what was found,
    so a wrong count shows at once (prompts: the prompt blocks read)."""
    panels = len(story.panels) + (story.cover is not None)
    prompts = story.prompts_found
    return (f"{plural(len(story.chapters), 'chapter')}, {plural(panels, 'panel')}, "
            f"{plural(prompts, 'prompt')} and {plural(len(story.references), 'reference')}")


def import_file(path: Path, story_dir: Path, force: bool, *,
                notes: list[str] | None = None) -> list[Path]:
    """Read, parse, render and write; nothing is written unless all of it works.

    If ``notes`` is a list, the import's notes for the author are added to it.
    """
    story = read_answer(path)
    done = install(render_files(story), Path(story_dir), force)
    if notes is not None:
        notes.extend(story.notes)
    return done.written
