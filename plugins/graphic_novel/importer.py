"""Import a chat model's graphic-novel answer (one Markdown file) into story/.

Pure functions, no MkDocs, no printing:

- :func:`parse_answer` reads the Markdown into an :class:`ImportedStory`;
- :func:`render_files` turns that into the files of a story folder;
- :func:`write_files` writes them, each whole (temporary file, then rename);
- :func:`import_file` does all three for a file on disk.

Every problem with the input is a :class:`~graphic_novel.errors.StoryError`
naming the file; nothing else is raised for any text. Things the author may
want to know but that do not stop the import (an image name that had to be
changed, an image without a prompt) go to ``ImportedStory.notes``.

The two shapes of answer are described in ``import-formats.md`` (Shape A,
"chapters"; Shape B, "panels"). How they map, including the choices made
where that description is silent:

Story
  Title: the first ``#`` heading that is not itself a chapter heading, else
  front matter ``title``, else the file name. Subtitle: front matter
  ``description`` (or ``subtitle``); without one, a title of the form
  "Title: Subtitle" (or a front-matter title "Title - Subtitle") is split at
  the first separator. Front matter ``author`` becomes the author; other
  front-matter keys (``image``, social settings) are not story data and are
  dropped. Front matter that is not a YAML mapping is kept as text.

Sections
  The section level is the shallowest heading level that holds a numbered
  heading ("Chapter 3: ...", "Panel 3 - ...", "Part 3. ..."; ``##`` when there
  is none). Every heading at that level (or above, after the title) starts a
  chapter file, ``NN-slug.md`` in order. One level deeper, "Prologue ...",
  "Epilogue ..." and "Call to Action" headings also start chapters (Shape B's
  ``###``); after such an epilogue or call to action, every further heading
  of that level up to the next section heading starts an appendix labelled
  with its heading. Other deeper headings stay in the body, as written.
  Titles lose the "Chapter 3:" part; separators ":", "-", "–", "—", "."
  all work.

  Kinds: Prologue/Epilogue headings give ``kind: prologue|epilogue``; a call
  to action is ``kind: appendix`` with ``label: Call to Action``. A section
  with some other heading is a chapter, except that before the first
  numbered section it is a prologue, and after the last numbered section it
  is an appendix labelled with its heading.

  "References", "Sources", "Bibliography", "Works Cited", "Citations" and
  "Further Reading" headings hold the reference list, not a chapter.

  Content before the first section that is not the title, the cover or the
  narrative prompt (an introduction, say) is put at the top of the first
  chapter, so nothing is dropped.

Panels
  An image alone on its line (or at the start of one) with a local file name
  is a panel, exactly as the loader will see it. Its id is the file's stem;
  a stem that is not a valid id is made into one (and noted, so the author
  knows the art's new name); the same name used twice gets "-2", "-3"
  (noted). The body keeps ``![](<id>.png)`` where the image was (the
  original extension is kept when it is one the art folder takes).

  The ``<details>`` block after an image whose summary mentions "prompt" is
  that image's prompt, word for word: only the whole prompt's surrounding
  whitespace, the indentation every line shares, and a leading label
  ("Image 3:", "Panel 3:", "3:", "Image 3 of 12:") are removed. A prompt
  block with no image before it gets a panel of its own (id from the chapter
  file name) placed where the block was; an image with no prompt gets its
  alt text or heading as a stand-in prompt (noted), since the site needs
  one. Details blocks whose summary is not about a prompt stay in the body
  as written (an image alone on a line in one is still made a panel, as the
  site would read it as one).

  Panel title: the section's title, with " (2)", " (3)" for later panels in
  the same section. Alt text: the image's own alt text if it has one;
  otherwise the first sentence of the prompt that describes something, with
  instructions to the chat model removed ("I am about to ask you ...",
  "Generate the image immediately ...", "Please generate a 16:9 image ...
  depicting panel 1 of 12.") and "Create a ... drawing of" style openings
  cut, capped at 200 characters on a word boundary; failing that, the title.

Cover and narrative prompt
  The first image before the first section is the cover (its id is its
  stem, e.g. ``cover``), and the prompt block after it (before any other
  image) is its prompt; a "Cover ... Prompt" block with no image makes a
  cover with id ``cover``. ``story.yaml`` names it as ``cover:``; without
  one there is no ``cover`` key. A block whose summary says "Narrative
  Prompt" (anywhere outside the references) is ``narrative_prompt``;
  several are joined with a blank line (noted).

References
  Each list item (``-``, ``*``, ``+`` or ``1.``/``1)``, any spacing) or
  other line of the references section is one entry, ``ref-1``, ``ref-2``
  ...: title = link text (Markdown emphasis removed), url = link target if it
  is http(s) or relative (else dropped, noted), ``note`` = the rest of the
  line with a leading " - " separator removed, verbatim otherwise (text
  before the link comes first). An item without a link is all title; a bare
  URL is both. Indented lines continue an item. Headings, images or prompts
  inside the references section are dropped and noted.

Chapter bodies
  Everything in a section is kept in order: paragraphs, lists, tables, code,
  HTML, deeper headings. Prompt blocks leave the body (the site shows them
  under their panel). Runs of blank lines outside code are collapsed to one.
  Text that the site would read as a citation (``[@x]``) is written as
  ``&#91;@x]`` so it shows as written instead of failing the build (noted).
  ``summary`` is the first sentence of the first plain paragraph, without
  Markdown marks, capped at 160 characters.

Files
  YAML is written with ``yaml.safe_dump`` (block scalars for multi-line
  text) and read back before it is returned; if the reading does not give
  every value exactly, the file is written fully double-quoted instead.
  ``write_files`` refuses to replace an existing file without ``force``,
  before writing anything; it writes every file to a temporary file next to
  its target first and renames them into place only when all are written.
  Files of an earlier import that the new one does not produce (chapters
  with other names) are left alone.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from . import markup
from .errors import StoryError
from .yamlio import read_text

__all__ = ["ImportedPanel", "ImportedChapter", "ImportedReference", "ImportedStory",
           "parse_answer", "render_files", "write_files", "import_file"]


# --------------------------------------------------------------------------- model

@dataclass
class ImportedPanel:
    id: str
    title: str
    alt: str
    prompt: str
    source_name: str = ""  # the image's file name as written ("" when there was none)
    line: int = 0  # line of the image (or prompt) in the input


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


# --------------------------------------------------------------------------- patterns

_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_HEADING_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*))?$")
_IMAGE_START_RE = re.compile(
    r"^ {0,3}!\[(?P<alt>[^\]\n]*)\]\(\s*(?P<src><[^>\n]*>|[^)\s]+)(?:\s+\"[^\"\n]*\")?\s*\)")
_DETAILS_OPEN_RE = re.compile(r"^\s*<details\b[^>]*>(?P<rest>.*)$", re.I)
_SUMMARY_RE = re.compile(r"^\s*<summary\b[^>]*>(?P<summary>.*?)</summary\s*>(?P<after>.*)$", re.I)
_DETAILS_TAG_RE = re.compile(r"<details\b|</details\s*>", re.I)

_PUNCT_SEP = r"[ \t]*[:.\u2013\u2014-]+[ \t]*"
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

_LABEL_RE = re.compile(
    r"\A(?:\*\*|__)?(?:(?:image|panel|picture|illustration|prompt)[ \t]*#?[ \t]*)?\d{1,3}"
    r"(?:[ \t]+of[ \t]+\d{1,3})?[ \t]*:(?:\*\*|__)?(?=\s|\Z)", re.I)

_ITEM_RE = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(?P<text>.*)|[ \t]*)$")
_LINK_RE = re.compile(
    r"\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\(\s*(?:<(?P<aurl>[^>\n]*)>|(?P<url>[^()\s]*"
    r"(?:\([^()\s]*\)[^()\s]*)*))(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)")
_AUTOLINK_RE = re.compile(r"<(?P<url>https?://[^>\s]+)>", re.I)
_BARE_URL_RE = re.compile(r"https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]", re.I)
# The loader's own rule for a reference url.
_URL_OK_RE = re.compile(r"^(https?://[^\s<>\"']+|/[^\s<>\"']*|\.{0,2}/?[\w./-]+)$", re.I)

ART_EXTS = (".png", ".jpg", ".jpeg", ".webp")
ALT_MAX = 200
SUMMARY_MAX = 160
SLUG_MAX = 40


# --------------------------------------------------------------------------- small helpers

def _plain(text: str) -> str:
    """Markdown to one line of plain text (for alt text, titles, summaries)."""
    t = re.sub(r"(?m)^[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+)", "", text)
    t = re.sub(r"<[^<>\n]*>", "", t)
    t = re.sub(r"!\[([^\[\]\n]*)\]\([^()\n]*\)", r"\1", t)
    t = re.sub(r"\[([^\[\]\n]*)\]\([^()\n]*\)", r"\1", t)
    t = re.sub(r"\*\*|__|\*|`", "", t)
    return " ".join(t.split())


def _cap(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-\u2013\u2014") + "\u2026"


_ABBREV = {"mr", "mrs", "ms", "dr", "st", "vs", "e.g", "i.e", "etc", "no", "jr", "sr", "prof",
           "capt", "lt", "gen", "col", "sgt", "mt", "ft", "approx", "fig", "vol"}
_SENTENCE_END_RE = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s|\Z)")


def _sentences(text: str) -> list[str]:
    out, start = [], 0
    for m in _SENTENCE_END_RE.finditer(text):
        before = text[start:m.start()].rsplit(None, 1)
        word = before[-1].lower() if before else ""
        if m.group(0).startswith(".") and (word in _ABBREV or (len(word) == 1 and word.isalpha())):
            continue
        piece = text[start:m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out


def _slug(text: str, limit: int = SLUG_MAX) -> str:
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    if len(s) > limit:
        s = s[:limit]
        if "-" in s[limit // 2:]:
            s = s[:s.rfind("-")]
        s = s.strip("-")
    return s


def _id_from(text: str) -> str:
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^A-Za-z0-9_-]+", "-", s)
    s = re.sub(r"-{2,}", "-", s).lstrip("-_").rstrip("-")
    return s[:100].rstrip("-") or "panel"


def _unique(base: str, used: set[str]) -> str:
    if base not in used:
        return base
    n = 2
    while f"{base}-{n + 63}" in used:  # many repeats of one name: skip ahead
        n += 64
    while True:
        suffix = f"-{n}"
        cand = base[:100 - len(suffix)] + suffix
        if cand not in used:
            return cand
        n += 1


def _dedent(lines: list[str]) -> list[str]:
    """Remove the indentation every non-blank line shares; blank lines stay as written."""
    indents = [re.match(r"[ \t]*", line).group(0) for line in lines if line.strip()]
    if not indents:
        return lines
    common = os.path.commonprefix(indents)
    if not common:
        return lines
    return [line[len(common):] if line.startswith(common) else line.lstrip(" \t")
            for line in lines]


def _strip_label(prompt: str) -> str:
    m = _LABEL_RE.match(prompt)
    return prompt[m.end():].strip() if m else prompt


def _is_fence_close(line: str, fence: str) -> bool:
    m = markup.FENCE_RE.match(line)
    return bool(m and m.group("fence")[0] == fence[0] and len(m.group("fence")) >= len(fence)
                and not line.strip()[len(m.group("fence")):].strip())


# --------------------------------------------------------------------------- alt text

_BOILERPLATE_RE = re.compile(
    r"^(?:i\s+am\s+about\s+to|i'm\s+about\s+to|i\s+will\s+(?:now\s+)?(?:ask|send|give)|"
    r"i\s+want\s+you|i'd\s+like\s+you|i\s+would\s+like\s+you|you\s+will|you\s+are|we\s+are|"
    r"this\s+is\s+(?:a|an|the|panel|image)\b|here\s+is|here's|"
    r"(?:please\s+)?generate\s+(?:the|this|it|each)\b(?:\s+image)?\s+(?:immediately|now|right)|"
    r"(?:please\s+)?(?:do\s+not|don't)\b|without\s+asking|make\s+sure|remember|"
    r"(?:keep|use|maintain)\b|the\s+(?:image|style|aspect\s+ratio|format|art\s+style)\s+"
    r"(?:should|must|is|will)|(?:each|every|all)\s+(?:of\s+the\s+)?(?:images?|panels?)\b|"
    r"aspect\s+ratio|style\s*:|format\s*:|no\s+text\b|avoid\b|ensure\b|note\s*:|important\s*:)",
    re.I)
_VERB_PREFIX_RE = re.compile(
    r"^(?:please\s+)?(?:now\s+)?(?:generate|create|draw|make|produce|render|paint|illustrate|"
    r"design|give\s+me|show\s+me)\b[^.!?]{0,200}?\b(?:of|depicting|showing|that\s+shows|"
    r"which\s+shows|featuring|portraying|illustrating)\s+", re.I)
_NOUN_PREFIX_RE = re.compile(
    r"^(?:an?|the)\s+(?:[^\s.]+\s+){0,10}?(?:image|drawing|illustration|picture|painting|"
    r"engraving|artwork|rendering|sketch|panel|scene|cartoon|comic|cover)\s+(?:of|depicting|"
    r"showing|featuring|portraying)\s+", re.I)
_VERB_ONLY_RE = re.compile(
    r"^(?:please\s+)?(?:now\s+)?(?:generate|create|draw|make|produce|render|paint|illustrate|"
    r"design)\b", re.I)
_STUB_RE = re.compile(r"^(?:panel|image|scene|page|picture)\s+\d+(?:\s+of\s+\d+)?"
                      r"(?:\s*[:,.\u2013\u2014-]\s*|\s*$)", re.I)


def _alt_from_prompt(prompt: str) -> str:
    """A readable description from a prompt: its first describing sentence."""
    text = _plain(_strip_label(prompt[:3000]))
    for sentence in _sentences(text):
        if _BOILERPLATE_RE.match(sentence):
            continue
        m = _VERB_PREFIX_RE.match(sentence) or _NOUN_PREFIX_RE.match(sentence)
        if m:
            rest = sentence[m.end():]
        elif _VERB_ONLY_RE.match(sentence):
            continue  # an instruction that describes nothing
        else:
            rest = sentence
        stub = _STUB_RE.match(rest)
        if stub:
            rest = rest[stub.end():]
        rest = rest.strip(" \t:,;\u2013\u2014-")
        if len(rest.split()) < 2:
            continue
        return _cap(rest[0].upper() + rest[1:], ALT_MAX)
    return ""


def _summary(body_lines: list[str]) -> str:
    """The first sentence of the first plain paragraph."""
    blocks: list[list[str]] = []
    current: list[str] = []
    fence = None
    for line in body_lines:
        if fence:
            if _is_fence_close(line, fence):
                fence = None
            continue
        m = markup.FENCE_RE.match(line)
        if m:
            fence = m.group("fence")
            if current:
                blocks.append(current)
            current = []
            continue
        if not line.strip():
            if current:
                blocks.append(current)
            current = []
        else:
            current.append(line)
    if current:
        blocks.append(current)
    for block in blocks:
        first = block[0]
        s = first.strip()
        if (first.startswith(("    ", "\t")) or s.startswith(("#", "!", "<", "|", ">", "```", "~~~"))
                or re.match(r"^(?:[-*+]|\d{1,9}[.)])(?:\s|$)", s) or re.match(r"^[-=_*]{3,}$", s)):
            continue
        text = _plain(" ".join(x.strip() for x in block))
        sentences = _sentences(text)
        if sentences:
            return _cap(sentences[0], SUMMARY_MAX)
    return ""


# --------------------------------------------------------------------------- tokens

@dataclass
class _Tok:
    kind: str  # text | heading | image | details
    line: int
    raw: str = ""
    level: int = 0
    text: str = ""  # heading text
    src: str = ""
    alt: str = ""
    role: str = ""  # details: narrative | cover | image | other
    content: str = ""  # details: the prompt
    raw_lines: list[str] = field(default_factory=list)
    closed: bool = True


def _summary_role(summary: str) -> str:
    s = _plain(summary).lower()
    if "prompt" not in s:
        return "other"
    if "narrative" in s:
        return "narrative"
    return "cover" if "cover" in s else "image"


def _tokenize(lines: list[str], first_line: int, notes: list[str], source: str) -> list[_Tok]:
    toks: list[_Tok] = []
    queue = deque((first_line + k, line) for k, line in enumerate(lines))
    fence: str | None = None
    fence_line = 0
    while queue:
        no, line = queue.popleft()
        if fence:
            toks.append(_Tok("text", no, raw=line))
            if _is_fence_close(line, fence):
                fence = None
            continue
        fm = markup.FENCE_RE.match(line)
        if fm:
            fence, fence_line = fm.group("fence"), no
            toks.append(_Tok("text", no, raw=line))
            continue
        hm = _HEADING_RE.match(line)
        if hm:
            text = (hm.group(2) or "").rstrip(" \t")
            closing = text.rstrip("#")  # an optional closing run of #s
            if not closing or closing[-1] in " \t":
                text = closing
            text = text.strip()
            toks.append(_Tok("heading", no, raw=line, level=len(hm.group(1)), text=text))
            continue
        im = _IMAGE_START_RE.match(line)
        if im and markup.panel_id_from_src(im.group("src")) is not None:
            toks.append(_Tok("image", no, raw=line[:im.end()], src=im.group("src"),
                             alt=im.group("alt")))
            rest = line[im.end():]
            if rest.strip():
                queue.appendleft((no, rest.lstrip()))
            continue
        dm = _DETAILS_OPEN_RE.match(line)
        if dm:
            tok = _read_details(no, line, dm.group("rest"), queue, notes, source)
            if tok is not None:
                toks.append(tok)
                continue
        toks.append(_Tok("text", no, raw=line))
    if fence:
        notes.append(f"{source}:{fence_line}: a code block opened here is never closed; "
                     "everything after it was kept as code.")
    return toks


def _starts_prompt(line: str) -> bool:
    dm = _DETAILS_OPEN_RE.match(line)
    sm = _SUMMARY_RE.match(dm.group("rest")) if dm else None
    return sm is not None and _summary_role(sm.group("summary")) != "other"


def _read_details(no: int, line: str, rest: str, queue: deque, notes: list[str],
                  source: str) -> _Tok | None:
    """A ``<details>`` block with a ``<summary>``, read up to its closing tag.

    None when ``line`` opens no summarised block (it is then ordinary text).
    """
    raw: list[str] = []  # the block as written, for blocks that stay in the body
    sm = _SUMMARY_RE.match(rest)
    if sm:
        head_line = line
    elif rest.strip():
        return None
    else:
        skipped = []
        while queue and not queue[0][1].strip():
            skipped.append(queue.popleft())
        sm = _SUMMARY_RE.match(queue[0][1]) if queue else None
        if not sm:
            queue.extendleft(reversed(skipped))
            return None
        raw += [line] + [s for _, s in skipped]
        _, head_line = queue.popleft()
    after = sm.group("after")
    prefix = head_line[:len(head_line) - len(after)]
    role = _summary_role(sm.group("summary"))
    content: list[str] = []
    depth, closed = 1, False
    seg_no, seg = no, after
    while True:
        end = None
        for m in _DETAILS_TAG_RE.finditer(seg):
            depth += -1 if m.group(0)[1] == "/" else 1
            if depth == 0:
                end = m
                break
        if end is not None:
            content.append(seg[:end.start()])
            raw.append(prefix + seg[:end.end()])
            tail = seg[end.end():]
            if tail.strip():
                queue.appendleft((seg_no, tail.lstrip()))
            closed = True
            break
        content.append(seg)
        raw.append(prefix + seg)
        prefix = ""
        if not queue:
            break
        hm = _HEADING_RE.match(queue[0][1])
        if (hm and len(hm.group(1)) <= 2) or (depth == 1 and _starts_prompt(queue[0][1])):
            break  # never closed: end it before the next section or prompt
        seg_no, seg = queue.popleft()
    if not closed:
        notes.append(f"{source}:{no}: this <details> block is never closed (no </details>); "
                     "it was taken to end before the next section.")
    if content and not content[0].strip():
        content = content[1:]
    text = "\n".join(_dedent(content)).strip()
    if role in ("image", "cover"):
        text = _strip_label(text)
    return _Tok("details", no, role=role, content=text, raw_lines=raw, closed=closed)


# --------------------------------------------------------------------------- sections

@dataclass
class _Section:
    role: str  # numbered | prologue | epilogue | cta | plain | appendix | references
    title: str
    heading: str  # the heading text, cleaned
    line: int
    label: str = ""
    toks: list[_Tok] = field(default_factory=list)
    kind: str = "chapter"


def _classify(text: str) -> tuple[str, str, str]:
    """(role, title, keyword) of a heading's text."""
    clean = _plain(text)
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


