"""`graphic-novel import FOLDER`: a folder of stories, one story folder each,
their images copied into art/ under the importer's panel ids, the folder's
index page of cards left out, mkdocs.yml listing the stories."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
import yaml
from PIL import Image

from graphic_novel.cli import main
from graphic_novel.importer.folder import find_stories
from graphic_novel.importer.story_index import story_index_links
from graphic_novel.loader import load_story

# --------------------------------------------------------------------------- the made-up folder

ROBOT_GARDEN = """\
---
title: The Robot Garden - A Story of Seeds
description: A small robot learns to grow things.
image: /stories/the-robot-garden/cover.png
---

# The Robot Garden

![](./cover.png)
<details>
<summary>Cover Image Prompt</summary>
A wide 16:9 cover of a small round robot kneeling in a vegetable patch at sunrise.
</details>

<details>
<summary>Narrative Prompt</summary>
A four-panel story about a robot that learns gardening from an old neighbour.
</details>

### Prologue – The Empty Lot

Nothing grew behind the workshop until Pip the robot found a packet of seeds.

## Panel 1: Digging In

![](./panel-01.png)
<details><summary>Image Prompt</summary>
Please generate a 16:9 image in a soft watercolour style depicting panel 1 of 3.
The scene is a robot pressing seeds into dark soil with one careful finger.
</details>

Pip pressed each seed down and waited for something to happen.

## Panel 2: Rain at Last

![](./panel-02.png)
<details><summary>Image Prompt</summary>
A robot holding a leaf over its head as the first rain of spring falls on the garden.
</details>

The rain came, and Pip worried about rust.

## Panel 3: The First Tomato

<details><summary>Image Prompt</summary>
Image 3: A robot and an old woman admiring a single red tomato on a tall green vine.
</details>

Mrs Okafor showed Pip how to tie the vine to a stick.

### Epilogue – What Pip Learned

Patience is a kind of work too.

## References

