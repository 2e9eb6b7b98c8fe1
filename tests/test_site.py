"""The built site, read as HTML: pages, paging, panels, prompts, references."""

from __future__ import annotations

import itertools
import json
import re

from PIL import Image

from graphic_novel import slots


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
    for here, there in itertools.pairwise(order):
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
    # The bar counts what the kicker counts: numbered chapters, so the
    # epilogue after chapter 2 of 2 stays at 2 of 2.
    bar = result.html(chapter_paths()[1]).select_one("progress.gn-progress")
    assert bar["value"] == "2" and bar["max"] == "2"
    assert bar["aria-label"] == "Reading progress: 2 of 2 chapters"
    first = result.html(chapter_paths()[0]).select_one("progress.gn-progress")
    assert first["value"] == "1" and first["max"] == "2"
    last = result.html(chapter_paths()[2]).select_one("progress.gn-progress")
    assert last["value"] == "2" and last["max"] == "2"


def test_panels_have_alt_size_and_lazy_loading_after_first(built_mini):
    proj, result = built_mini
    soup = result.html(chapter_paths()[1])
    imgs = soup.select("figure.gn-panel img")
    assert [i["alt"] for i in imgs] == ["Workers hoist a large glass lens up the tower on ropes.",
                                        "The tower in pink morning light, calm sea."]
    for img in imgs:
        assert (img["width"], img["height"]) == ("1600", "900")
        widths = [int(part.split()[-1][:-1]) for part in img["srcset"].split(",")]
        assert widths == [480, 800, 1600]
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
    assert block.summary.select_one(".gn-show").get_text() == "Show image prompt"
    text = block.select_one(".gn-prompt-text")
    assert "the keeper climbs the spiral stairs" in text.get_text()
    assert text.select_one("em").get_text() == "Second paragraph"  # Markdown rendered
    copy = block.select_one("button.gn-copy")
    # What an image generator needs: the shared style, then the prompt, as plain text.
    assert copy["data-clipboard-text"] == ("Bright, colourful wide-landscape drawing.\n\n"
                                           "A storm hits the coast; the keeper climbs the spiral "
                                           "stairs.\n\nSecond paragraph of the prompt.")


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
    assert narrative.summary.select_one(".gn-show").get_text() == "Show narrative prompt"
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
    assert cover.summary.select_one(".gn-show").get_text() == "Show cover image prompt"
    assert "A lighthouse at dusk" in cover.get_text()


def test_panels_on_consecutive_lines_make_one_row(project):
    project.edit("story/chapters/02-lens.md", "![](02-lens.png)\n\nThe lens weighed two tonnes "
                 "[@lens-report; @history].\n\n![](02-dawn.png)",
                 "The lens weighed two tonnes [@lens-report; @history].\n\n"
                 "![](02-lens.png)\n![](02-dawn.png)")
    result = project.build()
    assert result.ok, result.error + result.log
    soup = result.html("chapters/02-lens/index.html")
    rows = soup.select(".gn-row")
    assert len(rows) == 1 and rows[0]["data-panels"] == "2"
    units = rows[0].select(":scope > .gn-panel-unit")
    assert [u.figure["data-panel"] for u in units] == ["02-lens", "02-dawn"]
    for unit in units:  # each keeps its caption and prompt, and grows by its aspect ratio
        assert unit.figcaption and unit.select_one("details.gn-prompt")
        assert re.fullmatch(r"flex-grow:\s*1\.7778;\s*--gn-ratio:\s*1\.7778;?", unit["style"]), \
            unit["style"]
        assert "(min-width: 76.25em) 586px" in unit.img["sizes"]
    # The first panel of the page loads at once; the row's second lazily.
    assert units[0].img.get("fetchpriority") == "high" and units[1].img["loading"] == "lazy"


def test_panels_apart_stay_single_and_full_width(built_mini):
    _, result = built_mini
    soup = result.html("chapters/02-lens/index.html")
    assert not soup.select(".gn-row")
    units = soup.select(".md-content__inner > .gn-panel-unit")
    assert [u.figure["data-panel"] for u in units] == ["02-lens", "02-dawn"]
    assert units[0].img["sizes"] == slots.panel_sizes()