def _split_title(title: str, seps: tuple[str, ...]) -> tuple[str, str]:
    for sep in seps:
        head, found, tail = title.partition(sep)
        if found and head.strip() and tail.strip():
            return head.strip(), tail.strip()
    return title, ""


# --------------------------------------------------------------------------- parse

def _normalize(text: Any, source: str) -> str:
    if isinstance(text, bytes):
        raise StoryError(source, "this is bytes, not text; read the file as UTF-8 first.")
    if not isinstance(text, str):
        raise StoryError(source, "this is not text; import a Markdown file.")
    if "\x00" in text:
        raise StoryError(source, "this is not a text file (it contains NUL characters); "
                                 "save it as UTF-8 text.")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise StoryError(source, "the text holds characters that are not valid Unicode; "
                                 "save it as UTF-8 text.") from None
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _front_matter(text: str, notes: list[str], source: str) -> tuple[dict, str, int]:
    m = _FRONT_MATTER_RE.match(text)
    if not m:
        return {}, text, 1
    try:
        data = yaml.safe_load(m.group(1) or "")
    except Exception:  # noqa: BLE001 - any YAML failure just means "not front matter"
        notes.append(f"{source}:1: the front matter is not valid YAML; it was kept as text.")
        return {}, text, 1
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return {}, text, 1
    return data, text[m.end():], m.group(0).count("\n") + 1


