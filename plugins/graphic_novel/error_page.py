"""The page `mkdocs serve` shows while the story has a mistake.

Under `mkdocs serve` a story that cannot be built does not stop the build:
every story page becomes this page, naming each file, line and what to do,
so the browser shows the problem instead of waiting for a build that never
comes. Once the file is fixed, the next rebuild brings the story back and
live reload shows it. Plain functions: no MkDocs here.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from .errors import StoryError, StoryErrors, _visible
from .pages import COVER_URI, ONE_PAGE_URI, REFERENCES_URI
from .rules import CHAPTER_EXT, is_id, plural

CSS_CLASS = "gn-story-error"


def problems(error: StoryError) -> list[StoryError]:
    """Each problem a story error holds (one, or several found together)."""
    return list(error.errors) if isinstance(error, StoryErrors) else [error]


def heading(error: StoryError) -> str:
    """"The story has 2 problems"."""
    return f"The story has {plural(len(problems(error)), 'problem')}"


def _where(problem: StoryError) -> str:
    """``story/chapters/01-storm.md:8``, as the terminal prints it."""
    where = _visible(problem.path or "story")
    return f"{where}:{problem.line}" if problem.line else where


def body_html(error: StoryError) -> str:
    """The list of problems as HTML, every piece of the author's text escaped."""
    items = [f"<li><code>{html.escape(_where(p))}</code> {html.escape(_visible(p.message))}</li>"
             for p in problems(error)]
    return "\n".join([
        f'<div class="{CSS_CLASS}">',
        "<p>The site cannot be built until this is fixed. Save the file and this page "
        "turns back into the story by itself.</p>",
        "<ul>", *items, "</ul>",
        "</div>",
    ])


def page_markdown(error: StoryError) -> str:
    """The error page as an MkDocs page (front matter and a block of HTML)."""
    meta = {"title": html.escape(heading(error)), "hide": ["navigation", "toc"],
            "search": {"exclude": True}}
    front = "\n".join(f"{key}: {json.dumps(value)}" for key, value in meta.items())
    return f"---\n{front}\n---\n\n# {html.escape(heading(error))}\n\n{body_html(error)}\n"


def standalone_html(error: StoryError) -> str:
    """The error page as a whole HTML document, for a mistake found after the
    theme has written the pages (art that fails to decode while drawing)."""
    title = html.escape(heading(error))
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{title}</title></head>\n<body class=\"{CSS_CLASS}-page\">"
            f"<h1>{title}</h1>\n{body_html(error)}\n</body></html>\n")


def page_uris(story_dir: Path) -> list[str]:
    """Every page the story would have, found without reading the story:
    the cover, each chapter file's page, references and the one-page
    edition. A reader on any of them sees the problem after the reload."""
    uris = [COVER_URI]
    chapters = story_dir / "chapters"
    try:
        names = sorted(p.name for p in chapters.iterdir())
    except OSError:
        names = []
    for name in names:
        stem = name[:-len(CHAPTER_EXT)] if name.endswith(CHAPTER_EXT) else ""
        if is_id(stem) and f"chapters/{name}" != ONE_PAGE_URI:
            uris.append(f"chapters/{name}")
    return uris + [REFERENCES_URI, ONE_PAGE_URI]
