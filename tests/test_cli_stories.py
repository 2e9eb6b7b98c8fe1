"""`graphic-novel check`, `status`, `prompts` and `pdf` on a site of several
stories (the plugin's `stories:` list in mkdocs.yml): every story under a
heading line, or the one `--story NAME` picks; one broken story does not stop
the others; the single-story project's output is as it always was."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from conftest import FIXTURES
from graphic_novel.cli import main
from graphic_novel.errors import StoryError
from graphic_novel.project import ProjectStory, project_stories
from graphic_novel.scaffold import support_files

CLI = [sys.executable, "-m", "graphic_novel"]
NAMES = ("the-robot-garden", "tide-of-lanterns", "winter-bees")
MKDOCS_YML = """\
site_name: Three stories
site_dir: site_build
theme:
  name: material
  font: false
plugins:
  - search
  - graphic-novel:
      stories:
        - folder: stories/the-robot-garden
        - folder: stories/tide-of-lanterns
          prefix: tides/
        - folder: stories/winter-bees
"""
OK_LINE = "ok: 3 chapters, 4 panels (0 with art, 4 placeholders), 2 references"


def add_story(root: Path, name: str) -> Path:
    """The mini fixture's story as stories/<name>/, titled after its name."""
    folder = root / "stories" / name
    shutil.copytree(FIXTURES / "mini" / "story", folder)
    meta = folder / "story.yaml"
    meta.write_text(meta.read_text("utf-8").replace("The Little Lighthouse",
                                                    name.replace("-", " ").title()), "utf-8")
    return folder


def break_story(folder: Path) -> None:
    """An unknown citation on line 8 of the first chapter."""
    chapter = folder / "chapters" / "01-storm.md"
    chapter.write_text(chapter.read_text("utf-8").replace("[@history]", "[@nope]"), "utf-8")


@pytest.fixture
def site(tmp_path) -> Path:
    """Three stories listed in mkdocs.yml; the middle one cites a reference it lacks."""
    root = tmp_path / "site"
    root.mkdir()
    (root / "mkdocs.yml").write_text(MKDOCS_YML, "utf-8")
    for name in NAMES:
        add_story(root, name)
    break_story(root / "stories" / "tide-of-lanterns")
    return root


def run(root: Path, *args: str) -> tuple[int, str, str]:
    proc = subprocess.run([*CLI, *args], cwd=root, capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def heading(name: str) -> str:
    return f"== {name} (stories/{name}/) =="


def sections(out: str) -> dict[str, str]:
    """Each story's part of the output, by the name in its heading line."""
    found: dict[str, str] = {}
    for part in out.split("== ")[1:]:
        name = part.split(" ", 1)[0]
        found[name] = part.split("==\n", 1)[1]
    return found


# --------------------------------------------------------------------------- the stories list

def test_the_stories_come_in_mkdocs_yml_order_with_their_prefixes(site):
    assert project_stories(site) == [
        ProjectStory("the-robot-garden", site / "stories/the-robot-garden",
                     "stories/the-robot-garden/"),
        ProjectStory("tide-of-lanterns", site / "stories/tide-of-lanterns", "tides/"),
        ProjectStory("winter-bees", site / "stories/winter-bees", "stories/winter-bees/"),
    ]


def test_without_a_stories_list_the_story_dir_is_the_one_story(tmp_path):
    assert project_stories(tmp_path) == [ProjectStory("story", tmp_path / "story", "")]
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: "
        "!!python/name:material.extensions.emoji.twemoji\nplugins:\n  - graphic-novel:\n"
        "      story_dir: !ENV [STORY, book]\n  - search\n", "utf-8")
    assert project_stories(tmp_path) == [ProjectStory("story", tmp_path / "story", "")]
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  graphic-novel:\n    story_dir: books/first/\n", "utf-8")
    assert project_stories(tmp_path) == [ProjectStory("first", tmp_path / "books/first/", "")]


