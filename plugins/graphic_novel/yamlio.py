"""YAML reading that remembers lines and explains mistakes in the author's terms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import StoryError


class LineDict(dict):
    """A mapping that knows the line it starts on, and each key's line."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Loader(yaml.SafeLoader):
    pass


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
        key = str(key)
        if key in out:
            raise StoryError(loader.source, f"the key '{key}' appears twice in one entry; keep one.",
                             key_node.start_mark.line + 1 + loader.line_offset)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1 + loader.line_offset
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay text: "2023-07-18" is what the author wrote, not a datetime.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _hint(problem: str) -> str:
    p = problem or ""
    if "\\t" in p or "tab" in p:
        return "YAML indentation must use spaces, not tabs."
    if "while scanning a quoted scalar" in p:
        return "a quoted text is not closed; add the closing quote."
    if "flow sequence" in p or "flow mapping" in p:
        return "a [ or { is not closed; close it, or put the text in quotes."
    if "mapping values are not allowed" in p:
        return "a value contains ': ' ; put the value in quotes or use a `|` block."
    if "did not find expected key" in p or "expected <block end>" in p:
        return "the indentation is off; line up entries of the same list or mapping."
    return "fix the YAML syntax here."


def parse_yaml(text: str, source: Path | str, line_offset: int = 0) -> Any:
    """Parse YAML text; raise StoryError with file and line on any mistake."""
    loader = _Loader(text)
    loader.source = str(source)
    loader.line_offset = line_offset
    try:
        return loader.get_single_data()
    except StoryError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and "stream end" in f"{exc.problem} {exc.context}".replace(
                "end of stream", "stream end"):
            mark = exc.context_mark  # where the unclosed thing began, not the end of file
        line = (mark.line + 1 + line_offset) if mark else None
        problem = (exc.problem or "") + " " + (exc.context or "")
        raise StoryError(source, f"YAML syntax error ({(exc.problem or 'invalid').strip()}): {_hint(problem)}",
                         line) from None
    except yaml.YAMLError as exc:
        raise StoryError(source, f"YAML error: {exc}") from None
    finally:
        loader.dispose()


def read_text(path: Path, display: str | Path | None = None) -> str:
    """Read an author's text file: UTF-8 (a BOM is fine), any line ends."""
    shown = display or path
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StoryError(shown, f"cannot read the file ({exc.strerror}).") from None
    if b"\x00" in raw:
        raise StoryError(shown, "this is not a text file (it contains NUL bytes); "
                                "save it as UTF-8 text.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise StoryError(shown, "the file is not valid UTF-8 text; save it with UTF-8 encoding.",
                         line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
