"""Read story/ into a validated Story. Reads only; never writes."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from . import markup
from .errors import StoryError, StoryErrors
from .model import CHAPTER_KINDS, CastMember, Chapter, Citation, Panel, Reference, Story
from .rules import (
    ART_EXTS,
    CHAPTER_EXT,
    FRONT_MATTER_OPEN_RE,
    FRONT_MATTER_RE,
    ONE_PAGE_STEM,
    ONE_PAGE_TAKEN,
    is_id,
    url_ok,
)
from .yamlio import LineDict, LineList, parse_yaml, read_text

STORY_KEYS = {"title", "subtitle", "author", "cover", "notice"}
PROMPTS_KEYS = {"style", "narrative_prompt", "cast", "panels"}
CAST_KEYS = {"name", "description"}
PANEL_KEYS = {"id", "title", "alt", "prompt"}
REF_KEYS = {"id", "title", "url", "publisher", "date", "note"}
DEFAULT_NOTICE = ("The scenes and dialogue are dramatised; the facts and figures "
                  "come from the cited sources.")


class _Collector:
    """Gathers every problem in one pass, so `check` can list them all."""

    def __init__(self, root: Path, shown_from: Path | None = None):
        self.root = root
        self.shown_from = root.parent if shown_from is None else shown_from
        try:
            self.real_root = root.resolve()
        except (OSError, RuntimeError):
            self.real_root = root.absolute()
        self.errors: list[StoryError] = []
        self.warnings: list[str] = []

    def shown(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.shown_from))
        except ValueError:
            return str(path)

    def failed(self, path: Path) -> bool:
        """Whether ``path`` already has an error (its later checks would only echo it)."""
        return any(e.path == self.shown(path) for e in self.errors)

    def error(self, path: Path, message: str, line: int | None = None) -> None:
        self.errors.append(StoryError(self.shown(path), message, line))

    def warn(self, path: Path, message: str, line: int | None = None) -> None:
        self.warnings.append(str(StoryError(self.shown(path), message, line)))


def _kind(value: Any) -> str:
    """What a YAML value is, in an author's words."""
    if isinstance(value, bool):
        return "yes/no value"
    if isinstance(value, dict):
        return "mapping (`key: value` lines)"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, (bytes, bytearray)):
        return "binary value"
    if isinstance(value, (set, frozenset)):
        return "set"
    return type(value).__name__


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value).strip()
    return None


def _field(col: _Collector, path: Path, entry: LineDict, key: str, required: bool,
           what: str) -> str | None:
    if key not in entry or entry[key] is None or entry[key] == "":
        if required:
            col.error(path, f"{what} has no `{key}`; add `{key}: ...`.", entry.line)
        return None
    value = _text(entry[key])
    if value is None:
        col.error(path, f"`{key}` of {what} must be text, not a {_kind(entry[key])}; write "
                        "plain text (in quotes if it starts with [ or { or is yes/no).",
                  entry.line_of(key))
    elif required and not value:
        col.error(path, f"`{key}` of {what} is empty; write it.", entry.line_of(key))
    return value


def _unknown_keys(col: _Collector, path: Path, entry: LineDict, allowed: set[str], what: str):
    for key in entry:
        if key not in allowed:
            col.error(path, f"unknown key `{key}` in {what}; expected one of: "
                            f"{', '.join(sorted(allowed))}.", entry.line_of(key))


