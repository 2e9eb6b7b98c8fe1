"""The built site, read as HTML: pages, paging, panels, prompts, references."""

from __future__ import annotations

import re

from PIL import Image


def chapter_paths():
    return ["chapters/01-storm/index.html", "chapters/02-lens/index.html",
            "chapters/03-epilogue/index.html"]


def test_pages_exist_in_story_order_with_nav(built_mini):
    proj, result = built_mini
    for path in ["index.html", *chapter_paths(), "references/index.html"]:
        assert (proj.site / path).is_file(), path
    soup = result.html("index.html")
    nav = [a.get_text(" ", strip=True) for a in soup.select("nav.md-nav--primary .md-nav__link")]
    titles = [t for t in nav if t]
    assert titles[-5:] == ["Cover", "1. The Storm", "2. A New Lens",
                           "Epilogue: The Light Today", "References"]


def test_footer_pages_turn_cover_to_references(built_mini):
    _, result = built_mini
    order = ["index.html", *chapter_paths(), "references/index.html"]
    for here, there in zip(order, order[1:]):
        soup = result.html(here)
        nxt = soup.select_one("a.md-footer__link--next")
        assert nxt is not None, here
        target = there.replace("index.html", "")
        assert nxt["href"].rstrip("/").endswith(target.rstrip("/").split("/")[-1]), (here, nxt["href"])
        back = result.html(there).select_one("a.md-footer__link--prev")
        assert back is not None, there
    assert result.html("references/index.html").select_one("a.md-footer__link--next") is None


def test_chapter_says_chapter_n_of_m_and_labels_epilogue(built_mini):
    _, result = built_mini
    assert result.html(chapter_paths()[0]).select_one(".gn-kicker").get_text() == "Chapter 1 of 2"
    assert result.html(chapter_paths()[1]).select_one(".gn-kicker").get_text() == "Chapter 2 of 2"
    assert result.html(chapter_paths()[2]).select_one(".gn-kicker").get_text() == "Epilogue"
    bar = result.html(chapter_paths()[1]).select_one("progress.gn-progress")
    assert bar["value"] == "2" and bar["max"] == "3"
    assert bar["aria-label"] == "Reading progress: page 2 of 3"


def test_panels_have_alt_size_and_lazy_loading_after_first(built_mini):
    proj, result = built_mini
    soup = result.html(chapter_paths()[1])
    imgs = soup.select("figure.gn-panel img")
    assert [i["alt"] for i in imgs] == ["Workers hoist a large glass lens up the tower on ropes.",
                                        "The tower in pink morning light, calm sea."]
    for img in imgs:
        assert (img["width"], img["height"]) == ("1600", "900")
        widths = [int(part.split()[-1][:-1]) for part in img["srcset"].split(",")]
        assert widths == [800, 1600]
    assert "loading" not in imgs[0].attrs and imgs[0]["fetchpriority"] == "high"
    assert imgs[1]["loading"] == "lazy"
    # Every referenced image exists in the site.
    page_dir = proj.site / "chapters/02-lens"
    for img in imgs:
        for part in img["srcset"].split(","):
            assert (page_dir / part.split()[0]).resolve().is_file()


def test_panel_is_followed_by_its_prompt_block(built_mini):
    _, result = built_mini
    soup = result.html(chapter_paths()[0])
    figure = soup.select_one("figure.gn-panel")
    block = figure.find_next_sibling()
    assert block.name == "details" and "gn-prompt" in block["class"]
    assert block.summary.get_text() == "Show Image Prompt"
    text = block.select_one(".gn-prompt-text")
    assert "the keeper climbs the spiral stairs" in text.get_text()
    assert text.select_one("em").get_text() == "Second paragraph"  # Markdown rendered
    copy = block.select_one("button.gn-copy")
    assert copy["data-clipboard-text"] == ("A storm hits the coast; the keeper climbs the spiral "
                                           "stairs.\n\n*Second paragraph* of the prompt.")


def test_code_is_left_alone(built_mini):
    _, result = built_mini
    soup = result.html(chapter_paths()[0])
    codes = [c.get_text() for c in soup.select(".md-content code")]
    assert "[@not-a-ref]" in codes
    assert any("![](not-a-panel.png)" in c for c in codes)


