"""What the build does for speed and memory must not show in the site.

The plugin keeps generated HTML out of Markdown behind markers, shows each
page its own front matter only while that page renders, fills the one-page
edition after the theme, and reads YAML with libyaml when it can. Each test
here checks the reader-visible result those tricks must keep.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort
from mkdocs.structure.files import File

from graphic_novel import pages, yamlio

MARKER_RE = re.compile(r"gn[0-9a-f]{12}[bil]\d+z")


def _site_text(site):
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".xml", ".json"):
            yield path, path.read_text("utf-8")


def test_no_marker_is_left_in_any_built_file(project):
    project.edit("story/chapters/02-lens.md", "\n\n", "\n\n## The lens [@history]\n\n")
    result = project.build()
    assert result.ok, result.error + result.log
    seen = 0
    for path, text in _site_text(project.site):
        seen += 1
        assert not MARKER_RE.search(text), path
    assert seen > 5


def test_pages_from_remembered_prompts_are_the_pages_made_without(project):
    first = project.build()
    assert first.ok, first.error + first.log
    memo = project.root / ".cache" / "graphic-novel" / "prompts.json"
    assert memo.is_file()
    made = {p: t for p, t in _site_text(project.site) if p.suffix == ".html"}
    assert any("gn-prompt" in t for t in made.values())
    again = project.build()  # every prompt from the memo
    assert again.ok, again.error + again.log
    assert {p: t for p, t in _site_text(project.site) if p.suffix == ".html"} == made


def test_citation_in_a_heading_keeps_its_link_and_a_clean_table_of_contents(project):
    project.edit("story/chapters/02-lens.md", "\n\n", "\n\n## The lens [@history]\n\n")
    result = project.build()
    assert result.ok, result.error + result.log
    soup = result.html("chapters/02-lens/index.html")
    heading = soup.find("h2", string=None, id=re.compile("the-lens"))
    assert heading is not None
    assert heading.select_one("sup.gn-cite a[href*='#ref-history']") is not None
    toc = " ".join(a.get_text(" ", strip=True) for a in soup.select(".md-nav--secondary a"))
    assert "The lens" in toc and not MARKER_RE.search(toc)


def test_citations_and_panels_render_where_they_were_written(built_mini):
    _, result = built_mini
    soup = result.html("chapters/01-storm/index.html")
    first_p = soup.select_one("article p:-soup-contains('The storm came in at dusk')")
    assert first_p is not None and first_p.select_one("sup.gn-cite a") is not None
    figure = soup.select_one("article figure.gn-panel")
    prompt = figure.find_next_sibling("details")
    assert prompt is not None and "gn-prompt" in prompt["class"]
    # The panel sits between the chapter heading and the first paragraph.
    h1 = soup.select_one("article h1")
    assert h1.sourceline < figure.sourceline < first_p.sourceline


def test_each_page_gets_its_own_title_and_description(built_mini):
    _, result = built_mini
    soup = result.html("chapters/02-lens/index.html")
    assert soup.title.get_text().startswith("A New Lens")
    assert soup.select_one('meta[name="description"]')["content"] == "The town buys a new lens."
    cover = result.html("index.html")
    assert cover.select_one('meta[name="description"]') is not None
    # The cover hides its table of contents through its front matter.
    assert cover.select_one(".md-sidebar--secondary[hidden]") is not None


def test_one_page_edition_stays_out_of_search_and_holds_every_chapter(built_mini):
    proj, result = built_mini
    index = json.loads((proj.site / "search" / "search_index.json").read_text("utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    assert any(loc.startswith("chapters/01-storm/") for loc in locations)
    assert not any(loc.startswith("chapters/all/") for loc in locations)
    whole = result.html("chapters/all/index.html")
    assert not whole.select(".gn-slot")
    assert len(whole.select("figure.gn-panel")) == 3
    # GLightbox ran on the page that was filled afterwards.
    assert whole.select_one("script#init-glightbox") is not None


@pytest.mark.parametrize("name", ["image_prompts.yaml", "references.yaml", "story.yaml"])
def test_libyaml_and_python_parsers_read_the_default_story_alike(name):
    if yamlio._CLoader is None:
        pytest.skip("PyYAML was built without libyaml here")
    text = (Path(__file__).parent.parent / "story" / name).read_text("utf-8")

    def load(cls):
        loader = cls(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()

    fast, slow = load(yamlio._CLoader), load(yamlio._Loader)
    assert fast == slow

    def lines(value):
        if isinstance(value, dict):
            return [value.line, value.key_lines] + [lines(v) for v in value.values()]
        if isinstance(value, list):
            return [value.line, value.item_lines] + [lines(v) for v in value]
        return None

    assert lines(fast) == lines(slow)


def test_deep_nesting_never_reaches_libyaml():
    deep = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    assert not yamlio._shallow(deep)
    with pytest.raises(Exception) as info:
        yamlio.parse_yaml(deep, "story/story.yaml")
    assert "nested more than" in str(info.value) and "story/story.yaml" in str(info.value)
    indented = "".join(" " * n + "- x\n" for n in range(0, 80, 2))
    assert not yamlio._shallow(indented)


def test_blocks_fill_each_marker_once_and_leave_author_text_alone():
    blocks = pages.Blocks()
    block = blocks.block("<figure>x</figure>")
    inline = blocks.inline("<sup>1</sup>")
    rendered = f"<p>{block.strip()}</p>\n<p>Text {inline} and gn{'0' * 12}b0z</p>"
    out = blocks.fill(rendered)
    assert out == f"<figure>x</figure>\n<p>Text <sup>1</sup> and gn{'0' * 12}b0z</p>"
    assert blocks.html == {}  # let go once used


def test_long_story_nav_comes_in_sections_and_each_page_carries_its_own(tmp_path):
    """Past NAV_FLAT_MAX chapters the sidebar groups chapters; pruned, a page
    lists its own section's chapters and links to the first of each other."""
    import story_generator  # benchmarks/, on the tests' path (pyproject.toml)
    from conftest import Project

    chapters = pages.NAV_FLAT_MAX + 5
    spec = story_generator.make_story(chapters)
    story_generator.write_plugin_project(tmp_path / "long", spec, pdf=False)  # nav only
    result = Project(tmp_path / "long").build()
    assert result.ok, result.error + result.log
    size = pages.nav_group_size(chapters)
    assert 0 < size < chapters
    soup = result.html(f"chapters/{spec.chapters[size].slug}/index.html")
    primary = soup.select_one("nav.md-nav--primary")
    labels = [a.get_text(" ", strip=True) for a in primary.select("a.md-nav__link, label.md-nav__link")]
    assert f"Chapters 1–{size}" in labels
    assert f"Chapters {size + 1}–{min(2 * size, chapters)}" in labels
    chapter_links = sorted({t for t in labels if t[:1].isdigit()},
                           key=lambda t: int(t.split(".")[0]))
    # Its own section's chapters, not all of them.
    assert len(chapter_links) == min(size, chapters - size)
    assert chapter_links[0].startswith(f"{size + 1}. ")
    # The pruned first section links to its first chapter.
    first = next(a for a in primary.select("a.md-nav__link")
                 if a.get_text(" ", strip=True) == f"Chapters 1–{size}")
    assert spec.chapters[0].slug in first["href"]
    # Paging still runs through every chapter in order.
    nxt = soup.select_one("a.md-footer__link--next")
    assert spec.chapters[size + 1].slug in nxt["href"]


