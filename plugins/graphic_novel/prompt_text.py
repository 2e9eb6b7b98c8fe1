"""What an image generator is given for a panel: plain text, no Markdown.

Prompts are written in Markdown (an author may bold a word or list the
cast); an image model wants the words alone. The same text goes to
`graphic-novel prompts` and to the copy button on the site, byte for byte.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from html.parser import HTMLParser

import markdown as md
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension

from .model import Panel, Story

_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "ul", "ol", "li",
           "table", "tr", "hr", "div"}
_SPACE_RE = re.compile(r"[ \t\r\n]+")
_BREAK = "\x00"  # a <br>, kept through the folding of white space
_BREAK_RE = re.compile(" ?\x00 ?")


class _TextOf(HTMLParser):
    """Rendered Markdown to text: paragraphs apart by a blank line, list items
    as "- " or "1. " lines, table cells joined by " | ", code kept as written."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.line: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [next number or 0 for bullets]
        self.pre = 0
        self.code = 0
        self.cells = 0

    def _flush(self) -> None:
        text = "".join(self.line)
        if not self.pre:
            indent = text[:len(text) - len(text.lstrip(" "))]  # a nested item's, ours
            text = indent + _BREAK_RE.sub("\n", _SPACE_RE.sub(" ", text).strip())
        if text.strip():
            self.blocks.append(text.rstrip("\n") if self.pre else text)
        self.line = []

    def handle_starttag(self, tag, attrs):  # complexity 16: one flat branch per tag kind
        if tag in _BLOCKS and not _ITEM_RE.fullmatch("".join(self.line).rstrip() + " "):
            self._flush()  # (a paragraph inside a list item stays on the item's line)
        if tag in ("ul", "ol"):
            start = dict(attrs).get("start")
            self.lists.append([int(start) if tag == "ol" and start and start.isdigit()
                               else 1 if tag == "ol" else 0])
        elif tag == "li" and self.lists:
            self._start_item()
        elif tag == "pre":
            self.pre += 1
        elif tag == "br":
            self.line.append(_BREAK)
        elif tag == "code":
            self.code += 1
        elif tag == "tr":
            self.cells = 0
        elif tag in ("td", "th"):
            if self.cells:
                self.line.append(" | ")
            self.cells += 1

    def _start_item(self) -> None:
        """A list item's marker: its number in an ordered list, a dash otherwise."""
        counter = self.lists[-1]
        indent = "  " * (len(self.lists) - 1)
        if counter[0]:
            self.line.append(f"{indent}{counter[0]}. ")
            counter[0] += 1
        else:
            self.line.append(f"{indent}- ")

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self._flush()
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        elif tag == "code":
            self.code = max(0, self.code - 1)

    def handle_data(self, data):
        if self.code:  # "<" was made "&lt;" before rendering, and code escapes "&" again
            data = data.replace("&lt;", "<")
        self.line.append(data)

    def text(self) -> str:
        self._flush()
        # List items sit on consecutive lines; every other block stands apart.
        out: list[str] = []
        for block in self.blocks:
            if out and _is_item(block) and _is_item(out[-1].rsplit("\n", 1)[-1]):
                out[-1] += "\n" + block
            else:
                out.append(block)
        return "\n\n".join(out)


_ITEM_RE = re.compile(r"\s*(?:- |\d+\. )")


def _is_item(line: str) -> bool:
    return bool(_ITEM_RE.match(line))


@functools.lru_cache(maxsize=1)
def prompt_markdown() -> md.Markdown:
    """The one converter for prompts, shown (pages.render_markdown) or as text.

    Extension objects, not names: a name makes Markdown scan every installed
    package's entry points first (8 ms a build). Call ``reset()`` before use.
    """
    return md.Markdown(extensions=[TableExtension(), SaneListExtension()], output_format="html")


def markdown_html(markdown_text: str) -> str:
    """A prompt's Markdown as HTML, not yet sanitised (pages.render_markdown cleans it)."""
    return prompt_markdown().reset().convert(markdown_text or "")