def _resolved(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a link that loops (RuntimeError before Python 3.13)
        return None


def _inside(path: Path, root: Path) -> bool:
    real = _resolved(path)
    return real is not None and real.is_relative_to(root)


def _readable(col: _Collector, path: Path, what: str = "file") -> bool:
    """Whether ``path`` may be read: inside the story after following links, and a plain file.

    A story is read from story/ only: a link leading elsewhere (to a secret, a
    file of another project) is refused rather than published.
    """
    real = _resolved(path)
    folder = col.root.name or "story"
    if real is None:
        col.error(path, f"this {what} is a link that leads back to itself; replace it with the "
                        "real file.")
        return False
    if not real.is_relative_to(col.real_root):
        col.error(path, f"this {what} is a link to a place outside {folder}/; copy the file "
                        f"into {folder}/ instead.")
        return False
    if real.exists() and not real.is_file() and not real.is_dir():
        col.error(path, f"this {what} is not a regular file (a pipe or device); replace it "
                        "with a normal file.")
        return False
    return True


def _load_yaml_file(col: _Collector, path: Path, optional: bool) -> Any:
    if not path.exists() and not path.is_symlink():
        if not optional:
            col.error(path, "this file is missing; create it (see README: story layout).")
        return None
    if not _readable(col, path):
        return None
    try:
        return parse_yaml(read_text(path, col.shown(path)), col.shown(path))
    except StoryError as exc:
        col.errors.append(exc)
        return None


def _check_id(col: _Collector, path: Path, value: str, line: int, what: str) -> bool:
    if not is_id(value):
        col.error(path, f"{what} id '{value}' is not allowed; use letters, digits, '-' and '_' "
                        "only (no spaces, dots or slashes), at most 100 characters.", line)
        return False
    return True


def _load_meta(col: _Collector, root: Path, default_title: str) -> dict:
    path = root / "story.yaml"
    data = _load_yaml_file(col, path, optional=True)
    meta: dict[str, Any] = {"title": default_title, "subtitle": "", "author": "", "cover": None,
            "notice": DEFAULT_NOTICE}
    if data is None:
        return meta
    if not isinstance(data, LineDict):
        col.error(path, "expected `title: ...`, `subtitle: ...` and the like at the top level.", 1)
        return meta
    _unknown_keys(col, path, data, STORY_KEYS, "story.yaml")
    meta["cover_line"] = data.line_of("cover")
    for key in STORY_KEYS:
        value = _field(col, path, data, key, required=(key == "title"), what="the story")
        if value is not None:
            meta[key] = value
    return meta


def _panel_entry(col: _Collector, path: Path, entry: LineDict, index: int,
                 panels: dict[str, Panel]) -> Panel | None:
    """The panel an entry of image_prompts.yaml describes, or None (errors said)."""
    _unknown_keys(col, path, entry, PANEL_KEYS, f"panel entry {index}")
    pid = _field(col, path, entry, "id", True, f"panel entry {index}")
    what = f"panel '{pid}'" if pid else f"panel entry {index}"
    prompt = _field(col, path, entry, "prompt", True, what)
    alt = _field(col, path, entry, "alt", True, what)
    title = _field(col, path, entry, "title", False, what)
    if not pid or not _check_id(col, path, pid, entry.line_of("id"), "panel"):
        return None
    if pid in panels:
        col.error(path, f"panel id '{pid}' is defined twice (first on line "
                        f"{panels[pid].line}); give each panel its own id.", entry.line_of("id"))
        return None
    return Panel(id=pid, title=title or pid.replace("-", " ").replace("_", " "),
                 alt=alt or "", prompt=prompt or "", source=path, line=entry.line)


def _cast_member(col: _Collector, path: Path, entry: object, index: int,
                 line: int) -> CastMember | None:
    if not isinstance(entry, LineDict):
        col.error(path, f"cast entry {index} must be a mapping like `- name: ...` with "
                        "`description: ...`.", line)
        return None
    _unknown_keys(col, path, entry, CAST_KEYS, f"cast entry {index}")
    name = _field(col, path, entry, "name", True, f"cast entry {index}")
    description = _field(col, path, entry, "description", True, f"cast entry {index}")
    if not name or not description:
        return None
    return CastMember(name=" ".join(name.split()), description=description, line=entry.line)


def _load_cast(col: _Collector, path: Path, data: LineDict) -> list[CastMember]:
    """``cast:``: each character's name and fixed look, for the image prompts."""
    entries = data.get("cast")
    if entries is None:
        return []
    if not isinstance(entries, list):
        col.error(path, "`cast` must be a list of entries, each `- name: ...` with "
                        "`description: ...`.", data.line_of("cast"))
        return []
    cast = []
    for index, entry in enumerate(entries, start=1):
        line = entries.line_of(index - 1) if isinstance(entries, LineList) \
            else data.line_of("cast")
        member = _cast_member(col, path, entry, index, line)
        if member is not None:
            cast.append(member)
    return cast


def _load_prompts(col: _Collector, root: Path) -> tuple[str, str, dict[str, Panel],
                                                         list[CastMember]]:
    path = root / "image_prompts.yaml"
    data = _load_yaml_file(col, path, optional=False)
    panels: dict[str, Panel] = {}
    if data is None:
        if path.exists() and not col.failed(path):
            col.error(path, "the file is empty; add `panels:` with one `- id: ...` entry per "
                            "panel (see README), or `panels: []` for a story without pictures.")
        return "", "", panels, []
    if not isinstance(data, LineDict):
        col.error(path, "expected `style:`, `narrative_prompt:` and `panels:` at the top level.", 1)
        return "", "", panels, []
    _unknown_keys(col, path, data, PROMPTS_KEYS, "image_prompts.yaml")
    cast = _load_cast(col, path, data)
    style = _field(col, path, data, "style", False, "image_prompts.yaml") or ""
    narrative = _field(col, path, data, "narrative_prompt", False, "image_prompts.yaml") or ""
    entries = data.get("panels")
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        col.error(path, "`panels` must be a list of entries, each starting with `- id: ...`.",
                  data.line_of("panels"))
        return style, narrative, panels, cast
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, LineDict):
            line = entries.line_of(index - 1) if isinstance(entries, LineList) \
                else data.line_of("panels")
            col.error(path, f"panel entry {index} must be a mapping like `- id: ...` with "
                            "`title`, `alt` and `prompt`.", line)
            continue
        panel = _panel_entry(col, path, entry, index, panels)
        if panel is not None:
            panels[panel.id] = panel
    return style, narrative, panels, cast


