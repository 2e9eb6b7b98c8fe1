"""Phase 1, read: the answer's text checked and normalised, its front matter
taken off, and the rest cut into tokens (text lines, headings, images and
``<details>`` blocks), fenced code kept as plain text lines."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import yaml

from .. import markup
from ..errors import StoryError
from ..rules import FRONT_MATTER_RE
from .text import dedent, label_number, plain, strip_label

HEADING_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*))?$")
_IMAGE_START_RE = re.compile(
    r"^ {0,3}!\[(?P<alt>[^\]\n]*)\]\(\s*(?P<src><[^>\n]*>|[^)\s]+)(?:\s+\"[^\"\n]*\")?\s*\)")
_DETAILS_OPEN_RE = re.compile(r"^\s*<details\b[^>]*>(?P<rest>.*)$", re.I)
# A summary closed by </summary>, or (a slip models make) by a second <summary>.
_SUMMARY_RE = re.compile(r"^\s*<summary\b[^>]*>(?P<summary>.*?)"
                         r"(?P<close></summary\s*>|<summary\s*>)(?P<after>.*)$", re.I)
# A fence at any indentation: inside a <details> block, a list or a box a
# fence is often indented by more than CommonMark's three spaces at the top.
_FENCE_RE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")
_DETAILS_TAG_RE = re.compile(r"<details\b|</details\s*>", re.I)

Lines = deque[tuple[int, str]]  # (line number, text) still to read


@dataclass
class Tok:
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
    number: int | None = None  # details: the number in the prompt's label ("Image 6:")


# --------------------------------------------------------------------------- the text

def normalize(text: Any, source: str) -> str:
    """The answer as text with "\\n" line ends; StoryError for anything else."""
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


def front_matter(text: str, notes: list[str], source: str) -> tuple[dict, str, int]:
    """(front matter as a mapping, the rest, the rest's first line number)."""
    m = FRONT_MATTER_RE.match(text)
    if not m:
        return {}, text, 1
    try:
        data = yaml.safe_load(m.group(1) or "")
    except Exception:
        data = _lenient_front_matter(m.group(1) or "")
        notes.append(f"{source}:1: the front matter is not valid YAML (an unquoted ':' in a "
                     "value?); each 'key: value' line was read as written, up to the line's "
                     "end.")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return {}, text, 1
    return data, text[m.end():], m.group(0).count("\n") + 1


_FM_LINE_RE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:[ \t]+(?P<value>\S.*?)[ \t]*$")


def _lenient_front_matter(block: str) -> dict:
    """Front matter that is not YAML, as the ``key: value`` lines it holds: the
    value is the rest of the line, colons and all (quotes round it dropped)."""
    data = {}
    for line in block.split("\n"):
        m = _FM_LINE_RE.match(line)
        if m:
            value = m.group("value")
            if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            data[m.group("key")] = value
    return data


def fm_text(data: dict, key: str) -> str:
    """A front-matter value as one line of text ("" when it is not text)."""
    value = data.get(key)
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return " ".join(str(value).split())
    return ""


# --------------------------------------------------------------------------- fences

def fence_opened(line: str) -> str | None:
    """The fence ``line`` opens (its run of ` or ~), at any indentation, or None."""
    m = _FENCE_RE.match(line)
    if not m or (m.group("fence")[0] == "`" and "`" in line[m.end():]):
        return None  # a run of backticks with more after it is inline code
    return m.group("fence")


def fence_closes(line: str, fence: str) -> bool:
    """Whether ``line`` closes the block ``fence`` opened: the same character,
    at least as many, nothing after it (any indentation)."""
    m = _FENCE_RE.match(line)
    if not m:
        return False
    run = m.group("fence")
    return run[0] == fence[0] and len(run) >= len(fence) and not line[m.end():].strip()


# --------------------------------------------------------------------------- tokens

def summary_role(summary: str) -> str:
    """What a ``<summary>`` says its block holds: narrative | cover | image |
    references | other. An empty summary is taken as an image prompt."""
    s = plain(summary).lower()
    if not s:
        return "image"
    if "prompt" not in s:
        return "other"
    for word in ("narrative", "cover", "references"):
        if word in s:
            return word
    return "image"


def _heading_tok(no: int, line: str) -> Tok | None:
    hm = HEADING_RE.match(line)
    if not hm:
        return None
    text = (hm.group(2) or "").rstrip(" \t")
    closing = text.rstrip("#")  # an optional closing run of #s
    if not closing or closing[-1] in " \t":
        text = closing
    return Tok("heading", no, raw=line, level=len(hm.group(1)), text=text.strip())


def _image_tok(no: int, line: str, queue: Lines) -> Tok | None:
    """An image at the start of ``line``; what follows it is read next."""
    im = _IMAGE_START_RE.match(line)
    if not im or markup.panel_id_from_src(im.group("src")) is None:
        return None
    rest = line[im.end():]
    if rest.strip():
        queue.appendleft((no, rest.lstrip()))
    return Tok("image", no, raw=line[:im.end()], src=im.group("src"), alt=im.group("alt"))


def _markup_tok(no: int, line: str, queue: Lines, notes: list[str], source: str) -> Tok:
    """A heading, image or summarised ``<details>`` block, else a text line."""
    tok = _heading_tok(no, line) or _image_tok(no, line, queue)
    if tok is not None:
        return tok
    dm = _DETAILS_OPEN_RE.match(line)
    if dm:
        tok = _read_details(no, line, dm.group("rest"), queue, notes, source)
    return tok or Tok("text", no, raw=line)


def tokenize(lines: list[str], first_line: int, notes: list[str], source: str) -> list[Tok]:
    """The answer's lines as tokens; line numbers count from ``first_line``."""
    toks: list[Tok] = []
    queue: Lines = deque((first_line + k, line) for k, line in enumerate(lines))
    fence: str | None = None
    fence_line = 0
    while queue:
        no, line = queue.popleft()
        if fence:
            toks.append(Tok("text", no, raw=line))
            if fence_closes(line, fence):
                fence = None
            continue
        fence = fence_opened(line)
        if fence:
            fence_line = no
            toks.append(Tok("text", no, raw=line))
            continue
        toks.append(_markup_tok(no, line, queue, notes, source))
    if fence:
        notes.append(f"{source}:{fence_line}: a code block opened here is never closed; "
                     "everything after it was kept as code.")
    return toks


# --------------------------------------------------------------------------- <details> blocks

def _starts_prompt(line: str) -> bool:
    dm = _DETAILS_OPEN_RE.match(line)
    sm = _SUMMARY_RE.match(dm.group("rest")) if dm else None
    return sm is not None and summary_role(sm.group("summary")) != "other"


def _find_summary(line: str, rest: str,
                  queue: Lines) -> tuple[re.Match[str], str, list[str]] | None:
    """The ``<summary>`` of a block opened on ``line``: on that line or the next
    non-blank one. (match, the line holding it, lines read before it)."""
    sm = _SUMMARY_RE.match(rest)
    if sm:
        return sm, line, []
    if rest.strip():
        return None
    skipped = []
    while queue and not queue[0][1].strip():
        skipped.append(queue.popleft())
    sm = _SUMMARY_RE.match(queue[0][1]) if queue else None
    if not sm:
        queue.extendleft(reversed(skipped))
        return None
    _, head_line = queue.popleft()
    return sm, head_line, [line] + [s for _, s in skipped]


def _closing_tag(segment: str, depth: int) -> tuple[int, re.Match[str] | None]:
    """The depth after ``segment``'s details tags, and the tag that closes the block."""
    for m in _DETAILS_TAG_RE.finditer(segment):
        depth += -1 if m.group(0)[1] == "/" else 1
        if depth == 0:
            return depth, m
    return depth, None


def _ends_unclosed(next_line: str, depth: int) -> bool:
    """Whether a block never closed should end before ``next_line``: at a
    section heading, or at the next prompt block."""
    hm = HEADING_RE.match(next_line)
    return bool(hm and len(hm.group(1)) <= 2) or (depth == 1 and _starts_prompt(next_line))


def _read_body(no: int, first: str, prefix: str,
               queue: Lines) -> tuple[list[str], list[str], bool]:
    """The block's text up to its closing tag: (content, raw lines, closed).
    Inside fenced code nothing closes or ends the block."""
    content: list[str] = []
    raw: list[str] = []
    depth, seg_no, seg, fence = 1, no, first, None
    while True:
        end = None
        if fence:
            fence = None if fence_closes(seg, fence) else fence
        else:
            fence = fence_opened(seg)
            if not fence:
                depth, end = _closing_tag(seg, depth)
        if end is not None:
            content.append(seg[:end.start()])
            raw.append(prefix + seg[:end.end()])
            tail = seg[end.end():]
            if tail.strip():
                queue.appendleft((seg_no, tail.lstrip()))
            return content, raw, True
        content.append(seg)
        raw.append(prefix + seg)
        prefix = ""
        if not queue or (not fence and _ends_unclosed(queue[0][1], depth)):
            return content, raw, False
        seg_no, seg = queue.popleft()


def _summary_notes(sm: re.Match[str], no: int, notes: list[str], source: str) -> None:
    """Notes for a malformed summary: empty, or closed by a second <summary>."""
    if sm.group("close").lower().startswith("<summary"):
        notes.append(f"{source}:{no}: this <summary> is closed by a second <summary> instead "
                     "of </summary>; it was read as if closed.")
    if not plain(sm.group("summary")):
        notes.append(f"{source}:{no}: this <details> block has an empty <summary>; it was "
                     "taken as an image prompt.")


def _read_details(no: int, line: str, rest: str, queue: Lines, notes: list[str],
                  source: str) -> Tok | None:
    """A ``<details>`` block with a ``<summary>``, read up to its closing tag.

    None when ``line`` opens no summarised block (it is then ordinary text).
    """
    found = _find_summary(line, rest, queue)
    if found is None:
        return None
    sm, head_line, before = found
    after = sm.group("after")
    prefix = head_line[:len(head_line) - len(after)]
    role = summary_role(sm.group("summary"))
    _summary_notes(sm, no, notes, source)
    content, raw, closed = _read_body(no, after, prefix, queue)
    if not closed:
        notes.append(f"{source}:{no}: this <details> block is never closed (no </details>); "
                     "it was taken to end before the next section.")
    if content and not content[0].strip():
        content = content[1:]
    text = "\n".join(dedent(content)).strip()
    number = label_number(text) if role in ("image", "cover") else None
    if role in ("image", "cover"):
        text = strip_label(text)
    return Tok("details", no, role=role, content=text, raw_lines=before + raw, closed=closed,
               number=number)