def test_panel_numbers_restart_per_chapter_with_lightbox_caption(built_mini):
    _, result = built_mini
    soup = result.html("chapters/02-lens/index.html")
    numbers = [n.get_text() for n in soup.select("figcaption .gn-panel-number")]
    assert numbers == ["2.1", "2.2"]
    link = soup.select_one("figure#panel-02-lens a.gn-panel-link")
    assert link["data-gallery"] == "02-lens"  # the lightbox keeps to this chapter
    desc = link.select_one(".glightbox-desc")
    assert desc.has_attr("hidden")
    assert desc.get_text(" ", strip=True) == ("2.1 The new lens Workers hoist a large glass lens "
                                              "up the tower on ropes.")


def test_chapter_pages_page_at_top_and_bottom_and_hide_docs_chrome(built_mini):
    proj, result = built_mini
    soup = result.html("chapters/01-storm/index.html")
    top, bottom = soup.select("nav.gn-pager--top"), soup.select("nav.gn-pager--bottom")
    assert len(top) == 1 and len(bottom) == 1
    for nav in (top[0], bottom[0]):
        prev, nxt = nav.select_one("a[rel=prev]"), nav.select_one("a[rel=next]")
        assert prev["href"] == "../.." + "/" and prev.select_one(".gn-pager-label").get_text() \
            == "Cover"
        assert nxt["href"] == "../../chapters/02-lens/"
        assert nxt.select_one(".gn-pager-label").get_text() == "Chapter 2"
        assert nxt.select_one(".gn-pager-title").get_text() == "A New Lens"
    contents = top[0].select_one("a.gn-contents-link")
    assert contents["href"] == "../../#chapters"
    assert contents["data-contents"] == "../../assets/graphic-novel/contents.json"
    # Material hides both sidebars for these pages (front matter hide: navigation, toc).
    for page in ("index.html", "chapters/01-storm/index.html", "references/index.html",
                 "chapters/all/index.html"):
        html = result.html(page)
        for sidebar in html.select(".md-sidebar"):
            assert sidebar.has_attr("hidden"), (page, sidebar["data-md-type"])
    last = result.html("chapters/03-epilogue/index.html").select_one(
        ".gn-pager--bottom a[rel=next]")
    assert last["href"] == "../../references/"
    listing = json.loads((proj.site / "assets/graphic-novel/contents.json").read_text("utf-8"))
    assert [(p["label"], p["url"]) for p in listing["pages"]] == [
        ("Cover", ""), ("Chapter 1", "chapters/01-storm/"), ("Chapter 2", "chapters/02-lens/"),
        ("Epilogue", "chapters/03-epilogue/"), ("References", "references/")]
    # The one-page edition copies each chapter's body without its pagers.
    one = result.html("chapters/all/index.html")
    assert not one.select(".gn-pager")
    assert [a["href"] for a in one.select(".gn-onepage-contents a")] == [
        "#01-storm", "#02-lens", "#03-epilogue"]


def test_gallery_counts_what_the_kicker_counts(built_mini):
    _, result = built_mini
    soup = result.html("index.html")
    assert soup.select_one(".gn-gallery-count").get_text() == "2 chapters and an epilogue"
    labels = [s.get_text() for s in soup.select(".gn-card-label")]
    assert labels == ["Chapter 1", "Chapter 2", "Epilogue"]


def test_story_text_gets_curly_quotes_but_code_and_prompts_do_not(project):
    project.write("story/chapters/01-storm.md", project.story.joinpath(
        "chapters/01-storm.md").read_text("utf-8") +
        '\n"Hold the rail," she said -- it\'s the keeper\'s rule.\n\n'
        '`"quoted" code`\n\n```\nprint("fenced")\n```\n')
    result = project.build()
    assert result.ok, result.error + result.log
    soup = result.html("chapters/01-storm/index.html")
    text = soup.select_one(".md-content").get_text()
    assert "\u201cHold the rail,\u201d she said \u2013 it\u2019s the keeper\u2019s rule." in text
    assert soup.find("code", string='"quoted" code')
    assert 'print("fenced")' in soup.select("pre")[-1].get_text()
    prompt = soup.select_one("details.gn-prompt .gn-prompt-text").get_text()
    assert "\u2019" not in prompt and "\u201c" not in prompt


def test_material_markup_that_axe_flags_is_fixed_where_it_is_made(project):
    """Each string social.A11Y_FIXES rewrites must still be what Material prints:
    if Material changes its templates, this fails instead of the fix going quiet."""
    from graphic_novel.social import A11Y_FIXES

    project.edit("mkdocs.yml", "    - navigation.instant\n",
                 "    - navigation.instant\n    - navigation.instant.progress\n")
    result = project.build()
    assert result.ok, result.error + result.log
    for page in ("index.html", "chapters/01-storm/index.html", "404.html"):
        html = (project.site / page).read_text("utf-8")
        for old, new in A11Y_FIXES:
            assert new in html and old not in html, (page, old)


