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


def _method() -> str:
    """Forked on Linux, as the image workers are: the child starts with the build's
    objects and nothing is pickled to get them there."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


def process_pool():
    """A pool of one worker process (the PDF's printer, loaded ahead of its work)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context(_method()))


def _child(send: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        send.send(_reported(fn, *args))
    finally:
        send.close()


def run(fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` in a child process of its own. A StoryError in the child is
    raised here as one; any other failure as RuntimeError with its first line.

    A forked child is handed ``args`` by the fork itself: a pool would pickle them
    in the build process first (at 1,000 chapters the story and its images, which
    raised the build's peak by some 15 MB), and only the result comes back."""
    import multiprocessing

    ctx: Any = multiprocessing.get_context(_method())  # typeshed's BaseContext lacks Process
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, fn, args))  # not daemonic: it may start its own
    proc.start()
    send.close()  # the child's end: recv() ends with EOFError if the child dies
    try:
        kind, value = receive.recv()
    except EOFError:
        raise RuntimeError("its process stopped unexpectedly (out of memory?)") from None
    finally:
        receive.close()
        proc.join()
    if kind == "story":
        raise StoryError(*value)
    if kind == "error":
        raise RuntimeError(value)
    return value