1. [Growing tomatoes](https://example.org/tomatoes) - A beginner's guide.
"""

TIDE_OF_LANTERNS = """\
# Tide of Lanterns

## Chapter 1: The Harbour Festival

![](./01-harbour.png)
<details>
  <summary>Show Image Prompt</summary>
Image 1: A bright, colourful wide-landscape drawing of paper lanterns floating on a harbour at dusk.
</details>

Every autumn the town sets a thousand lanterns on the water.

## Chapter 2: The Boat Builders

![](images/tide/02-boats.png)
<details><summary>Image Prompt</summary>
2: A wide-landscape drawing of two children painting a small wooden boat in a shed.
</details>

Lina and her brother built a boat to carry the biggest lantern.

## Epilogue: Morning

![](./03-dawn.png)
<details>
 <summary>Image Prompt</summary>
 3: A wide-landscape drawing of the harbour at dawn, the lanterns drifting out to sea.
 </details>

By morning only the gulls were left to see them go.

## References

-   [Lantern festivals](https://example.org/lanterns)
"""

MOTH = """\
# The Moth and the Moon

<details>
<summary>Cover Image Prompt</summary>
A night sky with a pale moon and one small grey moth flying towards it.
</details>

## Chapter 1: A Long Way Up

![A grey moth on a windowsill looking up at the moon](images/moth/panel-01.png)
<details><summary>Image Prompt</summary>
A grey moth on a windowsill looking up at a huge full moon.
</details>

The moth decided that tonight was the night.

## Chapter 2: The Street Lamp

![](images/moth/panel-02.jpg)
<details><summary>Image Prompt</summary>
A moth circling a street lamp, the moon small and far behind it.
</details>

The lamp was bright, but it was not the moon.
"""

WINTER_BEES = """\
Winter Bees

The hive was quiet in January, but it was not asleep.

Keeping Warm

The bees packed together in a ball and shivered their wings to make heat.

The First Flowers

In March the snowdrops opened and the first bees flew out to find them.
"""

# Line 3 holds a byte that is not UTF-8: the story cannot be read.
BROKEN = b"# The Lost Map\n\n## Chapter 1: \xff\xfe The Attic\n\nA map.\n"

CARDS_INDEX = """\
# Our Stories

Stories written with the class this year.

<div class="grid cards" markdown>

-   **[The Robot Garden](the-robot-garden/index.md)**

    ![](the-robot-garden/cover.png)

    A robot learns to grow things.

-   **[Tide of Lanterns](tide-of-lanterns/index.md)**

    A harbour festival.

-   **[The Moth and the Moon](the-moth-and-the-moon.md)**

    [:octicons-arrow-right-24: Read](the-moth-and-the-moon.md)

-   **[Winter Bees](winter-bees.md)**

-   **[The Lost Map](broken-story/)**

</div>
"""


def png(colour: tuple[int, int, int], fmt: str = "PNG") -> bytes:
    """A small image, its colour making its bytes its own."""
    out = io.BytesIO()
    Image.new("RGB", (32, 18), colour).save(out, fmt)
    return out.getvalue()


def write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")


def make_folder(root: Path) -> Path:
    """Five stories (three in their own folder, two flat), one of them
    unreadable, images beside them, and the hand-kept page of cards."""
    folder = root / "docs" / "stories"
    files: dict[str, str | bytes] = {
        "index.md": CARDS_INDEX,
        "the-robot-garden/index.md": ROBOT_GARDEN,
        "the-robot-garden/cover.png": png((200, 40, 40)),
        "the-robot-garden/panel-01.png": png((40, 200, 40)),
        "the-robot-garden/panel-02.png": png((40, 40, 200)),
        "the-robot-garden/panel-03.png": png((200, 200, 40)),
        "the-robot-garden/notes.txt": "not an image",
        "tide-of-lanterns/index.md": TIDE_OF_LANTERNS,
        "tide-of-lanterns/01-harbour.png": png((10, 20, 30)),
        "tide-of-lanterns/images/tide/02-boats.png": png((30, 20, 10)),
        "broken-story/index.md": BROKEN,
        "broken-story/cover.png": png((1, 2, 3)),
        "the-moth-and-the-moon.md": MOTH,
        "images/moth/panel-01.png": png((90, 90, 90)),
        "images/moth/panel-02.jpg": png((120, 60, 30), "JPEG"),
        "images/moth/cover.png": png((5, 5, 60)),
        "cover.png": png((250, 250, 250)),  # beside the flat stories: nobody's in particular
        "winter-bees.md": WINTER_BEES,
    }
    for rel, content in files.items():
        write(folder / rel, content)
    return folder


def snapshot(folder: Path) -> dict[str, str]:
    """Every path under ``folder`` (folders too) with its bytes' digest."""
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest()
                                               if p.is_file() else "dir")
            for p in sorted(folder.rglob("*"))}


def chapter_files(story_dir: Path) -> list[str]:
    return sorted(p.name for p in (story_dir / "chapters").iterdir())


def panel_ids(story_dir: Path) -> list[str]:
    data = yaml.safe_load((story_dir / "image_prompts.yaml").read_text("utf-8"))
    return [p["id"] for p in data["panels"]]


def art(story_dir: Path) -> dict[str, bytes]:
    folder = story_dir / "art"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


@pytest.fixture
def imported(tmp_path, monkeypatch, capsys):
    """The made-up folder imported into project/ (exit code, stdout, stderr)."""
    folder = make_folder(tmp_path / "course")
    before = snapshot(folder.parent.parent)
    monkeypatch.chdir(tmp_path)
    code = main(["import", str(folder.relative_to(tmp_path)), "-o", "project"])
    out, err = capsys.readouterr()
    return {"code": code, "out": out, "err": err, "folder": folder, "before": before,
            "project": tmp_path / "project"}


# --------------------------------------------------------------------------- the import

