"""The cast sheet: characters the narrative prompt lists with a fixed look
(``- **Ada** - the keeper's daughter, freckles, red scarf.``) become
``cast:`` in image_prompts.yaml, so every prompt that names them carries
the same description."""

from __future__ import annotations

import re

from ..rules import plural
from .context import Run

_CAST_LINE_RE = re.compile(
    r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(?:\*\*|__)(?P<name>[^*_\n]{1,40}?)(?:\*\*|__)\s*"
    r"(?:[-\u2013\u2014:]\s*|\((?P<aside>[^)]*)\)\s*[-\u2013\u2014:]?\s*)(?P<look>\S.*)$")


def cast_from_narrative(narrative: str, run: Run) -> list[tuple[str, str]]:
    """(name, description) for each bold-named character line; noted."""
    cast: list[tuple[str, str]] = []
    seen: set[str] = set()
    for line in narrative.split("\n"):
        m = _CAST_LINE_RE.match(line)
        if not m:
            continue
        name = " ".join(m.group("name").strip(" :").split())
        look = m.group("look").strip()
        if m.group("aside"):
            look = f"{m.group('aside').strip()}; {look}"
        if name and name not in seen and len(look.split()) >= 2:
            seen.add(name)
            cast.append((name, look))
    if cast:
        run.note(f"a cast sheet of {plural(len(cast), 'character')} "
                 f"({', '.join(n for n, _ in cast)}) was made from the narrative prompt; each "
                 "panel's prompt that names one is given its description.")
    return cast