def _fm_text(data: dict, key: str) -> str:
    value = data.get(key)
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return " ".join(str(value).split())
    return ""


def parse_answer(text: str, source: str) -> ImportedStory:
    """Parse a chat model's graphic-novel answer. Raises StoryError, nothing else."""
    source = str(source)
    try:
        return _parse(text, source)
    except StoryError:
        raise
    except RecursionError:
        raise StoryError(source, "the text is nested too deeply to read.") from None


def _parse(text: Any, source: str) -> ImportedStory:
    text = _normalize(text, source)
    if not text.strip():
        raise StoryError(source, "the file is empty; nothing to import.", 1)
    notes: list[str] = []
    fm, body, first_line = _front_matter(text, notes, source)
    toks = _tokenize(body.split("\n"), first_line, notes, source)
    headings = [t for t in toks if t.kind == "heading"]
    if not headings:
        raise StoryError(source, "found no Markdown headings; a story needs sections such as "
                                 "`## Chapter 1: Title` or `## Panel 1: Title`.", 1)

    numbered_levels = [t.level for t in headings if _classify(t.text)[0] == "numbered"]
    section_level = min(numbered_levels) if numbered_levels else 2

    title_tok: _Tok | None = None
    preamble: list[_Tok] = []
    sections: list[_Section] = []
    current = preamble
    appendix_mode = False
    for tok in toks:
        if tok.kind == "heading":
            role, title, kw = _classify(tok.text)
            lvl = tok.level
            new: _Section | None = None
            if lvl == 1 and title_tok is None and not sections and role == "plain":
                title_tok = tok
                continue
            if role == "references" and lvl <= section_level + 1:
                new = _Section("references", title, _plain(tok.text), tok.line)
                appendix_mode = False
            elif lvl <= section_level:
                new = _Section(role, title, _plain(tok.text), tok.line)
                appendix_mode = False
                if role == "cta":
                    new.label = kw
            elif lvl == section_level + 1 and role in ("prologue", "epilogue", "cta"):
                new = _Section(role, title, _plain(tok.text), tok.line,
                               label=kw if role == "cta" else "")
                appendix_mode = role in ("epilogue", "cta")
            elif lvl == section_level + 1 and appendix_mode:
                new = _Section("appendix", _plain(tok.text), _plain(tok.text), tok.line,
                               label=_plain(tok.text))
            if new is not None:
                sections.append(new)
                current = new.toks
                continue
        current.append(tok)

    chapters_s = [s for s in sections if s.role != "references"]
    if not chapters_s:
        raise StoryError(source, "found no chapter sections; a story needs headings such as "
                                 "`## Chapter 1: Title`, `## Prologue: Title` or "
                                 "`## Panel 1: Title`.", headings[0].line)

    # Kinds.
    numbered = [i for i, s in enumerate(chapters_s) if s.role == "numbered"]
    for i, s in enumerate(chapters_s):
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

    # Story title and subtitle.
    fm_title, fm_desc = _fm_text(fm, "title"), _fm_text(fm, "description") or _fm_text(fm, "subtitle")
    subtitle = fm_desc
    if title_tok is not None and _plain(title_tok.text):
        title = _plain(title_tok.text)
        if not subtitle:
            title, subtitle = _split_title(title, (": ",))
    elif fm_title:
        title = fm_title
        if not subtitle:
            title, subtitle = _split_title(title, (" - ", " \u2013 ", " \u2014 ", ": "))
    else:
        stem = re.sub(r"[-_]+", " ", Path(source).stem).strip()
        title = stem[:1].upper() + stem[1:] if stem else "Untitled story"
        notes.append(f"{source}: the answer has no `# Title` heading; the story is called "
                     f"'{title}' (change it in story.yaml).")

    story = ImportedStory(source=source, title=title, subtitle=subtitle,
                          author=_fm_text(fm, "author"))
    used: set[str] = set()
    narratives: list[str] = []

    def add_narrative(tok: _Tok) -> None:
        if tok.content:
            narratives.append(tok.content)

    # Preamble: cover, narrative prompt; the rest goes to the first chapter.
    leftover: list[_Tok] = []
    cover_tok: _Tok | None = None
    cover_prompt: _Tok | None = None
    image_after_cover = False
    for tok in preamble:
        if tok.kind == "details" and tok.role == "narrative":
            add_narrative(tok)
        elif tok.kind == "image" and cover_tok is None:
            cover_tok = tok
        elif (tok.kind == "details" and tok.role in ("image", "cover") and cover_tok is not None
              and cover_prompt is None and not image_after_cover):
            cover_prompt = tok
        elif tok.kind == "details" and tok.role == "cover" and cover_tok is None \
                and cover_prompt is None:
            cover_prompt = tok
        else:
            leftover.append(tok)
            image_after_cover = image_after_cover or tok.kind == "image"
    if cover_tok is not None or cover_prompt is not None:
        if cover_tok is not None:
            cid, name = _panel_id(cover_tok.src, used, notes, source, cover_tok.line)
        else:
            cid, name = _unique("cover", used), ""
        used.add(cid)
        alt = _plain(cover_tok.alt) if cover_tok is not None else ""
        prompt = cover_prompt.content if cover_prompt is not None else ""
        line = (cover_tok or cover_prompt).line
        if not prompt:
            prompt = alt or f"Cover image for {title}."
            notes.append(f"{source}:{line}: the cover image has no prompt; write one for "
                         f"'{cid}' in image_prompts.yaml.")
        story.cover = ImportedPanel(id=cid, title=title,
                                    alt=alt or _alt_from_prompt(prompt) or f"Cover of {title}",
                                    prompt=prompt, source_name=name, line=line)
    while leftover and leftover[0].kind == "text" and not leftover[0].raw.strip():
        leftover.pop(0)
    if leftover:
        chapters_s[0].toks[:0] = leftover + [_Tok("text", leftover[-1].line, raw="")]

    # Chapter files.
    width = max(2, len(str(len(chapters_s))))
    for n, s in enumerate(chapters_s, start=1):
        slug = _slug(s.title) or _slug(s.heading) or s.kind
        stem = f"{n:0{width}d}-{slug}"
        chapter = ImportedChapter(slug=slug, stem=stem, title=" ".join(s.title.split()),
                                  kind=s.kind, label=s.label, line=s.line)
        body = _chapter_body(s, chapter, story, used, add_narrative, notes, source)
        chapter.summary = _summary(body)
        chapter.body = _finish_body(body, chapter, notes, source)
        story.chapters.append(chapter)

    if len(narratives) > 1:
        notes.append(f"{source}: the answer has {len(narratives)} narrative prompts; they were "
                     "joined into one.")
    story.narrative_prompt = "\n\n".join(narratives)

    for s in sections:
        if s.role == "references":
            _references(s, story, notes, source)
    story.notes = notes
    return story


