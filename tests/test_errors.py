"""Content mistakes give one clear message naming the file (and line), nothing else."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

MKDOCS = str(Path(sys.executable).parent / "mkdocs")


def assert_fails(project, expected: str):
    before = project.tree_digest()
    result = project.build()
    assert not result.ok, "the build should have failed"
    assert expected in result.log, result.log
    assert "Traceback" not in result.log
    assert project.tree_digest() == before
    return result


def test_malformed_yaml_names_file_and_line(project):
    project.edit("story/image_prompts.yaml", "  - id: 02-lens\n", "  - id: 02-lens\n\ttitle: x\n")
    result = assert_fails(project, "story/image_prompts.yaml:17: YAML syntax error (found "
                                   "character '\\t' that cannot start any token): YAML "
                                   "indentation must use spaces, not tabs.")
    assert "1 problem" not in result.log and "has no entry" not in result.log  # no echoes


def test_unclosed_quote(project):
    project.write("story/story.yaml", 'title: "The Little Lighthouse\ncover: cover\n')
    assert_fails(project, "story/story.yaml:")


def test_panel_without_prompt_entry(project):
    project.edit("story/chapters/02-lens.md", "By dawn it turned.", "![](02-ghost.png)\n")
    assert_fails(project, "story/chapters/02-lens.md:12: panel '02-ghost' has no entry in "
                          "image_prompts.yaml; add one with `- id: 02-ghost` and its prompt.")


def test_unknown_citation(project):
    project.edit("story/chapters/01-storm.md", "[@history]", "[@histroy]")
    assert_fails(project, "story/chapters/01-storm.md:8: unknown citation '@histroy'; add it "
                          "to story/references.yaml or fix the id.")


def test_duplicate_panel_id(project):
    project.edit("story/image_prompts.yaml", "  - id: 02-dawn", "  - id: 02-lens")
    assert_fails(project, "story/image_prompts.yaml:20: panel id '02-lens' is defined twice "
                          "(first on line 16); give each panel its own id.")


def test_duplicate_reference_id(project):
    project.edit("story/references.yaml", "- id: lens-report", "- id: history")
    assert_fails(project, "story/references.yaml:6: reference id 'history' is defined twice")


def test_chapter_without_title(project):
    project.edit("story/chapters/02-lens.md", "title: A New Lens\n", "")
    assert_fails(project, "story/chapters/02-lens.md:2: the chapter has no title; add `title: "
                          "...` to its front matter.")


def test_chapter_without_front_matter(project):
    project.write("story/chapters/04-bare.md", "Just text.\n")
    assert_fails(project, "story/chapters/04-bare.md:1: the chapter has no title")


def test_missing_prompt_key(project):
    project.edit("story/image_prompts.yaml",
                 "    prompt: The lighthouse at dawn, a calm sea.\n", "")
    assert_fails(project, "story/image_prompts.yaml:20: panel '02-dawn' has no `prompt`; add `prompt: ...`.")


def test_unused_prompt_is_a_warning_that_fails_strict_and_keeps_the_old_site(project):
    assert project.build().ok
    marker = project.site / "index.html"
    old = marker.read_bytes()
    project.edit("story/image_prompts.yaml", "panels:\n", "panels:\n  - id: spare\n"
                 "    alt: A spare.\n    prompt: Nobody uses me.\n")
    result = assert_fails(project, "story/image_prompts.yaml:5: panel 'spare' has a prompt but "
                                   "no chapter uses it")
    assert result.log.count("WARNING") >= 1
    assert marker.read_bytes() == old  # the last good site is still in place
    relaxed = project.build(strict=False)
    assert relaxed.ok


def test_several_problems_are_listed_together(project):
    project.edit("story/chapters/01-storm.md", "[@history]", "[@nope]")
    project.edit("story/chapters/02-lens.md", "By dawn it turned.", "![](02-ghost.png)")
    result = assert_fails(project, "2 problems in the story:")
    assert "01-storm.md:8" in result.log and "02-lens.md:12" in result.log


@pytest.mark.parametrize("case, expected", [
    ("yaml", "story/references.yaml:2: YAML syntax error (expected ',' or ']', but got "
             "'<stream end>'): a [ or { is not closed; close it, or put the text in quotes."),
    ("unknown", "story/chapters/01-storm.md:8: unknown citation '@nope'"),
])
def test_cli_build_prints_one_message_and_no_traceback(project, case, expected):
    if case == "yaml":
        project.write("story/references.yaml", "- id: a\n  title: [unclosed\n")
    else:
        project.edit("story/chapters/01-storm.md", "[@history]", "[@nope]")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([MKDOCS, "build", "--strict"], cwd=project.root, capture_output=True,
                          text=True, env=env, timeout=120)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert expected in out, out
    assert "Traceback" not in out


CITED_IN_TEXT = ("See [the harbour log [@history]](https://example.org/log) and "
                 "![A map of the coast [@history]](https://example.org/map.png).\n")


def test_a_citation_in_link_or_alt_text_fails_strict_with_file_and_line(project):
    """Issue 16, bug 4: a citation inside a link's text or an image's alt text
    gave broken HTML (`<img alt="A map &lt;sup class=" ...`) and passed strict."""
    assert project.build().ok
    old = (project.site / "index.html").read_bytes()
    project.edit("story/chapters/01-storm.md", "Code is left alone", CITED_IN_TEXT + "\nCode is left alone")
    result = assert_fails(project, "story/chapters/01-storm.md:10: the citation [@history] is "
                                   "inside a link's text or an image's alt text, where it can "
                                   "only be plain text ([1]); move it after the closing bracket")
    assert result.log.count("the citation [@history] is inside") == 2  # the link and the image
    assert "2 story warnings in strict mode; fix them" in result.log
    assert (project.site / "index.html").read_bytes() == old  # the last good site stays


def test_a_citation_in_link_or_alt_text_is_plain_text_outside_strict(project):
    project.edit("story/chapters/01-storm.md", "Code is left alone", CITED_IN_TEXT + "\nCode is left alone")
    result = project.build(strict=False)
    assert result.ok, result.error + result.log
    soup = result.html("chapters/01-storm/index.html")
    image = soup.select_one('img[src="https://example.org/map.png"]')
    assert image["alt"] == "A map of the coast [1]"
    link = soup.select_one('a[href="https://example.org/log"]')
    assert link.get_text() == "the harbour log [1]" and not link.select("a, sup")
    # The citation written in the prose still links to its reference.
    assert soup.select_one("p sup.gn-cite a[href*='#ref-history']") is not None
    html = (result.site / "chapters/01-storm/index.html").read_text("utf-8")
    assert "&lt;sup" not in html


def test_a_cache_folder_that_cannot_be_written_is_one_line_and_keeps_the_last_site(project):
    """Issue 16, bug 5: cache_dir under a file gave a raw NotADirectoryError
    traceback in on_post_build and a site with pages but no panels."""
    assert project.build().ok
    old = (project.site / "index.html").read_bytes()
    panels = sorted(p.name for p in (project.site / "assets/panels").iterdir())
    project.edit("mkdocs.yml", "      concurrency: 2\n",
                 "      concurrency: 2\n      cache_dir: mkdocs.yml/cache\n")
    result = project.build()
    assert not result.ok
    assert "Traceback" not in result.log
    message = [line for line in result.log.splitlines() if "mkdocs.yml/cache" in line]
    assert len(message) == 1 and "the image cache cannot be written here (Not a directory); " \
        "set cache_dir in mkdocs.yml" in message[0], result.log
    assert (project.site / "index.html").read_bytes() == old
    assert sorted(p.name for p in (project.site / "assets/panels").iterdir()) == panels


def test_the_plugin_counts_in_words_that_agree(project):
    """Issue 16, bug 8: no "1 chapters" or "warning(s)" in what the plugin says."""
    from graphic_novel.images import ImageSet
    from graphic_novel.state import panel_summary

    one = {"a": ImageSet("a", "k", False, (), drawn=True)}
    assert panel_summary(one) == "1 panel, 0 with art, 1 placeholder (1 made this build, 0 from cache)"
    project.edit("story/image_prompts.yaml", "panels:\n", "panels:\n  - id: spare\n"
                 "    alt: A spare.\n    prompt: Nobody uses me.\n")
    result = project.build()
    assert "1 story warning in strict mode" in result.log and "(s)" not in result.log
    for name in ("02-lens.md", "03-epilogue.md"):
        (project.story / "chapters" / name).unlink()
    project.edit("story/image_prompts.yaml", "  - id: spare\n    alt: A spare.\n"
                 "    prompt: Nobody uses me.\n", "")
    result = project.build(strict=False)
    assert result.ok, result.error + result.log
    progress = result.html("chapters/01-storm/index.html").select_one("progress.gn-progress")
    assert progress["aria-label"] == "Reading progress: 1 of 1 chapter"
