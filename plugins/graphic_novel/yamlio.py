"""YAML reading that remembers lines and explains mistakes in the author's terms."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import StoryError

MAX_DEPTH = 64  # a story needs four levels; deeper nesting is a mistake (or an attack)


class LineDict(dict):
    """A mapping that knows the line it starts on, and each key's line."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A list that knows the line it starts on, and each item's line."""

    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class _Lines:
    """What both loaders share: file and line for messages, and a depth cap."""

    source = "story"
    line_offset = 0
    _depth = 0

    def _line(self, node_or_mark) -> int:
        mark = getattr(node_or_mark, "start_mark", node_or_mark)
        return mark.line + 1 + self.line_offset

    def construct_object(self, node, deep=False):
        # Aliases can nest without nesting the text (`b: &b [*a]`, `c: [*b]`...).
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise StoryError(self.source, f"the YAML is nested more than {MAX_DEPTH} levels "
                                              "deep here (through aliases); flatten it.",
                                 self._line(node))
            return super().construct_object(node, deep=deep)  # type: ignore[misc]
        except (StoryError, yaml.YAMLError):
            raise
        except Exception as exc:
            # A value YAML's own constructors choke on: `!!int x`, `!!timestamp 2023-13-45`...
            reason = str(exc).split("\n")[0][:80] or exc.__class__.__name__
            raise StoryError(self.source, f"this value cannot be read ({reason}); put it in "
                                          "quotes to keep it as text.", self._line(node)) from None
        finally:
            self._depth -= 1


class _Loader(_Lines, yaml.SafeLoader):
    """PyYAML's own Python parser: the one whose messages the hints explain."""

    def compose_node(self, parent, index):
        # The composer recurses once per level of nesting: cap it, so deep
        # nesting is a clear message with a line, not a RecursionError.
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise StoryError(self.source, f"the YAML is nested more than {MAX_DEPTH} levels "
                                              "deep here; flatten it (a story needs four).",
                                 self._line(self.peek_event()))
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1 + loader.line_offset
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise StoryError(loader.source, "a key here is not plain text; use `name: value`.",
                             key_node.start_mark.line + 1 + loader.line_offset)
        # as written: `yes:` stays "yes", `~:` stays "~"
        key = _whole_characters(loader, key_node, key_node.value)
        if key in out:
            raise StoryError(loader.source,
                             f"the key '{key}' appears twice in one entry; keep one.",
                             key_node.start_mark.line + 1 + loader.line_offset)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1 + loader.line_offset
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList()
    out.line = loader._line(node)
    out.item_lines = [loader._line(item) for item in node.value]
    out.extend(loader.construct_object(item, deep=True) for item in node.value)
    return out


_SURROGATE = re.compile("[\ud800-\udfff]")


def _whole_characters(loader: _Loader, node, text: str) -> str:
    """Join escaped surrogate pairs ("\\ud83d\\ude00", as JSON writes an emoji) into
    the character; refuse a lone half, which no file can hold."""
    if not _SURROGATE.search(text):
        return text
    try:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeError:
        raise StoryError(loader.source, "a \\u escape here is half of a character (a lone "
                                        "surrogate); write the character itself, or both "
                                        "halves.", loader._line(node)) from None


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> str:
    return _whole_characters(loader, node, yaml.SafeLoader.construct_yaml_str(loader, node))


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    try:
        value = yaml.SafeLoader.construct_yaml_int(loader, node)
        str(value)  # Python refuses to print ints of more than 4300 digits
    except ValueError as exc:
        if "digits" not in str(exc):
            raise  # `!!int abc`: construct_object explains it
        raise StoryError(loader.source, "this number has too many digits to read; put it in "
                                        "quotes to keep it as text.", loader._line(node)) from None
    return value


# libyaml's parser, when PyYAML was built with it: 13x faster on a 1,000-panel
# prompts file (0.75 s -> 0.06 s). It reads good YAML; anything it refuses is
# read again by _Loader, whose messages the hints below explain.
_CLoader = None
if getattr(yaml, "__with_libyaml__", False):
    class _CLoader(_Lines, yaml.CSafeLoader):  # type: ignore[no-redef]
        pass

for _cls in (_Loader, _CLoader):
    if _cls is None:
        continue
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    _cls.add_constructor("tag:yaml.org,2002:int", _construct_int)
    _cls.add_constructor("tag:yaml.org,2002:str", _construct_str)
    # Dates stay text: "2023-07-18" is what the author wrote, not a datetime.
    _cls.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

_BRACKETS_RE = re.compile(r"[\[\]{}]")
_DEEP_INDENT_RE = re.compile(rf"^[ \t?:-]{{{MAX_DEPTH // 2}}}", re.MULTILINE)