def _panel_id(src: str, used: set[str], notes: list[str], source: str,
              line: int) -> tuple[str, str]:
    name = src.strip("<>").strip().rsplit("/", 1)[-1]
    stem = markup.panel_id_from_src(src) or name
    base = stem if markup.ID_RE.match(stem) else _id_from(stem)
    pid = _unique(base, used)
    if pid != stem:
        why = ("is used by another image too" if base == stem
               else "is not a usable panel id")
        notes.append(f"{source}:{line}: the image name '{name}' {why}; the panel is '{pid}', "
                     f"so name its art '{pid}.png' (or .jpg, .webp).")
    return pid, name


def _chapter_body(s: _Section, chapter: ImportedChapter, story: ImportedStory, used: set[str],
                  add_narrative, notes: list[str], source: str) -> list[str]:
    body: list[str] = []
    panels: list[ImportedPanel] = []
    pending: ImportedPanel | None = None

    def new_panel(pid: str, name: str, alt: str, line: int) -> ImportedPanel:
        used.add(pid)
        title = chapter.title if not panels else f"{chapter.title} ({len(panels) + 1})"
        panel = ImportedPanel(id=pid, title=title, alt=alt, prompt="", source_name=name,
                              line=line)
        panels.append(panel)
        return panel

    def add_image(src: str, alt: str, line: int) -> ImportedPanel:
        pid, name = _panel_id(src, used, notes, source, line)
        ext = os.path.splitext(name)[1].lower()
        body.append(f"![]({pid}{ext if ext in ART_EXTS else '.png'})")
        return new_panel(pid, name, _plain(alt), line)

    for tok in s.toks:
        if tok.kind == "text":
            body.append(tok.raw)
        elif tok.kind == "heading":
            body.append(tok.raw)
        elif tok.kind == "image":
            pending = add_image(tok.src, tok.alt, tok.line)
        elif tok.role == "narrative":
            add_narrative(tok)
        elif tok.role in ("image", "cover"):
            if pending is not None:
                pending.prompt = tok.content
                pending = None
            else:
                pid = _unique(chapter.stem if not panels else f"{chapter.stem}-{len(panels) + 1}",
                              used)
                panel = new_panel(pid, "", "", tok.line)
                panel.prompt = tok.content
                body.append(f"![]({pid}.png)")
                notes.append(f"{source}:{tok.line}: a prompt with no image before it became "
                             f"panel '{pid}'; name its art '{pid}.png'.")
        else:
            # A block that stays as written; an image alone on a line in it is still a
            # panel to the site, so it becomes one here too.
            for raw in tok.raw_lines:
                pm = markup.PANEL_LINE_RE.match(raw)
                if pm and markup.panel_id_from_src(pm.group("src")) is not None:
                    add_image(pm.group("src"), pm.group("alt"), tok.line)
                else:
                    body.append(raw)

    for panel in panels:
        if not panel.prompt:
            panel.prompt = panel.alt or panel.title
            notes.append(f"{source}:{panel.line}: the image '{panel.source_name}' has no prompt; "
                         f"write one for panel '{panel.id}' in image_prompts.yaml.")
        if not panel.alt:
            panel.alt = _alt_from_prompt(panel.prompt) or panel.title
    story.panels.extend(panels)
    return body


