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
import re
from pathlib import Path

from .errors import StoryError, StoryErrors
from .pages import COVER_URI, ONE_PAGE_URI, REFERENCES_URI
from .rules import CHAPTER_EXT, is_id, plural

CSS_CLASS = "gn-story-error"
# "story/chapters/01-storm.md:8: unknown citation ...": where, then what to do.
_WHERE_RE = re.compile(r"^(?P<where>[^:\n]+(?::\d+)?): (?P<what>.*)$", re.S)


def lines_of(error: StoryError) -> list[str]:
    """Each problem a story error holds, one line each as the terminal prints it."""
    found = error.errors if isinstance(error, StoryErrors) else [error]
    return [str(problem) for problem in found]


def heading(problems: list[str]) -> str:
    """"The story has 2 problems"."""
    return f"The story has {plural(len(problems), 'problem')}"


def _item(problem: str) -> str:
    m = _WHERE_RE.match(problem)
    if not m:
        return f"<li>{html.escape(problem)}</li>"
    return f"<li><code>{html.escape(m['where'])}</code> {html.escape(m['what'])}</li>"


def body_html(problems: list[str]) -> str:
    """The list of problems as HTML, every piece of the author's text escaped."""
    return "\n".join([
        f'<div class="{CSS_CLASS}">',
        "<p>The site cannot be built until this is fixed. Save the file and this page "
        "turns back into the story by itself.</p>",
        "<ul>", *map(_item, problems), "</ul>",
        "</div>",
    ])


def page_markdown(problems: list[str]) -> str:
    """The error page as an MkDocs page (front matter and a block of HTML)."""
    title = html.escape(heading(problems))
    meta = {"title": title, "hide": ["navigation", "toc"], "search": {"exclude": True}}
    front = "\n".join(f"{key}: {json.dumps(value)}" for key, value in meta.items())
    return f"---\n{front}\n---\n\n# {title}\n\n{body_html(problems)}\n"


def standalone_html(problems: list[str]) -> str:
    """The error page as a whole HTML document, for a mistake found after the
    theme has written the pages (art that fails to decode while drawing)."""
    title = html.escape(heading(problems))
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{title}</title></head>\n<body class=\"{CSS_CLASS}-page\">"
            f"<h1>{title}</h1>\n{body_html(problems)}\n</body></html>\n")


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
