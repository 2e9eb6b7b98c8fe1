"""Words the importer writes itself: a panel's alt text from its prompt, and
a chapter's summary from its first paragraph."""

from __future__ import annotations

import re

from ..rules import fence_closes, fence_opened
from .text import cap, plain, sentences, strip_label

ALT_MAX = 200
SUMMARY_MAX = 160

# Sentences that talk to the chat model rather than describe the picture.
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
# "Create a wide drawing of ...", "An ink illustration showing ...": openings to cut.
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


def _described(sentence: str) -> str | None:
    """What ``sentence`` shows, its instruction-like opening cut; None if it shows nothing."""
    if _BOILERPLATE_RE.match(sentence):
        return None
    m = _VERB_PREFIX_RE.match(sentence) or _NOUN_PREFIX_RE.match(sentence)
    if m:
        rest = sentence[m.end():]
    elif _VERB_ONLY_RE.match(sentence):
        return None  # an instruction that describes nothing
    else:
        rest = sentence
    stub = _STUB_RE.match(rest)
    if stub:
        rest = rest[stub.end():]
    rest = rest.strip(" \t:,;\u2013\u2014-")
    return rest if len(rest.split()) >= 2 else None


def alt_from_prompt(prompt: str) -> str:
    """A readable description from a prompt: its first describing sentence."""
    for sentence in sentences(plain(strip_label(prompt[:3000]))):
        rest = _described(sentence)
        if rest is not None:
            return cap(rest[0].upper() + rest[1:], ALT_MAX)
    return ""


def _blocks_outside_code(lines: list[str]) -> list[list[str]]:
    """Runs of non-blank lines outside fenced code."""
    blocks: list[list[str]] = []
    current: list[str] = []
    fence: str | None = None
    for line in lines:
        if fence:
            if fence_closes(line, fence):
                fence = None
            continue
        fence = fence_opened(line)
        if fence or not line.strip():
            if current:
                blocks.append(current)
            current = []
        else:
            current.append(line)
    if current:
        blocks.append(current)
    return blocks


def _is_plain_paragraph(block: list[str]) -> bool:
    """Not a heading, image, HTML, table, quote, list, rule or indented code."""
    first = block[0]
    s = first.strip()
    return not (first.startswith(("    ", "\t"))
                or s.startswith(("#", "!", "<", "|", ">", "```", "~~~"))
                or re.match(r"^(?:[-*+]|\d{1,9}[.)])(?:\s|$)", s)
                or re.match(r"^[-=_*]{3,}$", s))


def summary(body_lines: list[str]) -> str:
    """The first sentence of the first plain paragraph."""
    for block in _blocks_outside_code(body_lines):
        if not _is_plain_paragraph(block):
            continue
        found = sentences(plain(" ".join(x.strip() for x in block)))
        if found:
            return cap(found[0], SUMMARY_MAX)
    return ""
