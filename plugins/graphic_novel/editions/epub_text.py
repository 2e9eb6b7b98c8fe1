"""The XHTML bodies of the EPUB's documents: title page, chapters, the image
prompts appendix and the references.

Each function returns the inside of a document's <body>; ebooklib wraps it.
Author text is escaped or, for chapter Markdown, rendered and cut down to an
allow-list; links a book cannot follow (to pages of the site, or images on
another host) become plain text, so every link in the book resolves.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass

import markdown as md
import nh3
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.smarty import SmartyExtension
from markdown.extensions.tables import TableExtension

from .. import markup
from ..model import Chapter, Panel, Story
from ..pages import Blocks, render_markdown
from ..prompt_text import plain_text
from ..rules import chapter_heading, fence_closes, fence_opened
from .epub import PROMPTS_PAGE, REFERENCES_PAGE, chapter_file

# What author HTML in a chapter may keep: prose and its marks, no scripts,
# media, forms or interactive elements (many e-readers ignore <details>).
_TAGS = {"a", "abbr", "b", "blockquote", "br", "cite", "code", "dd", "del", "div", "dl", "dt",
         "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
         "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "table",
         "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var"}
_ATTRS = {"*": {"id", "class", "lang", "dir"}, "a": {"href"}, "img": {"src", "alt"},
          "ol": {"start", "reversed"}, "li": {"value"}, "td": {"colspan", "rowspan"},
          "th": {"colspan", "rowspan", "scope"}}
_EXTERNAL = ("http://", "https://", "mailto:")


@dataclass(frozen=True)
class Picture:
    """A panel's picture as it is in the book."""
    href: str  # inside the book, e.g. "images/01-storm.jpg"
    width: int
    height: int


def esc(text: str) -> str:
    return html.escape(text or "", quote=True)


def panel_heading(panel: Panel) -> str:
    """"3.2 The new lens"; the title alone for a panel without a number."""
    return f"{panel.label} {panel.title}".strip() if panel.label else panel.title


def figure(panel: Panel, picture: Picture, prompt_link: bool = True) -> str:
    """A panel: its picture with alt text, its caption, a link to its prompt."""
    caption = ""
    if panel.label:
        caption += f'<span class="panel-number">{esc(panel.label)}</span> '
    caption += esc(panel.title)
    if prompt_link:
        caption += (f' <a class="prompt-link" href="{PROMPTS_PAGE}#prompt-{esc(panel.id)}">'
                    "Image prompt</a>")
    return (f'<figure class="panel" id="panel-{esc(panel.id)}">'
            f'<img src="{esc(picture.href)}" alt="{esc(panel.alt)}" width="{picture.width}" '
            f'height="{picture.height}"/>'
            f"<figcaption>{caption}</figcaption></figure>")


def title_page(story: Story, pictures: dict[str, Picture]) -> str:
    parts = [f'<section class="title-page"><h1>{esc(story.title)}</h1>']
    if story.subtitle:
        parts.append(f'<p class="subtitle">{esc(story.subtitle)}</p>')
    if story.author:
        parts.append(f'<p class="author">{esc(story.author)}</p>')
    if story.cover and story.cover.id in pictures:
        parts.append(figure(story.cover, pictures[story.cover.id]))
    if story.notice:
        parts.append(f'<p class="notice">{esc(story.notice)}</p>')
    parts.append("</section>")
    return "\n".join(parts)


@functools.lru_cache(maxsize=1)
def _converter() -> md.Markdown:
    # Extension objects, not names (a name makes Markdown scan every installed
    # package's entry points); the site's own typography: smarty, tables, fences.
    return md.Markdown(extensions=[SmartyExtension(), TableExtension(), FencedCodeExtension(),
                                   SaneListExtension()], output_format="html")