def test_short_story_nav_stays_flat_and_group_titles_read_well():
    assert pages.nav_group_size(pages.NAV_FLAT_MAX) == 0
    assert pages.nav_group_size(200) == 15 and pages.nav_group_size(1000) == 30

    class Ch:
        def __init__(self, kind, number, label, custom=False):
            self.kind, self.number, self.label, self.custom_label = kind, number, label, custom

    one, two = Ch("chapter", 1, "Chapter 1"), Ch("chapter", 15, "Chapter 15")
    pro, epi = Ch("prologue", 0, "Prologue"), Ch("epilogue", 0, "Epilogue")
    assert pages.nav_group_title([one, two]) == "Chapters 1–15"
    assert pages.nav_group_title([pro, two]) == "Prologue – Chapter 15"
    assert pages.nav_group_title([two, epi]) == "Chapter 15 – Epilogue"
    assert pages.nav_group_title([epi]) == "Epilogue"


def test_prompts_are_on_the_page_but_not_in_the_search_index(built_mini):
    proj, result = built_mini
    soup = result.html("chapters/01-storm/index.html")
    prompt = soup.select_one("details.gn-prompt .gn-prompt-text").get_text(" ", strip=True)
    assert prompt and not soup.select("[data-search-exclude]")  # Material drops the mark
    index = (proj.site / "search" / "search_index.json").read_text("utf-8")
    assert "Show Image Prompt" not in index and "Copy prompt" not in index
    assert prompt[:40] not in index
    assert "The storm came in at dusk" in index  # the story itself is found


