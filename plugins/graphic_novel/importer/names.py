"""The image a prompt without an image line was meant for, from the number
in its label: "Image 6:" among images named ``05.png`` and ``07.png`` is
``06``; a file of that name beside the answer settles it."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from ..rules import ART_EXTS, is_id

_NUMBERED_STEM_RE = re.compile(r"^(?P<pre>\D*?)(?P<num>\d+)(?P<post>\D*)$")


def name_pattern(stems: list[str]) -> tuple[str, int, str] | None:
    """(prefix, digits, suffix) most of the answer's numbered image names
    share ("panel-", 2, ""), or None when they share none."""
    shapes: Counter[tuple[str, int, str]] = Counter()
    for stem in stems:
        m = _NUMBERED_STEM_RE.match(stem)
        if m:
            shapes[(m.group("pre"), len(m.group("num")), m.group("post"))] += 1
    if not shapes:
        return None
    shape, count = shapes.most_common(1)[0]
    return shape if count >= 2 or len(stems) == 1 else None


def _on_disk(answer_dir: Path, number: int) -> str | None:
    """A numbered image beside the answer: ``06.png``, ``panel-06.jpg`` ..."""
    for stem in (f"{number:02d}", f"{number}", f"panel-{number:02d}", f"image-{number:02d}"):
        if any((answer_dir / f"{stem}{ext}").is_file() for ext in ART_EXTS):
            return stem
    return None


def guess_image(number: int, stems: list[str], answer_dir: Path) -> tuple[str, str] | None:
    """(panel id, why) for the image numbered ``number``, or None."""
    pattern = name_pattern(stems)
    if pattern is not None:
        pre, width, post = pattern
        stem = f"{pre}{number:0{width}d}{post}"
        if is_id(stem):
            found = _on_disk(answer_dir, number) == stem
            return stem, ("the file beside the answer" if found
                          else "the other images' names")
    on_disk = _on_disk(answer_dir, number)
    return (on_disk, "the file beside the answer") if on_disk else None