def test_four_stories_imported_and_the_broken_one_listed(imported):
    assert imported["code"] == 0
    stories = imported["project"] / "stories"
    assert sorted(p.name for p in stories.iterdir()) == [
        "the-moth-and-the-moon", "the-robot-garden", "tide-of-lanterns", "winter-bees"]

    robot = stories / "the-robot-garden"
    assert chapter_files(robot) == ["01-the-empty-lot.md", "02-digging-in.md",
                                    "03-rain-at-last.md", "04-the-first-tomato.md",
                                    "05-what-pip-learned.md"]
    assert panel_ids(robot) == ["cover", "panel-01", "panel-02", "panel-03"]
    tide = stories / "tide-of-lanterns"
    assert chapter_files(tide) == ["01-the-harbour-festival.md", "02-the-boat-builders.md",
                                   "03-morning.md"]
    assert panel_ids(tide) == ["01-harbour", "02-boats", "03-dawn"]
    moth = stories / "the-moth-and-the-moon"
    assert chapter_files(moth) == ["01-a-long-way-up.md", "02-the-street-lamp.md"]
    assert panel_ids(moth) == ["cover", "panel-01", "panel-02"]
    bees = stories / "winter-bees"
    assert chapter_files(bees) == ["01-keeping-warm.md", "02-the-first-flowers.md"]
    assert panel_ids(bees) == []
    for story_dir in (robot, tide, moth, bees):
        load_story(story_dir)  # each is a story the site reads (raises if not)


def test_images_are_copied_under_the_panel_ids_with_identical_bytes(imported):
    src, stories = imported["folder"], imported["project"] / "stories"
    robot = src / "the-robot-garden"
    assert art(stories / "the-robot-garden") == {
        "cover.png": (robot / "cover.png").read_bytes(),
        "panel-01.png": (robot / "panel-01.png").read_bytes(),
        "panel-02.png": (robot / "panel-02.png").read_bytes(),
        # No image line: its label's number and the file beside the story name it.
        "panel-03.png": (robot / "panel-03.png").read_bytes(),
    }
    assert art(stories / "tide-of-lanterns") == {
        "01-harbour.png": (src / "tide-of-lanterns/01-harbour.png").read_bytes(),
        "02-boats.png": (src / "tide-of-lanterns/images/tide/02-boats.png").read_bytes(),
    }
    # A flat story takes the files its Markdown names, and images named like
    # its panels from the folder those are in (images/moth/cover.png for the
    # cover it has a prompt for), never from the folder it shares with the
    # other flat stories (the cover.png there is nobody's in particular).
    assert art(stories / "the-moth-and-the-moon") == {
        "cover.png": (src / "images/moth/cover.png").read_bytes(),
        "panel-01.png": (src / "images/moth/panel-01.png").read_bytes(),
        "panel-02.jpg": (src / "images/moth/panel-02.jpg").read_bytes(),
    }
    assert art(stories / "winter-bees") == {}
    story = load_story(stories / "the-robot-garden")
    assert sorted(story.art) == ["cover", "panel-01", "panel-02", "panel-03"]


def test_the_originals_are_untouched(imported):
    assert snapshot(imported["folder"].parent.parent) == imported["before"]


def test_the_index_page_is_not_imported(imported):
    out = imported["out"]
    assert "index page, not imported: course/docs/stories/index.md (it links to 5 stories)" in out
    stories = imported["project"] / "stories"
    assert not (stories / "stories").exists() and not (stories / "index").exists()
    assert not any("Our Stories" in p.read_text("utf-8")
                   for p in stories.rglob("story.yaml"))


