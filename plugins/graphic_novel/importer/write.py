"""Phase 6, write: the imported story as the files of a story folder (YAML
that reads back exactly), written whole into place."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ..atomic import write_all
from ..errors import StoryError
from .model import ImportedChapter, ImportedPanel, ImportedReference, ImportedStory


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)


def dump(data: Any) -> str:
    """YAML that reads back exactly as ``data`` (checked)."""
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=1_000_000)
    try:
        if yaml.safe_load(text) == data:
            return text
    except Exception:
        pass
    # Fully double-quoted, every unusual character escaped: always reads back.
    text = yaml.safe_dump(data, allow_unicode=False, sort_keys=False, default_style='"',
                          default_flow_style=False, width=1_000_000)
    if yaml.safe_load(text) != data:  # pragma: no cover - PyYAML would have to be broken
        raise StoryError("story", "a text could not be written as YAML exactly.")
    return text


def _with(entry: dict[str, str], **optional: str | None) -> dict[str, str]:
    """``entry`` with each optional value that is set."""
    entry.update({key: value for key, value in optional.items() if value})
    return entry


def _story_yaml(story: ImportedStory) -> dict[str, str]:
    return _with({"title": story.title}, subtitle=story.subtitle, author=story.author,
                 cover=story.cover.id if story.cover is not None else None)


def _panel_entry(panel: ImportedPanel) -> dict[str, str]:
    return {"id": panel.id, "title": panel.title, "alt": panel.alt, "prompt": panel.prompt}


def _prompts_yaml(story: ImportedStory) -> dict[str, Any]:
    prompts: dict[str, Any] = _with({}, narrative_prompt=story.narrative_prompt)
    if story.cast:
        prompts["cast"] = [{"name": name, "description": look} for name, look in story.cast]
    panels = ([story.cover] if story.cover is not None else []) + list(story.panels)
    prompts["panels"] = [_panel_entry(p) for p in panels]
    return prompts


def _reference_entry(ref: ImportedReference) -> dict[str, str]:
    return _with({"id": ref.id, "title": ref.title}, url=ref.url, note=ref.note)


def _chapter_file(chapter: ImportedChapter) -> str:
    front = _with({"title": chapter.title}, summary=chapter.summary,
                  kind=chapter.kind if chapter.kind != "chapter" else None, label=chapter.label)
    body = chapter.body + "\n" if chapter.body else ""
    return "---\n" + dump(front) + "---\n\n" + body


def render_files(story: ImportedStory) -> dict[str, str]:
    """The files of the story folder, by path relative to it."""
    files = {
        "story.yaml": dump(_story_yaml(story)),
        "image_prompts.yaml": dump(_prompts_yaml(story)),
        "references.yaml": dump([_reference_entry(ref) for ref in story.references]),
    }
    for chapter in story.chapters:
        files[chapter.file_name] = _chapter_file(chapter)
    return files


def _inside(story_dir: Path, rel: str) -> Path:
    """``story_dir``/``rel``; StoryError for a path that would leave the folder."""
    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or ".." in parts or "\\" in rel:
        raise StoryError(rel, "this path is outside the story folder; nothing was written.")
    return story_dir.joinpath(*parts)


def story_targets(files: Mapping[str, str | bytes],
                  story_dir: Path) -> list[tuple[Path, str | bytes]]:
    """(path, text) for each file; StoryError, before anything is written, for
    a path that would leave the story folder."""
    story_dir = Path(story_dir)
    return [(_inside(story_dir, rel), content) for rel, content in files.items()]


def write_files(files: dict[str, str], story_dir: Path, force: bool) -> list[Path]:
    """Write every file whole; refuse (writing nothing) to replace one without ``force``."""
    return write_all(story_targets(files, story_dir), force)
