"""Words the importer writes itself: a panel's alt text from its prompt, and
a chapter's summary from its first paragraph."""

from __future__ import annotations

import re

from ..rules import plural
from .context import Run
from .model import ImportedPanel
from .read import fence_closes, fence_opened
from .text import cap, plain, sentences, strip_label

ALT_MAX = 150
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
    r"aspect\s+ratio|style\s*:|format\s*:|no\s+text\b|avoid\b|ensure\b|note\s*:|important\s*:|"
    r"please\s+(?!generate|create|draw|make|produce|render|paint|illustrate|design)|"
    r"(?:a|the)\s+graphic\s+novel\W*$)",
    re.I)
# "(This is Panel 03. Do not include the panel number in the image.)": a
# bracketed aside to the model, dropped before sentences are found.
_ASIDE_RE = re.compile(r"\((?:this\s+is|note|reminder|important)\b[^()]*\)", re.I)
# "The scene is a harbour at dawn": what follows is the description.
_SCENE_RE = re.compile(r"^(?:the\s+)?(?:scene|setting|image|picture|panel)\s+"
                       r"(?:is|shows|depicts)\s+(?:of\s+)?", re.I)
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
    rest = _SCENE_RE.sub("", rest, count=1)
    rest = rest.strip(" \t:,;\u2013\u2014-")
    return rest if len(rest.split()) >= 2 else None


def descriptions(prompt: str) -> list[str]:
    """The prompt's describing sentences, in order, their instruction-like
    openings cut and asides to the model left out."""
    text = _ASIDE_RE.sub(" ", plain(strip_label(prompt[:3000])))
    found = []
    for sentence in sentences(text):
        rest = _described(sentence)
        if rest is not None:
            found.append(rest[0].upper() + rest[1:])
    return found


def alt_from_prompt(prompt: str) -> str:
    """A readable description from a prompt: its first describing sentence."""
    found = descriptions(prompt)
    return cap(found[0], ALT_MAX) if found else ""


def unique_alt(candidates: list[str], taken: set[str]) -> str:
    """The first candidate (cut to ALT_MAX) if no other panel has it; else it
    with the next ones added; else any other candidate; "" when none is free."""
    tries = [" ".join(candidates[:n]) for n in range(1, len(candidates) + 1)]
    for alt in [cap(t, ALT_MAX) for t in tries + candidates[1:]]:
        if alt and alt not in taken:
            return alt
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


def _alt_candidates(panel: ImportedPanel) -> list[str]:
    """What a panel's alt text may be made of, best first: the prompt's
    describing sentences, then the narration beside it, then its title."""
    found = descriptions(panel.prompt)
    if panel.context:
        found.append(panel.context)
    found.append(panel.title)
    return [x for x in found if x.strip()]


def _numbered_alt(base: str, taken: set[str]) -> str:
    n = 2
    while cap(base, ALT_MAX - 6) + f" ({n})" in taken:
        n += 1
    return cap(base, ALT_MAX - 6) + f" ({n})"


def assign_alts(panels: list[ImportedPanel], run: Run) -> None:
    """Every panel an alt text of its own: the image's alt when it has one,
    else one written from the prompt (noted, so the author can improve it)."""
    taken: set[str] = set()
    derived: list[str] = []
    for panel in panels:
        given = cap(panel.alt, ALT_MAX) if panel.alt else ""
        alt = given if given and given not in taken else ""
        if not alt:
            candidates = ([given] if given else []) + _alt_candidates(panel)
            alt = unique_alt(candidates, taken) or _numbered_alt(candidates[0], taken)
            derived.append(panel.id)
        panel.alt = alt
        taken.add(alt)
    if derived:
        run.note(f"the alt text of {plural(len(derived), 'panel')} was written from the prompt "
                 f"or the text beside it ({', '.join(derived)}); check in image_prompts.yaml "
                 "that each says what its picture shows.")
