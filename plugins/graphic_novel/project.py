"""The stories a project's mkdocs.yml names, read without MkDocs (for the
command line): the graphic-novel plugin's ``stories:`` list, in its order,
else its single ``story_dir`` (default ``story``).

mkdocs.yml is read with a safe YAML loader that takes its ``!ENV`` and
``!!python/...`` tags as nothing: only the plugin's own settings matter
here. A ``stories:`` entry the plugin could not use is a one-line
StoryError naming mkdocs.yml and the entry's line.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import StoryError
from .yamlio import read_text

CONFIG_FILE = "mkdocs.yml"
PLUGIN = "graphic-novel"
DEFAULT_STORY_DIR = "story"
ENTRY_HINT = "write each as `- folder: stories/<name>`"


@dataclass(frozen=True)
class ProjectStory:
    """One story of the project, as mkdocs.yml names it."""

    name: str  # its folder's last component: `the-robot-garden`
    folder: Path  # the story folder, relative to mkdocs.yml's folder joined onto it
    prefix: str  # its pages' URL prefix; "" for the single story of a story_dir site


_PREFIX_RE = re.compile(r"[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*")


def default_prefix(name: str) -> str:
    """Where a story's pages go unless mkdocs.yml says: stories/<its folder's name>/,
    made safe for a URL. The build (config.site_stories) and the CLI share it."""
    return "stories/" + (re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-.") or "story") + "/"


def normal_prefix(prefix: str) -> str | None:
    """An author's prefix with one trailing "/" ("" for the site root), or None when
    it is not lower-case letters, digits, '-', '_' and '.' in parts split by '/'."""
    cleaned = prefix.strip().strip("/")
    if cleaned and not _PREFIX_RE.fullmatch(cleaned):
        return None
    return cleaned + "/" if cleaned else ""


def plugin_settings(root: Path = Path(".")) -> dict:
    """The graphic-novel plugin's settings in ``root``'s mkdocs.yml ({} when
    there are none, or mkdocs.yml cannot be read: the build reports that)."""
    try:
        found = _plugin(root)
    except StoryError:
        return {}
    return found.settings if found else {}


def project_stories(root: Path = Path(".")) -> list[ProjectStory]:
    """The project's stories in mkdocs.yml order: the plugin's ``stories:``
    list, else its ``story_dir`` (``story`` without one, or without a
    mkdocs.yml). Raises StoryError for mkdocs.yml's own mistakes."""
    found = _plugin(root)
    settings = found.settings if found else {}
    if found is None or "stories" not in settings:
        value = settings.get("story_dir")
        folder = value if isinstance(value, str) and value.strip() else DEFAULT_STORY_DIR
        path = root / folder
        return [ProjectStory(_name(path) or path.resolve().name, path, "")]
    return _listed_stories(root, found)


@dataclass
class _Plugin:
    """The plugin's settings, and the YAML node they came from (for lines)."""

    shown: str  # mkdocs.yml as messages name it
    settings: dict
    node: yaml.MappingNode | None


class _Lenient(yaml.SafeLoader):
    pass


