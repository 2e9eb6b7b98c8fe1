"""Prompts as shown on the site, remembered from one build to the next.

Every panel's prompt is shown as HTML and copied as plain text
(pages.prompt_block); making both costs a Markdown conversion a prompt,
the largest part of making a chapter's page once its images are cached.
The results depend on the prompt's text alone, so they are kept in the
image cache folder, in one file, under a hash of the text. A build keeps
the entries it used and writes the file only when something changed; a
missing, damaged or older file is ignored (the prompts are converted again).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from importlib import metadata
from pathlib import Path

from .prompt_text import html_and_text

MEMO_FILE = "prompts.json"
VERSION = "1"  # bump when a prompt is shown or copied differently


def _version() -> str:
    """Ours and the converters': a new Markdown or nh3 may give other HTML."""
    import markdown

    try:
        nh3_version = metadata.version("nh3")
    except metadata.PackageNotFoundError:
        nh3_version = "?"
    return f"{VERSION}/{markdown.__version__}/{nh3_version}"


class PromptMemo:
    """``forms(text)``: a prompt's (safe HTML, plain text), from the memo or made now."""

    def __init__(self, cache_dir: str | Path, clean) -> None:
        self.path = Path(cache_dir) / MEMO_FILE
        self.clean = clean  # rendered prompt HTML -> safe HTML (pages.clean_prompt_html)
        self.version = _version()
        self.known = self._read()
        self.used: dict[str, list[str]] = {}

    def _read(self) -> dict[str, list[str]]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != self.version:
            return {}
        entries = data.get("prompts")
        return entries if isinstance(entries, dict) else {}

    def forms(self, text: str) -> tuple[str, str]:
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:24]
        found = self.used.get(key) or self.known.get(key)
        if not (isinstance(found, list) and len(found) == 2
                and all(isinstance(x, str) for x in found)):
            rendered, plain = html_and_text(text)
            found = [self.clean(rendered), plain]
        self.used[key] = found
        return found[0], found[1]

    def save(self) -> None:
        """Write the entries this build used, if they differ from the file's;
        a folder that cannot be written only costs the next build the conversions."""
        if self.used == self.known:
            return
        tmp = self.path.with_name(f".{MEMO_FILE}.{os.getpid()}.partial")
        try:
            tmp.write_text(json.dumps({"version": self.version, "prompts": self.used}), "utf-8")
            os.replace(tmp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        self.known = self.used