def chapter_body(story: Story, chapter: Chapter, pictures: dict[str, Picture]) -> str:
    """A chapter as XHTML: heading, prose, panels and citations linked to the
    references (each citation has an id the reference links back to)."""
    blocks = Blocks()
    rows: list[tuple[str, list[Panel]]] = []
    last_line = [-2]
    counts: dict[str, int] = {}

    def on_panel(use: markup.PanelUse) -> str:
        panel = story.panels[str(use.panel_id)]  # the loader made sure it is one
        after_the_last = use.line == last_line[0] + 1
        last_line[0] = use.line
        if after_the_last:
            rows[-1][1].append(panel)
            return ""
        marker = blocks.block("")
        rows.append((marker.strip(), [panel]))
        return marker

    def on_cite(use: markup.CiteUse) -> str:
        # Inside a link's text a citation cannot be a link: its number is
        # plain text there, still with the id the reference links back to.
        links = []
        for rid in use.ids:
            counts[rid] = counts.get(rid, 0) + 1
            anchor, number = f"cite-{esc(rid)}-{counts[rid]}", story.references[rid].number
            links.append(f'<span id="{anchor}">{number}</span>' if use.in_text else
                         f'<a id="{anchor}" href="{REFERENCES_PAGE}#ref-{esc(rid)}">{number}</a>')
        return blocks.inline(f'<sup class="cite">[{", ".join(links)}]</sup>')

    body, _, _ = markup.transform(chapter.body, on_panel, on_cite)
    for key, panels in rows:
        blocks.html[key] = "\n".join(figure(p, pictures[p.id]) for p in panels
                                     if p.id in pictures)
    prose = nh3.clean(_converter().reset().convert(body), tags=_TAGS, attributes=_ATTRS,
                      url_schemes={"http", "https", "mailto"}, link_rel=None,
                      strip_comments=True)
    prose = blocks.fill(book_links(prose, chapter_files(story)))
    heading = chapter_heading(chapter.label, chapter.title)
    return f'<section class="chapter" id="{esc(chapter.slug)}"><h1>{esc(heading)}</h1>\n' \
           f"{prose}\n</section>"


def chapter_files(story: Story) -> dict[str, str]:
    """Each chapter's source file name and the book file it becomes."""
    return {c.source.name: chapter_file(c) for c in story.chapters}


def book_links(fragment: str, files: dict[str, str]) -> str:
    """``fragment`` with links that cannot be followed in the book made plain:
    a link to a chapter's Markdown file points at its page in the book, an
    http(s) link stays, any other link (a page of the site) keeps only its
    text; an image (never a panel: those are ours) becomes its alt text."""
    if "<a" not in fragment and "<img" not in fragment:
        return fragment
    # lxml (5 MB) is loaded only when a book is made, not by every build.
    from lxml import etree
    from lxml import html as lxml_html

    root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    for img in list(root.iter("img")):
        _replace_with_text(img, img.get("alt") or "")
    for link in list(root.iter("a")):
        href = link.get("href") or ""
        target = book_target(href, files)
        if target is None:
            _replace_with_text(link, None)
        else:
            link.set("href", target)
    inner = (root.text and html.escape(root.text, quote=False)) or ""
    return inner + "".join(etree.tostring(child, encoding="unicode", method="xml")
                           for child in root)


def book_target(href: str, files: dict[str, str]) -> str | None:
    """Where ``href`` leads inside the book, or None if it leads nowhere there."""
    if href.lower().startswith(_EXTERNAL):
        return href
    path, _, fragment = href.partition("#")
    if not path:
        return href if fragment else None
    name = path.rsplit("/", 1)[-1]
    # The chapter itself: its headings and paragraphs carry other ids in the book.
    return files.get(name)


def _replace_with_text(el, text: str | None) -> None:
    """Take ``el`` out of the tree, keeping its text (or ``text``) in its place."""
    parent = el.getparent()
    if text is None:
        el.drop_tag()
        return
    previous = el.getprevious()
    joined = text + (el.tail or "")
    if previous is not None:
        previous.tail = (previous.tail or "") + joined
    else:
        parent.text = (parent.text or "") + joined
    parent.remove(el)


