"""Generate the site's pages from a Story, as Markdown with small HTML blocks.

Plain functions: they know nothing of MkDocs. Every author-written field is
escaped where it lands in HTML; prompt Markdown is rendered and sanitised.
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import nh3
from markupsafe import Markup

from . import markup, slots
from .atomic import replacing
from .errors import StoryError
from .images import ImageSet, site_path
from .model import Chapter, Panel, Story
from .prompt_memo import PromptMemo
from .prompt_text import html_and_text, image_prompt, markdown_html
from .rules import CHAPTER_EXT, ONE_PAGE_STEM, chapter_heading, plural

COVER_URI = "index.md"
REFERENCES_URI = "references.md"
# Beside the chapters, so their relative links work unchanged; the loader refuses a chapter
# of that name (rules.ONE_PAGE_STEM).
ONE_PAGE_URI = f"chapters/{ONE_PAGE_STEM}{CHAPTER_EXT}"
BODY_MARK = '<div class="gn-body-start"></div>'
BODY_END = '<div class="gn-body-end"></div>'
CONTENTS_PATH = "assets/graphic-novel/contents.json"
READING_HIDE = ["navigation", "toc"]  # no docs sidebars (material/templates/base.html: hide)
# Material's search leaves out what carries this: paging, kickers, the
# lightbox's copy of each caption (readers search the story itself).
# material/plugins/search/plugin.py reads it; pinned in theme.py.
NOT_SEARCHED = 'data-search-exclude="true"'
SLOT_RE = re.compile(r'<div class="gn-slot" data-chapter="([^"]+)"></div>')
FEED_PATH = "feed.xml"

_PROMPT_TAGS = {"p", "br", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote",
                "a", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody",
                "tr", "th", "td", "del", "sup", "sub"}


# What a generated page may contain once rendered. Author HTML in chapters is
# cut down to this; so is what other plugins add. <a> gets no title and no
# data-title/description: GLightbox writes those into the page as HTML.
_PAGE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "button", "caption", "cite", "code", "dd", "del",
    "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "input", "ins", "kbd", "li", "mark", "nav", "ol", "p", "pre",
    "progress",
    "q", "s", "samp", "section", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var", "wbr",
}
_PAGE_ATTRS = {
    "*": {"id", "class", "lang", "dir", "role", "hidden"},
    "a": {"href", "target", "rel", "data-type", "data-alt", "data-width", "data-height",
          "data-gallery", "data-contents"},
    "abbr": {"title"}, "sup": {"title"}, "span": {"title"},
    "nav": {"data-search-exclude"},
    "img": {"src", "srcset", "sizes", "width", "height", "alt", "title", "loading", "decoding",
            "fetchpriority"},
    "button": {"type", "title", "data-clipboard-text"},
    "details": {"open", "data-search-exclude"},
    "div": {"data-chapter", "data-position", "data-total", "data-label", "data-title",
            "data-panels", "style", "data-search-exclude"},
    "figure": {"data-panel", "data-art"},
    "input": {"type", "checked", "disabled"},
    "li": {"value"}, "ol": {"start", "type", "reversed"},
    "progress": {"max", "value"},
    "td": {"colspan", "rowspan", "align"}, "th": {"colspan", "rowspan", "align", "scope"},
}


def sanitize_page(html_text: str) -> str:
    """Cut a rendered page body down to what a story page needs: no scripts,
    no event handlers, no javascript: or data: URLs, no style but a
    panel's aspect ratio."""
    return narrow(nh3.clean(html_text, tags=_PAGE_TAGS, clean_content_tags={"script", "style"},
                            attributes=_PAGE_ATTRS, generic_attribute_prefixes={"aria-"},
                            url_schemes={"http", "https", "mailto"}, link_rel=None,
                            strip_comments=True, filter_style_properties=_PAGE_STYLES))


# Curly quotes, dashes, ellipses (smarty's output, which nh3 hands back as
# characters). One of them anywhere makes Python store the whole page at two
# bytes a character, and MkDocs keeps every page's HTML until the build ends:
# at 1,000 chapters that was 9 MB. As character references the page stays
# at one byte a character; a browser reads them the same.
_WIDE_PUNCTUATION_RE = re.compile("[\u2010-\u2027\u2030-\u205e]")


def narrow(html_text: str) -> str:
    """``html_text`` with typographic punctuation as character references."""
    if html_text.isascii():
        return html_text
    return _WIDE_PUNCTUATION_RE.sub(lambda m: f"&#{ord(m.group())};", html_text)


# The styles a page keeps: a panel's aspect ratio, which sets how wide it
# grows in a row and how tall a lone portrait panel may stand (see panel_html).
_PAGE_STYLES = {"flex-grow", "--gn-ratio"}


def esc(text: str) -> str:
    return html.escape(text or "", quote=True)


def esc_md_inline(text: str) -> str:
    """Text placed in a Markdown heading: escape HTML and Markdown's own marks."""
    out = html.escape(text or "", quote=False)
    for ch in "\\`*_[]#!|{}":
        out = out.replace(ch, "\\" + ch)
    return out




def render_markdown(text: str) -> str:
    """An author's prompt as safe HTML (Markdown rendered, then sanitised)."""
    return clean_prompt_html(markdown_html(text))


