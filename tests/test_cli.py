"""The graphic-novel command: check, prompts, status, new; drafts; art variants."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from PIL import Image

from graphic_novel.cli import main

CLI = [sys.executable, "-m", "graphic_novel"]


def run(project, *args):
    proc = subprocess.run([*CLI, *args], cwd=project.root, capture_output=True, text=True,
                          timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def test_check_good_story(project):
    code, out, err = run(project, "check")
    assert code == 0, err
    assert out.strip() == ("ok: 3 chapters, 4 panels (0 with art, 4 placeholders), "
                           "2 references")


def test_check_lists_every_problem_with_file_and_line(project):
    project.edit("story/chapters/01-storm.md", "[@history]", "[@nope]")
    project.edit("story/chapters/02-lens.md", "By dawn it turned.", "![](02-ghost.png)")
    before = project.tree_digest()
    code, out, err = run(project, "check")
    assert code == 1
    assert "error: story/chapters/01-storm.md:8: unknown citation '@nope'" in err
    assert "error: story/chapters/02-lens.md:12: panel '02-ghost' has no entry" in err
    assert "Traceback" not in err
    assert project.tree_digest() == before


def test_check_reports_unused_prompt_and_corrupt_art(project):
    project.edit("story/image_prompts.yaml", "panels:\n", "panels:\n  - id: spare\n"
                 "    alt: A spare.\n    prompt: Nobody uses me.\n")
    (project.story / "art").mkdir()
    (project.story / "art" / "02-lens.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"junk" * 10)
    code, _, err = run(project, "check")
    assert code == 1
    assert "warning: story/image_prompts.yaml:5: panel 'spare' has a prompt but no chapter" in err
    assert "error: story/art/02-lens.png: the art file cannot be read as an image" in err
    assert "2 problems found in story/" in err


def test_prompts_export_formats_and_missing(project):
    (project.story / "art").mkdir()
    Image.new("RGB", (640, 360), "teal").save(project.story / "art" / "01-storm.jpg")
    code, out, _ = run(project, "prompts")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == ["cover", "01-storm", "02-lens", "02-dawn"]
    storm = rows[1]
    assert storm["file"] == "01-storm.jpg" and storm["has_art"] is True
    # Plain text for an image generator: the shared style first, no Markdown marks.
    assert storm["prompt"] == ("Bright, colourful wide-landscape drawing.\n\n"
                               "A storm hits the coast; the keeper climbs the spiral stairs.\n\n"
                               "Second paragraph of the prompt.")
    code, out, _ = run(project, "prompts", "--missing", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in table] == ["cover", "02-lens", "02-dawn"]
    assert table[1]["file"] == "02-lens.png"
    code, out, _ = run(project, "prompts", "--format", "md")
    assert "## 2.1 The new lens" in out and "Save the image as `story/art/02-lens.png`." in out


def test_status_table(project):
    (project.story / "art").mkdir()
    Image.new("RGB", (2000, 1125), "teal").save(project.story / "art" / "02-lens.png")
    Image.new("RGB", (10, 10), "red").save(project.story / "art" / "stray.png")
    code, out, _ = run(project, "status")
    assert code == 0
    lens = next(line for line in out.splitlines() if line.startswith("02-lens"))
    assert "art: 02-lens.png" in lens and "2000x1125" in lens and "Chapter 2" in lens
    assert "placeholder" in next(line for line in out.splitlines() if line.startswith("02-dawn"))
    assert "  stray.png" in out
    assert out.rstrip().endswith("4 panels: 1 with art, 3 placeholders; 1 unmatched art file")


def test_new_project_builds_strict_and_refuses_to_overwrite(tmp_path, capsys):
    target = tmp_path / "fresh"
    assert main(["new", str(target), "--title", 'A "Quoted": Title']) == 0
    assert "created" in capsys.readouterr().out
    config = load_config(str(target / "mkdocs.yml"), strict=True)
    build(config)
    html = (target / "site_build" / "index.html").read_text()
    assert "A &quot;Quoted&quot;: Title" in html or 'A "Quoted": Title' in html
    story_yaml = (target / "story/story.yaml").read_bytes()
    assert main(["new", str(target), "--title", "Other"]) == 1
    err = capsys.readouterr().err
    assert "already exists; nothing was written. Use --force" in err
    assert (target / "story/story.yaml").read_bytes() == story_yaml
    assert main(["new", str(target), "--title", "Other", "--force"]) == 0
    assert b"Other" in (target / "story/story.yaml").read_bytes()
    assert not [p for p in target.rglob(".*") if p.name.startswith(".story")]  # no temp files


def test_new_project_files_have_the_usual_mode_under_the_umask(tmp_path):
    """Files `new` writes are 0666 less the umask (0644 under 022, 0640 under
    027), like any new file, not the 0600 of a bare temporary file."""
    for umask, expected in ((0o022, 0o644), (0o027, 0o640)):
        target = tmp_path / f"fresh-{umask:o}"
        proc = subprocess.run(
            ["sh", "-c", f'umask {umask:03o} && exec "$@"', "sh", *CLI, "new", str(target),
             "--title", "Modes"], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        files = [p for p in target.rglob("*") if p.is_file()]
        assert files and "story/story.yaml" in {p.relative_to(target).as_posix() for p in files}
        for path in files:
            assert path.stat().st_mode & 0o777 == expected, (path, oct(path.stat().st_mode))


def test_check_refuses_a_chapter_named_all_as_the_build_does(project):
    """chapters/all.md is the one-page edition's address: `check` must say so,
    in the build's words, instead of passing a story the build stops at."""
    project.write("story/chapters/all.md", "---\ntitle: Everything\n---\n\nText.\n")
    message = ("story/chapters/all.md: this name is taken by the one-page edition of the "
               "story; rename the chapter file.")
    code, _, err = run(project, "check")
    assert code == 1
    assert f"error: {message}" in err.splitlines()
    assert "1 problem found in story/" in err
    result = project.build()
    assert not result.ok and message in result.log


