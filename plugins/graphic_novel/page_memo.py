"""Generated pages as Markdown converted them, remembered from one build to the next.

MkDocs converts every page's Markdown on every build; after the template,
that is the largest part of a page's cost, and on a warm build the plugin's
pages are the same text as last time. What a conversion gives depends on:

- the page's Markdown, and where the page is (links are made relative to it);
- the site's pages and files (links to them are checked and rewritten);
- the Markdown extensions, their settings and the versions of the converters;
- and nothing else, as long as no extension reads files (snippets, includes)
  and no other plugin changes a page's Markdown.

So a page's HTML, table of contents and anchors are kept in the cache folder
(``pages/<key>.json``) under a hash of all of that (:class:`SiteFacts`), and
a warm build hands MkDocs the page's front matter alone and puts the kept
HTML in its place (the MkDocs glue: plugin.py). Only extensions known to
read nothing but the text qualify (:func:`memo_problem`); any other turns
the memo off for the build. A conversion that logged anything (a broken
link, say) is not kept, so the message comes again on every build.

The page's Markdown holds markers with a nonce drawn each build
(pages.Blocks): they are stored with the nonce taken out and their numbers
counted from the page's first (:func:`neutral`, :func:`restored`), so a kept
page fits the next build's markers. This module knows nothing of MkDocs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

FOLDER = "pages"
VERSION = "2"  # bump when what is kept, or how, changes

# Extensions whose output depends on the text and their settings alone (by module).
# Anything else (pymdownx.snippets, pymdownx.b64, markdown-include, an author's own)
# may read files or the clock, and turns the memo off.
PURE_EXTENSIONS = frozenset({
    *(f"markdown.extensions.{name}" for name in (
        "abbr", "admonition", "attr_list", "codehilite", "def_list", "extra", "fenced_code",
        "footnotes", "legacy_attrs", "legacy_em", "md_in_html", "meta", "nl2br", "sane_lists",
        "smarty", "tables", "toc", "wikilinks")),
    *(f"pymdownx.{name}" for name in (
        "arithmatex", "betterem", "caret", "critic", "details", "emoji", "escapeall", "extra",
        "highlight", "inlinehilite", "keys", "magiclink", "mark", "progressbar", "saneheaders",
        "smartsymbols", "striphtml", "superfences", "tabbed", "tasklist", "tilde")),
    "material.extensions.emoji",
})
_BLOCKS_PREFIX = "pymdownx.blocks."  # admonition, details, tab, html, caption, definition

# The converters, by the module a build has loaded (one it has not loaded converted nothing).
_CONVERTERS = ("markdown", "mkdocs", "material", "pymdownx", "pygments")


def extension_module(ext: object) -> str:
    """The module an extension comes from: "tables" -> "markdown.extensions.tables"."""
    if isinstance(ext, str):
        name = ext.split(":", 1)[0]
        return name if "." in name else f"markdown.extensions.{name}"
    return type(ext).__module__


# Where a function named in an extension's settings may come from: the converters' own
# (emoji indexes, fence formatters). An author's own function may change with no change to
# its name, which is all the key can see of it.
_KNOWN_CODE = ("markdown.", "pymdownx.", "material.", "mkdocs.", "pygments.")


def memo_problem(extensions: Iterable[object], other_markdown_plugins: int,
                 settings: Mapping | None = None) -> str | None:
    """Why pages cannot be kept from build to build, or None when they can. ``settings``:
    the extensions' settings (mdx_configs)."""
    if other_markdown_plugins:
        return "another plugin changes pages' Markdown"
    for ext in extensions:
        module = extension_module(ext)
        if module not in PURE_EXTENSIONS and not module.startswith(_BLOCKS_PREFIX):
            return f"the Markdown extension {module} may read more than the page"
    for name, values in (settings or {}).items():
        problem = _settings_problem(values)
        if problem:
            return f"the settings of the Markdown extension {name} {problem}"
    return None


def _settings_problem(value: object) -> str | None:
    """What in an extension's settings the key cannot follow: a function of the author's
    own, or icons read from the author's folders."""
    if isinstance(value, Mapping):
        if value.get("custom_icons"):
            return "read icons from the site's folders"
        found = (_settings_problem(v) for v in value.values())
        return next((p for p in found if p), None)
    if isinstance(value, list | tuple):
        return next((p for p in map(_settings_problem, value) if p), None)
    if callable(value) and not f"{getattr(value, '__module__', '')}.".startswith(_KNOWN_CODE):
        return f"name a function of the site's own ({_stable(value)})"
    return None


def _stable(value: object) -> object:
    """A setting as JSON can hold it, the same from one run to the next (a function or
    an extension by its name, never by its address)."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, set | frozenset):
        return sorted(map(str, value))
    if callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', '?')}"
    named = f"{type(value).__module__}.{type(value).__qualname__}"
    configs = getattr(value, "getConfigs", None)  # a Markdown Extension object
    return [named, configs()] if callable(configs) else repr(value)


def _versions() -> list[str]:
    """The loaded converters' versions (a module's own ``__version__``: asking the
    installed packages' metadata costs a scan of sys.path each)."""
    return [f"{name}={getattr(sys.modules.get(name), '__version__', '-')}"
            for name in _CONVERTERS]


