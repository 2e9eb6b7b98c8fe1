"""Offline reading: a web app manifest and a service worker made from the built site.

The worker (``sw.js`` at the site root) is written last, from the files the build left in
the site folder, so it lists them all with their revisions:
- a site of up to PRECACHE_BUDGET bytes is cached whole when the reader first opens any
  page, so every chapter and its panels read with the network off;
- a larger one caches its shell (styles, scripts, fonts, search index, the cover) and then
  each page the reader opens together with the page after it.

One cache per build: a changed file changes sw.js, the browser installs the new worker,
which fills a new cache and deletes the old one, so pages and pictures never come from two
builds. Pages and other files under a fixed name are fetched from the network first (a new
build shows after one reload) and from the cache when offline; files whose names carry
their content hash are served from the cache first, since their bytes never change.

No Pillow or MkDocs here but in :func:`app_icons` (Pillow, imported when called).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .atomic import replacing

SW_PATH = "sw.js"
MANIFEST_PATH = "manifest.webmanifest"
PRECACHE_BUDGET = 50 * 1024 * 1024
ICON_SIZES = (192, 512)
DEFAULT_THEME_COLOUR = "#4051b5"  # Material's indigo
# Content-addressed names: panels (-1db025b34d.webp), Material (.57a0d79d.min.css), ours.
IMMUTABLE = re.compile(r"[.-][0-9a-f]{8,}(?:\.min)?\.[a-z0-9]+$")
# Never cached: source maps, compressed copies, share-preview pictures, the feed, the
# worker itself, the EPUB and the PDF (downloads, read elsewhere), and search languages
# other than the ones the site uses.
SKIPPED = re.compile(r"(\.map|\.gz|\.epub|\.pdf)$|-social-[0-9a-f]+\.jpg$|^feed\.xml$|^sw\.js$|"
                     r"^assets/javascripts/lunr/")
_PANELS_RE = re.compile(r"(^|/)assets/panels/")  # a story's panels, at its prefix
_PICTURE_REF = re.compile(r'(?:src|srcset|href)="([^"]+)"')


@dataclass(frozen=True)
class SiteFile:
    path: str  # relative to the site root, with '/'
    size: int
    revision: str


def site_files(site_dir: Path, lunr_files: tuple[str, ...] = ()) -> list[SiteFile]:
    """Every file a reader may need offline, with a revision: the hash in its name, or a
    hash of its bytes. ``lunr_files`` are the search-language files the site uses."""
    keep = set(lunr_files)
    wanted = sorted((path, full, size) for path, full, size in _walk(str(site_dir), "")
                    if not SKIPPED.search(path) or path in keep)
    out = []
    for path, full, size in wanted:
        named = IMMUTABLE.search(path)
        if named:
            revision = named.group(0)
        else:
            with open(full, "rb") as fh:
                revision = hashlib.file_digest(fh, "sha256").hexdigest()[:12]
        out.append(SiteFile(path, size, revision))
    return out


def _walk(folder: str, prefix: str) -> Iterator[tuple[str, str, int]]:
    """(path relative to the site, path, size) of every file under ``folder``
    (os.scandir: a fifth of the cost of Path.rglob and a stat per file). Strings
    and sizes, not the scandir entries: at 1,000 chapters the site has 5,000 files,
    and the entries held for sorting were the build's peak."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(entry.path, f"{prefix}{entry.name}/")
            elif entry.is_file():
                yield f"{prefix}{entry.name}", entry.path, entry.stat().st_size


def page_pictures(site_dir: Path, page: str, files: set[str]) -> list[str]:
    """The site files a page's HTML points at (its panels in every rendition)."""
    text = (site_dir / page).read_text("utf-8", errors="replace")
    base = Path(page).parent
    found = []
    for ref in _PICTURE_REF.findall(text):
        for part in ref.split(","):
            url = part.strip().split(" ")[0]
            if not url or "://" in url or url.startswith(("#", "data:", "mailto:")):
                continue
            target = (base / url.split("#")[0].split("?")[0]).as_posix()
            target = _normal(target)
            if target in files and _PANELS_RE.search(target):
                found.append(target)
    return sorted(set(found))