def _reference_entry(col: _Collector, path: Path, entry: LineDict, index: int,
                     refs: dict[str, Reference]) -> Reference | None:
    """The reference an entry of references.yaml describes, or None (errors said)."""
    _unknown_keys(col, path, entry, REF_KEYS, f"reference {index}")
    rid = _field(col, path, entry, "id", True, f"reference {index}")
    what = f"reference '{rid}'" if rid else f"reference {index}"
    title = _field(col, path, entry, "title", True, what)
    url = _field(col, path, entry, "url", False, what)
    if url and not url_ok(url):
        col.error(path, f"the url of {what} must start with http:// or https:// "
                        "(or be a relative link).", entry.line_of("url"))
        url = None
    if not rid or not _check_id(col, path, rid, entry.line_of("id"), "reference"):
        return None
    if rid in refs:
        col.error(path, f"reference id '{rid}' is defined twice (first on line "
                        f"{refs[rid].line}); give each reference its own id.", entry.line_of("id"))
        return None
    return Reference(
        id=rid, title=title or rid, url=url,
        publisher=_field(col, path, entry, "publisher", False, what),
        date=_field(col, path, entry, "date", False, what),
        note=_field(col, path, entry, "note", False, what),
        number=len(refs) + 1, line=entry.line)


def _load_references(col: _Collector, root: Path) -> dict[str, Reference]:
    path = root / "references.yaml"
    data = _load_yaml_file(col, path, optional=True)
    refs: dict[str, Reference] = {}
    if data is None:
        return refs
    if isinstance(data, LineDict) and "references" in data:
        data = data["references"]
    if not isinstance(data, list):
        col.error(path, "expected a list of references, each starting with `- id: ...`.", 1)
        return refs
    for index, entry in enumerate(data, start=1):
        if not isinstance(entry, LineDict):
            line = data.line_of(index - 1) if isinstance(data, LineList) else None
            col.error(path, f"reference {index} must be a mapping like `- id: ...` with `title`.",
                      line)
            continue
        ref = _reference_entry(col, path, entry, index, refs)
        if ref is not None:
            refs[ref.id] = ref
    return refs


