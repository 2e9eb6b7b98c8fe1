"""Write a set of files whole, all of them or none: the one writer of the
commands that write into a project (`graphic-novel import` and `new`); and
:func:`replacing`, through which a build writes a site file whole.

Each file goes to a temporary file in its own folder, is flushed to disk
(fsync), and only when every one is written are they renamed into place
(``os.replace``), so a reader never sees half a file and a failure leaves
the old files as they were. Files get the usual mode for new files, 0666
less the process umask (0644 under the common umask 022).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from .errors import StoryError

ALREADY_EXISTS = "this file already exists; nothing was written. Use --force to replace it."


@contextlib.contextmanager
def replacing(path: str | Path, mode: str = "w", **open_args) -> Iterator[IO]:
    """A file to write ``path`` through: a temporary file beside it, put in its
    place when the block ends, removed if it fails. For the files a build
    writes into the site: a reader or a server never sees half of one."""
    tmp = Path(f"{path}.partial")
    try:
        with open(tmp, mode, **open_args) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def new_file_mode() -> int:
    """0666 less the process umask: what ``open()`` would give a new file."""
    mask = os.umask(0)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return 0o666 & ~mask


def refuse_existing(paths: list[Path]) -> None:
    """Raise for the first path that already exists (a dangling link counts)."""
    for path in paths:
        if path.exists() or path.is_symlink():
            raise StoryError(path, ALREADY_EXISTS)


def write_all(targets: Sequence[tuple[Path, str | bytes]], force: bool) -> list[Path]:
    """Write each (path, text) as UTF-8 (bytes, such as copied art, as they
    are); without ``force`` refuse, before
    writing anything, to replace a file. Raises StoryError naming the file."""
    if not force:
        refuse_existing([path for path, _ in targets])
    created: list[Path] = []  # folders made here, removed again on failure
    temps: list[Path] = []
    target = targets[0][0] if targets else Path(".")
    mode = new_file_mode()
    try:
        for target, text in targets:
            created += _make_folders(target.parent)
            if target.is_dir():
                raise StoryError(target, "this is a folder, not a file; nothing was written.")
            temps.append(_write_temp(target, text, mode))
        for (target, _), temp in zip(targets, temps):
            os.replace(temp, target)
    except (OSError, UnicodeError, StoryError) as exc:
        _undo(temps, created)
        if isinstance(exc, StoryError):
            raise
        reason = getattr(exc, "strerror", None) or str(exc)
        raise StoryError(target, f"cannot write the file ({reason}).") from None
    return [path for path, _ in targets]


def _make_folders(folder: Path) -> list[Path]:
    """Make ``folder`` and its missing parents; return those made, outermost first."""
    missing = [p for p in [folder, *folder.parents] if not p.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    return list(reversed(missing))


def _write_temp(target: Path, text: str | bytes, mode: int) -> Path:
    """``text`` in a temporary file beside ``target``, on disk before it returns."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temp, mode)  # mkstemp makes it 0600: a new file's usual mode instead
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _undo(temps: list[Path], created: list[Path]) -> None:
    """Remove the temporary files and the folders this write made."""
    for temp in temps:
        with contextlib.suppress(OSError):
            temp.unlink()
    for folder in reversed(created):
        with contextlib.suppress(OSError):
            folder.rmdir()


__all__ = ["ALREADY_EXISTS", "new_file_mode", "refuse_existing", "replacing", "write_all"]