def _finish_body(lines: list[str], chapter: ImportedChapter, notes: list[str],
                 source: str) -> str:
    out: list[str] = []
    fence = None
    escaped = 0
    for line in lines:
        if fence:
            out.append(line)
            if _is_fence_close(line, fence):
                fence = None
            continue
        m = markup.FENCE_RE.match(line)
        if m:
            fence = m.group("fence")
            out.append(line)
            continue
        if not line.strip():
            if out and not out[-1].strip():
                continue
            out.append("")
            continue
        if "[@" in line:
            pieces, last = [], 0
            for cm in markup.CODE_SPAN_RE.finditer(line):
                outside = line[last:cm.start()]
                pieces.append(markup.CITE_RE.sub(lambda x: "&#91;" + x.group(0)[1:], outside))
                pieces.append(cm.group(0))
                last = cm.end()
            pieces.append(markup.CITE_RE.sub(lambda x: "&#91;" + x.group(0)[1:], line[last:]))
            new = "".join(pieces)
            escaped += new != line
            line = new
        out.append(line)
    while out and not out[0].strip():
        out.pop(0)
    while out and not out[-1].strip():
        out.pop()
    if escaped:
        notes.append(f"{source}:{chapter.line}: text like [@...] in '{chapter.title}' would be "
                     "read as a citation; it was written as &#91;@...] so it shows as written.")
    return "\n".join(out)