def _split_front_matter(col: _Collector, path: Path, text: str) -> tuple[LineDict | None, str, int]:
    m = FRONT_MATTER_RE.match(text)
    if not m:
        return None, text, 1
    try:
        data = parse_yaml(m.group(1) or "", col.shown(path), line_offset=1)
    except StoryError as exc:
        col.errors.append(exc)
        return None, text[m.end():], m.group(0).count("\n") + 1
    if data is None:
        data = LineDict()
        data.line, data.key_lines = 1, {}
    if not isinstance(data, LineDict):
        col.error(path, "the front matter between the `---` lines must be `key: value` pairs.", 2)
        data = None
    return data, text[m.end():], m.group(0).count("\n") + 1


def _chapter_text(col: _Collector, path: Path) -> str | None:
    """The chapter file's text, or None (with the error) when it cannot be a chapter."""
    if not is_id(path.stem):
        col.error(path, "rename this chapter file: use letters, digits, '-' and '_' only, "
                        "like `03-the-gpu-hunt.md`.")
        return None
    if not _readable(col, path, "chapter file"):
        return None
    if path.is_dir():
        col.error(path, "this is a folder, not a chapter file; rename it so it does not end "
                        "in `.md`, or remove it.")
        return None
    try:
        text = read_text(path, col.shown(path))
    except StoryError as exc:
        col.errors.append(exc)
        return None
    if not text.strip():
        col.error(path, "the chapter file is empty; start it with front matter (`---`, "
                        "`title: ...`, `---`) and its text, or delete it.")
        return None
    return text


def _say_no_front_matter(col: _Collector, path: Path, text: str) -> None:
    """The error for a chapter whose front matter is missing or never closed."""
    if FRONT_MATTER_RE.match(text):
        return  # it is there but did not parse: that error is already given
    if FRONT_MATTER_OPEN_RE.match(text):
        col.error(path, "the front matter that starts on line 1 is not closed; add a "
                        "`---` line after its last `key: value` line.", 1)
    else:
        col.error(path, "the chapter has no title; start the file with front matter:"
                        " `---`, `title: ...`, `---`.", 1)


def _chapter_title(col: _Collector, path: Path, meta: LineDict) -> str | None:
    title = _field(col, path, meta, "title", False, "the chapter")
    if not title:
        # None with a value present: _field has said it is not text. Otherwise
        # missing, empty or blank ("  "): a chapter may not vanish without a word.
        if title == "" or meta.get("title") in (None, ""):
            col.error(path, "the chapter has no title; add `title: ...` to its front matter.",
                      meta.line_of("title") if "title" in meta else (meta.line or 2))
        return None
    return title


def _chapter_kind(col: _Collector, path: Path, meta: LineDict) -> str:
    kind = _text(meta.get("kind"))
    if kind is None and meta.get("kind") is not None:
        col.error(path, f"`kind` must be one of {', '.join(CHAPTER_KINDS)}, not a "
                        f"{_kind(meta['kind'])}.", meta.line_of("kind"))
    kind = kind or "chapter"
    if kind not in CHAPTER_KINDS:
        col.error(path, f"`kind: {kind}` is not known; use one of {', '.join(CHAPTER_KINDS)}.",
                  meta.line_of("kind"))
        kind = "chapter"
    return kind


def _chapter_draft(col: _Collector, path: Path, meta: LineDict) -> bool:
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        col.error(path, "`draft` must be true or false.", meta.line_of("draft"))
        return False
    return draft


def _load_chapter(col: _Collector, path: Path) -> Chapter | None:
    text = _chapter_text(col, path)
    if text is None:
        return None
    meta, body, body_line = _split_front_matter(col, path, text)
    if meta is None:
        _say_no_front_matter(col, path, text)
        return None
    title = _chapter_title(col, path, meta)
    if title is None:
        return None
    kind = _chapter_kind(col, path, meta)
    draft = _chapter_draft(col, path, meta)
    summary = _field(col, path, meta, "summary", False, "the chapter") or ""
    label = _field(col, path, meta, "label", False, "the chapter") or ""
    return Chapter(slug=path.stem, title=title, summary=summary, kind=kind, draft=draft,
                   body=body, body_line=body_line, source=path, custom_label=label,
                   updated=path.stat().st_mtime)


