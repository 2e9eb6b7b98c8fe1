"""Share previews and the Atom feed."""

from __future__ import annotations

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