def _normal(path: str) -> str:
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def plan(site_dir: Path, files: list[SiteFile], reading_order: list[str],
         budget: int = PRECACHE_BUDGET) -> dict:
    """What the worker caches at install, and per page what comes with it.

    ``reading_order`` lists the story's page files (``index.html`` paths) in order.
    """
    total = sum(f.size for f in files)
    revisions = {f.path: f.revision for f in files}
    if total <= budget:
        return {"precache": revisions, "pages": {}, "next": {}, "whole": True}
    names = set(revisions)
    pages = {p: page_pictures(site_dir, p, names) for p in reading_order if p in names}
    cover = reading_order[0] if reading_order else "index.html"
    nxt = {a: b for a, b in itertools.pairwise(reading_order) if a in pages}
    return {"precache": _shell(revisions, pages, cover), "pages": pages, "next": nxt,
            "whole": False}


def _shell(revisions: dict[str, str], pages: dict[str, list[str]], cover: str) -> dict:
    """What a large site caches at install: every file no story page brings with it
    (stylesheets, scripts, fonts, icons), the 404 page, and the cover with its panels."""
    in_groups = {f for group in pages.values() for f in group} | set(pages)
    shell = {p: r for p, r in revisions.items()
             if (p not in in_groups and not p.endswith(".html")) or p == "404.html"}
    for p in [cover, *pages.get(cover, [])]:
        if p in revisions:
            shell[p] = revisions[p]
    return shell


def write_service_worker(the_plan: dict, dest: Path) -> None:
    """sw.js: the plan as data, the build's id (a hash of the data), then the
    fixed worker code. The data is written as it is encoded: at 1,000 chapters
    it is 640 KB, and the string with its copies was the build's last peak."""
    digest = hashlib.sha256()
    with replacing(dest, "w", encoding="utf-8") as out:
        out.write("/* graphic-novel offline reading, made by the build; do not edit. */\n"
                  "const PLAN = ")
        chunks = json.JSONEncoder(sort_keys=True, separators=(",", ":")).iterencode(the_plan)
        while piece := "".join(itertools.islice(chunks, 8192)):  # some 50 KB at a time
            digest.update(piece.encode())
            out.write(piece)
        out.write(f';\nconst BUILD = "{digest.hexdigest()[:16]}";\n' + WORKER)


WORKER = r"""
const PREFIX = "graphic-novel:" + new URL(self.registration.scope).pathname + ":";
const CACHE = PREFIX + BUILD;
const ROOT = new URL("./", self.location).href;
const IMMUTABLE = /[.-][0-9a-f]{8,}(?:\.min)?\.[a-z0-9]+$/;

function keyOf(url) {
  const u = new URL(url);
  u.hash = "";
  u.search = "";
  if (u.pathname.endsWith("/")) u.pathname += "index.html";
  return u.href;
}

function fresh(path) {
  return new Request(ROOT + path, {cache: "reload", credentials: "same-origin"});
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE)
    .then((cache) => cache.addAll(Object.keys(PLAN.precache).map(fresh)))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE)
                                    .map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

/* A large site: the page just opened, its panels, and the next page's. */
function keepPageAndNext(path) {
  const want = [];
  for (const page of [path, PLAN.next[path]]) {
    if (page && PLAN.pages[page]) want.push(page, ...PLAN.pages[page]);
  }
  return caches.open(CACHE).then((cache) => Promise.all(want.map((p) =>
    cache.match(ROOT + p).then((hit) => hit || cache.add(fresh(p)).catch(() => {})))));
}

function fromCache(key) {
  return caches.open(CACHE).then((cache) => cache.match(key));
}

function networkFirst(event, key, path) {
  return fetch(event.request).then((response) => {
    if (response.ok && !PLAN.whole && PLAN.pages[path]) event.waitUntil(keepPageAndNext(path));
    return response;
  }, () => fromCache(key).then((hit) => hit || Response.error()));
}

function cacheFirst(event, key) {
  return fromCache(key).then((hit) => hit || fetch(event.request));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(ROOT)) return;
  const key = keyOf(request.url);
  const path = key.slice(ROOT.length);
  if (path === "sw.js") return;
  event.respondWith(IMMUTABLE.test(path) ? cacheFirst(event, key)
                                         : networkFirst(event, key, path));
});
"""


