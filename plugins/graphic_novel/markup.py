"""The two bits of syntax a chapter adds to Markdown, found in one scan.

- a panel: an image alone on its line whose file name is a panel id,
  ``![](01-chessboard.png)``;
- a citation: ``[@ref-id]`` or ``[@a; @b]``.

Fenced code blocks and inline code are left alone, so an author can show
the syntax itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .rules import FENCE_RE, IMAGE_EXTS, fence_closes
from .rules import ID_RE as ID_RE  # re-exported: callers test ids as markup.ID_RE

PANEL_LINE_RE = re.compile(
    r"^ {0,3}!\[(?P<alt>[^\]\n]*)\]\(\s*(?P<src><[^>\n]*>|[^)\s]+)(?:\s+\"[^\"\n]*\")?\s*\)\s*$"
)
# \[@x] stays literal. The body holds no "[", written or as an entity: "[@[@x]"
# is text followed by the citation [@x], and stays so once that citation is
# escaped as "&#91;@x]" (as the importer does). Stopping at "[" also keeps a long
# line of "[@[@[@..." linear instead of scanning to the line's end from each "[".
CITE_RE = re.compile(r"(?<!\\)\[(?P<body>@(?:[^\[\]\n&]|&(?!#91;|#x5[bB];|lbrack;))*)\]")
CODE_SPAN_RE = re.compile(r"(`+)(?:.+?)\1")
# A link's text or an image's alt text, one level of brackets inside it,
# followed by the link's target: `(url)` or a reference `[name]`.
LINK_TEXT_RE = re.compile(r"!?\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*\])*)\](?=[(\[])")


@dataclass(frozen=True)
class PanelUse:
    src: str
    panel_id: str | None  # None when the image is not a panel (a URL, say)
    line: int  # 1-based, within the body


@dataclass(frozen=True)
class CiteUse:
    ids: tuple[str, ...]
    bad: tuple[str, ...]  # pieces that are not of the form @id
    line: int
    # Inside a link's text or an image's alt text, where a citation's link and
    # superscript cannot go: `[the report [@x]](url)`, `![a map [@x]](map.png)`.
    in_text: bool = False


def panel_id_from_src(src: str) -> str | None:
    """The panel id an image source names, or None for anything else."""
    src = src.strip("<>").strip()
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", src) or src.startswith("//"):
        return None  # a URL: an ordinary image, not a panel
    name = src.rsplit("/", 1)[-1]
    stem, dot, ext = name.rpartition(".")
    if dot and ("." + ext.lower()) in IMAGE_EXTS:
        return stem
    return name if not dot else None


def parse_cite_body(body: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ids, bad = [], []
    for piece in body.split(";"):
        piece = piece.strip()
        rest = piece[1:].strip()
        if piece.startswith("@") and rest and not rest.startswith("@"):
            ids.append(rest)
        else:
            bad.append(piece)
    return tuple(ids), tuple(bad)


def _outside_code(line: str) -> Iterator[tuple[int, int]]:
    """Spans of ``line`` that are not inline code."""
    pos = 0
    for m in CODE_SPAN_RE.finditer(line):
        yield pos, m.start()
        pos = m.end()
    yield pos, len(line)


def _link_texts(line: str) -> list[tuple[int, int]]:
    """Spans of ``line`` that are a link's text or an image's alt text."""
    if "](" not in line and "][" not in line:
        return []
    return [m.span("text") for m in LINK_TEXT_RE.finditer(line)]


def transform(
    body: str,
    on_panel: Callable[[PanelUse], str | None] | None = None,
    on_cite: Callable[[CiteUse], str | None] | None = None,
) -> tuple[str, list[PanelUse], list[CiteUse]]:
    """Scan a chapter body; optionally replace panels and citations.

    ``on_panel`` returns the text for a panel line (None keeps it);
    ``on_cite`` the text for a citation. Returns the new body and what was
    found, with 1-based line numbers within ``body``.
    """
    panels: list[PanelUse] = []
    cites: list[CiteUse] = []
    out: list[str] = []
    fence: str | None = None
    for number, line in enumerate(body.split("\n"), start=1):
        if fence:
            if fence_closes(line, fence):
                fence = None
            out.append(line)
            continue
        m = FENCE_RE.match(line)
        if m:
            fence = m.group("fence")
            out.append(line)
            continue
        pm = PANEL_LINE_RE.match(line) if "![" in line else None
        if pm:
            use = PanelUse(pm.group("src"), panel_id_from_src(pm.group("src")), number)
            if use.panel_id is not None:
                panels.append(use)
                replaced = on_panel(use) if on_panel else None
                out.append(line if replaced is None else replaced)
                continue
        # no citation can start without "[": most lines of prose
        out.append(_cites_in_line(line, number, cites, on_cite) if "[" in line else line)
    return "\n".join(out), panels, cites


def _cites_in_line(line: str, number: int, cites: list[CiteUse],
                   on_cite: Callable[[CiteUse], str | None] | None) -> str:
    """``line`` with each citation outside code replaced by ``on_cite`` (None keeps
    it); each is added to ``cites``."""
    pieces = []
    last = 0
    texts: list[tuple[int, int]] | None = None
    for start, end in _outside_code(line):
        for cm in CITE_RE.finditer(line, start, end):
            ids, bad = parse_cite_body(cm.group("body"))
            if texts is None:
                texts = _link_texts(line)
            inside = any(a <= cm.start() and cm.end() <= b for a, b in texts)
            cite = CiteUse(ids, bad, number, inside)
            cites.append(cite)
            replaced = on_cite(cite) if on_cite else None
            if replaced is not None:
                pieces.append(line[last:cm.start()])
                pieces.append(replaced)
                last = cm.end()
    pieces.append(line[last:])
    return "".join(pieces)
