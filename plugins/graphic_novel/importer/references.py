"""Phase 5, references: each item or line of the references section becomes
one entry, ``ref-1``, ``ref-2`` ...: title, link and the rest as a note."""

from __future__ import annotations

import re

from ..rules import url_ok
from .context import Run
from .model import ImportedReference, ImportedStory
from .read import Tok
from .sections import Section
from .text import plain

_ITEM_RE = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(?P<text>.*)|[ \t]*)$")
_LINK_RE = re.compile(
    r"\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*(?:<(?P<aurl>[^>\n]*)>|(?P<url>[^()\s]*"
    r"(?:\([^()\s]*\)[^()\s]*)*))(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")
_AUTOLINK_RE = re.compile(r"<(?P<url>https?://[^>\s]+)>", re.I)
_BARE_URL_RE = re.compile(r"https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]", re.I)


class _Item:
    """One reference as read: where it starts, its text, whether a list item;
    a heading's entry ("### 1. **Title**") has its title apart, the paragraph
    under it as its text."""

    def __init__(self, line: int, text: str, listed: bool, title: str = ""):
        self.line, self.text, self.listed, self.title = line, text, listed, title


_HEADING_NUMBER_RE = re.compile(r"^\s*\d{1,4}[.)]\s+")


def _heading_item(tok: Tok) -> _Item:
    title = plain(_HEADING_NUMBER_RE.sub("", tok.text))
    return _Item(tok.line, "", False, title=title or plain(tok.text))


def _other_token(tok: Tok, story: ImportedStory, run: Run) -> None:
    """A prompt block or image in the references: the references prompt is
    kept (story.references_prompt); anything else is noted as left out."""
    if tok.kind == "details" and tok.role == "references":
        story.references_prompt = tok.content
        return
    what = "image" if tok.kind == "image" else "prompt block"
    run.note(f"a {what} inside the references was not imported.", tok.line)


def _items(s: Section, story: ImportedStory, run: Run) -> list[_Item]:
    """The section's entries; indented lines (and a paragraph's lines) continue
    one, and a heading starts one that its paragraphs continue."""
    items: list[_Item] = []
    current: _Item | None = None
    for tok in s.toks:
        if tok.kind == "heading":
            current = _heading_item(tok)
            items.append(current)
            continue
        if tok.kind != "text":
            _other_token(tok, story, run)
            current = None
            continue
        line = tok.raw
        if not line.strip():
            if current is not None and not current.listed and not current.title:
                current = None  # a paragraph ends at a blank line; a list item may go on
            continue
        m = _ITEM_RE.match(line)
        if m:
            current = _Item(tok.line, (m.group("text") or "").strip(), True)
            items.append(current)
        elif current is not None and (line[:1] in (" ", "\t") or not current.listed):
            current.text = f"{current.text} {line.strip()}".strip()
        else:
            current = _Item(tok.line, line.strip(), False)
            items.append(current)
    return items


def _link(text: str) -> tuple[str | None, str, str, str]:
    """(url, title, text before, text after) of the entry's first link."""
    m = _LINK_RE.search(text)
    if m:
        url = (m.group("aurl") if m.group("aurl") is not None else m.group("url")).strip()
        return url, plain(m.group("text")) or url, text[:m.start()], text[m.end():]
    a = _AUTOLINK_RE.search(text) or _BARE_URL_RE.search(text)
    if a:
        url = a.group("url") if a.re is _AUTOLINK_RE else a.group(0)
        title = plain(text[:a.start()]).strip(" \t-\u2013\u2014:,;") or url
        return url, title, "", text[a.end():]
    return None, plain(text), "", ""


def _note(before: str, after: str) -> str:
    """The text around the link, its separator and emphasis taken off."""
    # Emphasis around the link (**[title](url)**) belongs to neither side.
    after = re.sub(r"^(?:\*\*|__|\*|_)", "", after)
    before = re.sub(r"(?:\*\*|__|\*|_)$", "", before)
    note = re.sub(r"^\s*(?:[-\u2013\u2014:|,;.]+\s*)?", "", after).strip()
    note = note if plain(note) else ""
    before = before.strip() if plain(before) else ""
    return f"{before} {note}".strip() if before else note


def _heading_reference(item: _Item, number: int) -> ImportedReference:
    """A heading's entry: the heading is the title, the first web link in its
    paragraph the url, the paragraph (Markdown) the note."""
    m = _LINK_RE.search(item.text)
    url = None
    if m:
        url = (m.group("aurl") if m.group("aurl") is not None else m.group("url")).strip()
    return ImportedReference(id=f"ref-{number}", title=item.title,
                             url=url if url and url_ok(url) else None, note=item.text.strip())


def _reference(item: _Item, number: int, run: Run) -> ImportedReference | None:
    if item.title:
        return _heading_reference(item, number)
    text = item.text
    if not text.strip():
        return None
    url, title, before, after = _link(text)
    note = _note(before, after)
    if url is not None and not url_ok(url):
        if url:
            run.note(f"the link '{url}' of reference '{title}' is not an http(s) or relative "
                     "address; it was left out.", item.line)
        url = None
    title = title or note or text.strip()
    return ImportedReference(id=f"ref-{number}", title=title, url=url or None, note=note)


def add_references(s: Section, story: ImportedStory, run: Run) -> None:
    for item in _items(s, story, run):
        ref = _reference(item, len(story.references) + 1, run)
        if ref is not None:
            story.references.append(ref)