def _shallow(text: str) -> bool:
    """Whether the text surely nests less than MAX_DEPTH // 2 levels.

    libyaml's composer recurses in C, where no depth limit catches a file of
    10,000 "[": such text goes to the Python parser, which stops it at
    MAX_DEPTH with a message. Block nesting needs indentation (or "- " and
    "? " marks) at the start of a line; flow nesting needs brackets.
    """
    if _DEEP_INDENT_RE.search(text):
        return False
    if text.count("[") + text.count("{") < MAX_DEPTH // 2:
        return True
    depth = deepest = 0
    for bracket in _BRACKETS_RE.findall(text):
        depth = depth + 1 if bracket in "[{" else max(0, depth - 1)
        deepest = max(deepest, depth)
    return deepest < MAX_DEPTH // 2


# What PyYAML's problem text says -> what the author should do; the first match wins.
_HINTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("recursive",), "an alias refers to the entry it is in; remove the loop."),
    (("while scanning a quoted scalar",), "a quoted text is not closed; add the closing quote."),
    (("flow sequence", "flow mapping"),
     "a [ or { is not closed; close it, or put the text in quotes."),
    (("mapping values are not allowed",),
     "a value contains ': ', or the line is indented too far; put the value in quotes (or use "
     "a `|` block), or line it up with the line above."),
    (("found '<scalar>'",),
     "text follows a closing quote, or the indentation is off; quote the whole value, or line "
     "up entries of the same list or mapping."),
    (("did not find expected key", "expected <block end>"),
     "the indentation is off; line up entries of the same list or mapping."),
    (("that cannot start any token",),
     "a value cannot start with this character; put the value in quotes."),
    (("undefined alias",),
     "a value starting with * is read as a YAML alias; put the value in quotes."),
    (("found another document",),
     "a `---` line starts a second document; remove it (one document per file)."),
)


def _hint(problem: str) -> str:
    p = problem or ""
    if "'\\t'" in p or re.search(r"\btabs?\b", p):
        return "YAML indentation must use spaces, not tabs."
    for needles, hint in _HINTS:
        if any(needle in p for needle in needles):
            return hint
    return "fix the YAML syntax here."


def _one_line(text: str, limit: int = 120) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


_FAILED = object()  # the fast parser's answer when the Python parser must explain


def _parse_fast(text: str, source: Path | str, line_offset: int) -> Any:
    """libyaml's answer for text that surely nests shallowly, else _FAILED."""
    if _CLoader is None or not _shallow(text):
        return _FAILED
    fast = _CLoader(text)
    try:
        fast.source = str(source)
        fast.line_offset = line_offset
        return fast.get_single_data()
    except Exception:
        return _FAILED
    finally:
        fast.dispose()


def _bad_character(exc: yaml.reader.ReaderError, text: str, source: Path | str,
                   line_offset: int) -> StoryError:
    line = text[: max(0, exc.position)].count("\n") + 1 + line_offset
    char = exc.character if isinstance(exc.character, int) else \
        ord(str(exc.character)[:1] or "\0")
    return StoryError(source, f"the character U+{char:04X} is not allowed in YAML (a control "
                              "character, often pasted in by accident); delete it.", line)


def _syntax_error(exc: yaml.MarkedYAMLError, source: Path | str, line_offset: int) -> StoryError:
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark and "stream end" in f"{exc.problem} {exc.context}".replace(
            "end of stream", "stream end"):
        mark = exc.context_mark  # where the unclosed thing began, not the end of file
    if exc.context_mark and "while parsing a flow" in (exc.context or ""):
        mark = exc.context_mark  # an unclosed [ or {: the line that opened it
    line = (mark.line + 1 + line_offset) if mark else None
    problem = (exc.problem or "") + " " + (exc.context or "")
    return StoryError(source, f"YAML syntax error ({_one_line(exc.problem or 'invalid')}): "
                              f"{_hint(problem)}", line)


def parse_yaml(text: str, source: Path | str, line_offset: int = 0) -> Any:
    """Parse YAML text; raise StoryError with file and line on any mistake."""
    value = _parse_fast(text, source, line_offset)
    if value is not _FAILED:
        return value
    loader = None
    try:
        loader = _Loader(text)  # the reader checks every character here
        loader.source = str(source)
        loader.line_offset = line_offset
        return loader.get_single_data()
    except StoryError:
        raise
    except yaml.reader.ReaderError as exc:
        raise _bad_character(exc, text, source, line_offset) from None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, source, line_offset) from None
    except yaml.YAMLError as exc:
        raise StoryError(source,
                         f"YAML error ({_one_line(str(exc))}); fix the YAML syntax.") from None
    except RecursionError:
        raise StoryError(source, "the YAML is nested too deeply to read; flatten it.") from None
    finally:
        if loader is not None:
            loader.dispose()


def read_text(path: Path, display: str | Path | None = None) -> str:
    """Read an author's text file: UTF-8 (a BOM is fine), any line ends."""
    shown = display or path
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StoryError(shown, f"cannot read the file ({exc.strerror or exc.__class__.__name__})."
                         ) from None
    if b"\x00" in raw:
        hint = (" (it looks like UTF-16)" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else
                " (it contains NUL bytes)")
        raise StoryError(shown, f"this is not a text file{hint}; save it as UTF-8 text.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise StoryError(shown, "the file is not valid UTF-8 text; save it with UTF-8 encoding.",
                         line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