def test_blocks_never_reuse_a_marker_while_another_page_waits():
    blocks = pages.Blocks()
    a = blocks.block("<p>A</p>").strip()
    b = blocks.block("<p>B</p>").strip()
    assert blocks.fill(f"<p>{a}</p>") == "<p>A</p>"
    c = blocks.block("<p>C</p>").strip()
    assert len({a, b, c}) == 3
    assert blocks.fill(f"<p>{b}</p><p>{c}</p>") == "<p>B</p><p>C</p>"


def _mkdocs(project, *args):
    import os
    import subprocess
    import sys

    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([mkdocs, *args], cwd=project.root, capture_output=True, text=True,
                          env=env, timeout=180)
    return proc.returncode, proc.stdout + proc.stderr


def test_a_dirty_build_rebuilds_the_story_pages(project):
    """`mkdocs build --dirty` (issue 16, bug 1) once stopped with "the page 'index.md'
    was read again": MkDocs asks each page whether it changed after the pages are
    converted. Every story page is remade, the edit shows, nothing is lost."""
    code, out = _mkdocs(project, "build")
    assert code == 0, out
    project.edit("story/chapters/01-storm.md", "Light the lamp", "Trim the wick")
    code, out = _mkdocs(project, "build", "--dirty")
    assert code == 0, out
    assert "Traceback" not in out and "read again" not in out
    page = (project.site / "chapters/01-storm/index.html").read_text("utf-8")
    assert "Trim the wick" in page and "Light the lamp" not in page
    whole = (project.site / "chapters/all/index.html").read_text("utf-8")
    assert "Trim the wick" in whole and 'class="gn-slot"' not in whole
    assert (project.site / "feed.xml").is_file()