@pytest.mark.parametrize("entries, message", [
    ("        - stories/a\n",
     "mkdocs.yml:10: this `stories:` entry is not a folder entry; write it as "
     "`- folder: stories/a`."),
    ("        - folder: stories/a\n        - prefix: b/\n",
     "mkdocs.yml:11: this `stories:` entry has no `folder:` (the story folder, relative to "
     "mkdocs.yml); add one."),
    ("        - folder: stories/a\n        - folder: old/stories/a/\n          prefix: old/\n",
     "mkdocs.yml:11: two stories are named 'a' (a story's name is its folder's last part; "
     "the other is on line 10); rename one folder."),
    ("        - folder: stories/a\n        - folder: stories/b\n          prefix: stories/a\n",
     "mkdocs.yml:11: stories 'a' and 'b' have the same prefix 'stories/a'; give each its own."),
    ("        - {folder: stories/a, prefix: 3}\n",
     "mkdocs.yml:10: the prefix of story 'a' is not text; write it as `prefix: tides/`, or "
     "leave it out."),
    ("        - folder: ..\n",
     "mkdocs.yml:10: the folder '..' has no name of its own; list the story's own folder, "
     "such as `stories/<name>`."),
])
def test_a_bad_stories_entry_is_one_line_naming_mkdocs_yml_and_its_line(
        tmp_path, monkeypatch, capsys, entries, message):
    head = MKDOCS_YML.split("        - folder:", 1)[0]
    (tmp_path / "mkdocs.yml").write_text(head + entries, "utf-8")
    with pytest.raises(StoryError) as caught:
        project_stories(tmp_path)
    assert str(caught.value) == str(tmp_path / message)
    monkeypatch.chdir(tmp_path)
    for command in ("check", "status", "prompts", "pdf"):
        assert main([command]) == 1
        out, err = capsys.readouterr()
        assert err == f"error: {message}\n" and not out, command


