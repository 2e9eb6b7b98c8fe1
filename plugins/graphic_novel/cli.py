"""The `graphic-novel` command: import, check, prompts, status, new.

Exit codes: 0 success; 1 the story (or input) has problems, each listed as
`file:line: what to do`; 2 the command line itself is wrong.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from . import __version__
from .atomic import write_all
from .errors import StoryError, StoryErrors
from .loader import load_story, unmatched_art
from .model import Story
from .project import ProjectStory, plugin_settings, project_stories
from .prompt_text import image_prompt
from .rules import plural

if TYPE_CHECKING:
    from .importer.folder import FolderImport

T = TypeVar("T")


def progress(items: list[T], label: str, stream=None) -> Iterator[T]:
    """Yield items, drawing a one-line progress bar on a terminal for long runs."""
    stream = stream or sys.stderr
    show = stream.isatty() and len(items) > 50
    total = len(items)
    for index, item in enumerate(items, start=1):
        if show and (index == total or index % max(1, total // 100) == 0):
            filled = int(30 * index / total)
            stream.write(f"\r{label} [{'#' * filled}{'.' * (30 - filled)}] {index}/{total}")
            stream.flush()
        yield item
    if show:
        stream.write("\n")


def _fail(exc: StoryError) -> int:
    sys.stdout.flush()  # what came before, first on a terminal
    errors = exc.errors if isinstance(exc, StoryErrors) else [exc]
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    return 1


class UsageError(Exception):
    """A mistake in the command line itself (exit code 2)."""


@dataclass(frozen=True)
class Chosen:
    """The stories a command runs on, and the folder their files are named from."""

    stories: list[ProjectStory]
    base: Path  # mkdocs.yml's folder, or the one holding --story-dir
    from_config: bool  # named by mkdocs.yml, not by --story-dir

    @property
    def several(self) -> bool:
        return len(self.stories) > 1


def _story_dir(args) -> Path:
    """--story-dir, else mkdocs.yml's single story_dir (for `import ANSWER.md`)."""
    if args.story_dir:
        return Path(args.story_dir)
    value = plugin_settings().get("story_dir")
    return Path(value) if isinstance(value, str) and value.strip() else Path("story")


def chosen_stories(args) -> Chosen:
    """--story-dir DIR; else mkdocs.yml's stories, or the one --story NAME
    names. UsageError for a bad choice, StoryError for mkdocs.yml's mistakes."""
    if args.story_dir:
        if args.story:
            raise UsageError("give --story NAME or --story-dir DIR, not both.")
        folder = Path(args.story_dir)
        return Chosen([ProjectStory(folder.name, folder, "")], folder.parent, False)
    stories = project_stories()
    if args.story is not None:
        picked = [s for s in stories if s.name == args.story]
        if not picked:
            raise UsageError(f"mkdocs.yml has no story named '{args.story}'; its "
                             f"{plural(len(stories), 'story is', 'stories are')}: "
                             f"{', '.join(s.name for s in stories)}.")
        stories = picked
    return Chosen(stories, Path("."), True)


