"""Share previews (Open Graph, Twitter cards) and the Atom feed of chapters.

Pure functions over the Story and its images; URLs are absolute when the
site's ``site_url`` is known, relative otherwise. Share previews need absolute
addresses: without ``site_url`` they carry no picture and no page address
(:func:`no_site_url` is what the build log says then).
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from .images import site_path
from .model import Chapter, Story
from .pages import COVER_URI, FEED_PATH, ONE_PAGE_URI, REFERENCES_URI, Context, esc, page_url
from .rules import chapter_heading

ATOM = "http://www.w3.org/2005/Atom"
NO_SITE_URL = ("no site_url in mkdocs.yml: share previews carry no picture or page address, "
               "the feed's links are relative and sitemap.xml lists no pages. Set it to the "
               "address the site is published at, e.g. 'site_url: https://example.org/story/'.")
# Material's instant navigation takes over only the links sitemap.xml lists (its
# integrations/sitemap and instant/index.ts, Material 9.8): with no pages there, none.
NO_INSTANT_NAVIGATION = (" Until then Material's instant navigation (navigation.instant) "
                         "does nothing: it follows only the pages sitemap.xml lists, so "
                         "every link loads its page in full.")


def no_site_url(instant_navigation: bool) -> str:
    """The build log's line for a site without site_url."""
    return NO_SITE_URL + (NO_INSTANT_NAVIGATION if instant_navigation else "")


def absolute(ctx: Context, from_uri: str, path: str) -> str:
    """``path`` (site-relative) as an absolute URL, or relative to ``from_uri``."""
    if ctx.site_url:
        return ctx.site_url.rstrip("/") + "/" + ctx.prefix + path
    return ctx.link(from_uri, path)


def share_panels(story: Story) -> set[str]:
    """The panels whose share-preview JPEG a page or the feed names: the cover
    (the cover and references pages) and each chapter's first panel (its page,
    its feed entry, and the one-page edition's for the first). See _page_facts
    and atom_feed."""
    first = {c.panel_ids[0] for c in story.chapters if c.panel_ids}
    return first | ({story.cover_id} if story.cover_id else set())


def _page_facts(ctx: Context, src_uri: str) -> tuple[str, str, str | None, str] | None:
    """Title, description, panel id and og:type for a generated page."""
    story = ctx.story
    if src_uri == COVER_URI:
        return story.title, story.subtitle or story.title, story.cover_id, "website"
    if src_uri == ONE_PAGE_URI:
        first = next((c.panel_ids[0] for c in story.chapters if c.panel_ids), story.cover_id)
        return f"{story.title}: the whole story", story.subtitle or story.title, first, "article"
    if src_uri == REFERENCES_URI:
        return f"References · {story.title}", f"Sources for {story.title}", story.cover_id, \
            "website"
    chapter = ctx.chapters_by_uri.get(src_uri)  # a dict: every page asks, 1,000 of them
    if chapter is not None:
        image = chapter.panel_ids[0] if chapter.panel_ids else story.cover_id
        return (f"{chapter_heading(chapter.label, chapter.title)} · {story.title}",
                chapter.summary or story.subtitle or story.title, image, "article")
    return None


def head_tags(ctx: Context, src_uri: str | None, site_name: str) -> str:
    """Tags for the page's <head>: the feed link always, share previews on story pages."""
    tags = []
    from_uri = src_uri or COVER_URI
    feed = absolute(ctx, from_uri, FEED_PATH)
    tags.append(f'<link rel="alternate" type="application/atom+xml" '
                f'title="{esc(ctx.story.title)} (Atom feed)" href="{esc(feed)}">')
    facts = _page_facts(ctx, src_uri) if src_uri else None
    if facts is None:
        return "\n".join(tags)
    title, description, panel_id, og_type = facts
    meta = [("og:type", og_type), ("og:site_name", site_name), ("og:title", title),
            ("og:description", description), ("twitter:title", title),
            ("twitter:description", description)]
    if ctx.site_url:
        meta.append(("og:url", absolute(ctx, from_uri, page_url(from_uri, ctx.directory_urls))))
    if ctx.site_url and panel_id and panel_id in ctx.images:  # a relative og:image is void
        images = ctx.images[panel_id]
        social = images.get("social")
        alt = ctx.story.panels[panel_id].alt
        meta += [("og:image", absolute(ctx, from_uri, site_path(images, social))),
                 ("og:image:width", str(social.width)), ("og:image:height", str(social.height)),
                 ("og:image:alt", alt), ("twitter:card", "summary_large_image"),
                 ("twitter:image", absolute(ctx, from_uri, site_path(images, social))),
                 ("twitter:image:alt", alt)]
    else:
        meta.append(("twitter:card", "summary"))
    for key, value in meta:
        attr = "name" if key.startswith("twitter:") else "property"
        tags.append(f'<meta {attr}="{key}" content="{esc(value)}">')
    return "\n".join(tags)