def test_the_report_per_story(imported):
    out, err = imported["out"], imported["err"]
    assert "Found 5 stories in course/docs/stories/." in out
    robot = out.split("\nthe-robot-garden:", 1)[1].split("\n\n", 1)[0]
    assert robot.startswith(' "The Robot Garden" from course/docs/stories/the-robot-garden/'
                            "index.md\n")
    assert "  5 chapters, 4 panels, 5 prompts and 1 reference; 4 images copied, 0 missing\n" in robot
    assert "  copied: course/docs/stories/the-robot-garden/panel-01.png -> art/panel-01.png" in robot
    assert "  note: course/docs/stories/the-robot-garden/index.md:45: a prompt has no image " \
           "line before it; its label's number and the file beside the answer make it " \
           "'panel-03'" in robot
    tide = out.split("\ntide-of-lanterns:", 1)[1].split("\n\n", 1)[0]
    assert "  3 chapters, 3 panels, 3 prompts and 1 reference; 2 images copied, 1 missing" in tide
    assert ("  missing: course/docs/stories/tide-of-lanterns/index.md:24: the image "
            "'./03-dawn.png' is not there; panel '03-dawn' shows a placeholder until "
            "art/03-dawn.png exists.") in tide
    bees = out.split("\nwinter-bees:", 1)[1].split("\n\n", 1)[0]
    assert "  2 chapters, 0 panels, 0 prompts and 0 references; 0 images copied, 0 missing" in bees
    moth = out.split("\nthe-moth-and-the-moon:", 1)[1].split("\n\n", 1)[0]
    assert "  2 chapters, 3 panels, 3 prompts and 0 references; 3 images copied, 0 missing" in moth
    assert ("\nfailed: broken-story: course/docs/stories/broken-story/index.md:3: the file is "
            "not valid UTF-8 text; save it with UTF-8 encoding.\n") in out
    assert "Traceback" not in out + err and not err
    assert out.rstrip().endswith("Imported 4 of 5 stories into project/stories/; not "
                                 "imported: broken-story.")


def test_mkdocs_yml_lists_the_imported_stories(imported):
    project = imported["project"]
    config = yaml.safe_load((project / "mkdocs.yml").read_text("utf-8"))
    assert config["site_name"] == "Our Stories"  # the index page's title
    plugin = next(p["graphic-novel"] for p in config["plugins"]
                  if isinstance(p, dict) and "graphic-novel" in p)
    assert plugin == {"stories": [{"folder": "stories/the-moth-and-the-moon"},
                                  {"folder": "stories/the-robot-garden"},
                                  {"folder": "stories/tide-of-lanterns"},
                                  {"folder": "stories/winter-bees"}],
                      "epub": True, "pdf": True, "paper": "a4"}  # the editions, as `new` writes
    for name in ("Makefile", "README.md", ".gitignore", "docs/.gitkeep"):
        assert (project / name).exists(), name
    makefile = (project / "Makefile").read_text("utf-8")
    # one `graphic-novel check` reads every story mkdocs.yml lists: no loop per story
    assert "check:  ## every problem in every story, with file and line, without building\n" \
           "\t$(PYTHON) -m graphic_novel check\n" in makefile
    assert "--story-dir" not in makefile and "stories/" not in makefile
    assert "4 stories, one folder each" in (project / "README.md").read_text("utf-8")


# --------------------------------------------------------------------------- again, and refusals

def test_a_second_import_refuses_each_story_and_force_keeps_backups(imported, capsys):
    folder = imported["folder"]
    mkdocs_yml = (imported["project"] / "mkdocs.yml").read_bytes()
    robot_before = snapshot(imported["project"] / "stories/the-robot-garden")
    args = ["import", str(folder), "-o", str(imported["project"])]
    assert main(args) == 1  # no story imported: each one's folder holds a story
    out, err = capsys.readouterr()
    assert out.count("already holds a story") == 4 and "No story was imported" in err
    assert snapshot(imported["project"] / "stories/the-robot-garden") == robot_before
    assert main([*args, "--force"]) == 0
    out, err = capsys.readouterr()
    assert "the story that was there is kept, as it was, in" in out
    backups = sorted(p.name for p in (imported["project"] / "stories").iterdir()
                     if ".backup-" in p.name)
    assert len(backups) == 4
    assert "mkdocs.yml is there already and was left as it is" in out
    assert "        - folder: stories/winter-bees" in out
    assert (imported["project"] / "mkdocs.yml").read_bytes() == mkdocs_yml