def _usable_art(col: _Collector, path: Path, folder: str) -> bool:
    """Whether ``path`` is an art file that may be read; errors for one that may not."""
    if path.name.startswith(".") or path.suffix.lower() not in ART_EXTS:
        return False
    if path.is_symlink() and not _inside(path, col.real_root):
        if _resolved(path) is None:
            col.error(path, "this art file is a link that leads back to itself; replace it "
                            "with the image.")
        else:
            col.error(path, f"this art file is a link to a place outside {folder}/; copy "
                            f"the image into {folder}/art/ instead.")
        return False
    if not path.is_file():
        return False
    try:
        with open(path, "rb"):
            pass  # art is read later, by workers: an unreadable file is said here
    except OSError as exc:
        col.error(path, f"cannot read the file ({exc.strerror or exc.__class__.__name__}); "
                        "check its permissions.")
        return False
    return True


def _load_art(col: _Collector, root: Path) -> dict[str, Path]:
    art_dir = root / "art"
    art: dict[str, Path] = {}
    if not art_dir.is_dir():
        return art
    if not _inside(art_dir, col.real_root):
        folder = root.name or "story"
        col.error(art_dir, f"this folder is a link to a place outside {folder}/; move the art "
                           f"into {folder}/art/ instead.")
        return art
    for path in sorted(art_dir.iterdir()):
        if not _usable_art(col, path, root.name or "story"):
            continue
        pid = path.stem
        if pid in art:
            col.error(path, f"two art files are named '{pid}' ({art[pid].name} and {path.name}); "
                            "keep one.")
            continue
        art[pid] = path
    return art


def _chapter_paths(col: _Collector, chapter_dir: Path) -> list[Path]:
    """The chapter files in file-name order; names that would go wrong are errors."""
    if not chapter_dir.is_dir():
        return []
    if not _inside(chapter_dir, col.real_root):
        folder = col.root.name or "story"
        col.error(chapter_dir, f"this folder is a link to a place outside {folder}/; move the "
                               f"chapters into {folder}/chapters/ instead.")
        return []
    paths = []
    seen: dict[str, Path] = {}
    for path in sorted(chapter_dir.iterdir()):
        if _is_chapter_name(col, path, seen):
            seen[path.stem.casefold()] = path
            paths.append(path)
    return paths


def _is_chapter_name(col: _Collector, path: Path, seen: dict[str, Path]) -> bool:
    """Whether ``path`` is read as a chapter; a name that would go wrong is an error.
    ``seen``: the chapters so far, by their case-folded stem."""
    name = path.name
    if name.startswith("."):
        return False  # editor lock and swap files
    if name.lower().endswith(CHAPTER_EXT) and not name.endswith(CHAPTER_EXT):
        col.error(path, f"chapter files must end in `{CHAPTER_EXT}` in lower case; rename it "
                        f"to `{name[:-len(CHAPTER_EXT)]}{CHAPTER_EXT}`.")
        return False
    if not name.endswith(CHAPTER_EXT):
        return False
    folded = path.stem.casefold()
    if folded == ONE_PAGE_STEM:
        col.error(path, ONE_PAGE_TAKEN)  # the build's own words for it
        return False
    if folded in seen:
        col.error(path, f"this name differs from {seen[folded].name} only in upper and lower "
                        "case; the two pages would be one on macOS and Windows, so rename one.")
        return False
    return True


def load_story(root: str | Path, *, include_drafts: bool = False,
               default_title: str = "Untitled story", shown_from: Path | None = None) -> Story:
    """Load and validate ``root`` (the story/ folder). Raises StoryErrors.
    Messages name files relative to ``shown_from`` (default: the folder
    holding ``root``; a site of several stories gives mkdocs.yml's)."""
    root = Path(root)
    base = root.parent if shown_from is None else shown_from
    try:
        return _load_story(root, include_drafts, default_title, base)
    except OSError as exc:
        # Files are read with their own messages above; this is for the rest
        # (a folder that may not be listed, a file that vanished mid-read).
        where = Path(exc.filename) if exc.filename else root
        with contextlib.suppress(ValueError):
            where = where.relative_to(base)
        raise StoryError(where, f"cannot read this ({exc.strerror or exc.__class__.__name__}); "
                                "check that it exists and that you may read it.") from None


