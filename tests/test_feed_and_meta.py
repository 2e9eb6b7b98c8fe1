"""Share previews and the Atom feed."""

from __future__ import annotations

import re

import feedparser


def test_chapter_has_open_graph_and_twitter_tags(built_mini):
    _, result = built_mini
    soup = result.html("chapters/02-lens/index.html")
    og = {m["property"]: m["content"] for m in soup.select("meta[property^='og:']")}
    tw = {m["name"]: m["content"] for m in soup.select("meta[name^='twitter:']")}
    assert og["og:title"] == "Chapter 2: A New Lens · The Little Lighthouse"
    assert og["og:description"] == "The town buys a new lens."
    assert og["og:url"] == "https://example.org/mini/chapters/02-lens/"
    assert og["og:image"].startswith("https://example.org/mini/assets/panels/02-lens-social-")
    assert og["og:image:alt"] == "Workers hoist a large glass lens up the tower on ropes."
    assert (og["og:image:width"], og["og:image:height"]) == ("800", "450")  # a placeholder: its 800 px rendition
    assert tw["twitter:card"] == "summary_large_image"
    assert tw["twitter:image"] == og["og:image"]
    image = result.site / og["og:image"].removeprefix("https://example.org/mini/")
    assert image.is_file() and image.read_bytes()[:3] == b"\xff\xd8\xff"  # JPEG


def test_every_page_links_the_feed(built_mini):
    _, result = built_mini
    for path in ["index.html", "chapters/01-storm/index.html", "references/index.html",
                 "chapters/all/index.html", "404.html"]:
        link = result.html(path).select_one("link[rel=alternate][type='application/atom+xml']")
        assert link is not None, path
        assert link["href"] == "https://example.org/mini/feed.xml"