@dataclass(frozen=True)
class SiteFacts:
    """Everything but the page's own text that a conversion depends on, hashed once a build."""

    digest: str

    @classmethod
    def of(cls, extensions: Iterable[object], extension_configs: object,
           files: Iterable[tuple[str, str]], directory_urls: bool, validation: object) -> SiteFacts:
        """``files``: every (src_uri, url) of the site, pages and other files."""
        facts = [VERSION, _versions(),
                 [extension_module(e) if isinstance(e, str) else _stable(e) for e in extensions],
                 extension_configs, sorted(files), directory_urls, validation]
        text = json.dumps(facts, default=_stable, sort_keys=True)
        return cls(hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest())


# ---------------------------------------------------------------- markers


def _marker_re(nonce: str) -> re.Pattern[str]:
    return re.compile(rf"gn{re.escape(nonce)}([a-z])(-?\d+)z")


def neutral(text: str, nonce: str, base: int) -> str:
    """``text`` with this build's markers made build-independent: the nonce out and
    each number counted from ``base``, the page's first. NUL stands for a marker,
    and a NUL of the text's own is written NUL SOH, so no two texts become one."""
    escaped = text.replace("\x00", "\x00\x01")
    return _marker_re(nonce).sub(lambda m: f"\x00{m[1]}{int(m[2]) - base}z", escaped)


_NEUTRAL_RE = re.compile("\x00(?:\x01|([a-z])(-?\\d+)z)")


def restored(text: str, nonce: str, base: int) -> str:
    """The inverse of :func:`neutral`, for this build's nonce and the page's first number."""
    return _NEUTRAL_RE.sub(lambda m: "\x00" if m[1] is None
                           else f"gn{nonce}{m[1]}{int(m[2]) + base}z", text)


# ---------------------------------------------------------------- the memo


@dataclass
class Kept:
    """One page as converted: HTML (markers neutral), table of contents, anchors, and the
    title of its first heading (a page without a title of its own is named by it)."""

    html: str
    toc: list  # [{"title", "id", "level", "children": [...]}] (the glue's own shape)
    anchors: list[str]  # the ids the page holds, for MkDocs' anchor checks
    links: dict[str, dict[str, str]]  # src_uri -> {anchor: link as written}
    title: str | None = None

    def to_json(self) -> str:
        return json.dumps({"html": self.html, "toc": self.toc, "anchors": self.anchors,
                           "links": self.links, "title": self.title}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Kept | None:
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if not (isinstance(data, dict) and isinstance(data.get("html"), str)
                and isinstance(data.get("toc"), list) and isinstance(data.get("anchors"), list)
                and isinstance(data.get("links"), dict)):
            return None
        title = data.get("title")
        return cls(data["html"], data["toc"], [str(a) for a in data["anchors"]], data["links"],
                   title if isinstance(title, str) else None)


class PageMemo:
    """Pages kept under ``cache_dir/pages``: :meth:`key`, :meth:`get`, :meth:`put`,
    then :meth:`prune` once every page of the build is done."""

    def __init__(self, cache_dir: str | Path, facts: SiteFacts) -> None:
        self.folder = Path(cache_dir) / FOLDER
        self.facts = facts
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0

    def key(self, src_uri: str, neutral_markdown: str) -> str:
        text = f"{self.facts.digest}\n{src_uri}\n{neutral_markdown}"
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def get(self, key: str) -> Kept | None:
        """The page kept under ``key``; None when there is none, or it cannot be read."""
        self.used.add(key)
        try:
            kept = Kept.from_json((self.folder / f"{key}.json").read_text("utf-8"))
        except (OSError, UnicodeDecodeError):
            kept = None
        if kept is None:
            self.misses += 1
        else:
            self.hits += 1
        return kept

    def put(self, key: str, kept: Kept) -> None:
        """Keep a page; a folder that cannot be written only costs the next build the
        conversion."""
        path = self.folder / f"{key}.json"
        tmp = path.with_name(f".{key}.{os.getpid()}.partial")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp.write_text(kept.to_json(), "utf-8")
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)

    def prune(self) -> int:
        """Remove what this build did not use (pages since edited, or gone). Returns
        how many were removed."""
        removed = 0
        with contextlib.suppress(OSError), os.scandir(self.folder) as entries:
            for entry in entries:
                if entry.name.endswith(".json") and entry.name[:-5] not in self.used:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)
                        removed += 1
        return removed


def split_front_matter(markdown: str) -> tuple[str, str]:
    """(front matter with its fences, the rest) of a generated page; ("", markdown)
    when it has none."""
    if not markdown.startswith("---\n"):
        return "", markdown
    end = markdown.find("\n---\n", 3)
    if end < 0:
        return "", markdown
    return markdown[:end + 5], markdown[end + 5:]