def _references(s: _Section, story: ImportedStory, notes: list[str], source: str) -> None:
    items: list[tuple[int, str]] = []
    current: list | None = None  # [line, text, is_list_item]
    for tok in s.toks:
        if tok.kind != "text":
            what = {"heading": "heading", "image": "image"}.get(tok.kind, "prompt block")
            notes.append(f"{source}:{tok.line}: a {what} inside the references was not imported.")
            current = None
            continue
        line = tok.raw
        if not line.strip():
            if current is not None and not current[2]:
                current = None  # a paragraph ends at a blank line; a list item may go on
            continue
        m = _ITEM_RE.match(line)
        if m:
            current = [tok.line, (m.group("text") or "").strip(), True]
            items.append(current)  # type: ignore[arg-type]
        elif current is not None and (line[:1] in (" ", "\t") or not current[2]):
            current[1] = f"{current[1]} {line.strip()}".strip()
        else:
            current = [tok.line, line.strip(), False]
            items.append(current)  # type: ignore[arg-type]
    for line, text, _ in items:
        ref = _reference(text, len(story.references) + 1, notes, source, line)
        if ref is not None:
            story.references.append(ref)


def _reference(text: str, number: int, notes: list[str], source: str,
               line: int) -> ImportedReference | None:
    if not text.strip():
        return None
    url: str | None = None
    m = _LINK_RE.search(text)
    if m:
        url = (m.group("aurl") if m.group("aurl") is not None else m.group("url")).strip()
        title = _plain(m.group("text")) or url
        before, after = text[:m.start()], text[m.end():]
    else:
        a = _AUTOLINK_RE.search(text) or _BARE_URL_RE.search(text)
        if a:
            url = a.group("url") if a.re is _AUTOLINK_RE else a.group(0)
            before, after = text[:a.start()], text[a.end():]
            title = _plain(before).strip(" \t-\u2013\u2014:,;") or url
            before = ""
        else:
            title, before, after = _plain(text), "", ""
    # Emphasis around the link (**[title](url)**) belongs to neither side.
    after = re.sub(r"^(?:\*\*|__|\*|_)", "", after)
    before = re.sub(r"(?:\*\*|__|\*|_)$", "", before)
    note = re.sub(r"^\s*(?:[-\u2013\u2014:|,;.]+\s*)?", "", after).strip()
    note = note if _plain(note) else ""
    before = before.strip() if _plain(before) else ""
    if before:
        note = f"{before} {note}".strip()
    if url is not None and not _URL_OK_RE.match(url):
        if url:
            notes.append(f"{source}:{line}: the link '{url}' of reference '{title}' is not an "
                         "http(s) or relative address; it was left out.")
        url = None
    title = title or note or text.strip()
    return ImportedReference(id=f"ref-{number}", title=title, url=url or None, note=note)


