"""A site with several stories: the shelf page that lists them, and the nav
that holds each story as a section of its own.

Plain functions over each story's pages.Context: they know nothing of MkDocs.
A story's pages keep their own URIs ("index.md", "chapters/01-x.md");
here they get the story's prefix, the only place the site sees it.
"""

from __future__ import annotations

from .images import site_path
from .pages import (
    CARD_SIZES,
    COVER_URI,
    READING_HIDE,
    Blocks,
    Context,
    chapter_count_text,
    esc,
    esc_md_inline,
    front_matter,
    nav,
    nav_markup,
    page_url,
    relative,
    srcset_linked,
)
from .rules import plural

SHELF_HOME = "index.md"


def shelf_uri(prefixes: list[str], has_home: bool) -> str:
    """Where the shelf goes: the site's home when the site holds only stories
    (no index.md of its own), else the folder the stories share
    ("stories/index.md"), or stories/ when they share none."""
    if not has_home:
        return SHELF_HOME
    parts = [p.rstrip("/").split("/")[:-1] for p in prefixes]
    common: list[str] = []
    for level in zip(*parts):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return "/".join(common or ["stories"]) + "/index.md"


def _card(ctx: Context, uri: str) -> str:
    """One story's card: its cover, title, subtitle and what it holds, and a
    "Continue reading" link the reader's script shows once it has been started."""
    story = ctx.story
    cover = relative(uri, ctx.prefix + page_url(COVER_URI, ctx.directory_urls),
                     ctx.directory_urls)
    pid = story.cover_id or next(iter(story.panels), None)
    thumb = '<span class="gn-card-blank" aria-hidden="true"></span>'
    if pid is not None and pid in ctx.images:
        images = ctx.images[pid]
        small = images.get("thumb")

        def link(path: str) -> str:
            return relative(uri, ctx.prefix + path, ctx.directory_urls)

        thumb = (f'<img src="{link(site_path(images, small))}" '
                 f'srcset="{srcset_linked(images, link)}" sizes="{CARD_SIZES}" '
                 f'width="{small.width}" height="{small.height}" alt="" loading="lazy" '
                 'decoding="async">')
    held = chapter_count_text(story) or plural(len(story.chapters), "page")
    return (f'<li class="gn-card gn-shelf-card"><a href="{cover}">{thumb}'
            f'<span class="gn-card-label">{esc(held)}</span>'
            f'<span class="gn-card-title">{esc(story.title)}</span>'
            + (f'<span class="gn-card-summary">{esc(story.subtitle)}</span>'
               if story.subtitle else "")
            + f'</a><a class="gn-continue gn-shelf-continue" data-story="{esc(ctx.prefix)}" '
            f'href="{cover}" hidden>Continue reading</a></li>')


def shelf_page(stories: list[Context], uri: str, site_name: str, description: str,
               blocks: Blocks) -> str:
    """The shelf's Markdown: every story as a card, in mkdocs.yml's order."""
    cards = "\n".join(_card(ctx, uri) for ctx in stories)
    count = plural(len(stories), "story", "stories")
    home = uri == SHELF_HOME  # the site's home is named by the site; a shelf inside it, not
    return "\n".join([
        front_matter(title=None if home else "Stories",
                     description=description or f"{count}: {site_name}", hide=READING_HIDE),
        f"# {esc_md_inline(site_name if home else 'Stories')}",
        blocks.block(f'<p class="gn-gallery-count">{esc(count)}</p>\n'
                     f'<ol class="gn-gallery gn-shelf">\n{cards}\n</ol>'),
    ])


def _prefixed(entries: list, prefix: str) -> list:
    """A story's nav with every page under ``prefix``."""
    out: list = []
    for entry in entries:
        for title, target in entry.items():
            out.append({title: _prefixed(target, prefix) if isinstance(target, list)
                        else prefix + target})
    return out


def story_section(ctx: Context) -> dict:
    """One story as a nav section: its cover, chapters and references."""
    return {nav_markup(ctx.story.title): _prefixed(nav(ctx.story), ctx.prefix)}


def site_nav(stories: list[Context], shelf: str | None, docs_nav: list | None) -> list:
    """The nav of a site with several stories. ``docs_nav`` is the site's own
    pages as MkDocs would list them (None when it has none): they come first,
    then a Stories section with the shelf and each story."""
    sections = [story_section(ctx) for ctx in stories]
    if not docs_nav:
        return ([{"Stories": shelf}] if shelf else []) + sections
    return [*docs_nav, {"Stories": ([{"All stories": shelf}] if shelf else []) + sections}]


def fit_nav(nav_config: list, stories: list[Context]) -> list:
    """An author's own nav, with each entry that names a story's cover made
    that story's section (its chapters and references under it)."""
    covers = {ctx.prefix + COVER_URI: ctx for ctx in stories}

    def fit(item):
        if isinstance(item, str) and item in covers:
            return story_section(covers[item])
        if isinstance(item, dict):
            out = {}
            for title, target in item.items():
                if isinstance(target, str) and target in covers:
                    out[title] = _prefixed(nav(covers[target].story), covers[target].prefix)
                else:
                    out[title] = fit(target) if isinstance(target, list) else target
            return out
        if isinstance(item, list):
            return [fit(x) for x in item]
        return item

    return fit(nav_config)
