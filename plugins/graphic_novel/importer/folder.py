"""Import a whole folder of stories: one story folder per story found, with
the images each story's Markdown refers to copied into its ``art/``.

- :func:`find_stories` lists what the folder holds: each ``<sub>/index.md``
  and each ``*.md`` directly in it is a story, except an index page of cards
  (:func:`~.story_index.story_index_links`), which is set aside.
- :func:`art_files` finds each panel's image (the address its Markdown gives,
  or a file beside the story named like the panel) and reads it for
  ``art/<panel id>.<ext>``; the originals are only read.
- :func:`import_folder` imports each story with the single-file importer into
  ``<stories_dir>/<slug>/``; one story's failure is recorded and the others
  go on.

Plain functions, no printing: the command reports what :class:`FolderImport`
holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from .. import markup
from ..errors import StoryError
from ..images import art_size
from ..rules import ART_EXTS
from ..yamlio import read_text
from .install import install
from .model import ImportedPanel, ImportedStory
from .parse import parse_answer
from .read import HEADING_RE
from .story_index import story_index_links
from .text import plain, unique
from .text import slug as make_slug
from .write import render_files


@dataclass
class Found:
    """A story's Markdown file in the folder, the slug its story folder gets,
    and the folders where images named like its panels are its own: the
    story's folder for ``<sub>/index.md``; for a ``foo.md`` among others,
    ``foo/`` and ``images/foo/``, but not the folder it shares with them
    (``shared``: the files there may be another story's ``cover.png``)."""
    path: Path
    slug: str
    art_dirs: list[Path] = field(default_factory=list)
    shared: Path | None = None


@dataclass
class FolderScan:
    """What a folder of stories holds."""
    stories: list[Found] = field(default_factory=list)
    index_pages: list[tuple[Path, list[str]]] = field(default_factory=list)  # (page, links)
    skipped: list[str] = field(default_factory=list)  # "path: why it is not a story"


@dataclass
class CopiedArt:
    panel_id: str
    source: Path  # the original image, left where it is
    target: str  # its place in the story folder: "art/panel-01.png"


@dataclass
class StoryResult:
    """One story's import: what was found and written, or why it failed."""
    found: Found
    story: ImportedStory | None = None
    copied: list[CopiedArt] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # "file:line: the image ... is not there"
    warnings: list[str] = field(default_factory=list)  # art found but not copied
    notes: list[str] = field(default_factory=list)  # the import's notes for the author
    written: list[Path] = field(default_factory=list)
    backup: Path | None = None
    error: str = ""  # "file:line: reason" when the story was not imported

    @property
    def ok(self) -> bool:
        return self.story is not None and not self.error


@dataclass
class FolderImport:
    scan: FolderScan
    results: list[StoryResult] = field(default_factory=list)

    @property
    def imported(self) -> list[StoryResult]:
        return [r for r in self.results if r.ok]

    @property
    def failed(self) -> list[StoryResult]:
        return [r for r in self.results if not r.ok]


# --------------------------------------------------------------------------- finding the stories

def _hidden(path: Path) -> bool:
    return path.name.startswith((".", "_"))


def _holds_markdown(folder: Path) -> bool:
    try:
        return any(p.suffix.lower() == ".md" and p.is_file() for p in folder.iterdir())
    except OSError:
        return False


def _flat_art_dirs(folder: Path, stem: str) -> list[Path]:
    return [d for d in (folder / stem, folder / "images" / stem) if d.is_dir()]


def _candidates(folder: Path,
                scan: FolderScan) -> list[tuple[Path, str, list[Path], Path | None]]:
    """(Markdown file, the name its slug comes from, its art folders, the
    folder it shares with other stories), in name order."""
    out: list[tuple[Path, str, list[Path], Path | None]] = []
    entries = [p for p in sorted(folder.iterdir(), key=lambda p: p.name.lower())
               if not _hidden(p)]
    flat = [p for p in entries if p.is_file() and p.suffix.lower() == ".md"
            and p.name.lower() != "readme.md"]
    for entry in entries:
        if entry.is_dir():
            out.extend(_folder_story(entry, scan))
        elif entry.name.lower() == "readme.md":
            scan.skipped.append(f"{entry}: a README, not a story; import it on its own with "
                                "`graphic-novel import` if it is one.")
        elif entry in flat and flat == [entry] and entry.name.lower() == "index.md":
            out.append((entry, folder.name, [folder], None))  # the folder is this story's
        elif entry in flat:
            out.append((entry, entry.stem, _flat_art_dirs(folder, entry.stem), folder))
    return out


def _folder_story(entry: Path,
                  scan: FolderScan) -> list[tuple[Path, str, list[Path], Path | None]]:
    """The story a subfolder holds as its index.md, or none (noted in ``scan`` when it
    holds other Markdown)."""
    index = entry / "index.md"
    if index.is_file():
        return [(index, entry.name, [entry], None)]
    if _holds_markdown(entry):
        scan.skipped.append(f"{entry}/: holds Markdown but no index.md; import its "
                            "story on its own with `graphic-novel import FILE.md`.")
    return []


def find_stories(folder: Path) -> FolderScan:
    """The stories in ``folder`` (each ``<sub>/index.md``, each ``*.md`` in
    it), its index pages set aside; StoryError when the folder cannot be read."""
    folder = Path(folder)
    scan = FolderScan()
    try:
        candidates = _candidates(folder, scan)
    except OSError as exc:
        raise StoryError(folder, f"cannot read the folder ({exc.strerror or exc}).") from None
    used: set[str] = set()
    for path, name, art_dirs, shared in candidates:
        try:
            links = story_index_links(read_text(path))
        except StoryError:
            links = []  # unreadable: the import says why, as this story's failure
        if links:
            scan.index_pages.append((path, links))
            continue
        scan.stories.append(Found(path, unique(make_slug(name) or "story", used), art_dirs,
                                  shared))
        used.add(scan.stories[-1].slug)
    return scan


# --------------------------------------------------------------------------- the art

def _own_files(folders: list[Path]) -> dict[str, Path]:
    """The files in a story's own art folders, by lower-case name (the first
    folder's file where two share a name)."""
    files: dict[str, Path] = {}
    for folder in reversed(folders):
        try:
            files.update({p.name.lower(): p for p in folder.iterdir() if p.is_file()})
        except OSError:
            continue
    return files


def _by_name(files: dict[str, Path], *stems: str) -> Path | None:
    """The first file beside the story named ``<stem>.<art extension>``."""
    for stem in stems:
        for ext in ART_EXTS:
            found = files.get(f"{stem}{ext}".lower())
            if found is not None:
                return found
    return None


def _referenced(panel: ImportedPanel, folder: Path) -> Path | None:
    """The file the panel's image address names, read from the story's folder."""
    src = panel.source_src
    if not src or markup.panel_id_from_src(src) is None or src.startswith("/"):
        return None
    path = folder / unquote(src)
    return path if path.is_file() else None


def find_art(panel: ImportedPanel, folder: Path, files: dict[str, Path],
             convention: str) -> Path | None:
    """The image for ``panel``: the file its Markdown names (read from the
    story's ``folder``); else one of the story's own ``files`` with the name
    as written, or named by the panel id; for a panel with no image address,
    ``convention`` (``cover``, ``panel-03``) too."""
    found = _referenced(panel, folder)
    if found is None and panel.source_name:
        found = files.get(panel.source_name.lower())
    if found is None:
        found = _by_name(files, panel.id)
    if found is None and not panel.source_src:
        found = _by_name(files, convention)
    return found


def _art_dirs(found: Found, panels: list[ImportedPanel]) -> list[Path]:
    """The story's own art folders, then each folder its Markdown takes an
    image from (``images/moth/``), except one it shares with other stories."""
    dirs = list(found.art_dirs)
    for panel in panels:
        path = _referenced(panel, found.path.parent)
        if path is not None and path.parent not in dirs and path.parent != found.shared:
            dirs.append(path.parent)
    return dirs


def _panels_with_convention(story: ImportedStory) -> list[tuple[ImportedPanel, str]]:
    """Every panel, cover first, with its conventional name: ``cover``, then
    ``panel-01``, ``panel-02`` ... in story order."""
    out = [(story.cover, "cover")] if story.cover is not None else []
    out += [(p, f"panel-{k:02d}") for k, p in enumerate(story.panels, start=1)]
    return out


def art_files(story: ImportedStory, found_at: Found, result: StoryResult) -> dict[str, bytes]:
    """``art/<panel id>.<ext>`` -> bytes for each panel whose image is found;
    what was copied, missing or unusable goes to ``result``."""
    answer = found_at.path
    folder = answer.parent
    panels = _panels_with_convention(story)
    files = _own_files(_art_dirs(found_at, [p for p, _ in panels]))
    out: dict[str, bytes] = {}
    for panel, convention in panels:
        where = f"{answer}:{panel.line}"
        found = find_art(panel, folder, files, convention)
        if found is None:
            if panel.source_src:
                result.missing.append(f"{where}: the image '{panel.source_src}' is not there; "
                                      f"panel '{panel.id}' shows a placeholder until "
                                      f"art/{panel.id}.png exists.")
            continue
        ext = found.suffix.lower()
        if ext not in ART_EXTS:
            result.warnings.append(f"{where}: '{found.name}' was not copied: art/ takes "
                                   ".png, .jpg, .jpeg or .webp; save it as one of those "
                                   f"as art/{panel.id}.png.")
            continue
        try:
            art_size(found, str(found))  # the check the build makes
            data = found.read_bytes()
        except StoryError as exc:
            result.warnings.append(f"{where}: '{found.name}' was not copied: {exc.message}")
            continue
        except OSError as exc:
            result.warnings.append(f"{where}: '{found.name}' was not copied: cannot read it "
                                   f"({exc.strerror or exc}).")
            continue
        target = f"art/{panel.id}{ext}"
        out[target] = data
        result.copied.append(CopiedArt(panel.id, found, target))
    return out


# --------------------------------------------------------------------------- importing

def _failure(exc: StoryError, answer: Path) -> str:
    """``file:line: reason``; the story's own file gets a line (1 when the
    problem is the file as a whole)."""
    if exc.path == str(answer) and not exc.line:
        return str(StoryError(exc.path, exc.message, 1))
    return str(exc)


def import_story(found: Found, stories_dir: Path, force: bool,
                 site_url: str | None = None) -> StoryResult:
    """Import one story of the folder, its art copied; failures recorded, not raised."""
    result = StoryResult(found)
    try:
        story = parse_answer(read_text(found.path), str(found.path), site_url=site_url)
        files: dict[str, str | bytes] = dict(render_files(story))
        files.update(art_files(story, found, result))
        done = install(files, stories_dir / found.slug, force)
    except StoryError as exc:
        result.error = _failure(exc, found.path)
        result.copied = []
        return result
    result.story, result.written, result.backup = story, done.written, done.backup
    result.notes = list(story.notes)
    return result


def import_folder(folder: Path, stories_dir: Path, force: bool,
                  site_url: str | None = None) -> FolderImport:
    """Import every story in ``folder`` into ``stories_dir/<slug>/``.

    StoryError only when the folder itself cannot be read, or when it and
    ``stories_dir`` overlap (writing there could change the originals).
    """
    folder, stories_dir = Path(folder), Path(stories_dir)
    refuse_overlap(folder, stories_dir)
    done = FolderImport(find_stories(folder))
    for found in done.scan.stories:
        done.results.append(import_story(found, stories_dir, force, site_url))
    return done


def site_title(folder: Path, scan: FolderScan) -> str:
    """The site's name: the index page's ``# Title``, else the folder's name made readable."""
    for page, _ in scan.index_pages:
        try:
            lines = read_text(page).split("\n")
        except StoryError:
            continue
        for line in lines:
            m = HEADING_RE.match(line)
            if m and len(m.group(1)) == 1 and plain(m.group(2) or ""):
                return plain(m.group(2) or "")
    name = " ".join(re.split(r"[-_\s]+", Path(folder).resolve().name)).strip()
    return name[:1].upper() + name[1:] if name else "Stories"


def refuse_overlap(folder: Path, stories_dir: Path) -> None:
    """StoryError when the stories would be written into the folder being
    read, or the folder lies inside where they are written."""
    src, dst = folder.resolve(), stories_dir.resolve()
    if src == dst or dst.is_relative_to(src) or src.is_relative_to(dst):
        raise StoryError(stories_dir, f"the stories would be written into {folder}/, the "
                                      "folder being imported (its files are never changed); "
                                      "choose another project folder with -o.")


__all__ = ["CopiedArt", "FolderImport", "FolderScan", "Found", "StoryResult", "art_files",
           "find_art", "find_stories", "import_folder", "import_story", "refuse_overlap",
           "site_title"]