def test_cover_has_everything_generated(built_mini):
    _, result = built_mini
    soup = result.html("index.html")
    content = soup.select_one(".md-content")
    assert content.h1.get_text() == "The Little Lighthouse"
    assert content.select_one(".gn-subtitle").get_text() == "A tiny story for tests"
    assert "dramatised" in content.select_one(".gn-notice").get_text()
    cover = content.select_one("figure.gn-cover-panel img")
    assert cover["alt"].startswith("A red and white lighthouse")
    narrative = content.select_one("details#narrative-prompt")
    assert narrative.summary.get_text() == "Show Narrative Prompt"
    assert narrative.select_one("strong").get_text() == "short"
    start = content.select_one("a.gn-start")
    assert start.get_text() == "Start reading" and start["href"] == "chapters/01-storm/"
    cards = content.select("ol.gn-gallery > li")
    assert [c.select_one(".gn-card-title").get_text() for c in cards] == [
        "The Storm", "A New Lens", "The Light Today"]
    assert [c.select_one(".gn-card-label").get_text() for c in cards] == [
        "Chapter 1", "Chapter 2", "Epilogue"]
    assert cards[0].select_one(".gn-card-summary").get_text() == "A storm comes in at dusk."
    thumb = cards[1].select_one("img")
    assert "02-lens-thumb" in thumb["src"] and thumb["width"] == "480"
    assert cards[2].select_one("img") is None  # no panel, no thumbnail


def test_citations_link_to_numbered_references_and_back(built_mini):
    _, result = built_mini
    soup = result.html(chapter_paths()[1])
    links = soup.select("sup.gn-cite a")
    assert [a.get_text() for a in links] == ["2", "1"]
    assert links[0]["href"] == "../../references/#ref-lens-report"
    refs = result.html("references/index.html")
    items = refs.select("ol.gn-references > li")
    assert [li["id"] for li in items] == ["ref-history", "ref-lens-report"]
    assert [li["value"] for li in items] == ["1", "2"]
    first = items[0].select_one(".gn-ref-title a")
    assert first["href"] == "https://example.org/history" and "noopener" in first["rel"]
    assert "Example Press, 2023-10-16" in items[0].get_text()
    assert items[1].select_one(".gn-ref-title a") is None  # no url, no link
    backs = [a["href"] for a in items[0].select(".gn-ref-back a")]
    assert backs == ["../chapters/01-storm/#cite-history-1", "../chapters/02-lens/#cite-history-1",
                     "../chapters/03-epilogue/#cite-history-1"]
    # The anchors the back-links name exist.
    assert result.html(chapter_paths()[1]).find(id="cite-history-1") is not None


def test_placeholders_are_valid_small_16_9_webp(built_mini):
    proj, _ = built_mini
    fulls = sorted((proj.site / "assets/panels").glob("*-full-*.webp"))
    assert len(fulls) == 4
    for path in fulls:
        with Image.open(path) as im:
            assert im.format == "WEBP" and im.size == (1600, 900)
        assert path.stat().st_size <= 60_000, (path.name, path.stat().st_size)


def test_no_directory_urls_links_still_resolve(project):
    result = project.build(use_directory_urls=False)
    assert result.ok, result.error
    soup = result.html("chapters/02-lens.html")
    assert soup.select_one("sup.gn-cite a")["href"] == "../references.html#ref-lens-report"
    src = soup.select_one("figure.gn-panel img")["src"]
    assert (project.site / "chapters" / src).resolve().is_file()
    assert re.search(r'href="chapters/01-storm.html"', (project.site / "index.html").read_text())


def test_labels_are_not_repeated_in_nav_and_escaped_citations_stay_text(project):
    project.edit("story/chapters/03-epilogue.md", "title: The Light Today",
                 "title: \"Epilogue: The Light Today\"")
    project.edit("story/chapters/03-epilogue.md", "The light still turns",
                 "Write \\[@history] to cite. The light still turns")
    result = project.build()
    assert result.ok, result.error + result.log
    nav = [a.get_text(" ", strip=True) for a in
           result.html("index.html").select("nav.md-nav--primary .md-nav__link")]
    assert "Epilogue: The Light Today" in nav and not any(n.count("Epilogue") > 1 for n in nav)
    page = result.html("chapters/03-epilogue/index.html")
    assert "Write [@history] to cite." in page.select_one(".md-content").get_text()
    assert len(page.select("sup.gn-cite")) == 1  # only the real citation
    assert page.select_one(".gn-prompts-toggle") is None  # no panels, no prompt switch


def test_cover_prompt_shows_without_a_narrative_prompt(project):
    project.edit("story/image_prompts.yaml", "style: Bright, colourful wide-landscape drawing.\n"
                 "narrative_prompt: |\n  Please write a **short** story about a lighthouse.\n", "")
    result = project.build()
    assert result.ok, result.error + result.log
    soup = result.html("index.html")
    assert soup.select_one("details#narrative-prompt") is None
    cover = soup.select_one("details#prompt-cover")
    assert cover.summary.get_text() == "Show Cover Image Prompt"
    assert "A lighthouse at dusk" in cover.get_text()
