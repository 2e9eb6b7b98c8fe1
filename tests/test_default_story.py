"""The shipped story reads as a graphic novel (issue 15): enough panels in every chapter,
chapters short enough that the pictures carry part of the telling, prompts an image model
can take as they are, and footnotes on narration rather than in a character's mouth.

The checks read story/ directly; GN_DEFAULT_STORY=path/to/story runs them on another copy.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from conftest import ROOT

STORY = Path(os.environ.get("GN_DEFAULT_STORY", ROOT / "story"))
PANEL_LINE = re.compile(r"^!\[\]\((?P<id>[^)]+)\.png\)\s*$")
CITATION = re.compile(r"\[@[^\]]+\]")
MARKDOWN_MARK = re.compile(r"\*\*|(?<!\w)\*\w|`|^#+ |^\s*[-+] |\[[^\]]*\]\(", re.M)
LETTERING = re.compile(r'"([^"]+)"')
STORY_KINDS = {"chapter", "epilogue", "prologue"}


def _chapters() -> list[tuple[str, dict, str]]:
    """(file name, front matter, body) for every chapter file, in story order."""
    out = []
    for path in sorted((STORY / "chapters").glob("*.md")):
        _, front, body = path.read_text("utf-8").split("---", 2)
        out.append((path.name, yaml.safe_load(front), body))
    return out


def _story_pages() -> list[tuple[str, dict, str]]:
    return [c for c in _chapters() if c[1].get("kind", "chapter") in STORY_KINDS]


def _panel_ids(body: str) -> list[str]:
    return [m["id"] for line in body.splitlines() if (m := PANEL_LINE.match(line.strip()))]


def _prose_words(body: str) -> int:
    lines = [line for line in body.splitlines() if not PANEL_LINE.match(line.strip())]
    return len(CITATION.sub("", "\n".join(lines)).split())


def _panels() -> list[dict]:
    return yaml.safe_load((STORY / "image_prompts.yaml").read_text("utf-8"))["panels"]


def test_every_story_page_has_three_panels_and_the_book_forty():
    counts = {name: len(_panel_ids(body)) for name, _, body in _story_pages()}
    assert all(n >= 3 for n in counts.values()), counts
    assert sum(counts.values()) >= 40, counts


def test_every_story_page_keeps_its_prose_to_400_to_650_words():
    words = {name: _prose_words(body) for name, _, body in _story_pages()}
    assert all(400 <= n <= 650 for n in words.values()), words


def test_prompts_are_plain_text_with_at_most_five_words_lettered():
    marked = [p["id"] for p in _panels() if MARKDOWN_MARK.search(p["prompt"])]
    long_lettering = [(p["id"], text) for p in _panels()
                      for text in LETTERING.findall(p["prompt"]) if len(text.split()) > 5]
    assert not marked, marked
    assert not long_lettering, long_lettering


def test_style_names_the_medium():
    style = yaml.safe_load((STORY / "image_prompts.yaml").read_text("utf-8"))["style"]
    assert re.search(r"\bink\b", style) and re.search(r"\bcel\b", style), style


def test_citations_sit_on_narration_never_inside_dialogue():
    quoted = [(name, q) for name, _, body in _chapters()
              for para in body.split("\n\n") for q in re.findall(r'"[^"\n]*"', para)
              if CITATION.search(q)]
    assert not quoted, quoted