def _load_story(root: Path, include_drafts: bool, default_title: str,
                shown_from: Path) -> Story:
    col = _Collector(root, shown_from)
    if not root.is_dir():
        raise StoryError(root, "the story folder does not exist; create it or correct its "
                               "path in mkdocs.yml (`story_dir`, or its `folder:` under "
                               "`stories:`).")
    meta = _load_meta(col, root, default_title)
    style, narrative, panels, cast = _load_prompts(col, root)
    references = _load_references(col, root)
    art = _load_art(col, root)
    loaded = _load_chapters(col, root / "chapters")
    chapters = [c for c in loaded if include_drafts or not c.draft]

    # A file that did not parse cannot vouch for ids: skip checks against it.
    links = _Links(panels, references, prompts_ok=not col.failed(root / "image_prompts.yaml"),
                   refs_ok=not col.failed(root / "references.yaml"))
    cover = meta["cover"]
    _use_cover(col, root, meta, links)
    for chapter in chapters:
        _, panel_uses, cite_uses = markup.transform(chapter.body)
        _place_panels(col, chapter, panel_uses, links)
        _link_citations(col, chapter, cite_uses, links)
    _number_chapters(chapters)
    cover_id = cover if cover in links.used else None
    ordered = _panels_in_story_order(panels, chapters, cover_id)
    _warn_unused_panels(col, panels, set(links.used) | _panels_in_drafts(loaded, include_drafts))

    if col.errors:
        raise StoryErrors(col.errors)
    return Story(root=root, title=meta["title"], subtitle=meta["subtitle"],
                 author=meta["author"], notice=meta["notice"], cover_id=cover_id, style=style,
                 narrative_prompt=narrative, panels=ordered, chapters=chapters,
                 references=references, art={k: v for k, v in art.items() if k in ordered},
                 warnings=col.warnings, cast=cast)


def _load_chapters(col: _Collector, chapter_dir: Path) -> list[Chapter]:
    """Every chapter file that loads, drafts included; no chapters at all is an error."""
    paths = _chapter_paths(col, chapter_dir)
    if not paths and not col.failed(chapter_dir):
        col.error(chapter_dir, "there are no chapters; add a Markdown file such as "
                               "`01-beginning.md` with a `title` in its front matter.")
    return [c for c in (_load_chapter(col, p) for p in paths) if c is not None]


class _Links:
    """The panels and references chapters may name, and where each panel is placed."""

    def __init__(self, panels: dict[str, Panel], references: dict[str, Reference],
                 prompts_ok: bool, refs_ok: bool):
        self.panels, self.references = panels, references
        self.prompts_ok, self.refs_ok = prompts_ok, refs_ok
        self.used: dict[str, tuple[Path, int]] = {}  # panel id -> (file, line) placing it


def _use_cover(col: _Collector, root: Path, meta: dict, links: _Links) -> None:
    cover = meta["cover"]
    if not cover or not links.prompts_ok:
        return
    if cover not in links.panels:
        col.error(root / "story.yaml", f"the cover panel '{cover}' has no entry in "
                                       "image_prompts.yaml; add one with that id.",
                  meta.get("cover_line"))
    else:
        links.used[cover] = (root / "story.yaml", meta.get("cover_line") or 0)


def _panel_problem(col: _Collector, use: markup.PanelUse, links: _Links) -> str | None:
    """Why the panel line ``use`` cannot be placed; None when it can, "" when it
    cannot but image_prompts.yaml has an error of its own that says why."""
    pid = use.panel_id or ""
    if not is_id(pid):
        return (f"the image `{use.src}` is alone on its line, so it is read as a panel, but "
                f"'{pid}' is not a panel id; name it after a panel, like "
                "`![](03-gpu-hall.png)`.")
    if pid not in links.panels:
        return (f"panel '{pid}' has no entry in image_prompts.yaml; add one with "
                f"`- id: {pid}` and its prompt.") if links.prompts_ok else ""
    if pid in links.used:
        where, at = links.used[pid]
        return (f"panel '{pid}' is already used in {col.shown(where)}"
                + (f" line {at}" if at else "") + "; each panel appears once.")
    return None