# --------------------------------------------------------------------------- render

class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)


def _dump(data: Any) -> str:
    """YAML that reads back exactly as ``data`` (checked)."""
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=1_000_000)
    try:
        if yaml.safe_load(text) == data:
            return text
    except Exception:  # noqa: BLE001 - any failure to read back means: use the safe form
        pass
    # Fully double-quoted, every unusual character escaped: always reads back.
    text = yaml.safe_dump(data, allow_unicode=False, sort_keys=False, default_style='"',
                          default_flow_style=False, width=1_000_000)
    if yaml.safe_load(text) != data:  # pragma: no cover - PyYAML would have to be broken
        raise StoryError("story", "a text could not be written as YAML exactly.")
    return text


def _panel_entry(panel: ImportedPanel) -> dict[str, str]:
    return {"id": panel.id, "title": panel.title, "alt": panel.alt, "prompt": panel.prompt}


def render_files(story: ImportedStory) -> dict[str, str]:
    """The files of the story folder, by path relative to it."""
    meta: dict[str, str] = {"title": story.title}
    if story.subtitle:
        meta["subtitle"] = story.subtitle
    if story.author:
        meta["author"] = story.author
    if story.cover is not None:
        meta["cover"] = story.cover.id
    prompts: dict[str, Any] = {}
    if story.narrative_prompt:
        prompts["narrative_prompt"] = story.narrative_prompt
    panels = ([story.cover] if story.cover is not None else []) + list(story.panels)
    prompts["panels"] = [_panel_entry(p) for p in panels]
    refs = []
    for ref in story.references:
        entry = {"id": ref.id, "title": ref.title}
        if ref.url:
            entry["url"] = ref.url
        if ref.note:
            entry["note"] = ref.note
        refs.append(entry)
    files = {
        "story.yaml": _dump(meta),
        "image_prompts.yaml": _dump(prompts),
        "references.yaml": _dump(refs),
    }
    for chapter in story.chapters:
        front: dict[str, str] = {"title": chapter.title}
        if chapter.summary:
            front["summary"] = chapter.summary
        if chapter.kind != "chapter":
            front["kind"] = chapter.kind
        if chapter.label:
            front["label"] = chapter.label
        body = chapter.body + "\n" if chapter.body else ""
        files[chapter.file_name] = "---\n" + _dump(front) + "---\n\n" + body
    return files


