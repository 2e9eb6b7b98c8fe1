"""Phase 7, install: the rendered story put in place as a whole.

- Into a missing or empty story folder, the files are simply written (all or
  none, through ``atomic.write_all``).
- Over an existing story, nothing is written without ``force``; the refusal
  says what would be replaced. With ``force`` the new story is written whole
  into a hidden folder beside the old one, the old folder is renamed to a
  backup beside it (outside ``story/``, so the build never reads it), and the
  new folder is renamed into its place. No file of the old story is left in
  the new one.
- A project without ``mkdocs.yml`` gets one (and the other files
  ``graphic-novel new`` writes, where they are missing), so the next step,
  ``mkdocs serve``, works.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import write_all
from ..errors import StoryError
from ..rules import plural
from .write import story_targets


@dataclass
class Installed:
    """What an import put on disk."""
    written: list[Path] = field(default_factory=list)
    backup: Path | None = None  # where the replaced story now is


def _story_files(story_dir: Path) -> list[Path]:
    return sorted(p for p in story_dir.rglob("*") if p.is_file() or p.is_symlink())


def _holds_a_story(story_dir: Path) -> bool:
    return story_dir.is_dir() and any(story_dir.iterdir())


def refuse_replacing(story_dir: Path) -> None:
    """The message for an import over an existing story without ``--force``."""
    files = _story_files(story_dir)
    chapters = [p for p in files if p.parent.name == "chapters" and p.suffix == ".md"]
    raise StoryError(story_dir, f"this folder already holds a story ({plural(len(files), 'file')}"
                                f", {plural(len(chapters), 'chapter')}); nothing was written. "
                                "Use --force to replace the whole story (the old one is kept "
                                "in a backup folder beside it).")


def backup_path(story_dir: Path) -> Path:
    """A free name beside ``story_dir``: ``story.backup-20260102-030405``."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    base = story_dir.with_name(f"{story_dir.name}.backup-{stamp}")
    candidate, n = base, 2
    while candidate.exists() or candidate.is_symlink():
        candidate = base.with_name(f"{base.name}-{n}")
        n += 1
    return candidate


def _swap_in(staging: Path, story_dir: Path) -> Path:
    """Rename the old story to a backup and the staged one into its place."""
    backup = backup_path(story_dir)
    os.rename(story_dir, backup)
    try:
        os.rename(staging, story_dir)
    except OSError:
        os.rename(backup, story_dir)  # put the old story back as it was
        raise
    return backup


def replace_story(files: Mapping[str, str | bytes], story_dir: Path) -> Installed:
    """Write the new story beside the old one, then swap it in; the old one kept."""
    staging = story_dir.with_name(f".{story_dir.name}.import-{os.getpid()}")
    if staging.exists():
        shutil.rmtree(staging)
    written = write_all(story_targets(files, staging), force=False)
    try:
        backup = _swap_in(staging, story_dir)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise StoryError(story_dir, f"cannot replace the story folder ({exc.strerror or exc}); "
                                    "the old story is unchanged.") from None
    return Installed([story_dir / p.relative_to(staging) for p in written], backup)


def install(files: Mapping[str, str | bytes], story_dir: Path, force: bool,
            project: dict[Path, str] | None = None) -> Installed:
    """Put the story's ``files`` in ``story_dir`` (text, or bytes for copied
    art); ``project`` files (mkdocs.yml and company) are written too where
    they do not exist yet."""
    story_dir = Path(story_dir)
    targets = story_targets(files, story_dir)  # checks every path first
    extra: list[tuple[Path, str | bytes]] = [
        (path, text) for path, text in (project or {}).items()
        if not (path.exists() or path.is_symlink())]
    if _holds_a_story(story_dir):
        if not force:
            refuse_replacing(story_dir)
        done = replace_story(files, story_dir)
        done.written += write_all(extra, force=False)
        return done
    if story_dir.exists() and not story_dir.is_dir():
        raise StoryError(story_dir, "this is a file, not a folder; nothing was written.")
    return Installed(write_all(targets + extra, force=False))


__all__ = ["Installed", "backup_path", "install", "refuse_replacing", "replace_story"]
