"""The one error type an author sees: a file, maybe a line, and what to do."""

from __future__ import annotations

import re
from pathlib import Path

# Characters that would break the one-line message or fool a terminal: control
# characters (a newline in an id, ANSI escapes), bidirectional overrides, and
# the stand-ins Python uses for undecodable bytes in a file name.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                     "\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _visible(text: str) -> str:
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) > 0xff
                       else f"\\x{ord(m.group()):02x}", text)


class StoryError(Exception):
    """A content problem the author can fix.

    ``str()`` gives one line: ``path:line: message``. Raised by loaders and
    validators; the MkDocs glue and the CLI turn it into a clean message
    without a traceback.
    """

    def __init__(self, path: str | Path | None, message: str, line: int | None = None):
        self.path = str(path) if path is not None else None
        self.line = line
        self.message = message
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = _visible(self.path or "story")
        if self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {_visible(self.message)}"


class StoryErrors(StoryError):
    """Several problems found in one pass, reported together."""

    def __init__(self, errors: list[StoryError]):
        self.errors = errors
        first = errors[0]
        super().__init__(first.path, first.message, first.line)

    def __str__(self) -> str:
        if len(self.errors) == 1:
            return str(self.errors[0])
        lines = [f"{len(self.errors)} problems in the story:"]
        lines += [f"  {e}" for e in self.errors]
        return "\n".join(lines)