def web_manifest(name: str, description: str, theme_colour: str,
                 icons: list[tuple[str, int]]) -> str:
    """The web app manifest (at the site root, so its URLs are relative to it)."""
    short = short_name(name)
    data = {
        "name": name, "short_name": short, "description": description,
        "start_url": "./", "scope": "./", "display": "standalone",
        "background_color": "#ffffff", "theme_color": theme_colour,
        "icons": [{"src": src, "sizes": f"{size}x{size}", "type": "image/png",
                   "purpose": "any"} for src, size in icons],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def short_name(name: str, limit: int = 12) -> str:
    """A name for under a home-screen icon: "The Llama Effect" is "Llama Effect"."""
    words = name.split(":")[0].split()
    if len(words) > 1 and words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    short = ""
    for word in words:
        if len((short + " " + word).strip()) > limit:
            break
        short = (short + " " + word).strip()
    return short or (words[0][:limit] if words else name[:limit])


def icon_files(cache_dir: Path, key: str) -> list[tuple[Path, int]]:
    """Where the icons cut from the panel whose image key is ``key`` are kept: (path, size)."""
    return [(Path(cache_dir) / "icons" / f"{key[:16]}-{size}.png", size) for size in ICON_SIZES]


def app_icons(picture: Path, cache_dir: Path, key: str) -> list[tuple[Path, int]]:
    """Square PNG icons cut from the middle of a panel, made once per panel version.
    A cold build has them cut by the drawing worker that drew the panel
    (:func:`cut_icons_after_drawing`); what is still missing is cut here."""
    out = icon_files(cache_dir, key)
    todo = [(path, size) for path, size in out if not path.is_file()]
    if todo:  # decoding the panel costs 30 MB: in a process of its own (editions/child.py)
        from .editions import child

        try:
            child.run(_cut_icons, picture, todo)
        except RuntimeError:  # the cached panel would not decode: the app goes without icons
            return []
    return out


def cut_icons_after_drawing(picture: Path, cache_dir: Path, key: str) -> None:
    """Run by a drawing worker once it has drawn the panel the icons come from, in
    parallel with the pages; a failure leaves the icons to :func:`app_icons`."""
    todo = [(path, size) for path, size in icon_files(cache_dir, key) if not path.is_file()]
    if todo:
        # Whatever goes wrong (a picture that will not decode, a full disk, a bomb check),
        # the panel is drawn: its future must not fail, and app_icons tries again.
        with contextlib.suppress(Exception):
            _cut_icons(picture, todo)


def _cut_icons(picture: Path, todo: list[tuple[Path, int]]) -> None:
    """Write each (path, size) icon: a square from the middle of ``picture``."""
    from PIL import Image

    with Image.open(picture) as opened:
        rgb = opened.convert("RGB")
    side = min(rgb.size)
    left, top = (rgb.width - side) // 2, (rgb.height - side) // 2
    source = rgb.crop((left, top, left + side, top + side))
    for path, size in sorted(todo, key=lambda item: -item[1]):  # each from the one above
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        source = source.resize((size, size), Image.Resampling.LANCZOS)
        # zlib level 6, not optimize (level 9): a fifth of the time for 1% more bytes
        source.save(tmp, "PNG", compress_level=6)
        tmp.replace(path)