def test_counts_in_messages_are_proper_plurals(tmp_path):
    """One of a thing is singular in `check`, `status` and `import`: "1 chapter",
    "1 reference", "1 problem", "1 file"."""
    root = tmp_path / "one"
    story = root / "story"
    (story / "chapters").mkdir(parents=True)
    (story / "story.yaml").write_text("title: One\n")
    (story / "image_prompts.yaml").write_text(
        "panels:\n  - id: only\n    alt: The only panel.\n    prompt: A lone tree.\n")
    (story / "references.yaml").write_text("- id: src\n  title: A source\n")
    (story / "chapters/01-one.md").write_text("---\ntitle: One\n---\n\n![](only.png)\n\n"
                                              "Cited [@src].\n")
    proc = subprocess.run([*CLI, "check"], cwd=root, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ("ok: 1 chapter, 1 panel (0 with art, 1 placeholder), "
                                   "1 reference")
    (story / "art").mkdir()
    Image.new("RGB", (10, 10)).save(story / "art" / "stray.png")
    proc = subprocess.run([*CLI, "status"], cwd=root, capture_output=True, text=True,
                          timeout=120)
    assert proc.stdout.rstrip().endswith("1 panel: 0 with art, 1 placeholder; "
                                         "1 unmatched art file")
    (story / "chapters/01-one.md").write_text("---\ntitle: One\n---\n\n![](only.png) [@nope]\n")
    proc = subprocess.run([*CLI, "check"], cwd=root, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "1 problem found in story/" in proc.stderr
    assert "problem(s)" not in proc.stderr


def test_help_on_every_command():
    for cmd in ([], ["import"], ["check"], ["prompts"], ["status"], ["new"]):
        proc = subprocess.run([*CLI, *cmd, "--help"], capture_output=True, text=True)
        assert proc.returncode == 0 and "usage: graphic-novel" in proc.stdout


def _draft(project):
    project.write("story/chapters/04-draft.md", "---\ntitle: Work in Progress\ndraft: true\n"
                  "---\n\n![](04-sketch.png)\n\nNot ready.\n")
    project.edit("story/image_prompts.yaml", "panels:\n", "panels:\n  - id: 04-sketch\n"
                 "    alt: A rough sketch.\n    prompt: A sketch of the harbour.\n")


def test_draft_is_left_out_of_build_with_its_art(project):
    _draft(project)
    result = project.build()
    assert result.ok, result.error + result.log
    assert not (project.site / "chapters/04-draft").exists()
    assert not list((project.site / "assets/panels").glob("04-sketch*"))
    assert "Work in Progress" not in (project.site / "index.html").read_text()


def test_draft_shows_under_serve_marked(project):
    _draft(project)
    config = load_config(str(project.root / "mkdocs.yml"))
    plugin = config.plugins["graphic-novel"]
    plugin.on_startup(command="serve", dirty=False)
    try:
        build(config, serve_url="http://127.0.0.1:8000/")
    finally:
        # MkDocs keeps plugins that define on_startup for the next config load
        # in this process (that is how serve keeps them): end the "serve".
        plugin.on_shutdown()
        plugin.on_startup(command="build", dirty=False)
    page = (project.site / "chapters/04-draft/index.html").read_text()
    assert '<span class="gn-draft">Draft</span>' in page
    assert list((project.site / "assets/panels").glob("04-sketch-full-*"))
    cover = (project.site / "index.html").read_text()
    assert "gn-card--draft" in cover


def _variant_sizes(project, image: Image.Image, name: str):
    (project.story / "art").mkdir(exist_ok=True)
    original = project.story / "art" / name
    image.save(original)
    before = original.read_bytes()
    result = project.build()
    assert result.ok, result.error
    panels = project.site / "assets/panels"
    pid = Path(name).stem
    sizes = {}
    for path in panels.glob(f"{pid}-*"):
        with Image.open(path) as im:
            sizes[path.name.split("-")[-2]] = (im.size, path.stat().st_size, im.format)
    assert original.read_bytes() == before  # never modified
    return sizes, len(before)


def test_art_variants_at_800_and_1600_with_thumb(project):
    grey = Image.effect_mandelbrot((3000, 2000), (-2.2, -1.2, 1.0, 1.2), 200)
    photo = Image.merge("RGB", [grey, grey.rotate(180),
                                grey.transpose(Image.Transpose.FLIP_LEFT_RIGHT)])
    sizes, original = _variant_sizes(project, photo, "02-lens.png")
    assert sizes["full"][0] == (1600, 1067) and sizes["full"][2] == "WEBP"
    assert sizes["mid"][0] == (800, 534) and sizes["mid"][2] == "WEBP"
    assert sizes["thumb"][0] == (480, 320)
    assert sizes["social"][0] == (1200, 800) and sizes["social"][2] == "JPEG"
    assert sizes["full"][1] < original
    soup = project.build().html("chapters/02-lens/index.html")
    img = soup.select_one("figure#panel-02-lens img")
    assert (img["width"], img["height"]) == ("1600", "1067")
    assert [p.split()[-1] for p in img["srcset"].split(", ")] == ["480w", "800w", "1600w"]


def test_small_art_is_not_upscaled(project):
    sizes, _ = _variant_sizes(project, Image.new("RGB", (640, 480), "orange"), "02-dawn.webp")
    assert sizes["full"][0] == (640, 480)
    assert "mid" not in sizes  # no rendition wider than the original
    assert sizes["thumb"][0] == (480, 360)


def test_exif_rotation_is_applied(project):
    img = Image.new("RGB", (400, 200), "purple")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees
    (project.story / "art").mkdir()
    img.save(project.story / "art" / "02-dawn.jpg", exif=exif)
    assert project.build().ok
    full = next((project.site / "assets/panels").glob("02-dawn-full-*"))
    with Image.open(full) as im:
        assert im.size == (200, 400)




def test_import_command_round_trip(tmp_path):
    """Two commands from a chat answer to a strict build: import, then build."""
    answer = Path(__file__).parent / "fixtures/import/shape_a.md"
    project = tmp_path / "site"
    project.mkdir()
    (project / "docs").mkdir()
    (project / "mkdocs.yml").write_text("site_name: Imported\nsite_dir: site_build\n"
                                        "theme:\n  name: material\nplugins:\n  - graphic-novel\n")
    proc = subprocess.run([*CLI, "import", str(answer)], cwd=project, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "created story/image_prompts.yaml" in proc.stdout
    again = subprocess.run([*CLI, "import", str(answer)], cwd=project, capture_output=True,
                           text=True, timeout=120)
    assert again.returncode == 1 and "already holds a story" in again.stderr
    assert "nothing was written" in again.stderr
    assert subprocess.run([*CLI, "check"], cwd=project, capture_output=True).returncode == 0
    build(load_config(str(project / "mkdocs.yml"), strict=True))
    assert (project / "site_build/index.html").is_file()


@pytest.mark.parametrize("markdown_text, plain", [
    ("A **bold** and *quiet* [harbour](https://example.org) `scene`.",
     "A bold and quiet harbour scene."),
    ("Use `a<b` here", "Use a<b here"),
    ("Code:\n\n    if a < b:\n        go()", "Code:\n\nif a < b:\n    go()"),
    ("- one\n\n- two", "- one\n- two"),
    ("* a\n    * b\n        * c", "- a\n  - b\n    - c"),
    ("1. first\n2. second", "1. first\n2. second"),
    ("line one  \nline two", "line one\nline two"),
    ("A sign reading <OPEN> at AT&amp;T & co", "A sign reading <OPEN> at AT&T & co"),
    ("First paragraph\nwraps.\n\nSecond.", "First paragraph wraps.\n\nSecond."),
])
def test_prompts_are_given_as_plain_text(markdown_text, plain):
    from graphic_novel.prompt_text import plain_text

    assert plain_text(markdown_text) == plain


def test_a_new_projects_makefile_runs_its_commands_without_the_banner(tmp_path):
    """`make check`, `make test` and `make status` in a project `new` made, with no venv
    activated and nothing on PATH but the system: the Makefile names the Python that made
    the project, and the end-of-life banner MkDocs and Material print is off."""
    target = tmp_path / "novel"
    assert main(["new", str(target), "--title", "Made"]) == 0
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    for goal in ("check", "test", "status"):
        proc = subprocess.run(["make", "-s", goal], cwd=target, env=env, capture_output=True,
                              text=True, timeout=300)
        out = proc.stdout + proc.stderr
        assert proc.returncode == 0, (goal, out)
        assert "end of life" not in out and "MkDocs 2" not in out, (goal, out)
    assert (target / "site_build" / "index.html").is_file()  # make test built the site
    assert "make serve" in (target / "README.md").read_text("utf-8")


def test_import_keeps_an_authors_own_makefile(tmp_path):
    answer = Path(__file__).parent / "fixtures" / "import" / "shape_a.md"
    (tmp_path / "Makefile").write_text("all:\n\techo mine\n", "utf-8")
    assert main(["import", str(answer), "--story-dir", str(tmp_path / "story")]) == 0
    assert (tmp_path / "Makefile").read_text("utf-8") == "all:\n\techo mine\n"
    assert (tmp_path / "mkdocs.yml").is_file()
