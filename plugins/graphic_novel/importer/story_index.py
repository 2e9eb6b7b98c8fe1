"""A folder of stories' own index page (a grid of cards, or a list of links,
one per story), told apart from a story by what it holds."""

from __future__ import annotations

import re

from .. import markup
from .read import HEADING_RE, fence_closes, fence_opened, summary_role
from .sections import classify

# A link's target: Markdown `[text](target)` or HTML `href="target"`.
_LINK_RE = re.compile(r"\]\(\s*(?P<md><[^>\n]*>|[^)\s]+)|\bhref\s*=\s*[\"'](?P<html>[^\"'\n]+)",
                      re.I)
# A page beside the index: `keeper/index.md`, `keeper/`, `keeper.md` (or .html).
_SIBLING_PAGE_RE = re.compile(
    r"^(?:\./)?(?P<name>[A-Za-z0-9][\w.-]*?)(?:/|/index\.(?:md|html?)|\.(?:md|html?))$", re.I)
# An image where the importer would make it a panel: at the start of a line,
# indented by at most three spaces (a card's picture is indented further).
_PANEL_IMAGE_RE = re.compile(r"^ {0,3}!\[[^\]\n]*\]\(\s*(?P<src><[^>\n]*>|[^)\s]+)")
_SUMMARY_RE = re.compile(r"<summary\b[^>]*>(?P<text>.*?)(?:</summary\s*>|<summary\s*>|$)", re.I)


def _outside_code(text: str) -> list[str]:
    """The lines of ``text`` that are not fenced code."""
    kept, fence = [], None
    for line in text.split("\n"):
        if fence:
            fence = None if fence_closes(line, fence) else fence
            continue
        fence = fence_opened(line)
        if not fence:
            kept.append(line)
    return kept


def _sibling_page(target: str) -> str | None:
    """The story a link target names when it is a page beside the index
    (``keeper/index.md`` and ``keeper.md`` name ``keeper``), else None."""
    target = target.strip("<>").strip().split("#", 1)[0].split("?", 1)[0]
    m = _SIBLING_PAGE_RE.match(target)
    if not m or m.group("name").lower() in ("index", "readme"):
        return None  # the index itself, or a link that is not to a story beside it
    return m.group("name")


def story_index_links(text: str) -> list[str]:
    """The story pages ``text`` links to if it is a folder's hand-kept index
    page rather than a story; ``[]`` when it is (or may be) a story.

    The rule, read outside fenced code:

    - **Links**: the page links (Markdown ``[..](target)`` or HTML
      ``href="target"``) to two or more different pages beside it:
      ``keeper/index.md``, ``keeper/`` or ``keeper.md`` (``.html`` too, a
      leading ``./`` allowed). Links deeper or outside the folder (``../``,
      the author's wider site) and to the page itself (``index.md``) do not
      count, nor does a second link to the same story.
    - **Few panels and chapters**: twice the number of panels and chapter
      headings together is less than the number of stories linked. A panel
      is a prompt block (a ``<summary>`` about a prompt) or an image the
      importer would make a panel (at a line's start, indented at most three
      spaces) that is not inside a linked story's folder; a card's picture
      (``keeper/cover.png``, or indented inside a list item) is not one. A
      chapter heading is a numbered "Chapter 3:", "Panel 3 -" ... heading,
      or a Prologue, Epilogue or Call to Action heading.

    So a Material card grid (``<div class="grid cards" markdown>`` around a
    list of cards), HTML cards with ``<a href>``, and a plain bullet list of
    links all qualify, while a story that ends by linking to its sibling
    stories does not: its chapters and panels outnumber those links.
    """
    lines = _outside_code(text)
    stories = _linked_stories(lines)
    if len(stories) < 2:
        return []
    return list(stories.values()) if 2 * _panels_and_chapters(lines, stories) < len(stories) \
        else []


def _linked_stories(lines: list[str]) -> dict[str, str]:
    """Each sibling story the lines link to, by its lowercased name: the first target
    naming it."""
    stories: dict[str, str] = {}
    for line in lines:
        for m in _LINK_RE.finditer(line):
            target = m.group("md") or m.group("html") or ""
            name = _sibling_page(target)
            if name is not None:
                stories.setdefault(name.lower(), target.strip("<>").strip())
    return stories


def _panels_and_chapters(lines: list[str], stories: dict[str, str]) -> int:
    """How many panels and chapter headings the lines hold (see story_index_links)."""
    panels = chapters = 0
    for line in lines:
        image = _PANEL_IMAGE_RE.match(line)
        if image is not None and markup.panel_id_from_src(image.group("src")) is not None:
            folder = image.group("src").strip("<>").strip().removeprefix("./").split("/", 1)
            panels += not (len(folder) == 2 and folder[0].lower() in stories)
        panels += sum(summary_role(m.group("text")) != "other"
                      for m in _SUMMARY_RE.finditer(line))
        heading = HEADING_RE.match(line)
        if heading is not None and classify(heading.group(2) or "")[0] in (
                "numbered", "prologue", "epilogue", "cta"):
            chapters += 1
    return panels + chapters


__all__ = ["story_index_links"]