def test_writing_into_the_folder_being_imported_is_refused(tmp_path, capsys):
    folder = make_folder(tmp_path)
    before = snapshot(folder)
    assert main(["import", str(folder), "-o", str(folder)]) == 2
    assert main(["import", str(folder.parent), "-o", str(folder / "the-robot-garden")]) == 2
    err = capsys.readouterr().err
    assert "the folder being imported" in err and "Traceback" not in err
    assert snapshot(folder) == before


def test_a_folder_with_no_story_exits_1(tmp_path, capsys):
    folder = tmp_path / "empty"
    write(folder / "index.md", CARDS_INDEX)
    write(folder / "notes" / "todo.md", "# To do\n\nNothing yet.\n")
    assert main(["import", str(folder), "-o", str(tmp_path / "out")]) == 1
    out, err = capsys.readouterr()
    assert "Found 0 stories" in out and "index page, not imported" in out
    assert "skipped: " in out and "notes/: holds Markdown but no index.md" in out
    assert "No story was imported" in err
    assert not (tmp_path / "out").exists()


def test_output_option_is_for_folders_only(tmp_path, capsys):
    answer = tmp_path / "a.md"
    write(answer, TIDE_OF_LANTERNS)
    assert main(["import", str(answer), "-o", str(tmp_path / "p")]) == 2
    assert "-o PROJECT_DIR is for importing a folder" in capsys.readouterr().err


# --------------------------------------------------------------------------- the index page rule

BULLET_INDEX = """\
# Stories

- [The Robot Garden](./the-robot-garden/)
- [Tide of Lanterns](tide-of-lanterns/index.md)
- [Winter Bees](winter-bees.md)
- [Back to the course](../index.md)
"""

HTML_CARDS = """\
<div class="grid cards">
  <a class="card" href="the-robot-garden/"><img src="the-robot-garden/cover.png"> Robots</a>
  <a class="card" href="tide-of-lanterns/index.html">Lanterns</a>
</div>
"""

STORY_LINKING_ON = TIDE_OF_LANTERNS + """
## Read next

- [The Robot Garden](../the-robot-garden/index.md)
- [Winter Bees](winter-bees.md)
- [The Moth and the Moon](the-moth-and-the-moon.md)
"""


@pytest.mark.parametrize("text, expected", [
    (CARDS_INDEX, ["the-robot-garden/index.md", "tide-of-lanterns/index.md",
                   "the-moth-and-the-moon.md", "winter-bees.md", "broken-story/"]),
    (BULLET_INDEX, ["./the-robot-garden/", "tide-of-lanterns/index.md", "winter-bees.md"]),
    (HTML_CARDS, ["the-robot-garden/", "tide-of-lanterns/index.html"]),
    # Stories, not index pages: their chapters and panels outnumber the links.
    (STORY_LINKING_ON, []),
    (ROBOT_GARDEN, []),
    # One link is not a list of stories; links into the wider site do not count.
    ("# A\n\n- [One](one.md)\n- [Up](../two.md)\n- [Deep](x/y/z.md)\n", []),
    ("```\n- [One](one.md)\n- [Two](two.md)\n```\n", []),  # in code: not links
])
def test_story_index_rule(text, expected):
    assert story_index_links(text) == expected


def test_a_plain_list_of_links_is_the_index_of_a_flat_folder(tmp_path):
    write(tmp_path / "index.md", BULLET_INDEX)
    write(tmp_path / "winter-bees.md", WINTER_BEES)
    write(tmp_path / "tide-of-lanterns.md", TIDE_OF_LANTERNS)
    scan = find_stories(tmp_path)
    assert [(f.path.name, f.slug) for f in scan.stories] == [
        ("tide-of-lanterns.md", "tide-of-lanterns"), ("winter-bees.md", "winter-bees")]
    assert [p.name for p, _ in scan.index_pages] == ["index.md"]


