"""Rules several modules must agree on, written once.

The loader, the chapter scanner (markup), the importer and the command line
all read the same story files; where they test a name, an extension, front
matter, a link or a code fence, they use what is here, so the importer never
writes a story the loader would refuse and `check` never passes what the
build would stop at.
"""

from __future__ import annotations

import re

# --------------------------------------------------------------------------- ids and names

# A panel, reference or chapter id: letters, digits, '-' and '_', at most 100.
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
ID_MAX = 100

# Art the story's art/ folder takes, and images a chapter may place as a panel.
ART_EXTS = (".png", ".jpg", ".jpeg", ".webp")
IMAGE_EXTS = (*ART_EXTS, ".gif")

CHAPTER_EXT = ".md"
# A chapter file name the site keeps for itself: chapters/all.md is the
# one-page edition of the whole story.
ONE_PAGE_STEM = "all"
ONE_PAGE_TAKEN = ("this name is taken by the one-page edition of the story; rename the "
                  "chapter file.")


def is_id(text: str) -> bool:
    """Whether ``text`` may be used as an id."""
    return bool(ID_RE.match(text))


# --------------------------------------------------------------------------- front matter

# `---` on the first line, YAML, then `---` (or `...`) on a line of its own.
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
# The opening line alone: front matter that starts but never closes.
FRONT_MATTER_OPEN_RE = re.compile(r"---[ \t]*\n")

# --------------------------------------------------------------------------- links

# A reference's url: http(s), a site-absolute path, or a plain relative path.
URL_OK_RE = re.compile(r"^(https?://[^\s<>\"']+|/[^\s<>\"']*|\.{0,2}/?[\w./-]+)$", re.I)


def url_ok(url: str) -> bool:
    """Whether a reference may link to ``url``."""
    return bool(URL_OK_RE.match(url))


# --------------------------------------------------------------------------- code fences

# A fenced code block opens with three or more backticks or tildes.
FENCE_RE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")


def fence_opened(line: str) -> str | None:
    """The fence ``line`` opens (its run of ` or ~), or None."""
    m = FENCE_RE.match(line)
    return m.group("fence") if m else None


def fence_closes(line: str, fence: str) -> bool:
    """Whether ``line`` closes a code block opened by ``fence``: the same
    character, at least as many, and nothing after it."""
    m = FENCE_RE.match(line)
    if not m:
        return False
    run = m.group("fence")
    return run[0] == fence[0] and len(run) >= len(fence) and not line.strip()[len(run):].strip()


# --------------------------------------------------------------------------- words


def plural(count: int, word: str, many: str | None = None) -> str:
    """"1 chapter", "2 chapters"; ``many`` for a word that does not just add "s"."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def chapter_heading(label: str, title: str) -> str:
    """"Epilogue: The Light Today", or the title alone when it already
    starts with its label ("Epilogue: The Light Today" titled so)."""
    low_label, low_title = label.strip().lower(), title.strip().lower()
    if not low_label or low_title == low_label or low_title.startswith(
            (low_label + ":", low_label + " ")):
        return title
    return f"{label}: {title}"


__all__ = [
    "ART_EXTS",
    "CHAPTER_EXT",
    "FENCE_RE",
    "FRONT_MATTER_OPEN_RE",
    "FRONT_MATTER_RE",
    "ID_MAX",
    "ID_RE",
    "IMAGE_EXTS",
    "ONE_PAGE_STEM",
    "ONE_PAGE_TAKEN",
    "URL_OK_RE",
    "chapter_heading",
    "fence_closes",
    "fence_opened",
    "is_id",
    "plural",
    "url_ok",
]
