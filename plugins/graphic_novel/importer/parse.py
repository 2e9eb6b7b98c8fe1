"""The importer's phases in order: read, sections, prompts and chapters,
references. The rules each phase follows are in SHAPES.md beside this file."""

from __future__ import annotations

from typing import Any

from .. import markup
from ..errors import StoryError
from ..rules import plural
from .cast import cast_from_narrative
from .chapters import build_chapters
from .context import Run
from .describe import assign_alts
from .model import ImportedStory
from .prompts import take_preamble
from .read import fm_text, front_matter, normalize, tokenize
from .references import add_references
from .sections import (
    Layout,
    assign_kinds,
    headings_from_plain_text,
    section_level,
    split_sections,
    story_title,
)
from .story_index import story_index_links


def parse_answer(text: str, source: str, site_url: str | None = None) -> ImportedStory:
    """Parse a chat model's graphic-novel answer. Raises StoryError, nothing else.

    ``site_url``, where the answer was published, turns its links into the
    author's wider site into absolute links (without it they become text).
    """
    source = str(source)
    try:
        return _parse(text, Run(source, site_url=site_url))
    except StoryError:
        raise
    except RecursionError:
        raise StoryError(source, "the text is nested too deeply to read.") from None


def _plain_text_tokens(body: str, first_line: int, toks: list, run: Run) -> list:
    """An answer with no headings read as plain text: its first line the
    title, its short stand-alone lines the sections (noted)."""
    marked = headings_from_plain_text(body)
    if marked is None:
        return toks
    toks = tokenize(marked.split("\n"), first_line, [], run.source)
    sections = sum(1 for t in toks if t.kind == "heading") - 1
    run.note(f"the answer has no Markdown headings; its first line was taken as the title and "
             f"{plural(sections, 'short line')} standing alone as section titles.")
    return toks


def _layout(text: str, run: Run) -> tuple[dict, Layout, int]:
    """Front matter, the sections of the answer and how many prompt blocks it
    holds; StoryError when it has no sections."""
    fm, body, first_line = front_matter(text, run.notes, run.source)
    toks = tokenize(body.split("\n"), first_line, run.notes, run.source)
    if not any(t.kind == "heading" for t in toks):
        toks = _plain_text_tokens(body, first_line, toks, run)
    prompts = sum(1 for t in toks if t.kind == "details" and t.role != "other")
    run.image_stems = [markup.panel_id_from_src(t.src) or "" for t in toks if t.kind == "image"]
    headings = [t for t in toks if t.kind == "heading"]
    if not headings:
        raise StoryError(run.source, "found no Markdown headings; a story needs sections such "
                                     "as `## Chapter 1: Title` or `## Panel 1: Title`.", 1)
    layout = split_sections(toks, section_level(headings))
    if not layout.chapters:
        raise StoryError(run.source, "found no chapter sections; a story needs headings such "
                                     "as `## Chapter 1: Title`, `## Prologue: Title` or "
                                     "`## Panel 1: Title`.", headings[0].line)
    return fm, layout, prompts


def _fold_references_prompt(story: ImportedStory, run: Run) -> None:
    """The request that produced the reference list, folded at the end of the
    last page (the references page is made from references.yaml alone)."""
    last = story.chapters[-1]
    block = ('<details class="gn-references-prompt" markdown="1">\n'
             "<summary>References Prompt</summary>\n\n"
             f"{story.references_prompt}\n\n</details>")
    last.body = f"{last.body}\n\n{block}" if last.body else block
    run.note(f"the references prompt was kept, folded, at the end of '{last.title}'.")


def _refuse_story_index(text: str, source: str) -> None:
    """A hand-kept page of cards linking to several stories (``keeper/index.md``
    ...; the rule is :func:`story_index_links`) is not a story: StoryError
    naming the first stories to import instead."""
    links = story_index_links(text)
    if links:
        raise StoryError(source, f"this is a list of {len(links)} stories, not a story (it "
                                 f"links to {links[0]}, {links[1]} ...); import each story "
                                 "on its own, or the whole folder with `graphic-novel import "
                                 "FOLDER`.", 1)


def _parse(text: Any, run: Run) -> ImportedStory:
    source = run.source
    text = normalize(text, source)
    if not text.strip():
        raise StoryError(source, "the file is empty; nothing to import.", 1)
    _refuse_story_index(text, source)
    fm, layout, prompts = _layout(text, run)
    chapters = layout.chapters
    assign_kinds(chapters)
    title, subtitle = story_title(fm, layout.title_tok, run.notes, source)
    story = ImportedStory(source=source, title=title, subtitle=subtitle,
                          author=fm_text(fm, "author"), prompts_found=prompts)
    story.cover, leftover = take_preamble(layout.preamble, title, run)
    chapters[0].toks[:0] = leftover  # an introduction opens the first chapter
    build_chapters(chapters, story, run)
    if len(run.narratives) > 1:
        run.note(f"the answer has {len(run.narratives)} narrative prompts; they were joined "
                 "into one.")
    story.narrative_prompt = "\n\n".join(run.narratives)
    story.cast = cast_from_narrative(story.narrative_prompt, run)
    assign_alts(([story.cover] if story.cover else []) + story.panels, run)
    for s in layout.sections:
        if s.role == "references":
            add_references(s, story, run)
    if story.references_prompt:
        _fold_references_prompt(story, run)
    story.notes = run.notes
    return story