def test_a_panel_no_font_can_letter_is_named_in_the_build_log(project):
    project.edit("story/image_prompts.yaml", "title: The storm", "title: The storm \u0378")
    result = project.build()
    assert result.ok, result.error + result.log
    assert "placeholder for panel '01-storm' could not letter U+0378:" in result.log
    assert result.log.count("could not letter") == 1


def test_search_index_holds_the_story_not_the_reader_controls(built_mini):
    proj, _ = built_mini
    index = json.loads((proj.site / "search/search_index.json").read_text("utf-8"))
    chapter = [d for d in index["docs"] if d["location"].startswith("chapters/01-storm/")]
    text = " ".join(d["title"] + " " + d["text"] for d in chapter)
    assert "keeper" in text.lower()  # the story is found
    for control in ("Previous", "Contents", "Show all prompts", "Reading progress",
                    "Chapter 1 of 2", "Show image prompt", "Waves break over the rocks"):
        assert control not in text, control  # paging, kicker, prompts, lightbox caption


def test_pages_keep_typographic_punctuation_as_references_so_strings_stay_narrow():
    from graphic_novel.pages import narrow, sanitize_page

    out = sanitize_page("<p>\u201cYes,\u201d it\u2019s \u2013 S\u00e3o \u2026</p>")
    assert out == "<p>&#8220;Yes,&#8221; it&#8217;s &#8211; S\u00e3o &#8230;</p>"
    assert max(map(ord, out)) <= 0xFF  # one byte a character in CPython
    assert narrow("\u041a\u0438\u0440\u0438\u043b\u043b\u0438\u0446\u0430") == \
        "\u041a\u0438\u0440\u0438\u043b\u043b\u0438\u0446\u0430"  # letters stay letters


def test_pager_and_contents_do_not_repeat_the_label_in_the_title(project):
    project.edit("story/chapters/03-epilogue.md", "title: The Light Today",
                 "title: \"Epilogue: The Light Today\"")
    result = project.build()
    assert result.ok, result.error + result.log
    link = result.html("chapters/02-lens/index.html").select_one(".gn-pager--bottom a[rel=next]")
    assert link.select_one(".gn-pager-label").get_text() == "Epilogue"
    assert link.select_one(".gn-pager-title").get_text() == "The Light Today"
    listing = json.loads((project.site / "assets/graphic-novel/contents.json").read_text("utf-8"))
    assert {"label": "Epilogue", "title": "The Light Today",
            "url": "chapters/03-epilogue/"} in listing["pages"]


def test_gallery_count_for_several_unnumbered_pages(project):
    for name, kind in (("04-notes.md", "appendix"), ("05-more.md", "appendix")):
        project.write(f"story/chapters/{name}", f"---\ntitle: Notes {name}\nkind: {kind}\n---\n\nText.\n")
    result = project.build()
    assert result.ok, result.error + result.log
    count = result.html("index.html").select_one(".gn-gallery-count").get_text()
    assert count == "2 chapters, an epilogue and 2 appendices"


def test_the_lightbox_loads_on_first_use_and_never_shortens_captions(built_mini):
    """mkdocs-glightbox's render-blocking files are gone from every page, its start-up
    script is the options graphic-novel.js reads, with GLightbox's shortening off. If
    mkdocs-glightbox changes its markup, this fails (lightbox.py matches it exactly)."""
    _, result = built_mini
    for page in ("index.html", "chapters/01-storm/index.html", "chapters/all/index.html",
                 "references/index.html"):
        soup = result.html(page)
        assert not soup.select('head script[src*="glightbox"], head link[href*="glightbox"]')
        setup = soup.select_one("script#init-glightbox")
        assert setup["type"] == "application/json", page
        data = json.loads(setup.string)
        assert data["options"]["moreLength"] == 0 and data["options"]["zoomable"]
        assert data["js"].endswith("assets/javascripts/glightbox.min.js")
        assert (result.site / page).parent.joinpath(data["js"]).resolve().is_file()
        assert (result.site / page).parent.joinpath(data["css"]).resolve().is_file()


