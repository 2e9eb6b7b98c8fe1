"""The reader's own stylesheet and script as the site serves them: minified, named by content.

The stylesheet blocks the first paint of every page, so it goes out minified (rcssmin,
rjsmin: maintained minifiers with C speedups, which keep CSS custom properties and modern
JavaScript intact). The content hash in each file name lets hosts, browsers and the service
worker keep a file for as long as they like: a changed file is a new name.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import rcssmin
import rjsmin

ASSETS = Path(__file__).parent / "assets"
FOLDER = "assets/graphic-novel"  # the stylesheet names its fonts relative to this folder
FONTS_URI = f"{FOLDER}/fonts"
# The titles' face for Latin letters (its first @font-face in graphic-novel.css).
DISPLAY_FONT = f"{FONTS_URI}/bangers-latin-400-normal.woff2"


@dataclass(frozen=True)
class Asset:
    uri: str  # where it goes in the site
    content: bytes


def _minified(name: str) -> bytes:
    text = (ASSETS / name).read_text("utf-8")
    small = rcssmin.cssmin(text) if name.endswith(".css") else rjsmin.jsmin(text)
    return small.encode("utf-8")


def _named_by_content(name: str, content: bytes) -> str:
    stem, ext = name.rsplit(".", 1)
    digest = hashlib.sha256(content).hexdigest()[:8]
    return f"{FOLDER}/{stem}.{digest}.min.{ext}"


def reader_assets() -> dict[str, Asset]:
    """``{"css": Asset, "js": Asset}``, minified again only when a source file changes."""
    return {kind: _asset(f"graphic-novel.{kind}", (ASSETS / f"graphic-novel.{kind}")
                         .stat().st_mtime_ns) for kind in ("css", "js")}


@functools.lru_cache(maxsize=8)
def _asset(name: str, mtime_ns: int) -> Asset:
    content = _minified(name)
    return Asset(_named_by_content(name, content), content)


def fonts() -> list[Path]:
    """The display face's files, served from the site (no font host)."""
    return sorted((ASSETS / "fonts").glob("*.woff2"))


def preload_display_font(html_page: str, href: str) -> str:
    """A <link rel=preload> for the titles' face on a page with a title (the stylesheet
    sets every h1 in it). Found only once the stylesheet is applied, the font was
    fetched a step later than the stylesheets; in Lighthouse's model of a phone that
    step put 300 ms on the first paint of the runs where it came before the paint.
    Requested with the stylesheets, it shortens the fallback's time on screen too."""
    if "<h1" not in html_page:
        return ""
    return f'<link rel="preload" href="{href}" as="font" type="font/woff2" crossorigin>'