def clean_prompt_html(raw: str) -> str:
    """Rendered prompt HTML cut down to text formatting and links."""
    return nh3.clean(raw, tags=_PROMPT_TAGS, attributes={"a": {"href", "title"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def page_file(src_uri: str, directory_urls: bool) -> str:
    """The file a page is written to, relative to the site folder."""
    url = page_url(src_uri, directory_urls)
    return url + "index.html" if url.endswith("/") or not url else url


def page_url(src_uri: str, directory_urls: bool) -> str:
    """The site-relative URL MkDocs gives a page (mirrors MkDocs' own rule)."""
    stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
    if stem == "index" or stem.endswith("/index"):
        base = stem[:-5]
        return base if directory_urls else base + "index.html"
    return stem + "/" if directory_urls else stem + ".html"


def relative(from_uri: str, target: str, directory_urls: bool) -> str:
    """A link from page ``from_uri`` to the site path ``target``."""
    url = page_url(from_uri, directory_urls)
    depth = url.count("/")
    prefix = "../" * depth
    return (prefix + target) or "./"


class Blocks:
    """Generated HTML kept out of Markdown's way.

    Python-Markdown feeds every raw HTML block and inline tag through
    ``html.parser``, which made a chapter's panel, head and citations 40% of
    its conversion time. Instead the page's Markdown holds a marker (letters
    and digits, which no Markdown rule changes) and :meth:`fill` puts the HTML
    in its place once the page is rendered. Markers carry a random nonce, so
    an author's text can never name one.

    Blocks made with :meth:`late` stay out of the page until :meth:`fill_late`,
    once the search plugin and other plugins are done with it: the prompt
    blocks and paging, which search leaves out anyway, are most of a
    chapter's HTML, and parsing them was the search index's main cost.
    """

    def __init__(self) -> None:
        self.nonce = secrets.token_hex(6)
        self.html: dict[str, str] = {}
        self._made = 0
        self._re = re.compile(rf"<p>(gn{self.nonce}b\d+z)</p>|(gn{self.nonce}[bi]\d+z)")
        self._late_re = re.compile(rf"<!--(gn{self.nonce}l\d+z)-->")

    @property
    def count(self) -> int:
        """How many markers were made so far: the number the next one gets."""
        return self._made

    def _add(self, kind: str, html_text: str) -> str:
        key = f"gn{self.nonce}{kind}{self._made}z"  # a count, never reused
        self._made += 1
        self.html[key] = html_text
        return key

    def block(self, html_text: str) -> str:
        """A marker standing as a paragraph of its own, for a block of HTML."""
        return f"\n\n{self._add('b', html_text)}\n\n"

    def inline(self, html_text: str) -> str:
        """A marker inside a line of text, for inline HTML."""
        return self._add("i", html_text)

    def late(self, html_text: str) -> str:
        """A comment standing for HTML that no plugin needs to see, for use in
        a block's HTML; :meth:`fill_late` puts the HTML in the finished page.
        The HTML goes in without ``data-search-exclude``, which search would
        have removed, and holds no markers of its own."""
        return f"<!--{self._add('l', narrow(html_text.replace(' ' + NOT_SEARCHED, '')))}-->"

    def fill(self, rendered: str) -> str:
        """The rendered page with every block and inline marker replaced by its HTML."""
        if f"gn{self.nonce}" not in rendered:
            return rendered
        return self._let_go(self._re.sub(lambda m: self.html.pop(m.group(1) or m.group(2), ""),
                                         rendered))

    def fill_late(self, page: str) -> str:
        """The finished page with every late block in place."""
        if f"<!--gn{self.nonce}l" not in page:
            return page
        return self._let_go(self._late_re.sub(lambda m: self.html.pop(m.group(1), ""), page))

    def _let_go(self, out: str) -> str:
        # Each marker is filled once: its HTML is let go as soon as it is used.
        if not self.html:
            self.html = {}  # an emptied dict keeps its table; a new one does not
        return out


@dataclass
class Context:
    story: Story
    images: dict[str, ImageSet]
    directory_urls: bool = True
    site_url: str | None = None
    blocks: Blocks = field(default_factory=Blocks)
    editions: tuple[str, ...] = ()  # the site paths of the downloadable editions (EPUB, PDF)
    memo: PromptMemo | None = None  # prompts shown in earlier builds (prompt_memo.py)
    # Where the story's pages are in the site ("stories/<name>/"; "" at the root). Every
    # URI here is the story's own ("index.md", "chapters/01-x.md"), and so is every link
    # between them: the prefix only shows in links out of the story (site_link).
    prefix: str = ""

    @functools.cached_property
    def chapters_by_uri(self) -> dict[str, Chapter]:
        return {c.src_uri: c for c in self.story.chapters}

    def prompt_forms(self, text: str) -> tuple[str, str]:
        """A prompt's safe HTML and its plain text, from one conversion (or none)."""
        if self.memo is not None:
            return self.memo.forms(text)
        rendered, plain = html_and_text(text)
        return clean_prompt_html(rendered), plain

    def shown(self, text: str) -> str:
        """An author's Markdown (a prompt, the style, a reference's note) as safe HTML:
        :func:`render_markdown`, remembered from earlier builds."""
        return self.prompt_forms(text)[0]

    def plain(self, text: str) -> str:
        """An author's Markdown as plain text (prompt_text.plain_text), remembered."""
        return self.prompt_forms(text)[1]

    def image_prompt(self, panel: Panel, own_text: str | None = None) -> str:
        """What the copy button gives an image generator for ``panel``."""
        return image_prompt(self.story, panel, own_text, self.plain)

    def site_link(self, from_uri: str, site_path: str) -> str:
        """A link from the story's page ``from_uri`` to a path from the site root."""
        return relative(self.prefix + from_uri, site_path, self.directory_urls)

    def link(self, from_uri: str, to_uri_or_path: str) -> str:
        target = to_uri_or_path
        if target.endswith(".md"):
            target = page_url(target, self.directory_urls)
        return relative(from_uri, target, self.directory_urls)


def chapter_kicker(story: Story, chapter: Chapter) -> str:
    """"Chapter 3 of 12" for a numbered chapter; the label ("Epilogue") otherwise.

    The 12 counts the same chapters as the progress bar and the cover.
    """
    if chapter.kind == "chapter" and not chapter.custom_label:
        return f"Chapter {chapter.number} of {story.chapter_count}"
    return chapter.label


def reading_progress(story: Story, chapter: Chapter) -> tuple[int, int]:
    """(chapters read, chapters in all), counting numbered chapters only, as
    the kicker does: an epilogue after chapter 12 of 12 stays at 12 of 12.
    A story without numbered chapters counts its pages instead."""
    total = story.chapter_count
    if not total:
        return chapter.position, len(story.chapters)
    done = sum(1 for c in story.chapters[:chapter.position] if c.kind == "chapter")
    return done, total


_KIND_PLURALS = {"Prologue": "prologues", "Epilogue": "epilogues", "Appendix": "appendices"}


def chapter_count_text(story: Story) -> str:
    """"12 chapters, an epilogue and an appendix": what the gallery holds."""
    numbered = story.chapter_count
    parts = [f"{numbered} chapter{'s' if numbered != 1 else ''}"] if numbered else []
    others: dict[str, int] = {}
    for chapter in story.chapters:
        if chapter.kind != "chapter":
            others[chapter.label] = others.get(chapter.label, 0) + 1
    for label, n in others.items():
        if label in _KIND_PLURALS:
            word = label.lower()
            parts.append(f"{n} {_KIND_PLURALS[label]}" if n > 1 else
                         f"{'an' if word[0] in 'aeiou' else 'a'} {word}")
        else:  # an author's own label ("Call to Action"): no guessing at its plural
            parts.append(f"{n} \u2018{label}\u2019 pages" if n > 1 else f"\u2018{label}\u2019")
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return parts[0] if parts else ""


PANEL_SIZES = slots.panel_sizes()  # how wide a lone panel is shown (slots.py)
CARD_SIZES = slots.card_sizes()


def srcset(ctx: Context, page_uri: str, images: ImageSet) -> str:
    """Every on-page rendition, smallest first, one per width (a duplicate width is void)."""
    return srcset_linked(images, lambda path: ctx.link(page_uri, path))


def srcset_linked(images: ImageSet, link: Callable[[str], str]) -> str:
    """:func:`srcset` with each rendition's site path made a URL by ``link``."""
    seen: dict[int, str] = {}
    for r in images.srcset_renditions:
        seen.setdefault(r.width, link(site_path(images, r)))
    return ", ".join(f"{url} {width}w" for width, url in seen.items())


def figure_html(ctx: Context, panel: Panel, page_uri: str, eager: bool,
                caption: bool = True, css: str = "gn-panel", gallery: str = "",
                sizes: str = PANEL_SIZES) -> str:
    """A panel's picture: responsive srcset, real dimensions, a link to the full size.

    The link carries the lightbox's caption (the panel's number, title and
    alt text) in a hidden element GLightbox reads, and ``gallery`` keeps the
    lightbox's arrows within one chapter.
    """
    images = ctx.images[panel.id]
    full = images.get("full")
    default = images.get("mid") if any(r.name == "mid" for r in images.renditions) else full
    loading = 'fetchpriority="high"' if eager else 'loading="lazy"'
    number = f'<span class="gn-panel-number">{esc(panel.label)}</span> ' if panel.label else ""
    described = f"<strong>{number}{esc(panel.title)}</strong>" if caption and panel.title else ""
    described += f"<p>{esc(panel.alt)}</p>"
    lines = [
        f'<figure class="{css}" id="panel-{esc(panel.id)}" data-panel="{esc(panel.id)}" '
        f'data-art="{"art" if images.is_art else "placeholder"}">',
        f'<a class="gn-panel-link glightbox" href="{ctx.link(page_uri, site_path(images, full))}" '
        f'data-type="image" data-alt="{esc(panel.alt)}"'
        + (f' data-gallery="{esc(gallery)}"' if gallery else "") + ">"
        f'<img src="{ctx.link(page_uri, site_path(images, default))}" '
        f'srcset="{srcset(ctx, page_uri, images)}" '
        f'sizes="{sizes}" width="{full.width}" height="{full.height}" '
        f'alt="{esc(panel.alt)}" {loading} decoding="async">'
        # A <div>: Material's search stops skipping at the first closing tag of
        # the skipped element's name (search/plugin.py compares tags by name),
        # so nothing inside may share it.
        f'<div class="glightbox-desc" hidden {NOT_SEARCHED}>{described}</div></a>',
    ]
    if caption:
        lines.append(f"<figcaption>{number}{esc(panel.title)}</figcaption>")
    lines.append("</figure>")
    return "\n".join(lines)


def panel_html(ctx: Context, panel: Panel, page_uri: str, eager: bool, gallery: str = "",
               sizes: str = PANEL_SIZES) -> str:
    """A panel's figure and its prompt block, together in one wrapper."""
    figure = figure_html(ctx, panel, page_uri, eager, gallery=gallery, sizes=sizes)
    rendered, text = ctx.prompt_forms(panel.prompt)
    prompt = ctx.blocks.late(prompt_block(panel.prompt, "image prompt", f"prompt-{panel.id}",
                                          copy_text=ctx.image_prompt(panel, text),
                                          rendered=rendered))
    full = ctx.images[panel.id].get("full")
    ratio = f"{full.width / full.height:.4f}"
    return (f'<div class="gn-panel-unit" style="flex-grow: {ratio}; --gn-ratio: {ratio}">\n'
            + figure + "\n" + prompt + "\n</div>")


def panel_row(ctx: Context, panels: list[Panel], page_uri: str, eager: bool,
              gallery: str) -> str:
    """Panels written on consecutive lines: one row, side by side on a wide
    screen. Each panel grows by its aspect ratio, so equal ratios give equal
    heights and the tops line up; a phone stacks them."""
    if len(panels) == 1:
        return panel_html(ctx, panels[0], page_uri, eager, gallery)
    sizes = slots.panel_sizes(len(panels))
    units = [panel_html(ctx, p, page_uri, eager and i == 0, gallery, sizes)
             for i, p in enumerate(panels)]
    return (f'<div class="gn-row" data-panels="{len(panels)}">\n' + "\n".join(units)
            + "\n</div>")


def prompt_block(prompt: str, what: str, block_id: str, extra: str = "",
                 copy_text: str | None = None, rendered: str | None = None) -> str:
    """A collapsible, Material-styled block with the prompt rendered and a copy button.

    The summary reads "Show image prompt" closed and "Hide image prompt" open
    (CSS swaps the two, so it needs no script). The copy button copies
    ``copy_text`` (the plain text an image generator takes) or the prompt;
    ``rendered`` is the prompt's safe HTML when the caller has made it.

    Left out of the search index: readers search the story, and a prompt
    matching would send them to the prompt's summary (at 1,000 chapters the
    index is also a quarter smaller). Material removes the attribute once
    the page is indexed.
    """
    copy = prompt if copy_text is None else copy_text
    return "\n".join([
        f'<details class="gn-prompt abstract" id="{esc(block_id)}" {NOT_SEARCHED}>',
        f'<summary><span class="gn-show">Show {esc(what)}</span>'
        f'<span class="gn-hide">Hide {esc(what)}</span></summary>',
        f'<div class="gn-prompt-text">'
        f'{render_markdown(prompt) if rendered is None else rendered}{extra}</div>',
        f'<p class="gn-prompt-actions"><button type="button" class="md-button gn-copy" '
        f'data-clipboard-text="{esc(copy)}" title="Copy the text for an image generator">'
        'Copy prompt</button></p>',
        "</details>",
    ])


def front_matter(**values) -> str:
    """Front matter for a generated page; JSON is valid YAML and quotes anything.

    ``title`` and ``description`` are HTML-escaped here: Material prints them
    into the page (material/templates/base.html's <title> and <meta
    name="description">, partials/header.html) without escaping, so an
    author's "<" or quote would otherwise become markup (pinned in theme.py).
    """
    for key in ("title", "description"):
        if isinstance(values.get(key), str) and values[key]:
            values[key] = html.escape(values[key], quote=True)
    lines = ["---"] + [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in values.items()
                       if v not in (None, "")] + ["---", ""]
    return "\n".join(lines)


def chapter_body(ctx: Context, chapter: Chapter, page_uri: str) -> str:
    """A chapter's Markdown with panels and citations turned into HTML.

    Panel lines with no blank line between them form one row (panel_row).
    The scan collects the rows, each under the marker of its first line, and
    each row's HTML is made once the scan is done.
    """
    story = ctx.story
    refs_url = ctx.link(page_uri, REFERENCES_URI)
    rows: list[tuple[str, list[Panel]]] = []  # (marker key, the row's panels)
    last_line = [-2]

    def on_panel(use: markup.PanelUse) -> str:
        assert use.panel_id is not None  # markup reports only uses that name a panel
        panel = story.panels[use.panel_id]
        after_the_last = use.line == last_line[0] + 1
        last_line[0] = use.line
        if after_the_last:
            rows[-1][1].append(panel)
            return ""
        marker = ctx.blocks.block("")
        rows.append((marker.strip(), [panel]))
        return marker

    counts: dict[str, int] = {}

    def on_cite(use: markup.CiteUse) -> str:
        if use.in_text:  # no link inside a link or an alt text: plain "[1]" (see cite_warnings)
            for rid in use.ids:
                counts[rid] = counts.get(rid, 0) + 1  # later anchors keep the loader's numbers
            return cite_as_text(story, use)
        links = []
        for rid in use.ids:
            ref = story.references[rid]
            counts[rid] = counts.get(rid, 0) + 1
            links.append(f'<a id="cite-{esc(rid)}-{counts[rid]}" '
                         f'href="{refs_url}#ref-{esc(rid)}" '
                         f'aria-label="Reference {ref.number}: {esc(ref.title)}">{ref.number}</a>')
        titles = "; ".join(esc(story.references[rid].title) for rid in use.ids)
        sup = f'<sup class="gn-cite" title="{titles}">[{", ".join(links)}]</sup>'
        # In a heading the marker would show in the table of contents: keep the HTML.
        return sup if use.line in headings else ctx.blocks.inline(sup)

    headings = _heading_lines(chapter.body)
    body, _, _ = markup.transform(chapter.body, on_panel, on_cite)
    for i, (key, panels) in enumerate(rows):  # the page's first panel loads at once
        ctx.blocks.html[key] = panel_row(ctx, panels, page_uri, i == 0, chapter.slug)
    return body


def cite_as_text(story: Story, use: markup.CiteUse) -> str:
    """A citation as the plain text "[1, 3]", with the brackets as character
    references so Markdown reads no link in them."""
    numbers = ", ".join(str(story.references[rid].number) for rid in use.ids)
    return f"&#91;{numbers}&#93;"


def cite_warnings(story: Story) -> list[str]:
    """A line for each citation written inside a link's text or an image's
    alt text: it is shown as plain text there, without its link."""
    out = []
    for chapter in story.chapters:
        for ids, line in chapter.cited_in_text:  # found by the loader's one pass
            if not all(rid in story.references for rid in ids):
                continue
            use = markup.CiteUse(ids, (), line, in_text=True)
            named = "; ".join(f"@{rid}" for rid in ids)
            out.append(str(StoryError(
                _shown(story, chapter.source), f"the citation [{named}] is inside a link's text "
                "or an image's alt text, where it can only be plain text "
                f"({html.unescape(cite_as_text(story, use))}); move it after the closing "
                "bracket to link it to the reference.", chapter.body_line + line - 1)))
    return out


def _shown(story: Story, path: Path) -> str:
    """A story file's path as the author knows it: story/chapters/01-storm.md."""
    try:
        return str(path.relative_to(story.root.parent))
    except ValueError:
        return str(path)


_ATX_RE = re.compile(r"^ {0,3}#")
_SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")


def _heading_lines(body: str) -> set[int]:
    """1-based numbers of the lines that may be headings (ATX, or text over a setext rule)."""
    lines = body.split("\n")
    return {n for n, line in enumerate(lines, start=1)
            if _ATX_RE.match(line) or (n < len(lines) and line.strip()
                                       and _SETEXT_RE.match(lines[n]))}


def prompts_toggle() -> str:
    """The show/hide-every-prompt control. Its place is kept, unseen, until the script
    wires it up: shown late, it would push the panels down (a layout shift)."""
    return ('<button type="button" class="md-button gn-prompts-toggle gn-unwired" '
            'aria-pressed="false" aria-hidden="true" tabindex="-1" disabled>'
            'Show all prompts</button>')


def bare_title(chapter: Chapter) -> str:
    """The title without a leading copy of the label: an epilogue titled
    "Epilogue: The Legacy" is shown under its label as "The Legacy"."""
    title, label = chapter.title.strip(), chapter.label.strip()
    for sep in (":", " -", " \u2013", " \u2014"):
        head = label + sep
        if title.lower().startswith(head.lower()) and title[len(head):].strip():
            return title[len(head):].strip()
    return title


# Material's content element (material/templates/base.html; pinned in theme.py).
# A story page's kind goes on
# it as a class, so the reading layout applies from the first paint: a
# selector such as `:has(> .gn-gallery)` matches only once the parser has
# reached the gallery, and the title jumps when it does (layout shift).
ARTICLE_OPEN = '<article class="md-content__inner md-typeset">'


def page_kind(ctx: Context, src_uri: str) -> str | None:
    """"cover", "chapter", "references" or "onepage" for a story page; None otherwise."""
    kinds = {COVER_URI: "cover", REFERENCES_URI: "references", ONE_PAGE_URI: "onepage"}
    if src_uri in kinds:
        return kinds[src_uri]
    return "chapter" if src_uri in ctx.chapters_by_uri else None


def mark_story_page(html_page: str, kind: str) -> str:
    """The page with its kind on Material's article: ``gn-page gn-page--<kind>``."""
    return html_page.replace(ARTICLE_OPEN, ARTICLE_OPEN[:-2]
                             + f' gn-page gn-page--{kind}">', 1)


def reading_order(story: Story) -> list[str]:
    """Every story page's src_uri as a reader turns them: cover, chapters, references."""
    return [COVER_URI, *(c.src_uri for c in story.chapters), REFERENCES_URI]


def neighbours(story: Story, chapter: Chapter) -> tuple[tuple[str, str, str], tuple[str, str, str]]:
    """(label, title, src_uri) of the pages before and after ``chapter`` in
    reading order: the cover before the first chapter, References after the last."""
    i = chapter.position - 1
    chapters = story.chapters
    prev = chapters[i - 1] if i > 0 else None
    nxt = chapters[i + 1] if i + 1 < len(chapters) else None
    before = (prev.label, bare_title(prev), prev.src_uri) if prev else \
        ("Cover", story.title, COVER_URI)
    after = (nxt.label, bare_title(nxt), nxt.src_uri) if nxt else \
        ("References", f"Sources for {story.title}", REFERENCES_URI)
    return before, after


def pager(ctx: Context, chapter: Chapter, where: str) -> str:
    """Previous and next page, with their labels and titles; at the top of
    a chapter a Contents link between them (a menu of every chapter once the
    script has loaded, the cover's gallery without it)."""
    page_uri = chapter.src_uri
    before, after = neighbours(ctx.story, chapter)

    def link(rel: str, direction: str, target: tuple[str, str, str]) -> str:
        label, title, uri = target
        return (f'<a class="gn-pager-link gn-pager-link--{rel}" rel="{rel}" '
                f'href="{ctx.link(page_uri, uri)}">'
                f'<span class="gn-pager-dir">{direction}</span>'
                f'<span class="gn-pager-label">{esc(label)}</span>'
                f'<span class="gn-pager-title">{esc(title)}</span></a>')

    contents = ""
    if where == "top":
        contents = (f'<a class="gn-contents-link" href="{ctx.link(page_uri, COVER_URI)}#chapters" '
                    f'data-contents="{ctx.link(page_uri, CONTENTS_PATH)}">Contents</a>')
    name = "Chapter pages" if where == "top" else "Previous and next chapter"
    return (f'<nav class="gn-pager gn-pager--{where}" aria-label="{name}" {NOT_SEARCHED}>'
            + link("prev", "Previous", before) + contents + link("next", "Next", after)
            + "</nav>")


def chapter_page(ctx: Context, chapter: Chapter) -> str:
    story = ctx.story
    done, total = reading_progress(story, chapter)
    percent = round(100 * done / total) if total else 100
    head_html = "\n".join([
        pager(ctx, chapter, "top"),
        f'<div class="gn-chapter-head" {NOT_SEARCHED} data-chapter="{esc(chapter.slug)}" '
        f'data-position="{chapter.position}" data-total="{len(story.chapters)}" '
        f'data-label="{esc(chapter.label)}" data-title="{esc(chapter.title)}"'
        + (f' data-story="{esc(ctx.prefix)}"' if ctx.prefix else "") + ">",
        f'<p class="gn-kicker">{esc(chapter_kicker(story, chapter))}'
        + (' <span class="gn-draft">Draft</span>' if chapter.draft else "") + "</p>",
        "</div>",
    ])
    unit = plural(total, "chapter" if story.chapter_count else "page").split(" ", 1)[1]
    after_title = "\n".join([
        f'<div class="gn-chapter-meta" {NOT_SEARCHED}>',
        f'<progress class="gn-progress" max="{total}" value="{done}" '
        f'aria-label="Reading progress: {done} of {total} {unit}">{percent}%</progress>',
        prompts_toggle() if chapter.panel_ids else "",
        "</div>",
        BODY_MARK,  # where the one-page edition starts copying this chapter
    ])
    head = [
        front_matter(title=chapter.title, description=chapter.summary, hide=READING_HIDE),
        ctx.blocks.block(ctx.blocks.late(head_html)),  # none of it is searched
        f"# {esc_md_inline(chapter.title)}",
        ctx.blocks.block(ctx.blocks.late(after_title)),
    ]
    foot = ctx.blocks.block(ctx.blocks.late(BODY_END + "\n" + pager(ctx, chapter, "bottom")))
    return "\n".join(head) + chapter_body(ctx, chapter, chapter.src_uri) + "\n" + foot + "\n"


def contents_json(ctx: Context) -> str:
    """Every page of the story in reading order, for the Contents menu
    (fetched once when a reader opens it: a 1,000-chapter list on every page
    would double its weight). URLs are relative to the site root."""
    entries: list[dict[str, str | bool]] = [{"label": "Cover", "title": ctx.story.title,
                "url": page_url(COVER_URI, ctx.directory_urls)}]
    entries += [{"label": c.label, "title": bare_title(c),
                 "url": page_url(c.src_uri, ctx.directory_urls),
                 **({"draft": True} if c.draft else {})} for c in ctx.story.chapters]
    entries.append({"label": "References", "title": "",
                    "url": page_url(REFERENCES_URI, ctx.directory_urls)})
    return json.dumps({"title": ctx.story.title, "pages": entries}, ensure_ascii=False)


def one_page(ctx: Context) -> str:
    """The whole story on one page, for continuous scrolling and printing.

    Each chapter is a heading and an empty slot; :func:`one_page_parts` puts in
    the chapter's HTML as rendered for its own page, so the Markdown is not
    converted twice.
    """
    story = ctx.story
    parts = [front_matter(title=f"{story.title}: the whole story",
                          description=story.subtitle or story.title, hide=READING_HIDE,
                          search={"exclude": True}),  # the chapters are indexed already
             f"# {esc_md_inline(story.title)}"]
    intro = ['<div class="gn-onepage-intro">']
    intro += [f'<p class="gn-subtitle">{esc(story.subtitle)}</p>'] if story.subtitle else []
    intro += [f'<p class="gn-notice">{esc(story.notice)}</p>',
              f'<p class="gn-actions">{prompts_toggle()}</p>',
              '<nav class="gn-onepage-contents" aria-label="Chapters on this page"><ol>']
    intro += [f'<li><a href="#{esc(c.slug)}">{esc(nav_title(c))}</a></li>' for c in story.chapters]
    intro.append("</ol></nav></div>")
    section = '<section class="gn-onepage-chapter">'
    between = "\n".join(intro) + ("\n" + section if story.chapters else "")
    for n, chapter in enumerate(story.chapters, start=1):
        heading = chapter_heading(chapter.label, chapter.title)  # "Chapter 3: Title"
        # The heading stays Markdown (typography as on the chapter's own page); the
        # slot, the section's end and the next one's start are one marker.
        parts.append(ctx.blocks.block(between))
        parts.append(f"## {esc_md_inline(heading)} {{ #{chapter.slug} }}")
        between = (f'<div class="gn-slot" data-chapter="{esc(chapter.slug)}"></div>\n</section>'
                   + (f"\n{section}" if n < len(story.chapters) else ""))
    parts.append(ctx.blocks.block(
        between + f'\n<p><a href="{ctx.link(ONE_PAGE_URI, REFERENCES_URI)}">References</a></p>'))
    return "\n".join(parts)


_ID_RE = re.compile(r'\b(id|for)="(?=[^"])')
_HASH_RE = re.compile(r'href="#(?=[^"])')
_HEADING_RE = re.compile(r"<(/?)h([1-5])\b")
# What a reader does not see in a chapter's text: the (closed) prompt blocks, which hold no
# <details> (prompt HTML is sanitised to _PROMPT_TAGS), and the lightbox's copy of a caption.
_UNSEEN_RE = re.compile(r'<details class="gn-prompt\b.*?</details>'
                        r'|<div class="glightbox-desc".*?</div>', re.S)
_ROW_SIZE_RE = re.compile(r'<div class="gn-row" data-panels="(\d+)"')
_TAG_RE = re.compile(r"<[^>]+>")
_ROW_RE = re.compile(r"<(?:tr|h[3-6])\b")  # table rows and headings: taller than their words


class Bodies(Protocol):
    """Chapters' finished bodies by src_uri (a :class:`~graphic_novel.spool.Spool`, or a dict)."""

    def get(self, key: str, /) -> str | None: ...


def _prefixed_ids(body: str, prefix: str) -> str:
    """``body`` with every id, label target and in-page link prefixed (ids repeat across
    chapters in the one-page edition)."""
    escaped = prefix.replace("\\", "\\\\")  # a template, not a function per match: 3x faster
    body = _ID_RE.sub(rf'\1="{escaped}', body)
    return _HASH_RE.sub(rf'href="#{escaped}', body)


def one_page_parts(story: Story, page_html: str, rendered: Bodies) -> Iterator[str]:
    """The one-page edition, piece by piece: its own HTML, and each chapter's
    rendered body where its slot is (so a caller can write it without ever
    holding the whole story as one string).

    Ids are prefixed with the chapter's slug (they repeat across chapters),
    headings move down a level, and every panel loads lazily: the page opens on
    its title and list of chapters, and its first panel is below the first
    screen at every width (1,070-1,510 px down on the default story from 390 to
    1,920 px wide). Chapter 1's page asks for its first panel at high priority;
    here that would compete with the stylesheets for a picture nobody sees yet.
    """
    by_slug = {c.slug: c for c in story.chapters}
    pos = 0
    for match in SLOT_RE.finditer(page_html):
        yield page_html[pos:match.start()]
        pos = match.end()
        chapter = by_slug.get(html.unescape(match.group(1)))
        if chapter is None:
            continue
        body = rendered.get(chapter.src_uri)
        if body is None:
            yield f'<p><a href="../{esc(chapter.slug)}/">{esc(chapter.title)}</a></p>'
            continue
        body = _prefixed_ids(body, chapter.slug + "--")
        body = _HEADING_RE.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", body)
        body = body.replace('fetchpriority="high"', 'loading="lazy"')
        yield one_page_body(chapter, body)
    yield page_html[pos:]


def one_page_body(chapter: Chapter, body: str) -> str:
    """A chapter's body in the one-page edition, in the box the browser lays out and draws
    only as it nears the screen (``content-visibility: auto`` in graphic-novel.css), so the
    whole story opens about as fast as one chapter. Until then the box's height is estimated
    from the chapter's panels (on a wide screen a row of panels stands as tall as one: its
    blocks), words, and table rows and headings. The heading stays outside the box: the
    contents list and Material's table of contents find it without laying out the chapter."""
    panels = len(chapter.panel_ids)
    blocks = panels - sum(int(n) - 1 for n in _ROW_SIZE_RE.findall(body))
    seen = _UNSEEN_RE.sub(" ", body)
    words = len(_TAG_RE.sub(" ", seen).split())
    rows = len(_ROW_RE.findall(seen))
    return (f'<div class="gn-onepage-body" style="--gn-panels: {panels}; --gn-blocks: {blocks}; '
            f'--gn-words: {words}; --gn-rows: {rows}">{body}</div>')


def chapter_body_html(page_html: str) -> str | None:
    """The part of a finished chapter page that the one-page edition copies, or None."""
    start = page_html.find(BODY_MARK)
    end = page_html.find(BODY_END, start)
    if start < 0 or end < 0:
        return None
    return page_html[start + len(BODY_MARK):end]


def write_one_page(story: Story, shell: str, dest: str, rendered: Bodies) -> None:
    """Write the one-page edition chapter by chapter, never as one string
    (which, with its encoded copy, would be the build's peak memory)."""
    with replacing(dest, "w", encoding="utf-8", errors="xmlcharrefreplace") as fh:
        fh.writelines(one_page_parts(story, shell, rendered))


def cover_page(ctx: Context) -> str:
    story = ctx.story
    uri = COVER_URI
    first_page = story.chapters[0] if story.chapters else None
    # No meta title: Material would print "Title - Site name" on the homepage.
    parts = [front_matter(description=story.subtitle, hide=READING_HIDE),
             f"# {esc_md_inline(story.title)}"]
    head = []  # everything down to the gallery is HTML, kept out of Markdown
    if story.subtitle:
        head.append(f'<p class="gn-subtitle">{esc(story.subtitle)}</p>')
    if story.author:
        head.append(f'<p class="gn-author">{esc(story.author)}</p>')
    if story.cover:
        head.append(figure_html(ctx, story.cover, uri, eager=True, caption=False,
                                css="gn-panel gn-cover-panel"))
    head.append(f'<p class="gn-notice">{esc(story.notice)}</p>')
    actions = []
    if first_page:
        actions.append(f'<a class="md-button md-button--primary gn-start" '
                       f'href="{ctx.link(uri, first_page.src_uri)}">Start reading</a>')
        story_key = f' data-story="{esc(ctx.prefix)}"' if ctx.prefix else ""
        actions.append(f'<a class="md-button md-button--primary gn-continue" href="#"'
                       f'{story_key} hidden>Continue reading</a>')
        actions.append(f'<a class="md-button gn-onepage" href="{ctx.link(uri, ONE_PAGE_URI)}">'
                       'Read it all on one page</a>')
    head.append(f'<p class="gn-actions">{" ".join(actions)}</p>')
    if ctx.editions:
        from .editions.shelf import download_html
        head.append(download_html([(ctx.link(uri, path), path) for path in ctx.editions]))
    if story.narrative_prompt or story.style:
        extra = ""
        if story.style:
            extra = ('<p class="gn-style-label"><strong>Shared style for every panel</strong></p>'
                     + ctx.shown(story.style))
        prompt = story.narrative_prompt or ""
        # Late, as on a chapter's page: search leaves prompts out, so it need not parse them.
        head.append(ctx.blocks.late(prompt_block(prompt, "narrative prompt", "narrative-prompt",
                                                 extra, rendered=ctx.shown(prompt))))
    if story.cover:
        cover = story.cover
        head.append(ctx.blocks.late(prompt_block(cover.prompt, "cover image prompt",
                                                 f"prompt-{cover.id}",
                                                 copy_text=ctx.image_prompt(cover),
                                                 rendered=ctx.shown(cover.prompt))))
    parts.append(ctx.blocks.block("\n".join(head)))
    parts.append('<h2 id="chapters">Chapters</h2>\n')
    count = chapter_count_text(story)
    if count:
        parts.append(ctx.blocks.block(f'<p class="gn-gallery-count">{esc(count)}</p>'))
    parts.append(ctx.blocks.block(gallery(ctx, uri)))
    return "\n".join(parts)


def gallery(ctx: Context, uri: str) -> str:
    cards = ['<ol class="gn-gallery">']
    for chapter in ctx.story.chapters:
        thumb = ""
        if chapter.panel_ids:
            images = ctx.images[chapter.panel_ids[0]]
            t = images.get("thumb")
            thumb = (f'<img src="{ctx.link(uri, site_path(images, t))}" '
                     f'srcset="{srcset(ctx, uri, images)}" '
                     f'sizes="{CARD_SIZES}" width="{t.width}" height="{t.height}" alt="" '
                     'loading="lazy" decoding="async">')
        else:
            thumb = '<span class="gn-card-blank" aria-hidden="true"></span>'
        label = chapter.label
        cards.append(
            f'<li class="gn-card{" gn-card--draft" if chapter.draft else ""}">'
            f'<a href="{ctx.link(uri, chapter.src_uri)}">{thumb}'
            f'<span class="gn-card-label">{esc(label)}</span>'
            f'<span class="gn-card-title">{esc(chapter.title)}</span>'
            + (f'<span class="gn-card-summary">{esc(chapter.summary)}</span>'
               if chapter.summary else "")
            + "</a></li>")
    cards.append("</ol>")
    return "\n".join(cards)


def references_page(ctx: Context) -> str:
    story = ctx.story
    uri = REFERENCES_URI
    parts = [front_matter(title="References", description=f"Sources for {story.title}",
                          hide=READING_HIDE), "# References", ""]
    if not story.references:
        parts.append("<p>This story lists no references yet.</p>")
        return "\n".join(parts) + "\n"
    items = ['<ol class="gn-references">']
    citing = story.citing_chapters()
    for ref in story.references.values():
        title = esc(ref.title)
        if ref.url:
            external = ref.url.lower().startswith(("http://", "https://"))
            attrs = ' rel="noopener noreferrer" target="_blank"' if external else ""
            title = f'<a href="{esc(ref.url)}"{attrs}>{title}</a>'
        bits = [f'<span class="gn-ref-title">{title}</span>']
        meta = ", ".join(esc(x) for x in (ref.publisher, ref.date) if x)
        if meta:
            bits.append(f'<span class="gn-ref-meta">{meta}</span>')
        if ref.note:
            note = ctx.shown(ref.note).strip()  # links and emphasis in a note work
            note = note[3:-4] if note.startswith("<p>") and note.count("<p>") == 1 else note
            bits.append(f'<span class="gn-ref-note">{note}</span>')
        backs = [f'<a href="{ctx.link(uri, ch.src_uri)}#{esc(cite.anchor)}">{esc(ch.label)}</a>'
                 for ch, cite in citing.get(ref.id, [])]
        if backs:
            bits.append(f'<span class="gn-ref-back">Cited in {", ".join(backs)}</span>')
        items.append(f'<li id="ref-{esc(ref.id)}" value="{ref.number}">{" ".join(bits)}</li>')
    items.append("</ol>")
    parts.append(ctx.blocks.block("\n".join(items)))
    return "\n".join(parts) + "\n"


def nav_title(chapter: Chapter) -> str:
    """"3. Title", "Epilogue: Title", or just the title when the label says the same."""
    if chapter.kind == "chapter" and not chapter.custom_label:
        return f"{chapter.number}. {chapter.title}"
    return chapter_heading(chapter.label, chapter.title)  # "Epilogue: The Legacy" once


NAV_FLAT_MAX = 30  # up to this many chapters the sidebar lists them all


def nav_group_size(chapters: int) -> int:
    """How many chapters share a nav section; 0 for a flat nav.

    About the square root of the count, so a page's sidebar (the sections,
    plus the chapters of its own) holds some 2 * sqrt(n) links: 29 at 200
    chapters, 64 at 1,000, instead of every chapter on every page.
    """
    if chapters <= NAV_FLAT_MAX:
        return 0
    return max(10, 5 * round(math.sqrt(chapters) / 5))


def _short_label(chapter: Chapter) -> str:
    if chapter.kind == "chapter" and not chapter.custom_label:
        return f"Chapter {chapter.number}"
    return chapter.label


def nav_group_title(chapters: list[Chapter]) -> str:
    """"Chapters 16–30", or "Prologue – Chapter 14" when the kinds differ."""
    first, last = chapters[0], chapters[-1]
    if first is last:
        return _short_label(first)
    if all(c.kind == "chapter" and not c.custom_label for c in (first, last)):
        return f"Chapters {first.number}–{last.number}"
    return f"{_short_label(first)} – {_short_label(last)}"


def nav_markup(title: str) -> Markup:
    """A nav title, escaped once and marked as HTML.

    Material prints a nav title as it is in the nav and the page header
    (material/templates/partials/nav-item.html, partials/header.html), so it
    must be escaped; the footer's links escape it again for their
    aria-label (partials/footer.html: ``title | e``). Marked as Markup,
    Jinja's ``e`` leaves it as it is: "Lens &amp; Light" in both places,
    not "Lens &amp;amp; Light" in one.
    """
    return Markup(html.escape(title, quote=True))


def nav(story: Story) -> list[dict]:
    """The reading order, as an MkDocs nav.

    A long story's chapters are grouped into sections (see nav_group_size);
    with Material's navigation.prune, which the plugin turns on, each page
    then carries only its own section's links, and the others as one link
    each to their first chapter.
    """
    entries = [{nav_markup(nav_title(c)): c.src_uri} for c in story.chapters]
    size = nav_group_size(len(entries))
    items: list[dict] = [{"Cover": COVER_URI}]
    if size:
        for start in range(0, len(entries), size):
            title = nav_group_title(story.chapters[start:start + size])
            items.append({nav_markup(title): entries[start:start + size]})
    else:
        items.extend(entries)
    items.append({"References": REFERENCES_URI})
    return items


def page_makers(ctx: Context) -> dict[str, Callable[[], str]]:
    """What makes each generated page's Markdown, by its src_uri, in reading order."""
    makers: dict[str, Callable[[], str]] = {COVER_URI: functools.partial(cover_page, ctx)}
    for chapter in ctx.story.chapters:
        makers[chapter.src_uri] = functools.partial(chapter_page, ctx, chapter)
    makers[REFERENCES_URI] = functools.partial(references_page, ctx)
    makers[ONE_PAGE_URI] = functools.partial(one_page, ctx)
    return makers


__all__ = ["Context", "nav", "page_makers", "page_url", "relative", "render_markdown"]
