"""Phase 4, chapters: each section becomes a chapter file with its panels,
a summary and a body the loader reads as written."""

from __future__ import annotations

from .. import markup
from .context import Run
from .describe import summary
from .model import ImportedChapter, ImportedStory
from .prompts import BodyWithPanels
from .read import fence_closes, fence_opened
from .sections import Section
from .text import slug


def _escape_citations(line: str) -> str:
    """``line`` with text the site would read as a citation written as ``&#91;@...]``
    (inline code left as it is)."""
    pieces, last = [], 0
    for cm in markup.CODE_SPAN_RE.finditer(line):
        pieces.append(markup.CITE_RE.sub(lambda x: "&#91;" + x.group(0)[1:], line[last:cm.start()]))
        pieces.append(cm.group(0))
        last = cm.end()
    pieces.append(markup.CITE_RE.sub(lambda x: "&#91;" + x.group(0)[1:], line[last:]))
    return "".join(pieces)


def _tidy_lines(lines: list[str]) -> tuple[list[str], int]:
    """Blank runs outside code collapsed to one, citations escaped; (lines, how many escaped)."""
    out: list[str] = []
    fence: str | None = None
    escaped = 0
    for line in lines:
        if fence:
            out.append(line)
            if fence_closes(line, fence):
                fence = None
            continue
        fence = fence_opened(line)
        if not fence and not line.strip():
            if not out or out[-1].strip():
                out.append("")
            continue
        if not fence and "[@" in line:
            new = _escape_citations(line)
            escaped += new != line
            line = new
        out.append(line)
    return out, escaped


def finish_body(lines: list[str], chapter: ImportedChapter, run: Run) -> str:
    """The chapter's Markdown, without leading or trailing blank lines."""
    out, escaped = _tidy_lines(lines)
    while out and not out[0].strip():
        out.pop(0)
    while out and not out[-1].strip():
        out.pop()
    if escaped:
        run.note(f"text like [@...] in '{chapter.title}' would be read as a citation; it was "
                 "written as &#91;@...] so it shows as written.", chapter.line)
    return "\n".join(out)


def build_chapters(sections: list[Section], story: ImportedStory, run: Run) -> None:
    """One chapter file per section, ``NN-slug.md`` in order; panels to ``story.panels``."""
    width = max(2, len(str(len(sections))))
    for n, s in enumerate(sections, start=1):
        name = slug(s.title) or slug(s.heading) or s.kind
        chapter = ImportedChapter(slug=name, stem=f"{n:0{width}d}-{name}",
                                  title=" ".join(s.title.split()), kind=s.kind, label=s.label,
                                  line=s.line)
        body = BodyWithPanels(chapter.title, chapter.stem, run)
        for tok in s.toks:
            body.add(tok)
        chapter.summary = summary(body.lines)
        for panel in body.finish_panels():
            panel.context = chapter.summary
            story.panels.append(panel)
        chapter.body = finish_body(body.lines, chapter, run)
        story.chapters.append(chapter)