def test_feed_is_valid_atom_with_one_entry_per_chapter(built_mini):
    _, result = built_mini
    feed = feedparser.parse((result.site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == "The Little Lighthouse"
    assert feed.feed.id and feed.feed.updated and feed.feed.author == "Test Author"
    assert any(link.rel == "self" and link.href == "https://example.org/mini/feed.xml"
               for link in feed.feed.links)
    titles = sorted(e.title for e in feed.entries)
    assert titles == ["Chapter 1: The Storm", "Chapter 2: A New Lens",
                      "Epilogue: The Light Today"]
    for entry in feed.entries:
        assert entry.id and entry.updated and entry.link.startswith("https://example.org/mini/")
    lens = next(e for e in feed.entries if e.title == "Chapter 2: A New Lens")
    assert lens.summary == "The town buys a new lens."
    assert "02-lens-social" in lens.content[0].value
    assert any(link.rel == "enclosure" for link in lens.links)


def test_with_site_url_every_address_is_absolute_and_the_sitemap_is_full(built_mini):
    proj, result = built_mini
    base = "https://example.org/mini/"
    pages = ["index.html", "chapters/01-storm/index.html", "chapters/02-lens/index.html",
             "chapters/03-epilogue/index.html", "chapters/all/index.html",
             "references/index.html"]
    for page in pages:
        head = result.html(page).head
        url = base + page.removesuffix("index.html")
        assert head.select_one('link[rel="canonical"]')["href"] == url, page
        metas = {m.get("property") or m.get("name"): m["content"] for m in head.select("meta[content]")}
        if "og:url" in metas:
            assert metas["og:url"] == url
        for key in ("og:image", "twitter:image"):
            if key in metas:
                assert metas[key].startswith(base + "assets/panels/"), (page, key)
    locs = re.findall(r"<loc>([^<]+)</loc>", (proj.site / "sitemap.xml").read_text())
    assert sorted(locs) == sorted(base + p.removesuffix("index.html") for p in pages)
    feed = feedparser.parse((proj.site / "feed.xml").read_bytes())
    links = [link["href"] for e in feed.entries for link in e.links]
    assert links and all(href.startswith(base) for href in links)


def test_without_site_url_no_relative_share_picture_and_one_line_says_so(project):
    project.edit("mkdocs.yml", "site_url: https://example.org/mini/\n", "")
    result = project.build()
    assert result.ok, result.error + result.log
    said = [line for line in result.log.splitlines() if "site_url in" in line]
    assert len(said) == 1 and "share previews" in said[0] and "site_url: https://" in said[0]
    # The fixture turns on navigation.instant, which an empty sitemap leaves idle.
    assert "instant navigation (navigation.instant) does nothing" in said[0]
    for page in ("index.html", "chapters/02-lens/index.html"):
        head = result.html(page).head
        assert not head.select('meta[property="og:image"], meta[name="twitter:image"], '
                               'meta[property="og:url"]'), page
        assert head.select_one('meta[name="twitter:card"]')["content"] == "summary"


def test_new_writes_the_site_url_it_is_given(tmp_path):
    from graphic_novel.cli import main

    assert main(["new", str(tmp_path / "a"), "--title", "Tide", "--site-url",
                 "https://example.org/tide"]) == 0
    assert 'site_url: "https://example.org/tide/"' in (tmp_path / "a" / "mkdocs.yml").read_text()
    assert main(["new", str(tmp_path / "b"), "--title", "Tide", "--site-url", "example.org"]) == 2
    assert not (tmp_path / "b").exists()
    assert main(["new", str(tmp_path / "c"), "--title", "Tide"]) == 0
    assert "# site_url: https://" in (tmp_path / "c" / "mkdocs.yml").read_text()


def test_a_title_with_an_ampersand_is_escaped_once_everywhere(project):
    """Issue 16, bug 2: Material's footer escapes a neighbour's title again for its
    aria-label (partials/footer.html, `title | e`), so "&" came out "&amp;amp;"."""
    import html
    import json

    project.edit("story/chapters/02-lens.md", "title: A New Lens", "title: Lens & Light")
    result = project.build()
    assert result.ok, result.error + result.log
    soup = result.html("chapters/01-storm/index.html")
    footer_next = soup.select_one("a.md-footer__link--next")
    assert footer_next["aria-label"] == "Next: 2. Lens & Light"
    assert footer_next.select_one(".md-ellipsis").get_text(strip=True) == "2. Lens & Light"
    back = result.html("chapters/03-epilogue/index.html").select_one("a.md-footer__link--prev")
    assert back["aria-label"] == "Previous: 2. Lens & Light"
    nav = [a.get_text(" ", strip=True) for a in soup.select("nav.md-nav--primary a")]
    assert "2. Lens & Light" in nav
    lens = result.html("chapters/02-lens/index.html")
    assert lens.title.get_text() == "Lens & Light - Mini"
    og = lens.select_one('meta[property="og:title"]')["content"]
    assert og == "Chapter 2: Lens & Light \u00b7 The Little Lighthouse"
    for path in result.site.rglob("*.html"):
        assert "&amp;amp;" not in path.read_text("utf-8"), path
    # The search index holds HTML, as Material writes it for any heading: one
    # level of escaping, which its search shows as "&".
    index = json.loads((result.site / "search/search_index.json").read_text("utf-8"))
    titles = {d["title"] for d in index["docs"] if d["location"].startswith("chapters/02-lens/")}
    assert titles and {html.unescape(t) for t in titles} == {"Lens & Light"}


def test_feed_and_share_previews_name_the_label_once(project):
    """Issue 16, bug 3: an epilogue titled "Epilogue: The Light Today" was
    "Epilogue: Epilogue: The Light Today" in the feed and og:title."""
    project.edit("story/chapters/03-epilogue.md", "title: The Light Today",
                 'title: "Epilogue: The Light Today"')
    result = project.build()
    assert result.ok, result.error + result.log
    feed = feedparser.parse((result.site / "feed.xml").read_bytes())
    assert "Epilogue: The Light Today" in [e.title for e in feed.entries]
    assert not any("Epilogue: Epilogue" in e.title for e in feed.entries)
    head = result.html("chapters/03-epilogue/index.html").head
    for selector in ('meta[property="og:title"]', 'meta[name="twitter:title"]'):
        assert head.select_one(selector)["content"] == \
            "Epilogue: The Light Today \u00b7 The Little Lighthouse", selector


def test_without_site_url_or_instant_navigation_the_line_leaves_navigation_out(project):
    project.edit("mkdocs.yml", "site_url: https://example.org/mini/\n", "")
    project.edit("mkdocs.yml", "    - navigation.instant\n", "")
    result = project.build()
    assert result.ok, result.error + result.log
    said = [line for line in result.log.splitlines() if "site_url in" in line]
    assert len(said) == 1 and "instant navigation" not in said[0]


def test_share_pictures_are_placed_for_the_panels_that_are_shared_only(default_story_site):
    """Each chapter's first panel and the cover get their share-preview JPEG in the
    site; the other panels' would be files no page or feed names (3.3 MB of the
    default story's 20.8 MB)."""
    site = default_story_site.project.site
    social = {p.name.split("-social-")[0] for p in (site / "assets/panels").glob("*-social-*.jpg")}
    all_panels = {p.name.split("-full-")[0] for p in (site / "assets/panels").glob("*-full-*")}
    feed = feedparser.parse((site / "feed.xml").read_text("utf-8"))
    shared = {link["href"].split("/")[-1].split("-social-")[0]
              for entry in feed.entries for link in entry.links if link.get("rel") == "enclosure"}
    firsts = set()
    for chapter in default_story_site.chapters:
        page = (site / chapter["url"] / "index.html").read_text("utf-8")
        first = re.search(r'<figure class="gn-panel[^"]*"[^>]* data-panel="([^"]+)"', page)
        firsts |= {first.group(1)} if first else set()
    assert shared == firsts and len(firsts) >= 13  # each chapter's first panel, in the feed
    assert social == firsts | {"cover"}
    assert len(all_panels) > len(social)  # the story has panels beyond the first
    for entry in feed.entries:  # every enclosure is there
        for link in entry.links:
            if link.get("rel") == "enclosure":
                assert (site / "assets/panels" / link["href"].split("/")[-1]).is_file()


def test_a_docs_pages_head_links_resolve_from_a_folders_readme(project):
    """A docs page written as README.md is its folder's index page: the manifest and
    the display face's preload are named from where the page is served, not from
    its file name (once one folder too deep)."""
    project.write("docs/guide/README.md", "# Guide\n\nA page of the site's own.\n")
    project.write("docs/guide/deeper/README.md", "# Deeper\n\nAnother.\n")
    result = project.build()
    assert result.ok, result.error + result.log
    for page in ("guide/index.html", "guide/deeper/index.html"):
        head = result.html(page).head
        hrefs = [head.select_one('link[rel="manifest"]')["href"],
                 head.select_one('link[rel="preload"][as="font"]')["href"]]
        for href in hrefs:
            assert not href.startswith("/"), (page, href)
            target = (result.site / page).parent / href
            assert target.resolve().is_file(), (page, href)
            assert target.resolve().is_relative_to(result.site.resolve()), (page, href)


def test_every_pages_share_picture_is_in_the_site(built_mini):
    """Whatever panel a page shares (social._page_facts), its JPEG was placed in the
    site (images.copy_into_site places the share pictures of social.share_panels only)."""
    _, result = built_mini
    pages = sorted(result.site.rglob("*.html"))
    shared = 0
    for page in pages:
        for meta in result.html(str(page.relative_to(result.site))).select(
                'meta[property="og:image"], meta[name="twitter:image"]'):
            path = meta["content"].removeprefix("https://example.org/mini/")
            assert (result.site / path).is_file(), (page, path)
            shared += 1
    assert shared >= 2 * 5  # cover, references, one-page and the chapters, both tags each
