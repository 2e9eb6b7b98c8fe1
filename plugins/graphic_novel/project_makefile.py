"""The Makefile `graphic-novel new` writes: the project's commands, runnable at once.

`make serve` and `make test` as in this repository, plus the author's everyday commands. The
Python that made the project is the default (so the commands work without activating a venv);
``make PYTHON=python3 serve`` picks another. The MkDocs 2 / Material end-of-life banner, which
MkDocs and Material print on every build, is turned off: the project pins the engines it runs on
and the banner says nothing an author can act on at each preview.
"""

from __future__ import annotations

import sys

MAKEFILE = """\
# make serve | make test | make build | make check | make prompts | make status
# Each runs with the Python that made this project; another: make PYTHON=python3 serve
PYTHON ?= {python}
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve test build check prompts status

serve:  ## preview at http://127.0.0.1:8000, reloading as story/ changes
\t$(PYTHON) -m mkdocs serve -a 127.0.0.1:8000

test: check build  ## what must pass before publishing

build:  ## the site in site_build/, warnings as errors
\t$(PYTHON) -m mkdocs build --strict

check:  ## every problem in story/, with file and line, without building
\t$(PYTHON) -m graphic_novel check

prompts:  ## every panel's full image prompt, for the image model
\t$(PYTHON) -m graphic_novel prompts

status:  ## which panels have art and which are still placeholders
\t$(PYTHON) -m graphic_novel status
"""


def makefile(python: str | None = None, several: bool = False) -> str:
    """The Makefile text, with ``python`` (default: this interpreter) as its
    Python. For a site of ``several`` stories only the comments differ:
    `check`, `status` and `prompts` run on every story mkdocs.yml lists."""
    chosen = python or sys.executable or "python3"
    text = MAKEFILE.format(python=_make_word(chosen))
    if several:
        text = text.replace("every problem in story/", "every problem in every story")
        text = text.replace("as story/ changes", "as a story changes")
        text = text.replace("every panel's full image prompt", "every story's panel prompts")
        text = text.replace("which panels have art", "per story: which panels have art")
    return text


def _make_word(path: str) -> str:
    # Make splits on spaces and expands $; a path with either is quoted for the shell.
    if any(ch in path for ch in " $#'\"\\"):
        return "'" + path.replace("'", "'\\''").replace("$", "$$") + "'"
    return path