# Material's markup that axe-core flags, and what it becomes (pinned in theme.py
# and by tests/test_site.py in the built pages).
A11Y_FIXES = [
    # partials/search.html: the search dialog has no name (aria-dialog-name).
    ('data-md-component="search" role="dialog">',
     'data-md-component="search" role="dialog" aria-label="Search">'),
    # partials/progress.html (feature navigation.instant.progress): an unnamed
    # progressbar outside every landmark (aria-progressbar-name, region). It
    # only animates while instant navigation loads a page; the browser's own
    # loading state is what assistive technology announces, so it is hidden.
    ('<div class="md-progress" data-md-component="progress" role="progressbar"></div>',
     '<div class="md-progress" data-md-component="progress" role="progressbar" '
     'aria-label="Loading the page" aria-hidden="true"></div>'),
]


def a11y_fixes(html_page: str) -> str:
    """Material's markup with what axe-core flags put right (A11Y_FIXES)."""
    for old, new in A11Y_FIXES:
        html_page = html_page.replace(old, new, 1)
    return html_page


def _stamp(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).replace(microsecond=0).isoformat() \
        .replace("+00:00", "Z")


def _entry_id(ctx: Context, chapter: Chapter | None) -> str:
    if ctx.site_url:
        path = page_url(chapter.src_uri, ctx.directory_urls) if chapter else ""
        return ctx.site_url.rstrip("/") + "/" + path
    name = f"graphic-novel:{ctx.story.title}:{chapter.slug if chapter else ''}"
    return uuid.uuid5(uuid.NAMESPACE_URL, name).urn


def atom_feed(ctx: Context) -> str:
    """An Atom 1.0 feed with one entry per chapter, newest edits first."""
    story = ctx.story
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k.rstrip("_"): v for k, v in attrs.items()})
        if text is not None:
            el.text = text
        return el

    updated = max((c.updated for c in story.chapters), default=0.0)
    sub(feed, "title", story.title)
    if story.subtitle:
        sub(feed, "subtitle", story.subtitle)
    sub(feed, "id", _entry_id(ctx, None))
    sub(feed, "updated", _stamp(updated))
    author = sub(feed, "author")
    sub(author, "name", story.author or story.title)
    if ctx.site_url:
        sub(feed, "link", rel="self", type="application/atom+xml",
            href=absolute(ctx, COVER_URI, FEED_PATH))
    sub(feed, "link", rel="alternate", type="text/html",
        href=absolute(ctx, COVER_URI, page_url(COVER_URI, ctx.directory_urls)) or "./")
    sub(feed, "generator", "graphic-novel")
    from .editions.shelf import format_of

    for path in ctx.editions:  # the EPUB and the PDF, as related downloads
        edition = format_of(path)
        sub(feed, "link", rel="related", type=edition.media_type,
            href=absolute(ctx, COVER_URI, path), title=f"{story.title} ({edition.name})")
    for chapter in sorted(story.chapters, key=lambda c: (-c.updated, c.position)):
        entry = sub(feed, "entry")
        sub(entry, "title", chapter_heading(chapter.label, chapter.title))
        href = absolute(ctx, COVER_URI, page_url(chapter.src_uri, ctx.directory_urls))
        sub(entry, "link", rel="alternate", type="text/html", href=href)
        sub(entry, "id", _entry_id(ctx, chapter))
        sub(entry, "updated", _stamp(chapter.updated))
        if chapter.summary:
            sub(entry, "summary", chapter.summary)
        content = []
        if chapter.panel_ids:
            pid = chapter.panel_ids[0]
            images = ctx.images[pid]
            social = images.get("social")
            src = absolute(ctx, COVER_URI, site_path(images, social))
            content.append(f'<p><img src="{esc(src)}" width="{social.width}" '
                           f'height="{social.height}" alt="{esc(story.panels[pid].alt)}"></p>')
            kind = "image/png" if social.file.endswith(".png") else "image/jpeg"
            sub(entry, "link", rel="enclosure", type=kind, href=src)
        if chapter.summary:
            content.append(f"<p>{esc(chapter.summary)}</p>")
        content.append(f'<p><a href="{esc(href)}">Read {esc(chapter.label)}</a></p>')
        sub(entry, "content", "".join(content), type="html")
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