def test_each_build_has_its_own_state_and_the_story_model_is_left_whole(project, monkeypatch):
    """The plugin's per-build state is made in on_pre_build and dropped at the end
    (a serve rebuild starts clean); the story it loaded keeps its chapter texts;
    story pages are MkDocs generated files whose Markdown is made when the page is
    read and let go once it is converted."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.plugins import event_priority

    from graphic_novel import plugin as glue

    loaded, seen, files_seen = [], {}, []
    real_load = glue.load_story
    real_content = glue.GraphicNovelPlugin._on_page_content_last
    real_files = glue.GraphicNovelPlugin.on_files

    def load(*args, **kwargs):
        loaded.append(real_load(*args, **kwargs))
        return loaded[-1]

    def on_page_content(self, html, *, page, config, files):
        before = page.file.content_string
        out = real_content(self, html, page=page, config=config, files=files)
        seen[page.file.src_uri] = (before, page.file.content_string)
        return out

    def on_files(self, files, *, config):
        files_seen.append(real_files(self, files, config=config))
        return files_seen[-1]

    monkeypatch.setattr(glue, "load_story", load)
    monkeypatch.setattr(glue.GraphicNovelPlugin, "on_page_content", glue.CombinedEvent(
        glue.GraphicNovelPlugin._on_page_content_first, event_priority(-100)(on_page_content)))
    monkeypatch.setattr(glue.GraphicNovelPlugin, "on_files", on_files)
    config = load_config(str(project.root / "mkdocs.yml"))
    ours = config.plugins["graphic-novel"]
    build(config)
    assert ours.state is None
    assert loaded and all(c.body for c in loaded[0].chapters)  # no writes into the model
    before, after = seen["chapters/01-storm.md"]
    assert before.startswith("---\n") and "The storm came in at dusk" in before
    assert all(after == "" for _, after in seen.values())
    page = files_seen[0].get_file_from_path("chapters/01-storm.md")
    assert type(page) is File and page.generated_by == "graphic-novel"

    project.write("story/story.yaml", "title: [unclosed\n")
    config = load_config(str(project.root / "mkdocs.yml"))
    with pytest.raises(Abort):  # the YAML message is logged; MkDocs aborts
        build(config)
    assert config.plugins["graphic-novel"].state is None


def _chapter(slug: str, **fields):
    """A model chapter with nothing but what a test gives it."""
    from graphic_novel.model import Chapter

    return Chapter(slug=slug, title=slug, summary="", kind="chapter", draft=False, body="",
                   body_line=1, source=Path(f"{slug}.md"), **fields)


def test_citing_chapters_gives_each_chapters_first_citation_in_one_pass():
    """The references page's back-links: for each cited reference, every chapter
    citing it in reading order, with the chapter's first citation of it."""
    from types import SimpleNamespace

    from graphic_novel.model import Citation, Story

    def chapter(slug, *cites):
        return _chapter(slug, citations=[Citation(ref, line, f"cite-{ref}-{n}")
                                         for n, (ref, line) in enumerate(cites, start=1)])

    one = chapter("one", ("a", 3), ("b", 4), ("a", 9))
    two = chapter("two", ("b", 2))
    three = chapter("three")
    cited = Story.citing_chapters(SimpleNamespace(chapters=[one, two, three]))
    assert {ref: [(c.slug, cite.line) for c, cite in found] for ref, found in cited.items()} \
        == {"a": [("one", 3)], "b": [("one", 4), ("two", 2)]}


def test_one_page_body_box_is_sized_by_what_a_reader_sees():
    """The one-page edition's estimate of a chapter not drawn yet: a row of panels is one
    block (side by side, on a wide screen), the prompts and the lightbox's copy of a caption
    are not words, a table row and a heading count as rows."""
    chapter = _chapter("c", panel_ids=["a", "b", "c"])
    body = ('<p>Five words of story text.</p>'
            '<div class="gn-row" data-panels="2"><div class="gn-panel-unit"><figure class="gn-panel">'
            '<div class="glightbox-desc" hidden><p>many hidden caption words here</p></div>'
            '</figure></div><div class="gn-panel-unit"></div></div>'
            '<div class="gn-panel-unit"><details class="gn-prompt"><summary>Show</summary>'
            '<p>a long prompt nobody reads in the story</p></details></div>'
            '<h3>Two words</h3><table><tr><td>one</td></tr><tr><td>two</td></tr></table>')
    box = pages.one_page_body(chapter, body)
    assert box.startswith('<div class="gn-onepage-body" style="--gn-panels: 3; '
                          '--gn-blocks: 2; --gn-words: 9; --gn-rows: 3">')
    assert box.endswith(body + "</div>")


def test_one_page_chapter_is_its_heading_then_its_body_box(built_mini):
    _, result = built_mini
    whole = result.html("chapters/all/index.html")
    sections = whole.select("section.gn-onepage-chapter")
    assert len(sections) == 3
    for section in sections:
        heading, box = section.find_all(recursive=False)
        assert heading.name == "h2" and heading.get("id")
        assert box["class"] == ["gn-onepage-body"] and "--gn-blocks" in box["style"]
    assert len(whole.select(".gn-onepage-body figure.gn-panel")) == 3
