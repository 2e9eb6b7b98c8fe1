"""The cast sheet: `cast:` in image_prompts.yaml gives each character a fixed
look that every prompt naming them carries (prompts command, copy button)."""

from __future__ import annotations

import dataclasses
import json

from conftest import make_project
from graphic_novel.cli import main
from graphic_novel.errors import StoryError
from graphic_novel.loader import load_story
from graphic_novel.prompt_text import image_prompt

CAST = """\
cast:
  - name: Ada
    description: eleven, freckles, a red scarf and an oilskin coat.
  - name: Old Tom
    description: a white beard and a blue fisherman's jumper.
"""


def _with_cast(project) -> None:
    path = project.story / "image_prompts.yaml"
    project.write("story/image_prompts.yaml", CAST + path.read_text("utf-8"))


def _name_in_first_panel(project, words: str):
    """Puts ``words`` at the start of the first story panel's prompt; returns the panel."""
    story = load_story(project.story)
    panel = next(p for p in story.panels.values() if p.id != story.cover_id)
    path = project.story / "image_prompts.yaml"
    first_words = panel.prompt.split("\n")[0][:30]
    text = path.read_text("utf-8")
    assert first_words in text
    path.write_text(text.replace(first_words, words + first_words, 1), "utf-8")
    return panel


def test_cast_members_named_in_a_panel_join_its_prompt(project):
    _with_cast(project)
    story = load_story(project.story)
    assert [m.name for m in story.cast] == ["Ada", "Old Tom"]
    panel = dataclasses.replace(next(iter(story.panels.values())),
                                prompt="Ada rows past the breakwater; Adam waves.")  # not "Adam"
    text = image_prompt(story, panel)
    assert "Ada: eleven, freckles, a red scarf and an oilskin coat." in text
    assert "Old Tom" not in text
    assert text.endswith("Ada rows past the breakwater; Adam waves.")


def test_prompts_command_and_copy_button_carry_the_cast(project, monkeypatch, capsys):
    _with_cast(project)
    panel = _name_in_first_panel(project, "Old Tom mends a net. ")
    monkeypatch.chdir(project.root)
    assert main(["prompts"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    row = next(r for r in rows if r["id"] == panel.id)
    assert "Old Tom: a white beard and a blue fisherman's jumper." in row["prompt"]
    assert all("Ada:" not in r["prompt"] for r in rows)
    result = project.build()
    assert result.ok, result.error + result.log
    buttons = [b["data-clipboard-text"] for page in project.site.rglob("*.html")
               for b in result.html(str(page.relative_to(project.site))).select("button.gn-copy")]
    assert any("Old Tom: a white beard" in b for b in buttons)


def test_a_cast_entry_without_a_description_is_named_with_its_line(tmp_path):
    project = make_project(tmp_path)
    path = project.story / "image_prompts.yaml"
    path.write_text("cast:\n  - name: Ada\n" + path.read_text("utf-8"), "utf-8")
    try:
        load_story(project.story)
    except StoryError as exc:
        assert "image_prompts.yaml:2: cast entry 1 has no `description`" in str(exc)
    else:
        raise AssertionError("a cast entry without a description loaded")


def test_a_placeholder_shows_the_panels_prompt_then_the_cast_it_names(project, monkeypatch):
    """Placeholders are drawn from what the image model will see of the panel: its own
    prompt first (the balloon shows the start), then the look of each cast member named."""
    from graphic_novel import images

    _with_cast(project)
    panel = _name_in_first_panel(project, "Ada mends a net. ")
    drawn = {}
    make_job = images.make_job

    def recording(panel, *args, **kwargs):
        job = make_job(panel, *args, **kwargs)
        drawn[job.panel_id] = job.prompt
        return job

    monkeypatch.setattr(images, "make_job", recording)
    result = project.build()
    assert result.ok, result.error + result.log
    assert drawn[panel.id].startswith("Ada mends a net. ")
    assert drawn[panel.id].endswith("Ada: eleven, freckles, a red scarf and an oilskin coat.")
    others = [prompt for pid, prompt in drawn.items() if pid != panel.id]
    assert others and all("Ada:" not in p and "Old Tom:" not in p for p in others)