# --------------------------------------------------------------------------- write

def write_files(files: dict[str, str], story_dir: Path, force: bool) -> list[Path]:
    """Write every file whole; refuse (writing nothing) to replace one without ``force``."""
    story_dir = Path(story_dir)
    targets: list[tuple[Path, str]] = []
    for rel, content in files.items():
        parts = PurePosixPath(rel).parts
        if not parts or PurePosixPath(rel).is_absolute() or ".." in parts or "\\" in rel:
            raise StoryError(rel, "this path is outside the story folder; nothing was written.")
        targets.append((story_dir.joinpath(*parts), content))
    if not force:
        for target, _ in targets:
            if target.exists() or target.is_symlink():
                raise StoryError(target, "this file already exists; nothing was written. "
                                         "Use --force to replace it.")
    created: list[Path] = []
    temps: list[Path] = []
    target = story_dir
    try:
        for target, content in targets:
            missing = [p for p in [target.parent, *target.parent.parents] if not p.exists()]
            target.parent.mkdir(parents=True, exist_ok=True)
            created.extend(reversed(missing))
            if target.is_dir():
                raise StoryError(target, "this is a folder, not a file; nothing was written.")
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                       suffix=".tmp")
            temps.append(Path(tmp))
            with os.fdopen(fd, "wb") as fh:
                fh.write(content.encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)
        for (target, _), tmp in zip(targets, temps):
            os.replace(tmp, target)
    except (OSError, UnicodeError, StoryError) as exc:
        for tmp in temps:
            try:
                tmp.unlink()
            except OSError:
                pass
        for folder in reversed(created):
            try:
                folder.rmdir()
            except OSError:
                pass
        if isinstance(exc, StoryError):
            raise
        reason = getattr(exc, "strerror", None) or str(exc)
        raise StoryError(target, f"cannot write the file ({reason}).") from None
    return [t for t, _ in targets]


def import_file(path: Path, story_dir: Path, force: bool, *,
                notes: list[str] | None = None) -> list[Path]:
    """Read, parse, render and write; nothing is written unless all of it works.

    If ``notes`` is a list, the import's notes for the author are added to it.
    """
    path = Path(path)
    text = read_text(path, path)
    story = parse_answer(text, str(path))
    files = render_files(story)
    written = write_files(files, Path(story_dir), force)
    if notes is not None:
        notes.extend(story.notes)
    return written