def _place_panels(col: _Collector, chapter: Chapter, uses: list[markup.PanelUse],
                  links: _Links) -> None:
    """The chapter's panel lines: each names a panel with a prompt, used once."""
    for use in uses:
        line = chapter.body_line + use.line - 1
        problem = _panel_problem(col, use, links)
        if problem:
            col.error(chapter.source, problem, line)
        elif problem is None:
            links.used[use.panel_id] = (chapter.source, line)  # type: ignore[index]
            chapter.panel_ids.append(use.panel_id)  # type: ignore[arg-type]


def _link_citations(col: _Collector, chapter: Chapter, uses: list[markup.CiteUse],
                    links: _Links) -> None:
    """The chapter's citations: each names a known reference; anchors numbered per id."""
    counts: dict[str, int] = {}
    for use in uses:
        line = chapter.body_line + use.line - 1
        if use.bad or not use.ids:
            col.error(chapter.source, "a citation must look like [@id] or [@id1; @id2].", line)
        for rid in use.ids:
            if rid not in links.references:
                if links.refs_ok:
                    col.error(chapter.source, f"unknown citation '@{rid}'; add it to "
                                              f"{col.shown(col.root / 'references.yaml')} or "
                                              "fix the id.", line)
                continue
            counts[rid] = counts.get(rid, 0) + 1
            chapter.citations.append(Citation(rid, line, f"cite-{rid}-{counts[rid]}"))
        if use.in_text and use.ids:
            chapter.cited_in_text.append((use.ids, use.line))


def _number_chapters(chapters: list[Chapter]) -> None:
    """Reading order for all; numbers for kind `chapter` only."""
    number = 0
    for position, chapter in enumerate(chapters, start=1):
        chapter.position = position
        if chapter.kind == "chapter":
            number += 1
            chapter.number = number


def _panels_in_story_order(panels: dict[str, Panel], chapters: list[Chapter],
                           cover_id: str | None) -> dict[str, Panel]:
    """The placed panels in story order, numbered (the cover 0) and labelled."""
    sequence = ([cover_id] if cover_id else []) + [p for c in chapters for p in c.panel_ids]
    labels = {pid: panel_label(c, k) for c in chapters
              for k, pid in enumerate(c.panel_ids, start=1)}
    ordered: dict[str, Panel] = {}
    for n, pid in enumerate(sequence):
        panel = panels[pid]
        ordered[pid] = Panel(panel.id, panel.title, panel.alt, panel.prompt, panel.source,
                             panel.line, number=n if cover_id else n + 1,
                             label=labels.get(pid, ""))
    return ordered


def _panels_in_drafts(loaded: list[Chapter], include_drafts: bool) -> set[str]:
    """Panels placed in drafts left out of this build: not "unused"."""
    if include_drafts:
        return set()
    return {u.panel_id for c in loaded if c.draft for u in markup.transform(c.body)[1]
            if u.panel_id is not None}


def _warn_unused_panels(col: _Collector, panels: dict[str, Panel], placed: set[str]) -> None:
    for pid, panel in panels.items():
        if pid not in placed:
            col.warn(panel.source, f"panel '{pid}' has a prompt but no chapter uses it; place it "
                                   f"with `![]({pid}.png)` or remove the entry.", panel.line)


def panel_label(chapter: Chapter, index: int) -> str:
    """A panel's number as the reader sees it: it restarts in every chapter.

    "3.2" is chapter 3's second panel; a prologue, epilogue or appendix,
    which has no chapter number, counts its own panels: "2".
    """
    if chapter.kind == "chapter" and not chapter.custom_label:
        return f"{chapter.number}.{index}"
    return str(index)


def unmatched_art(root: Path, story: Story) -> list[Path]:
    """Art files in story/art that match no panel (for `status`)."""
    art_dir = Path(root) / "art"
    if not art_dir.is_dir():
        return []
    return sorted(p for p in art_dir.iterdir()
                  if p.suffix.lower() in ART_EXTS and p.stem not in story.panels
                  and not p.name.startswith("."))


__all__ = ["DEFAULT_NOTICE", "load_story", "unmatched_art"]
