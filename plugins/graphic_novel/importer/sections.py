"""Phase 2, sections: which headings start a chapter (or the references),
what kind of page each is, and the story's own title."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .read import Tok, fm_text
from .text import plain

_PUNCT_SEP = r"[ \t]*[:.\u2013\u2014-]+[ \t]*"
# "Chapter 3: Title", "Panel 3 - Title", "Part III. Title", "Episode One: Title".
_NUMBERED_RE = re.compile(
    r"^(?P<kw>chapter|panel|part|episode)[ \t]+(?:"
    r"\d{1,4}[a-z]?(?:" + _PUNCT_SEP + r"|[ \t]+)(?P<t1>\S.*)"
    r"|(?:[ivxlcdm]{1,8}|[a-z]{3,12})" + _PUNCT_SEP + r"(?P<t2>\S.*)"
    r"|(?:\d{1,4}[a-z]?|[ivxlcdm]{1,8}|[a-z]{3,12})[ \t]*[:.\u2013\u2014-]*)$", re.I)
_SPECIAL_RE = re.compile(
    r"^(?P<kw>prologue|epilogue|call[ \t]+to[ \t]+action)\b(?:[ \t]*[:.\u2013\u2014-]+)?[ \t]*"
    r"(?P<title>.*)$", re.I)
_REFERENCES_RE = re.compile(
    r"^(?:references|sources|bibliography|works[ \t]+cited|citations|further[ \t]+reading)"
    r"[ \t]*:?$", re.I)


@dataclass
class Section:
    role: str  # numbered | prologue | epilogue | cta | plain | appendix | references
    title: str
    heading: str  # the heading text, cleaned
    line: int
    label: str = ""
    toks: list[Tok] = field(default_factory=list)
    kind: str = "chapter"


@dataclass
class Layout:
    """The answer cut at its section headings."""
    title_tok: Tok | None = None  # the story's `# Title` heading
    preamble: list[Tok] = field(default_factory=list)  # before the first section
    sections: list[Section] = field(default_factory=list)

    @property
    def chapters(self) -> list[Section]:
        return [s for s in self.sections if s.role != "references"]


def classify(text: str) -> tuple[str, str, str]:
    """(role, title, keyword) of a heading's text."""
    clean = plain(text)
    m = _NUMBERED_RE.match(clean)
    if m:
        return "numbered", (m.group("t1") or m.group("t2") or "").strip() or clean, m.group("kw")
    m = _SPECIAL_RE.match(clean)
    if m:
        kw = " ".join(m.group("kw").split())
        role = kw.lower()
        role = "cta" if role.startswith("call") else role
        title = m.group("title").strip()
        return role, title or clean, kw
    if _REFERENCES_RE.match(clean):
        return "references", clean, clean
    return "plain", clean, ""


def section_level(headings: list[Tok]) -> int:
    """The shallowest level holding a numbered heading; ``##`` when none is."""
    numbered = [t.level for t in headings if classify(t.text)[0] == "numbered"]
    return min(numbered) if numbered else 2


def _section_for(tok: Tok, level: int, appendix_mode: bool) -> tuple[Section | None, bool]:
    """The section ``tok`` starts (None: it stays in the body), and whether
    later headings one level deeper start appendices."""
    role, title, kw = classify(tok.text)
    heading = plain(tok.text)
    if role == "references" and tok.level <= level + 1:
        return Section("references", title, heading, tok.line), False
    if tok.level <= level:
        return Section(role, title, heading, tok.line, label=kw if role == "cta" else ""), False
    if tok.level == level + 1 and role in ("prologue", "epilogue", "cta"):
        return (Section(role, title, heading, tok.line, label=kw if role == "cta" else ""),
                role in ("epilogue", "cta"))
    if tok.level == level + 1 and appendix_mode:
        return Section("appendix", heading, heading, tok.line, label=heading), True
    return None, appendix_mode