def test_slugs_are_safe_and_unique(tmp_path):
    write(tmp_path / "Winter Bees!.md", WINTER_BEES)
    write(tmp_path / "winter_bees.md", WINTER_BEES)
    write(tmp_path / "Été" / "index.md", TIDE_OF_LANTERNS)
    write(tmp_path / "###.md", MOTH)
    scan = find_stories(tmp_path)
    assert sorted(f.slug for f in scan.stories) == ["ete", "story", "winter-bees",
                                                    "winter-bees-2"]


# --------------------------------------------------------------------------- odd folders

def test_art_that_cannot_be_used_is_not_copied_and_said(tmp_path, capsys):
    folder = tmp_path / "stories"
    story = TIDE_OF_LANTERNS.replace("./01-harbour.png", "./01-harbour.gif")
    write(folder / "tide" / "index.md", story)
    write(folder / "tide" / "01-harbour.gif", png((1, 1, 1), "GIF"))
    write(folder / "tide" / "images/tide/02-boats.png", png((2, 2, 2))[:40])  # cut short
    write(folder / "tide" / "03-dawn.png", png((3, 3, 3)))
    assert main(["import", str(folder), "-o", str(tmp_path / "p")]) == 0
    out = capsys.readouterr().out
    assert art(tmp_path / "p/stories/tide") == {"03-dawn.png": png((3, 3, 3))}
    assert (f"  warning: {folder}/tide/index.md:5: '01-harbour.gif' was not copied: art/ "
            "takes .png, .jpg, .jpeg or .webp; save it as one of those as "
            "art/01-harbour.png.") in out
    assert f"  warning: {folder}/tide/index.md:15: '02-boats.png' was not copied: the art file cannot be read " \
           "as an image" in out
    assert "1 image copied, 0 missing" in out


def test_a_file_with_nothing_story_like_fails_alone(tmp_path, capsys):
    folder = tmp_path / "stories"
    write(folder / "shopping-list.md", "Eggs, flour and a lot of butter, for the cake.\n")
    write(folder / "winter-bees.md", WINTER_BEES)
    write(folder / "README.md", "# About these stories\n\nWritten in class.\n")
    assert main(["import", str(folder), "-o", str(tmp_path / "p")]) == 0
    out = capsys.readouterr().out
    assert (f"\nfailed: shopping-list: {folder}/shopping-list.md:1: found no Markdown "
            "headings;") in out
    assert f"skipped: {folder}/README.md: a README, not a story" in out
    assert sorted(p.name for p in (tmp_path / "p/stories").iterdir()) == ["winter-bees"]
    assert "Imported 1 of 2 stories into" in out


def test_one_story_folder_on_its_own(tmp_path, capsys):
    """The folder of one story (its index.md, images beside it) is that story."""
    folder = make_folder(tmp_path) / "the-robot-garden"
    assert main(["import", str(folder), "-o", str(tmp_path / "p")]) == 0
    out = capsys.readouterr().out
    assert sorted(art(tmp_path / "p/stories/the-robot-garden")) == [
        "cover.png", "panel-01.png", "panel-02.png", "panel-03.png"]
    assert "Imported 1 of 1 story into" in out


def test_an_index_page_in_a_subfolder_points_at_that_folder(tmp_path, capsys):
    folder = tmp_path / "stories"
    write(folder / "season-two" / "index.md", BULLET_INDEX)
    write(folder / "winter-bees.md", WINTER_BEES)
    assert main(["import", str(folder), "-o", str(tmp_path / "p")]) == 0
    out = capsys.readouterr().out
    assert (f"index page, not imported: {folder}/season-two/index.md (it links to 3 stories; "
            f"import {folder}/season-two/ on its own for those)") in out