def unreachable_links(chapter: Chapter, story: Story) -> list[tuple[int, str]]:
    """(line in the body, what) for each link or image of a chapter that the
    book shows as plain text. Panels and citations are not among them."""
    files = chapter_files(story)
    out = []
    body, _, _ = markup.transform(chapter.body, lambda use: "", lambda use: "")
    for number, line in _prose_lines(body):
        for m in _LINK_RE.finditer(markup.CODE_SPAN_RE.sub("", line)):
            image, href = m.group(1), m.group(2).strip("<>")
            if image:
                out.append((number, f"the image '{href}' is not a panel"))
            elif book_target(href, files) is None:
                out.append((number, f"the link to '{href}' leads to no page of the book"))
    return out


def _prose_lines(body: str):
    """(1-based number, line) for each line outside fenced code."""
    fence: str | None = None
    for number, line in enumerate(body.split("\n"), start=1):
        if fence:
            if fence_closes(line, fence):
                fence = None
            continue
        fence = fence_opened(line)
        if not fence:
            yield number, line


_LINK_RE = re.compile(r"(!?)\[[^\]\n]*\]\(\s*(<[^>\n]*>|[^)\s]+)[^)\n]*\)")


def prompts_appendix(story: Story, where: dict[str, str]) -> str:
    """Every panel's prompt, each linked back to its panel. ``where`` says
    which book file holds each panel."""
    parts = ['<section class="prompts" id="image-prompts"><h1>Image prompts</h1>']
    if story.style:
        parts.append('<section class="style"><h2>The shared style of every panel</h2>'
                     + render_markdown(story.style) + "</section>")
    for pid, file in where.items():
        panel = story.panels[pid]
        parts.append(f'<section class="prompt" id="prompt-{esc(pid)}">'
                     f"<h2>{esc(panel_heading(panel) or 'Cover')}</h2>"
                     + render_markdown(panel.prompt)
                     + f'<p class="back"><a href="{file}#panel-{esc(pid)}">Back to the panel'
                       "</a></p></section>")
    parts.append("</section>")
    return "\n".join(parts)


def references_body(story: Story) -> str:
    """The reference list; each entry links back to the chapters that cite it."""
    parts = ['<section class="references" id="references"><h1>References</h1>']
    if not story.references:
        parts.append("<p>This story lists no references.</p></section>")
        return "\n".join(parts)
    parts.append('<ol class="references">')
    citing = story.citing_chapters()
    for ref in story.references.values():
        title = esc(ref.title)
        if ref.url and ref.url.lower().startswith(("http://", "https://")):
            title = f'<a href="{esc(ref.url)}">{title}</a>'
        bits = [title]
        meta = ", ".join(esc(x) for x in (ref.publisher, ref.date) if x)
        if meta:
            bits.append(meta)
        if ref.note:
            bits.append(esc(ref.note))
        backs = [f'<a href="{chapter_file(ch)}#cite-{esc(ref.id)}-1">{esc(ch.label)}</a>'
                 for ch, _ in citing.get(ref.id, [])]
        if backs:
            bits.append("Cited in " + ", ".join(backs))
        parts.append(f'<li id="ref-{esc(ref.id)}" value="{ref.number}">{_sentences(bits)}</li>')
    parts.append("</ol></section>")
    return "\n".join(parts)


def _sentences(bits: list[str]) -> str:
    """Pieces joined as sentences: "Title. Publisher, date. A note." (a piece
    that already ends a sentence gets no second full stop)."""
    out = bits[0]
    for bit in bits[1:]:
        out += (" " if out.endswith((".", "!", "?")) else ". ") + bit
    return out


def description(story: Story) -> str:
    """One paragraph for the book's metadata: the subtitle, else the narrative prompt."""
    return story.subtitle or plain_text(story.narrative_prompt)[:400] or story.title