_Lenient.add_multi_constructor("!", lambda loader, suffix, node: None)
_Lenient.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _plugin(root: Path) -> _Plugin | None:
    """The plugin's entry in ``root``/mkdocs.yml; None without the file, or
    without the plugin in it."""
    path = root / CONFIG_FILE
    shown = str(path)
    if not path.is_file():
        return None
    loader = _Lenient(read_text(path, shown))
    try:
        document = loader.get_single_node()
        node = _settings_node(document) if isinstance(document, yaml.MappingNode) else None
        if node is None:
            return None
        settings = loader.construct_object(node, deep=True) \
            if isinstance(node, yaml.MappingNode) else {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise StoryError(shown, f"YAML syntax error ({exc.problem or 'invalid'}); fix it, "
                                "or name the story folder with --story-dir.",
                         mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise StoryError(shown, f"YAML error ({str(exc).splitlines()[0][:80]}); fix it, or "
                                "name the story folder with --story-dir.") from None
    except RecursionError:
        raise StoryError(shown, "the YAML is nested too deeply to read.") from None
    finally:
        loader.dispose()
    return _Plugin(shown, settings if isinstance(settings, dict) else {},
                   node if isinstance(node, yaml.MappingNode) else None)


def _value_node(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    for key_node, value_node in mapping.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value_node
    return None


def _settings_node(document: yaml.MappingNode) -> yaml.Node | None:
    """The node of the plugin's settings under ``plugins:`` (a list of names
    and one-key mappings, or a mapping); a null node for the bare name."""
    plugins = _value_node(document, "plugins")
    if isinstance(plugins, yaml.MappingNode):
        return _value_node(plugins, PLUGIN)
    if not isinstance(plugins, yaml.SequenceNode):
        return None
    for item in plugins.value:
        if isinstance(item, yaml.ScalarNode) and item.value == PLUGIN:
            return item
        if isinstance(item, yaml.MappingNode):
            found = _value_node(item, PLUGIN)
            if found is not None:
                return found
    return None


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _listed_stories(root: Path, found: _Plugin) -> list[ProjectStory]:
    entries = found.settings["stories"]
    node = _value_node(found.node, "stories") if found.node is not None else None
    if not isinstance(entries, list) or not entries:
        raise StoryError(found.shown, f"the {PLUGIN} plugin's `stories:` lists no story; "
                                      f"{ENTRY_HINT}, or remove it to use story_dir.",
                         _line(node))
    other = found.settings.get("story_dir")
    if other not in (None, DEFAULT_STORY_DIR):  # as the build refuses it (config.site_stories)
        raise StoryError(found.shown, f"the {PLUGIN} plugin sets both `story_dir` (one story) "
                                      "and `stories:` (several); keep one.", _line(node))
    item_nodes = node.value if isinstance(node, yaml.SequenceNode) else []
    stories: list[ProjectStory] = []
    lines: dict[str, int | None] = {}
    prefixes: dict[str, str] = {}
    for index, entry in enumerate(entries):
        line = _line(item_nodes[index]) if index < len(item_nodes) else _line(node)
        story = _story_entry(root, entry, found.shown, line)
        if story.name in lines:
            raise StoryError(found.shown, f"two stories are named '{story.name}' (a story's "
                                          f"name is its folder's last part; the other is "
                                          f"{_on_line(lines[story.name])}); rename one folder.",
                             line)
        prefix = story.prefix.strip("/")
        if prefix in prefixes:
            raise StoryError(found.shown, f"stories '{prefixes[prefix]}' and '{story.name}' "
                                          f"have the same prefix '{story.prefix}'; give each "
                                          "its own.", line)
        lines[story.name] = line
        prefixes[prefix] = story.name
        stories.append(story)
    return stories


def _on_line(line: int | None) -> str:
    return f"on line {line}" if line else "listed before it"


def _story_entry(root: Path, entry: Any, shown: str, line: int | None) -> ProjectStory:
    """One ``stories:`` entry, checked."""
    if not isinstance(entry, dict):
        example = f"`- folder: {entry}`" if isinstance(entry, str) and entry.strip() \
            else "`- folder: stories/<name>`"
        raise StoryError(shown, f"this `stories:` entry is not a folder entry; write it as "
                                f"{example}.", line)
    folder = entry.get("folder")
    if not isinstance(folder, str) or not folder.strip():
        raise StoryError(shown, "this `stories:` entry has no `folder:` (the story folder, "
                                "relative to mkdocs.yml); add one.", line)
    name = _name(Path(folder))
    if not name:
        raise StoryError(shown, f"the folder '{folder}' has no name of its own; list the "
                                "story's own folder, such as `stories/<name>`.", line)
    prefix = entry.get("prefix", default_prefix(name))
    if not isinstance(prefix, str):
        raise StoryError(shown, f"the prefix of story '{name}' is not text; write it as "
                                "`prefix: tides/`, or leave it out.", line)
    if normal_prefix(prefix) is None:  # as the build refuses it (config.site_stories)
        raise StoryError(shown, f"the prefix '{prefix}' of story '{name}' must be lower-case "
                                "letters, digits, '-', '_' and '.', in parts split by '/' "
                                "(like stories/my-story/).", line)
    return ProjectStory(name, root / folder, prefix)


def _name(folder: Path) -> str:
    """A story's name: its folder's last component (`stories/x/` -> `x`)."""
    name = posixpath.basename(posixpath.normpath(folder.as_posix()))
    return "" if name in (".", "..", "/") else name