def text_of_html(rendered: str) -> str:
    """Rendered prompt HTML as the plain text it reads as."""
    parser = _TextOf()
    parser.feed(rendered)
    parser.close()
    return parser.text()


@functools.lru_cache(maxsize=16)  # the shared style, asked for once per panel
def plain_text(markdown_text: str) -> str:
    """Markdown as the plain text it reads as: ``**bold**`` is "bold",
    ``[a link](url)`` is "a link", a list keeps its "- " items."""
    # "<" is text here: an image model should see "<OPEN>" on a sign as written.
    return text_of_html(markdown_html((markdown_text or "").replace("<", "&lt;")))


# What makes a prompt more than plain paragraphs to Markdown: markup characters,
# white space other than spaces and newlines, and a line that starts with a
# space, a digit or a dash (a code block, a list, a rule) or ends with a space
# (a line break).
_NOT_PLAIN_RE = re.compile(r"[&<>*_`\[\]!#\\|=+~{}]|[^\S \n]|^[ \d-]| $", re.MULTILINE)


def plain_paragraphs(markdown_text: str) -> list[str] | None:
    """A prompt's paragraphs when it is only plain text, which Markdown would
    just wrap in <p>; None when Markdown has more to do."""
    if _NOT_PLAIN_RE.search(markdown_text):
        return None
    return [p for p in markdown_text.strip("\n").split("\n\n") if p.strip("\n")]


def html_and_text(markdown_text: str) -> tuple[str, str]:
    """(unsanitised HTML, plain text) of a prompt, from one conversion where one
    serves both: without a "<" the text converts the same either way. Plain
    paragraphs, most prompts, need no conversion (tests/test_prompt_forms.py
    checks that both ways agree)."""
    paragraphs = plain_paragraphs(markdown_text or "")
    if paragraphs is not None:
        return ("\n".join(f"<p>{p.strip(chr(10))}</p>" for p in paragraphs),
                "\n\n".join(_SPACE_RE.sub(" ", p).strip() for p in paragraphs))
    rendered = markdown_html(markdown_text)
    if "<" in (markdown_text or ""):
        return rendered, plain_text(markdown_text)
    return rendered, text_of_html(rendered)


def cast_in(story: Story, panel: Panel) -> list:
    """The cast members ``panel`` names (in its prompt, title or alt text),
    in the cast sheet's order."""
    text = f"{panel.prompt}\n{panel.title}\n{panel.alt}"
    return [m for m in story.cast
            if re.search(r"(?<!\w)" + re.escape(m.name) + r"(?!\w)", text)]


def image_prompt(story: Story, panel: Panel, own_text: str | None = None,
                 plain: Callable[[str], str] | None = None) -> str:
    """The text to give an image generator for ``panel``: the story's shared
    style, the fixed look of each cast member the panel names, then the
    panel's own prompt, all as plain text (``own_text``: the prompt's, when
    the caller has it already from :func:`html_and_text`; ``plain``: what turns
    Markdown into plain text, :func:`plain_text` unless the caller remembers them)."""
    plain = plain or plain_text
    cast = "\n".join(f"{m.name}: {plain(m.description)}" for m in cast_in(story, panel))
    own = plain(panel.prompt) if own_text is None else own_text
    parts = [plain(story.style), cast, own]
    return "\n\n".join(p for p in parts if p)


def placeholder_prompt(story: Story, panel: Panel) -> str:
    """What a placeholder's balloon says: the panel's own prompt first (the shared style
    is the same on every panel, so it is left out), then the fixed look of each cast member
    the panel names, as the image model will be given it."""
    cast = [f"{m.name}: {m.description}" for m in cast_in(story, panel)]
    return "\n\n".join([panel.prompt, *cast]) if cast else panel.prompt


__all__ = ["cast_in", "html_and_text", "image_prompt", "markdown_html", "placeholder_prompt",
           "plain_text", "prompt_markdown", "text_of_html"]
