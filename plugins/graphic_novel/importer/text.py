"""Small text helpers the importer's phases share: plain text from Markdown,
sentences, caps, slugs and ids."""

from __future__ import annotations

import os
import re
import unicodedata

from ..rules import ID_MAX

SLUG_MAX = 40

# "Image 3:", "**Panel 3:**", "3:", "Image 3 of 12:", "Cover Image:" before a
# prompt; with a word before the number the colon may be missing ("Image 2 ").
_LABEL_RE = re.compile(
    r"\A(?:\*\*|__)?(?:"
    r"(?:cover[ \t]+)?(?:image|panel|picture|illustration|prompt)[ \t]*#?[ \t]*\d{1,3}"
    r"(?:[ \t]+of[ \t]+\d{1,3})?[ \t]*:?"
    r"|\d{1,3}(?:[ \t]+of[ \t]+\d{1,3})?[ \t]*:"
    r"|cover(?:[ \t]+(?:image|picture|art))?(?:[ \t]+prompt)?[ \t]*:"
    r")(?:\*\*|__)?(?=\s|\Z)", re.I)
_LABEL_NUMBER_RE = re.compile(r"\d{1,3}")

_ABBREV = {"mr", "mrs", "ms", "dr", "st", "vs", "e.g", "i.e", "etc", "no", "jr", "sr", "prof",
           "capt", "lt", "gen", "col", "sgt", "mt", "ft", "approx", "fig", "vol"}
_SENTENCE_END_RE = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s|\Z)")


def plain(text: str) -> str:
    """Markdown to one line of plain text (for alt text, titles, summaries)."""
    t = re.sub(r"(?m)^[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+)", "", text)
    t = re.sub(r"<[^<>\n]*>", "", t)
    t = re.sub(r"!\[([^\[\]\n]*)\]\([^()\n]*\)", r"\1", t)
    t = re.sub(r"\[([^\[\]\n]*)\]\([^()\n]*\)", r"\1", t)
    t = re.sub(r"\*\*|__|\*|`", "", t)
    return " ".join(t.split())


def cap(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters on a word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-\u2013\u2014") + "\u2026"


def _ends_abbreviation(text: str, start: int, end_mark: re.Match) -> bool:
    """Whether the full stop at ``end_mark`` closes an abbreviation or an initial."""
    before = text[start:end_mark.start()].rsplit(None, 1)
    word = before[-1].lower() if before else ""
    return end_mark.group(0).startswith(".") and (
        word in _ABBREV or (len(word) == 1 and word.isalpha()))


def sentences(text: str) -> list[str]:
    """``text`` split into sentences ("Dr." and "J." do not end one)."""
    out, start = [], 0
    for m in _SENTENCE_END_RE.finditer(text):
        if _ends_abbreviation(text, start, m):
            continue
        piece = text[start:m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def slug(text: str, limit: int = SLUG_MAX) -> str:
    """A file-name slug: lower-case ASCII words joined by '-', cut at a word."""
    s = re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")
    if len(s) > limit:
        s = s[:limit]
        if "-" in s[limit // 2:]:
            s = s[:s.rfind("-")]
        s = s.strip("-")
    return s


def id_from(text: str) -> str:
    """The nearest valid id to ``text`` ("panel" when nothing is left)."""
    s = re.sub(r"[^A-Za-z0-9_-]+", "-", _ascii(text))
    s = re.sub(r"-{2,}", "-", s).lstrip("-_").rstrip("-")
    return s[:ID_MAX].rstrip("-") or "panel"


def unique(base: str, used: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3`` ... the first not in ``used``."""
    if base not in used:
        return base
    n = 2
    while f"{base}-{n + 63}" in used:  # many repeats of one name: skip ahead
        n += 64
    while True:
        suffix = f"-{n}"
        cand = base[:ID_MAX - len(suffix)] + suffix
        if cand not in used:
            return cand
        n += 1


def dedent(lines: list[str]) -> list[str]:
    """Remove the indentation every non-blank line shares; blank lines stay as written."""
    indents = [re.match(r"[ \t]*", line).group(0)  # type: ignore[union-attr]
               for line in lines if line.strip()]
    if not indents:
        return lines
    common = os.path.commonprefix(indents)  # noqa: RUF071 (indents are strings of spaces)
    if not common:
        return lines
    return [line[len(common):] if line.startswith(common) else line.lstrip(" \t")
            for line in lines]


def strip_label(prompt: str) -> str:
    """A prompt without a leading "Image 3:" style label."""
    m = _LABEL_RE.match(prompt)
    return prompt[m.end():].strip() if m else prompt


def label_number(prompt: str) -> int | None:
    """The number in a prompt's leading label ("Image 6:" gives 6), or None."""
    m = _LABEL_RE.match(prompt)
    n = _LABEL_NUMBER_RE.search(m.group(0)) if m else None
    return int(n.group(0)) if n else None