def _choose(args) -> Chosen | int:
    """The chosen stories, or the exit code after saying why there are none."""
    try:
        return chosen_stories(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except StoryError as exc:
        return _fail(exc)


def _each_story(chosen: Chosen, run: Callable[[ProjectStory], int]) -> int:
    """``run`` on each story; with several, each under a heading line with its
    name, and one broken story does not stop the rest. The worst exit code."""
    if not chosen.several:
        return run(chosen.stories[0])
    worst = 0
    for index, story in enumerate(chosen.stories):
        print(("\n" if index else "") + story_heading(story), flush=True)
        worst = max(worst, run(story))
        sys.stdout.flush()  # before the next story's messages on stderr
    return worst


def story_heading(story: ProjectStory) -> str:
    return f"== {story.name} ({story.folder.as_posix()}/) =="


def _load(chosen: Chosen, story: ProjectStory, include_drafts: bool = True) -> Story:
    return load_story(story.folder, include_drafts=include_drafts,
                      shown_from=chosen.base if chosen.from_config else None)


def cmd_check(args) -> int:
    chosen = _choose(args)
    if isinstance(chosen, int):
        return chosen
    failed: list[str] = []

    def check(story: ProjectStory) -> int:
        code = _check_story(chosen, story)
        if code:
            failed.append(story.name)
        return code

    code = _each_story(chosen, check)
    if chosen.several:
        count = plural(len(chosen.stories), "story", "stories")
        if failed:
            print(f"\n{len(failed)} of {count} with problems: {', '.join(failed)}",
                  file=sys.stderr)
        else:
            print(f"\nok: {count}")
    return code


def _check_story(chosen: Chosen, entry: ProjectStory) -> int:
    from .images import art_size

    story_dir = entry.folder
    try:
        story = _load(chosen, entry)
    except StoryError as exc:
        code = _fail(exc)
        count = len(getattr(exc, "errors", [exc]))
        print(f"{plural(count, 'problem')} found in {story_dir}/", file=sys.stderr)
        return code
    base = chosen.base if chosen.from_config else story_dir.parent
    problems = [f"warning: {w}" for w in story.warnings]
    problems += [f"warning: {w}" for w in edition_problems(story, story_dir, base)]
    for _, path in progress(sorted(story.art.items()), "checking art"):
        shown = path.relative_to(base) if path.is_relative_to(base) else path
        try:
            art_size(path, str(shown))  # the very check the build makes
        except StoryError as exc:
            problems.append(f"error: {exc}")
    if problems:
        for line in problems:
            print(line, file=sys.stderr)
        print(f"{plural(len(problems), 'problem')} found in {story_dir}/", file=sys.stderr)
        return 1
    print(f"ok: {plural(len(story.chapters), 'chapter')}, {_art_counts(story)}, "
          f"{plural(len(story.references), 'reference')}")
    return 0


def edition_problems(story: Story, story_dir: Path, base: Path | None = None) -> list[str]:
    """What the EPUB and PDF editions cannot carry (links and images they show
    as text, named from ``base``, default the folder holding ``story_dir``),
    and a PDF that mkdocs.yml asks for without its engine here."""
    from .editions import pdf
    from .editions.epub import problems

    shown_from = story_dir.parent if base is None else base
    out = problems(story, lambda p: p.relative_to(shown_from) if p.is_relative_to(shown_from)
                   else p)
    if plugin_settings().get("pdf") is True:
        engine = pdf.engine_problem()
        if engine:
            out.append(f"mkdocs.yml (pdf: true): {engine}")
    return out


def cmd_pdf(args) -> int:
    """The print edition, made without a site build: one PDF per story."""
    from .editions import pdf

    chosen = _choose(args)
    if isinstance(chosen, int):
        return chosen
    if args.output and chosen.several:
        print("error: --output names one file; choose the story with --story NAME "
              f"({', '.join(s.name for s in chosen.stories)}).", file=sys.stderr)
        return 2
    problem = pdf.engine_problem()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    paper = args.paper or _paper_from_config()
    return _each_story(chosen, lambda story: _story_pdf(chosen, story, args.output, paper))


def _story_pdf(chosen: Chosen, entry: ProjectStory, output: str | None, paper: str) -> int:
    from .editions import pdf
    from .editions.shelf import human_size

    try:
        story = _load(chosen, entry, include_drafts=False)  # drafts are never in an edition
        out = Path(output) if output else _pdf_path(entry, pdf.file_name(story))
        made = pdf.story_pdf(story, _cache_dir(chosen, entry), out, paper)
    except StoryError as exc:
        return _fail(exc)
    print(f"wrote {made} ({human_size(made.stat().st_size)})")
    return 0


def _pdf_path(story: ProjectStory, file_name: str) -> Path:
    """site_build/<file>; for a story of mkdocs.yml's stories: list, under
    its prefix (site_build/stories/<name>/<file>), --story or not."""
    parts = [p for p in story.prefix.split("/") if p not in ("", ".", "..")]
    return Path("site_build", *parts, file_name)


def _cache_dir(chosen: Chosen, story: ProjectStory) -> Path:
    """The image cache: mkdocs.yml's cache_dir for its stories, else
    .cache/graphic-novel beside the story folder."""
    if chosen.from_config:
        value = plugin_settings().get("cache_dir")
        return chosen.base / (value if isinstance(value, str) and value.strip()
                              else ".cache/graphic-novel")
    return story.folder.parent / ".cache" / "graphic-novel"


def _paper_from_config() -> str:
    """The plugin's paper setting in ./mkdocs.yml, else A4."""
    from .editions.pdf import PAPER

    paper = plugin_settings().get("paper")
    return paper if isinstance(paper, str) and paper in PAPER else "a4"


def _art_counts(story: Story) -> str:
    """"4 panels (1 with art, 3 placeholders)"."""
    panels, art = len(story.panels), len(story.art)
    return f"{plural(panels, 'panel')} ({art} with art, {plural(panels - art, 'placeholder')})"


def _prompt_rows(story: Story, missing_only: bool) -> list[dict]:
    where = {pid: ch for ch in story.chapters for pid in ch.panel_ids}
    rows = []
    for panel in story.panels.values():
        art = story.art.get(panel.id)
        if missing_only and art:
            continue
        full = image_prompt(story, panel)  # the text the site's copy button copies
        chapter = where.get(panel.id)
        rows.append({
            "id": panel.id,
            "number": panel.label or "cover",
            "chapter": chapter.title if chapter else "Cover",
            "title": panel.title,
            "file": art.name if art else f"{panel.id}.png",
            "has_art": bool(art),
            "alt": panel.alt,
            "prompt": full,
        })
    return rows


def cmd_prompts(args) -> int:
    chosen = _choose(args)
    if isinstance(chosen, int):
        return chosen
    out = sys.stdout
    csv_out = None
    if args.format == "csv" and chosen.several:
        csv_out = csv.DictWriter(out, fieldnames=["story", *PROMPT_FIELDS], lineterminator="\n")
        csv_out.writeheader()
    code = 0
    for entry in chosen.stories:
        named = f"{entry.name}: " if chosen.several else ""
        try:
            story = _load(chosen, entry)
        except StoryError as exc:
            code = _fail(exc)
            if chosen.several:
                print(f"{named}its prompts are left out until the problems above are fixed.",
                      file=sys.stderr)
            continue
        rows = _prompt_rows(story, args.missing)
        if chosen.several:
            rows = [{"story": entry.name, **row} for row in rows]
        _write_prompt_rows(out, args.format, rows, csv_out, story, entry.folder)
        if not rows:
            out.flush()
            print(named + ("every panel has art" if args.missing else "no panels"),
                  file=sys.stderr)
    return code


PROMPT_FIELDS = ("id", "number", "chapter", "title", "file", "has_art", "alt", "prompt")


def _write_prompt_rows(out, form: str, rows: list[dict], csv_out: csv.DictWriter | None,
                       story: Story, story_dir: Path) -> None:
    """One story's prompt rows in the asked form (into ``csv_out``, whose header is
    written, when several stories share one table)."""
    if form == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif form == "csv":
        writer = csv_out or csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["id"],
                                           lineterminator="\n")
        if csv_out is None:
            writer.writeheader()
        writer.writerows(rows)
    else:
        _prompts_markdown(out, story, story_dir, rows)