def _is_story_title(tok: Tok, layout: Layout) -> bool:
    return (tok.level == 1 and layout.title_tok is None and not layout.sections
            and classify(tok.text)[0] == "plain")


def split_sections(toks: list[Tok], level: int) -> Layout:
    """Cut the tokens at the headings that start sections."""
    layout = Layout()
    current = layout.preamble
    appendix_mode = False
    for tok in toks:
        if tok.kind == "heading":
            if _is_story_title(tok, layout):
                layout.title_tok = tok
                continue
            new, appendix_mode = _section_for(tok, level, appendix_mode)
            if new is not None:
                layout.sections.append(new)
                current = new.toks
                continue
        current.append(tok)
    return layout


def assign_kinds(chapters: list[Section]) -> None:
    """Each section's kind; a plain section before the first numbered one is a
    prologue, after the last an appendix labelled with its heading."""
    numbered = [i for i, s in enumerate(chapters) if s.role == "numbered"]
    for i, s in enumerate(chapters):
        if s.role in ("prologue", "epilogue"):
            s.kind = s.role
        elif s.role in ("cta", "appendix"):
            s.kind = "appendix"
        elif s.role == "plain" and numbered:
            if i < numbered[0]:
                s.kind = "prologue"
            elif i > numbered[-1]:
                s.kind, s.label = "appendix", s.heading
        if not s.title.strip():
            s.title = s.heading.strip() or s.kind.capitalize()


def _split_title(title: str, seps: tuple[str, ...]) -> tuple[str, str]:
    for sep in seps:
        head, found, tail = title.partition(sep)
        if found and head.strip() and tail.strip():
            return head.strip(), tail.strip()
    return title, ""


def story_title(fm: dict, title_tok: Tok | None, notes: list[str],
                source: str) -> tuple[str, str]:
    """(title, subtitle): the `# Title` heading, front matter, or the file name."""
    fm_title = fm_text(fm, "title")
    subtitle = fm_text(fm, "description") or fm_text(fm, "subtitle")
    if title_tok is not None and plain(title_tok.text):
        title = plain(title_tok.text)
        return (title, subtitle) if subtitle else _split_title(title, (": ",))
    if fm_title:
        return (fm_title, subtitle) if subtitle else _split_title(
            fm_title, (" - ", " \u2013 ", " \u2014 ", ": "))
    stem = re.sub(r"[-_]+", " ", Path(source).stem).strip()
    title = stem[:1].upper() + stem[1:] if stem else "Untitled story"
    notes.append(f"{source}: the answer has no `# Title` heading; the story is called "
                 f"'{title}' (change it in story.yaml).")
    return title, subtitle


# --------------------------------------------------------------------------- plain text

_TITLE_LINE_MAX = 70


def _is_title_line(lines: list[str], k: int) -> bool:
    """A short line alone between blank lines, not ending like a sentence."""
    line = lines[k].strip()
    alone = (k == 0 or not lines[k - 1].strip()) and (k + 1 >= len(lines)
                                                      or not lines[k + 1].strip())
    return (alone and 0 < len(line) <= _TITLE_LINE_MAX and len(line.split()) <= 10
            and line[-1] not in ".!?,;:\"'\u201d)" and line[0].isalnum())


def headings_from_plain_text(text: str) -> str | None:
    """Text copied from a chat window, with no Markdown: its first line made
    the ``# Title`` and each short stand-alone line a ``##`` section; None
    when it has no such lines."""
    lines = text.split("\n")
    title_at = next((k for k, line in enumerate(lines) if line.strip()), None)
    if title_at is None or not _is_title_line(lines, title_at):
        return None
    found = [k for k in range(title_at + 1, len(lines)) if _is_title_line(lines, k)]
    if not found:
        return None
    lines[title_at] = "# " + lines[title_at].strip()
    for k in found:
        lines[k] = "## " + lines[k].strip()
    return "\n".join(lines)