def test_glightbox_tags_are_put_in_once_without_it_parsing_the_page_again(built_mini):
    """The plugin puts in mkdocs-glightbox's own tags and turns its page pass off:
    each tag is there once, and the page is Material's own writing (lexbor, which
    mkdocs-glightbox writes pages out with, would make it "<!DOCTYPE html>")."""
    _, result = built_mini
    for page in ("index.html", "chapters/01-storm/index.html", "chapters/all/index.html",
                 "references/index.html"):
        text = (result.site / page).read_text("utf-8")
        assert text.lstrip().startswith("<!doctype html>"), page
        soup = result.html(page)
        assert len(soup.select("head > style#glightbox-style")) == 1, page
        assert len(soup.select("body > script#init-glightbox")) == 1, page


def test_glightbox_additions_come_from_the_plugin_itself():
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs_glightbox.plugin import LightboxPlugin

    from graphic_novel import lightbox

    config = MkDocsConfig()
    config.load_dict({"site_name": "t", "theme": {"name": "material"}})
    config.validate()
    glightbox = LightboxPlugin()
    glightbox.load_config({})
    glightbox.on_config(config)

    class Page:
        url, meta = "chapters/one/", {}

    head, body = lightbox.glightbox_additions(glightbox, Page(), config)
    assert '<link href="../../assets/stylesheets/glightbox.min.css" rel="stylesheet">' in head
    assert 'id="glightbox-style"' in head and 'id="init-glightbox"' in body
    Page.meta = {"glightbox": False}  # a page that turns it off gets nothing
    assert lightbox.glightbox_additions(glightbox, Page(), config) is None


def test_tags_go_at_the_ends_of_head_and_body_or_not_at_all():
    from graphic_novel import lightbox

    page = "<html><head><title>a</title></head><body><p>x</p></body></html>"
    assert lightbox.add_at_the_ends(page, "<h>", "<b>") == \
        "<html><head><title>a</title><h></head><body><p>x</p><b></body></html>"
    assert lightbox.add_at_the_ends("<p>no head</p></body>", "<h>", "<b>") is None


def test_lightbox_markup_in_another_shape_is_left_working_and_safe():
    from graphic_novel import lightbox

    other = ('<head></head><body><script id="init-glightbox">var x = 1;\n'
             'const lightbox = GLightbox({"loop": false});\n</script></body>')
    assert lightbox.load_on_first_use(other) == other.replace(
        'GLightbox({', 'GLightbox({"moreLength": 0, ')


def test_material_default_font_is_not_fetched_from_another_host(project):
    project.edit("mkdocs.yml", "  font: false  # no web fonts: the tests run offline\n", "")
    result = project.build()
    assert result.ok, result.error + result.log
    for page in ("index.html", "chapters/01-storm/index.html", "404.html"):
        html = (project.site / page).read_text("utf-8")
        assert "fonts.googleapis.com" not in html and "fonts.gstatic.com" not in html, page
    # A font the author names is theirs to keep; the log says it leaves the site.
    project.edit("mkdocs.yml", "theme:\n", "theme:\n  font:\n    text: Lato\n")
    result = project.build()
    assert result.ok, result.error + result.log
    assert "fonts.googleapis.com" in (project.site / "index.html").read_text("utf-8")
    assert "theme.font {'text': 'Lato'} is fetched from Google Fonts" in result.log


def test_panel_labels_restart_per_chapter_for_badge_caption_and_gallery(project):
    """The label is what the placeholder's badge, the caption, the lightbox and
    the cover's gallery thumbnail (the chapter's first panel) all show."""
    from graphic_novel.images import make_job
    from graphic_novel.loader import load_story

    project.write("story/chapters/00-prologue.md", "---\ntitle: Before\nkind: prologue\n---\n\n"
                  "![](00-gulls.png)\n")
    project.edit("story/image_prompts.yaml", "panels:\n",
                 "panels:\n  - id: 00-gulls\n    title: Gulls\n    alt: Gulls over the rock.\n"
                 "    prompt: Gulls.\n")
    story = load_story(project.story)
    labels = {pid: p.label for pid, p in story.panels.items()}
    assert labels == {"cover": "", "00-gulls": "1", "01-storm": "1.1", "02-lens": "2.1",
                      "02-dawn": "2.2"}
    job = make_job(story.panels["02-dawn"], None, None, 1600, 900, "webp")
    assert job.label == "2.2"  # drawn on the badge, and part of the cache key