def _prompts_markdown(out, story: Story, story_dir: Path, rows: list[dict]) -> None:
    """One story's prompts as a Markdown section: a heading per panel, where
    its art goes, the prompt as a text block."""
    out.write(f"# Image prompts: {story.title}\n\n")
    for row in rows:
        out.write(f"## {row['number']} {row['title']}\n\n")
        out.write(f"Save the image as `{(story_dir / 'art' / row['file']).as_posix()}`.\n\n")
        out.write("```text\n" + row["prompt"] + "\n```\n\n")


def _human(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


def _art_row(panel_id: str, place: str, art: Path | None) -> tuple[str, ...]:
    """A row of the status table: panel, chapter, image, size, dimensions."""
    from PIL import Image

    if not art:
        return (panel_id, place, "placeholder", "-", "-")
    try:
        with Image.open(art) as im:
            dims = f"{im.width}x{im.height}"
    except Exception:
        dims = "unreadable"
    return (panel_id, place, f"art: {art.name}", _human(art.stat().st_size), dims)


def _print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    for index, row in enumerate(rows):
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
        if index == 0:
            print("  ".join("-" * w for w in widths))


def cmd_status(args) -> int:
    chosen = _choose(args)
    if isinstance(chosen, int):
        return chosen
    return _each_story(chosen, lambda story: _story_status(chosen, story))


def _story_status(chosen: Chosen, entry: ProjectStory) -> int:
    try:
        story = _load(chosen, entry)
    except StoryError as exc:
        return _fail(exc)
    where = {pid: ch for ch in story.chapters for pid in ch.panel_ids}
    rows: list[tuple[str, ...]] = [("panel", "chapter", "image", "size", "dimensions")]
    for panel in progress(list(story.panels.values()), "reading art"):
        chapter = where.get(panel.id)
        rows.append(_art_row(panel.id, chapter.label if chapter else "cover",
                             story.art.get(panel.id)))
    _print_table(rows)
    stray = unmatched_art(entry.folder, story)
    if stray:
        print("\nArt files that match no panel (rename them to a panel id):")
        for path in stray:
            print(f"  {path.name}")
    art = len(story.art)
    print(f"\n{plural(len(story.panels), 'panel')}: {art} with art, "
          f"{plural(len(story.panels) - art, 'placeholder')}; "
          f"{plural(len(stray), 'unmatched art file')}")
    return 0


def write_new_files(files: dict[Path, str], force: bool) -> list[Path]:
    """Write files whole, all or none (see atomic.py); refuse to overwrite unless force."""
    return write_all(list(files.items()), force)


def _site_url(args) -> str | None:
    """The checked --site-url, or None; ValueError with the message for a bad one."""
    from .scaffold import checked_site_url

    return checked_site_url(args.site_url) if args.site_url else None


def cmd_new(args) -> int:
    from .scaffold import project_files

    root = Path(args.dir)
    try:
        site_url = _site_url(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.answer:
        return _new_from_answer(args, root, site_url)
    if not args.title:
        print("error: give the story's title with --title (or an answer to import with "
              "--from ANSWER.md).", file=sys.stderr)
        return 2
    try:
        files = project_files(args.title, site_url)
        written = write_new_files({root / k: v for k, v in files.items()}, args.force)
    except StoryError as exc:
        return _fail(exc)
    for path in written:
        print(f"created {path}")
    print(f"\nNext: cd {root} && make serve   (or: mkdocs serve)")
    return 0


def _new_from_answer(args, root: Path, site_url: str | None) -> int:
    """`new DIR --from ANSWER.md`: the project around the imported story."""
    from . import importer
    from .atomic import refuse_existing
    from .scaffold import support_files

    try:
        story = importer.read_answer(Path(args.answer), site_url)
        support = {root / k: v for k, v in
                   support_files(args.title or story.title, site_url).items()}
        if not args.force:
            refuse_existing(list(support))
        done = importer.install(importer.render_files(story), root / "story", args.force)
        done.written += write_new_files(support, args.force)
    except StoryError as exc:
        return _fail(exc)
    _report_import(story, done, root / "story")
    print(f"\nNext: cd {root} && make serve   (or: mkdocs serve)")
    return 0


def _report_import(story, done, story_dir: Path) -> None:
    from . import importer

    for path in done.written:
        print(f"created {path}")
    for note in story.notes:
        print(f"note: {note}")
    if done.backup is not None:
        print(f"\nThe story that was in {story_dir}/ is kept, as it was, in {done.backup}/.")
    print(f"\nFound {importer.counts_line(story)} in {story.source}.")


def cmd_import(args) -> int:
    from . import importer
    from .scaffold import support_files

    try:
        site_url = _site_url(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if Path(args.answer).is_dir():
        return _import_folder(args, site_url)
    if args.output:
        print("error: -o PROJECT_DIR is for importing a folder of stories; for one answer "
              "use --story-dir.", file=sys.stderr)
        return 2
    story_dir = _story_dir(args)
    try:
        story = importer.read_answer(Path(args.answer), site_url)
        root = story_dir.parent
        project = {}
        if not (root / "mkdocs.yml").exists():
            project = {root / k: v for k, v in
                       support_files(story.title, site_url, story_dir.name).items()
                       if not (root / k).exists()}  # an author's own Makefile or README stays
        done = importer.install(importer.render_files(story), story_dir, args.force, project)
    except StoryError as exc:
        return _fail(exc)
    _report_import(story, done, story_dir)
    print(f"Preview with `mkdocs serve` in {root}/ (or `make serve`).")
    return 0


def _import_folder(args, site_url: str | None) -> int:
    """`import FOLDER`: every story in it, one story folder each, and the
    project's mkdocs.yml listing them. Exit 0 when at least one story was
    imported, 1 when none was, 2 for a bad command line."""
    from .importer.folder import import_folder, refuse_overlap, site_title

    if args.story_dir:
        print("error: --story-dir is for one answer; a folder's stories go to "
              "PROJECT_DIR/stories/<name>/ (choose PROJECT_DIR with -o).", file=sys.stderr)
        return 2
    folder, root = Path(args.answer), Path(args.output or ".")
    try:
        refuse_overlap(folder, root / "stories")
    except StoryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        done = import_folder(folder, root / "stories", args.force, site_url)
    except StoryError as exc:
        return _fail(exc)
    _report_folder(done, folder, root / "stories")
    if not done.imported:
        print(f"\nNo story was imported from {folder}/.", file=sys.stderr)
        return 1
    folders = [f"stories/{r.found.slug}" for r in done.imported]
    try:
        _write_folder_project(root, site_title(folder, done.scan), site_url, folders)
    except StoryError as exc:
        return _fail(exc)
    failed = ", ".join(r.found.slug for r in done.failed)
    print(f"\nImported {len(done.imported)} of {plural(len(done.results), 'story', 'stories')}"
          f" into {root / 'stories'}/{f'; not imported: {failed}' if failed else ''}.")
    return 0


def _report_folder(done: FolderImport, folder: Path, stories_dir: Path) -> None:
    """Per story: what was found and copied, what is missing, and each failure."""
    from . import importer

    print(f"Found {plural(len(done.results), 'story', 'stories')} in {folder}/.")
    for page, links in done.scan.index_pages:
        nested = f"; import {page.parent}/ on its own for those" if page.parent != folder else ""
        print(f"\nindex page, not imported: {page} (it links to "
              f"{plural(len(links), 'story', 'stories')}{nested})")
    for line in done.scan.skipped:
        print(f"\nskipped: {line}")
    for result in done.results:
        if not result.ok:
            print(f"\nfailed: {result.found.slug}: {result.error}")
            continue
        story = result.story
        assert story is not None  # an imported story has one (StoryResult.ok)
        print(f"\n{result.found.slug}: \"{story.title}\" from {result.found.path}")
        print(f"  {importer.counts_line(story)}; {plural(len(result.copied), 'image')} copied, "
              f"{len(result.missing)} missing")
        print(f"  wrote {plural(len(result.written), 'file')} into "
              f"{stories_dir / result.found.slug}/")
        if result.backup is not None:
            print(f"  the story that was there is kept, as it was, in {result.backup}/")
        for art in result.copied:
            print(f"  copied: {art.source} -> {art.target}")
        for line in result.missing:
            print(f"  missing: {line}")
        for line in result.warnings:
            print(f"  warning: {line}")
        for line in result.notes:
            print(f"  note: {line}")


def _write_folder_project(root: Path, title: str, site_url: str | None,
                          folders: list[str]) -> None:
    """mkdocs.yml with the ``stories:`` list (and the other files `new`
    writes) where there is none; with one already there, the list to add."""
    from .scaffold import stories_yml, support_files

    if (root / "mkdocs.yml").exists():
        print(f"\n{root / 'mkdocs.yml'} is there already and was left as it is; list the "
              "stories under its graphic-novel plugin:\n\n  - graphic-novel:\n"
              + stories_yml(folders).replace("\n", "\n  ").rstrip())
        return
    files = {root / k: v for k, v in support_files(title, site_url, stories=folders).items()
             if not (root / k).exists()}  # an author's own Makefile or README stays
    for path in write_new_files(files, force=False):
        print(f"created {path}")


def _story_dir_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--story-dir", default=None, metavar="DIR",
                   help="the story folder (default: story_dir in ./mkdocs.yml, else story)")


def _which_story_options(p: argparse.ArgumentParser) -> None:
    """--story NAME and --story-dir DIR, for the commands that read stories."""
    p.add_argument("--story", metavar="NAME",
                   help="only this story of the ones mkdocs.yml lists (a story's name is "
                        "its folder's last part); default: every story")
    p.add_argument("--story-dir", default=None, metavar="DIR",
                   help="the story folder to use instead of mkdocs.yml's stories "
                        "(default: the plugin's stories list in ./mkdocs.yml, else its "
                        "story_dir, else story)")


SEVERAL = (" With several stories (the plugin's stories: list in mkdocs.yml) it runs on "
           "each, under a line '== NAME (FOLDER/) ==', one story's problems not stopping "
           "the rest; --story NAME picks one.")


def _site_url_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--site-url", metavar="URL",
                   help="the address the site will be published at (share previews, "
                        "feed and sitemap need it; the answer's links into a wider "
                        "site are made absolute against it); can be set later in "
                        "mkdocs.yml")


def _add_import(sub) -> None:
    p = sub.add_parser("import", help="turn a chat model's Markdown answer (or a folder of "
                                      "them) into story folders",
                       description="Turn a chat model's long Markdown answer into a story "
                                   "folder: chapters, image_prompts.yaml, references.yaml, "
                                   "story.yaml (and mkdocs.yml where there is none). Writes "
                                   "nothing if the answer cannot be read. Given a FOLDER of "
                                   "stories (each <name>/index.md, or *.md in it, images "
                                   "beside them), imports each into PROJECT_DIR/stories/"
                                   "<name>/ with the images it uses copied into its art/ "
                                   "(the originals are only read), skips the folder's index "
                                   "page of cards, and writes mkdocs.yml listing the stories. "
                                   "A story that fails is listed with its file and line and "
                                   "the others still import; the exit code is 1 only when no "
                                   "story was imported.")
    p.add_argument("answer", metavar="ANSWER.md|FOLDER",
                   help="the Markdown file to import, or a folder of stories")
    _story_dir_option(p)
    p.add_argument("-o", "--output", metavar="PROJECT_DIR",
                   help="with a FOLDER: the project to write (default: the current folder); "
                        "stories go to PROJECT_DIR/stories/<name>/")
    p.add_argument("--force", action="store_true",
                   help="replace an existing story as a whole (the old one is kept in a "
                        "backup folder beside it)")
    _site_url_option(p)
    p.set_defaults(func=cmd_import)


def _add_new(sub) -> None:
    p = sub.add_parser("new", help="start a new story project",
                       description="Create a story project (mkdocs.yml, story/ with a "
                                   "sample story, or the story imported from --from "
                                   "ANSWER.md, README) that `mkdocs serve` previews at once.")
    p.add_argument("dir", metavar="DIR", help="the folder to create")
    p.add_argument("--title", help="the story's title (with --from: the answer's title "
                                   "unless given)")
    p.add_argument("--from", dest="answer", metavar="ANSWER.md",
                   help="import this chat-model answer as the project's story")
    _site_url_option(p)
    p.add_argument("--force", action="store_true", help="replace files that already exist")
    p.set_defaults(func=cmd_new)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="graphic-novel",
        description="Tools for graphic-novel story projects. Exit codes: 0 ok, 1 problems "
                    "found (each listed as file:line: what to do), 2 bad command line.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_import(sub)

    p = sub.add_parser("check", help="validate the stories without building",
                       description="Validate the story and its art. Exit 1 with every "
                                   "problem listed, 0 with a one-line summary." + SEVERAL
                                   + " Exit 1 when any story has a problem.")
    _which_story_options(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("prompts", help="export every panel prompt for image generation",
                       description="Every panel prompt with the shared style and the looks "
                                   "of the cast members it names applied, and the file name "
                                   "its art should have. With several stories (the "
                                   "plugin's stories: list in mkdocs.yml) the prompts of every "
                                   "story come as one output: each JSON line and CSV row then "
                                   "starts with a 'story' field (the story's name), and the "
                                   "Markdown has a '# Image prompts' section per story. "
                                   "--story NAME picks one story (no 'story' field). A story "
                                   "with problems is left out, said on stderr, exit 1.")
    _which_story_options(p)
    p.add_argument("--format", choices=("jsonl", "csv", "md"), default="jsonl",
                   help="output format (default: jsonl)")
    p.add_argument("--missing", action="store_true", help="only panels still without art")
    p.set_defaults(func=cmd_prompts)

    p = sub.add_parser("status", help="which panels have art, and art that matches nothing",
                       description="A table of panels: art or placeholder, art size and "
                                   "dimensions; art files that match no panel; counts."
                                   + SEVERAL)
    _which_story_options(p)
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("pdf", help="the print edition as a PDF (needs WeasyPrint)",
                       description="Make the story's print edition: cover, contents with "
                                   "page numbers, each chapter on a new page, the prompts and "
                                   "the references. Drafts are left out. With several "
                                   "stories in mkdocs.yml, one PDF each, in site_build/"
                                   "<prefix>/ (--story NAME picks one).")
    _which_story_options(p)
    p.add_argument("--paper", choices=("a4", "letter"),
                   help="paper size (default: the paper setting in mkdocs.yml, else a4)")
    p.add_argument("--output", metavar="FILE",
                   help="where to write it (default: site_build/<title>.pdf; with several "
                        "stories site_build/<prefix>/<title>.pdf, and --output needs --story)")
    p.set_defaults(func=cmd_pdf)
    _add_new(sub)
    return parser


def main(argv: Iterable[str] | None = None) -> int:
    args = build_parser().parse_args(list(argv) if argv is not None else None)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


__all__ = ["main", "write_new_files"]
