"""Pages MkDocs converted in an earlier build are taken from the cache
(page_memo.py, converted_pages.py). A warm build must write the very bytes a
build that converts every page writes, and take a page from the cache only
when nothing its conversion depends on has changed."""

from __future__ import annotations

import logging
import shutil

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from graphic_novel import page_memo

NONCE = "0123456789ab"


def _site(project) -> dict[str, bytes]:
    """Every file of the built site but the editions (cached under keys of their own)."""
    return {str(p.relative_to(project.site)): p.read_bytes()
            for p in sorted(project.site.rglob("*"))
            if p.is_file() and p.suffix not in (".epub", ".pdf")}


def _build(project, strict: bool = True) -> tuple[bool, list[str]]:
    """A build with the plugin's debug lines, which say how many pages were converted."""
    lines: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record):
            lines.append(record.getMessage())

    logger = logging.getLogger("mkdocs")
    handler, level = Capture(logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        build(load_config(str(project.root / "mkdocs.yml"), strict=strict))
        ok = True
    except Abort:
        ok = False
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return ok, lines


def _pages_line(lines: list[str]) -> str:
    return next(line for line in lines if line.startswith("graphic-novel: pages: "))[15:]


def _memo_folder(project):
    return project.root / ".cache" / "graphic-novel" / page_memo.FOLDER


def test_a_warm_build_takes_every_page_from_the_cache_and_writes_the_same_bytes(project):
    ok, lines = _build(project)
    assert ok, lines
    assert _pages_line(lines) == "pages: 0 from the cache, 6 converted"
    cold = _site(project)
    ok, lines = _build(project)
    assert ok, lines
    assert _pages_line(lines) == "pages: 6 from the cache, 0 converted"
    assert _site(project) == cold


def test_an_edited_chapter_alone_is_converted_again_and_matches_a_cold_build(project, tmp_path):
    assert _build(project)[0]
    project.edit("story/chapters/02-lens.md", "\n\n", "\n\nThe keeper *polished* it twice.\n\n")
    ok, lines = _build(project)
    assert ok, lines
    assert _pages_line(lines) == "pages: 5 from the cache, 1 converted, 1 old cache entries " \
                                 "removed"
    warm = _site(project)
    shutil.rmtree(_memo_folder(project))
    assert _build(project)[0]  # every page converted
    assert _site(project) == warm


def test_a_damaged_cache_entry_is_converted_again(project):
    assert _build(project)[0]
    cold = _site(project)
    entries = sorted(_memo_folder(project).glob("*.json"))
    entries[0].write_text('{"html": 3}', "utf-8")
    entries[1].write_bytes(b"\xff\xfe not json")
    ok, lines = _build(project)
    assert ok, lines
    assert _pages_line(lines) == "pages: 4 from the cache, 2 converted"
    assert _site(project) == cold


def test_a_page_whose_conversion_warned_is_never_taken_from_the_cache(project):
    project.edit("story/chapters/02-lens.md", "\n\n", "\n\nSee [the map](99-nowhere.md).\n\n")
    for _ in range(2):  # the warning, and so the failed strict build, every time
        ok, lines = _build(project)
        assert not ok
        assert any("99-nowhere.md" in line for line in lines), lines
    assert _pages_line(lines).endswith("5 from the cache, 1 converted")


def test_a_new_page_in_the_site_converts_every_page_again(project):
    assert _build(project)[0]
    project.write("docs/about.md", "# About\n\nA page of the site's own.\n")
    ok, lines = _build(project)
    assert ok, lines
    assert _pages_line(lines) == "pages: 0 from the cache, 6 converted, 6 old cache entries " \
                                 "removed"


def test_an_extension_that_reads_files_turns_the_cache_off(project):
    yml = project.root / "mkdocs.yml"
    yml.write_text(yml.read_text("utf-8") + "markdown_extensions:\n  - pymdownx.snippets\n",
                   "utf-8")
    for _ in range(2):
        ok, lines = _build(project)
        assert ok, lines
        assert not any(line.startswith("graphic-novel: pages: ") for line in lines)
        assert "graphic-novel: every page is converted this build: the Markdown extension " \
               "pymdownx.snippets may read more than the page" in lines
    assert not _memo_folder(project).exists()


def test_settings_of_an_extension_are_part_of_the_key(project):
    assert _build(project)[0]
    yml = project.root / "mkdocs.yml"
    yml.write_text(yml.read_text("utf-8") + "markdown_extensions:\n  - toc:\n"
                   "      permalink: true\n", "utf-8")
    ok, lines = _build(project)
    assert ok, lines
    assert _pages_line(lines).startswith("pages: 0 from the cache, 6 converted")
    assert 'class="headerlink"' in (project.site / "chapters/01-storm/index.html").read_text()


@pytest.mark.parametrize("extensions, others, problem", [
    (["toc", "tables", "pymdownx.superfences", "pymdownx.blocks.admonition"], 0, None),
    (["markdown.extensions.smarty", "material.extensions.emoji"], 0, None),
    (["toc"], 1, "another plugin changes pages' Markdown"),
    (["toc", "pymdownx.b64"], 0, "the Markdown extension pymdownx.b64 may read more than "
                                 "the page"),
    (["my_own.ext"], 0, "the Markdown extension my_own.ext may read more than the page"),
])
def test_only_extensions_that_read_the_text_alone_allow_the_cache(extensions, others, problem):
    assert page_memo.memo_problem(extensions, others) == problem


def test_markers_are_stored_without_the_nonce_and_counted_from_the_page():
    text = f"gn{NONCE}b7z\n\nA gn{NONCE}i8z citation, gn{NONCE}b9z."
    stored = page_memo.neutral(text, NONCE, 7)
    assert NONCE not in stored
    assert page_memo.restored(stored, "ffffffffffff", 100) == \
        "gnffffffffffffb100z\n\nA gnffffffffffffi101z citation, gnffffffffffffb102z."


markers = st.builds(lambda kind, n: f"gn{NONCE}{kind}{n}z", st.sampled_from("bil"),
                    st.integers(0, 40))
texts = st.lists(st.one_of(st.text(alphabet="ab\x00\x01gnz0123456789 "), markers)).map("".join)


@given(texts, st.integers(0, 20), st.integers(0, 500))
def test_neutral_then_restored_gives_the_text_back(text, base, other_base):
    stored = page_memo.neutral(text, NONCE, base)
    assert page_memo.restored(stored, NONCE, base) == text
    # with another build's nonce and numbering, the same text but for the markers
    moved = page_memo.restored(stored, "ffffffffffff", other_base)
    assert page_memo.neutral(moved, "ffffffffffff", other_base) == stored


@given(texts, texts)
def test_two_texts_never_share_a_stored_form(one, other):
    if one != other:
        assert page_memo.neutral(one, NONCE, 0) != page_memo.neutral(other, NONCE, 0)


def test_a_page_named_by_its_heading_keeps_its_name_from_the_cache(project):
    """The cover has no title of its own: an author's nav that names no title shows
    the story's title, taken from the page's first heading, warm as cold."""
    yml = project.root / "mkdocs.yml"
    yml.write_text(yml.read_text("utf-8") + "nav:\n  - index.md\n  - chapters/01-storm.md\n"
                   "  - chapters/02-lens.md\n  - chapters/03-epilogue.md\n  - references.md\n",
                   "utf-8")
    assert _build(project)[0]
    cold = _site(project)
    assert "The Little Lighthouse" in cold["chapters/01-storm/index.html"].decode()
    ok, lines = _build(project)
    assert ok, lines
    assert _pages_line(lines).startswith("pages: 6 from the cache")
    assert _site(project) == cold


def test_a_function_of_the_sites_own_in_an_extensions_settings_turns_the_cache_off():
    def shout(source, language, css_class, options, md, **kwargs):
        return source.upper()

    fences = {"pymdownx.superfences": {"custom_fences": [
        {"name": "shout", "class": "shout", "format": shout}]}}
    assert page_memo.memo_problem(["pymdownx.superfences"], 0, fences) == (
        "the settings of the Markdown extension pymdownx.superfences name a function of the "
        "site's own (test_page_memo.test_a_function_of_the_sites_own_in_an_extensions_"
        "settings_turns_the_cache_off.<locals>.shout)")
    from pymdownx.superfences import fence_code_format

    fences["pymdownx.superfences"]["custom_fences"][0]["format"] = fence_code_format
    assert page_memo.memo_problem(["pymdownx.superfences"], 0, fences) is None
    icons = {"material.extensions.emoji": {"options": {"custom_icons": ["overrides/icons"]}}}
    assert page_memo.memo_problem(["pymdownx.emoji"], 0, icons) == (
        "the settings of the Markdown extension material.extensions.emoji read icons from the "
        "site's folders")