def test_an_empty_stories_list_and_broken_yaml_say_so(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    head = MKDOCS_YML.split("        - folder:", 1)[0]
    Path("mkdocs.yml").write_text(head.replace("stories:", "stories: []"), "utf-8")
    assert main(["check"]) == 1
    assert capsys.readouterr().err == (
        "error: mkdocs.yml:9: the graphic-novel plugin's `stories:` lists no story; write "
        "each as `- folder: stories/<name>`, or remove it to use story_dir.\n")
    Path("mkdocs.yml").write_text("site_name: x\nplugins:\n  - graphic-novel:\n"
                                  "      stories: [\n", "utf-8")
    assert main(["status"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: mkdocs.yml:5: YAML syntax error (") and err.count("\n") == 1
    assert main(["status", "--story-dir", "elsewhere"]) == 1  # mkdocs.yml is not read
    assert "elsewhere: the story folder does not exist" in capsys.readouterr().err


# --------------------------------------------------------------------------- check

def test_check_reports_every_story_and_the_broken_ones_file_and_line(site):
    code, out, err = run(site, "check")
    assert code == 1
    assert [line for line in out.splitlines() if line.startswith("==")] == \
        [heading(name) for name in NAMES]
    parts = sections(out)
    assert parts["the-robot-garden"].strip() == OK_LINE
    assert parts["tide-of-lanterns"].strip() == ""  # its problems are on stderr
    assert parts["winter-bees"].strip() == OK_LINE  # checked after the broken one
    assert err.splitlines() == [
        "error: stories/tide-of-lanterns/chapters/01-storm.md:8: unknown citation '@nope'; "
        "add it to stories/tide-of-lanterns/references.yaml or fix the id.",
        "1 problem found in stories/tide-of-lanterns/",
        "",
        "1 of 3 stories with problems: tide-of-lanterns",
    ]
    assert "Traceback" not in err


def test_a_listed_folder_that_is_not_there_is_that_storys_problem(site):
    shutil.rmtree(site / "stories/the-robot-garden")
    code, out, err = run(site, "check")
    assert code == 1
    assert err.splitlines()[:2] == [
        "error: stories/the-robot-garden: the story folder does not exist; create it or "
        "correct its path in mkdocs.yml (`story_dir`, or its `folder:` under `stories:`).",
        "1 problem found in stories/the-robot-garden/"]
    assert err.rstrip().endswith("2 of 3 stories with problems: the-robot-garden, "
                                 "tide-of-lanterns")
    assert sections(out)["winter-bees"].strip() == OK_LINE


def test_check_of_several_good_stories_ends_with_the_count(site):
    chapter = site / "stories/tide-of-lanterns/chapters/01-storm.md"
    chapter.write_text(chapter.read_text("utf-8").replace("[@nope]", "[@history]"), "utf-8")
    code, out, err = run(site, "check")
    assert code == 0, err
    assert out.rstrip().endswith(f"{OK_LINE}\n\nok: 3 stories") and not err


def test_check_story_picks_one(site):
    code, out, err = run(site, "check", "--story", "winter-bees")
    assert (code, out, err) == (0, OK_LINE + "\n", "")
    code, out, err = run(site, "check", "--story", "tide-of-lanterns")
    assert code == 1 and not out
    assert err.splitlines()[-1] == "1 problem found in stories/tide-of-lanterns/"


def test_an_unknown_story_name_is_one_line_listing_the_names(site):
    for command in ("check", "status", "prompts", "pdf"):
        code, out, err = run(site, command, "--story", "the-robot")
        assert code == 2 and not out, command
        assert err == ("error: mkdocs.yml has no story named 'the-robot'; its 3 stories are: "
                       "the-robot-garden, tide-of-lanterns, winter-bees.\n"), command
    code, _, err = run(site, "check", "--story", "winter-bees", "--story-dir", "x")
    assert code == 2 and err == "error: give --story NAME or --story-dir DIR, not both.\n"


def test_story_dir_still_names_one_folder(site):
    code, out, err = run(site, "check", "--story-dir", "stories/tide-of-lanterns")
    assert code == 1 and not out
    # named from the folder holding it, as before there were several stories
    assert err.startswith("error: tide-of-lanterns/chapters/01-storm.md:8: unknown citation")
    code, out, _ = run(site, "check", "--story-dir", "stories/winter-bees")
    assert (code, out) == (0, OK_LINE + "\n")


# --------------------------------------------------------------------------- status

def test_status_per_story(site):
    art = site / "stories/winter-bees/art"
    art.mkdir()
    Image.new("RGB", (1600, 900), "teal").save(art / "02-lens.png")
    Image.new("RGB", (10, 10), "red").save(art / "stray.png")
    code, out, err = run(site, "status")
    assert code == 1  # the broken story cannot be read
    parts = sections(out)
    assert list(parts) == list(NAMES)
    assert parts["the-robot-garden"].rstrip().endswith(
        "4 panels: 0 with art, 4 placeholders; 0 unmatched art files")
    assert parts["tide-of-lanterns"].strip() == ""
    bees = parts["winter-bees"]
    assert bees.rstrip().endswith("4 panels: 1 with art, 3 placeholders; 1 unmatched art file")
    lens = next(line for line in bees.splitlines() if line.startswith("02-lens"))
    assert "art: 02-lens.png" in lens and "1600x900" in lens
    assert "  stray.png" in bees and "stray.png" not in parts["the-robot-garden"]
    assert err == ("error: stories/tide-of-lanterns/chapters/01-storm.md:8: unknown citation "
                   "'@nope'; add it to stories/tide-of-lanterns/references.yaml or fix the id.\n")
    code, out, _ = run(site, "status", "--story", "winter-bees")
    assert code == 0 and not out.startswith("==") and out.startswith("panel ")
    assert out.rstrip().endswith("1 unmatched art file")


# --------------------------------------------------------------------------- prompts

def test_prompts_of_several_stories_carry_a_story_field(site):
    code, out, err = run(site, "prompts")
    assert code == 1
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["story"], r["id"]) for r in rows] == [
        (name, pid) for name in ("the-robot-garden", "winter-bees")
        for pid in ("cover", "01-storm", "02-lens", "02-dawn")]
    assert list(rows[0])[:2] == ["story", "id"]
    assert err.splitlines()[-1] == ("tide-of-lanterns: its prompts are left out until the "
                                    "problems above are fixed.")
    assert err.startswith("error: stories/tide-of-lanterns/chapters/01-storm.md:8:")

    code, out, _ = run(site, "prompts", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert out.splitlines()[0] == "story,id,number,chapter,title,file,has_art,alt,prompt"
    assert [r["story"] for r in table] == ["the-robot-garden"] * 4 + ["winter-bees"] * 4
    assert table[5]["file"] == "01-storm.png"

    code, out, _ = run(site, "prompts", "--format", "md")
    assert out.count("# Image prompts: ") == 2
    assert "# Image prompts: The Robot Garden\n" in out and "# Image prompts: Winter Bees\n" in out
    assert "Save the image as `stories/winter-bees/art/02-lens.png`." in out
    assert "`story/art/" not in out


def test_prompts_of_one_story_have_no_story_field(site):
    code, out, err = run(site, "prompts", "--story", "winter-bees")
    assert code == 0 and not err
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 4 and "story" not in rows[0]
    code, out, _ = run(site, "prompts", "--story", "winter-bees", "--format", "csv")
    assert out.splitlines()[0] == "id,number,chapter,title,file,has_art,alt,prompt"


def test_prompts_missing_says_which_story_has_every_panel_drawn(site):
    art = site / "stories/the-robot-garden/art"
    art.mkdir()
    for pid in ("cover", "01-storm", "02-lens", "02-dawn"):
        Image.new("RGB", (32, 18), "navy").save(art / f"{pid}.png")
    code, out, err = run(site, "prompts", "--missing", "--format", "csv")
    assert code == 1
    assert {r["story"] for r in csv.DictReader(io.StringIO(out))} == {"winter-bees"}
    assert "the-robot-garden: every panel has art\n" in err


# --------------------------------------------------------------------------- pdf

def test_pdf_with_several_stories_wants_story_for_output(site):
    code, out, err = run(site, "pdf", "--output", "book.pdf")
    assert code == 2 and not out
    assert err == ("error: --output names one file; choose the story with --story NAME "
                   "(the-robot-garden, tide-of-lanterns, winter-bees).\n")
    assert not (site / "book.pdf").exists()


def test_pdf_of_a_listed_story_goes_under_its_prefix(site):
    pytest.importorskip("weasyprint")
    code, out, err = run(site, "pdf", "--story", "winter-bees")
    assert code == 0, err
    made = site / "site_build/stories/winter-bees/winter-bees.pdf"
    assert out.startswith(f"wrote {made.relative_to(site)} (")
    assert made.read_bytes().startswith(b"%PDF-")
    assert (site / ".cache/graphic-novel").is_dir()  # the project's cache, not stories/.cache
    assert not (site / "stories/.cache").exists()


# --------------------------------------------------------------------------- one story, and make

def test_a_single_story_project_is_as_before(tmp_path):
    root = tmp_path / "one"
    shutil.copytree(FIXTURES / "mini", root)
    code, out, err = run(root, "check")
    assert (code, out, err) == (0, OK_LINE + "\n", "")
    assert run(root, "check", "--story", "story") == (0, OK_LINE + "\n", "")
    code, out, _ = run(root, "status")
    assert out.startswith("panel ") and "==" not in out
    code, _, err = run(root, "check", "--story", "other")
    assert code == 2 and err == ("error: mkdocs.yml has no story named 'other'; its 1 story "
                                 "is: story.\n")


def test_the_makefile_of_several_stories_checks_them_all_at_once(tmp_path):
    """`make check` in the project `import FOLDER` writes: one `graphic-novel
    check`, every story under its heading, exit status from the broken one."""
    root = tmp_path / "made"
    folders = [f"stories/{name}" for name in NAMES]
    for relpath, text in support_files("Three", stories=folders).items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(text, "utf-8")
    for name in NAMES:
        add_story(root, name)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"}}  # this checkout
    proc = subprocess.run(["make", "-s", "check"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [line for line in proc.stdout.splitlines() if line.startswith("==")] == \
        [heading(name) for name in NAMES]
    assert proc.stdout.count(OK_LINE) == 3 and proc.stdout.rstrip().endswith("ok: 3 stories")
    break_story(root / "stories/winter-bees")
    proc = subprocess.run(["make", "-s", "check"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode != 0
    assert "error: stories/winter-bees/chapters/01-storm.md:8: unknown citation" in proc.stderr
    assert "1 of 3 stories with problems: winter-bees" in proc.stderr
