"""Making an edition in a process of its own.

An EPUB or PDF is made from every chapter at once (ebooklib's and
WeasyPrint's documents, the pictures re-encoded), which at 200 chapters
took the build's own memory from under 50 MB to some 100 MB for the rest
of the build. Made in a forked process, that memory is the child's and goes
back to the system when it ends; the build keeps its size.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from ..errors import StoryError


def _reported(fn: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    """What runs in the child: the result, or why it failed, in a form that
    pickles (an exception's own class may not)."""
    try:
        return "ok", fn(*args)
    except StoryError as exc:
        return "story", (exc.path, exc.message, exc.line)
    except Exception as exc:  # an engine's own errors have no common base
        return "error", f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:200]}"


def process_pool():
    """A pool of one worker process: forked on Linux, as the image workers are."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if sys.platform.startswith("linux") else "spawn"
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context(method))


def run(fn: Callable[..., Any], *args: Any, pool=None) -> Any:
    """``fn(*args)`` in a child process (``pool``: one already running, else a new
    one for this call). A StoryError in the child is raised here as one; any
    other failure as RuntimeError with its first line."""
    from concurrent.futures.process import BrokenProcessPool

    own = pool is None
    if own:
        pool = process_pool()
    try:
        kind, value = pool.submit(_reported, fn, *args).result()
    except BrokenProcessPool:
        raise RuntimeError("its process stopped unexpectedly (out of memory?)") from None
    finally:
        if own:
            pool.shutdown(wait=True)
    if kind == "story":
        raise StoryError(*value)
    if kind == "error":
        raise RuntimeError(value)
    return value
