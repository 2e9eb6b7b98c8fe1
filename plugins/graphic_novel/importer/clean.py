"""Chapter text the site could not show as the answer meant it, mended line
by line (outside fenced code), each change noted with its line:

- links and images into the author's wider site (``../../sims/lens/index.md``,
  ``<img src="../../img/owl.png">``) become plain text, or absolute links
  when the answer's address is known (``--site-url``);
- an ``<iframe>`` becomes a link to what it embedded (or its text);
- a broken image line left by the model (``![](./``) is dropped;
- ``$$ ... $$`` and ``$...$`` maths is kept as code (the site has no maths
  renderer), so it shows as written instead of as mangled text.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from .. import markup
from .context import Run
from .read import fence_closes, fence_opened

_LINK_RE = re.compile(r"(?P<bang>!?)\[(?P<text>[^\[\]\n]*)\]\(\s*(?P<url><[^>\n]*>|[^()\s]+)"
                      r"(?:\s+\"[^\"\n]*\")?\s*\)")
_IMG_TAG_RE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"'](?P<url>[^\"']+)[\"'][^>]*>", re.I)
_IFRAME_RE = re.compile(r"<iframe\b[^>]*?\bsrc\s*=\s*[\"'](?P<url>[^\"']*)[\"'][^>]*>"
                        r"(?:.*?</iframe\s*>)?", re.I)
_ALT_ATTR_RE = re.compile(r"\balt\s*=\s*[\"'](?P<alt>[^\"']*)[\"']", re.I)
_BROKEN_IMAGE_RE = re.compile(r"^\s*!\[[^\]\n]*\]\([^)\n]*$")
_DISPLAY_MATHS_RE = re.compile(r"^\s*\$\$\s*$")
_INLINE_DISPLAY_RE = re.compile(r"(?<![\\`])\$\$(?P<body>[^$\n]+)\$\$")
_INLINE_MATHS_RE = re.compile(r"(?<![\\$\w`])\$(?=\S)(?P<body>[^$\n]*?\S)\$(?![\w$])")
_CODE_SPAN_RE = re.compile(r"(`+).*?\1")


def _is_outside(url: str) -> bool:
    """Whether a link leaves the story: a relative address, not a web page,
    a mail address or an anchor on the same page."""
    u = url.strip("<>").strip()
    return bool(u) and not re.match(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", u, re.I)


def _absolute(url: str, site_url: str) -> str:
    """``url`` made absolute against the answer's address; ``x/index.md`` as ``x/``."""
    u = urljoin(site_url, url.strip("<>").strip())
    return re.sub(r"(?:^|/)index\.md(?=$|#)", "/", u).replace("//#", "/#").replace(".md#", "/#")


class TextCleaner:
    """One chapter's text lines, mended; remembers fences and maths blocks."""

    def __init__(self, run: Run):
        self.run = run
        self.fence: str | None = None
        self.maths = False  # inside a $$ block, written as a ```latex block

    def line(self, raw: str, no: int) -> str | None:
        """The line as the chapter keeps it; None to drop it."""
        if self.fence:
            self.fence = None if fence_closes(raw, self.fence) else self.fence
            return raw
        if _DISPLAY_MATHS_RE.match(raw):
            return self._maths_fence(raw, no)
        if self.maths:
            return raw
        self.fence = fence_opened(raw)
        if self.fence:
            return raw
        if _BROKEN_IMAGE_RE.match(raw) and markup.PANEL_LINE_RE.match(raw) is None:
            self.run.note(f"the broken image line '{raw.strip()}' was left out.", no)
            return None
        return self._inline(raw, no)

    def _maths_fence(self, raw: str, no: int) -> str:
        indent = raw[:len(raw) - len(raw.lstrip())]
        self.maths = not self.maths
        if self.maths:
            self.run.note("display maths ($$ ... $$) is kept as a code block: the site does "
                          "not render maths.", no)
            return f"{indent}```latex"
        return f"{indent}```"

    def _inline(self, raw: str, no: int) -> str:
        pieces, last = [], 0
        for cm in _CODE_SPAN_RE.finditer(raw):
            pieces.append(self._mend(raw[last:cm.start()], no))
            pieces.append(cm.group(0))
            last = cm.end()
        pieces.append(self._mend(raw[last:], no))
        return "".join(pieces)

    def _mend(self, text: str, no: int) -> str:
        text = _IFRAME_RE.sub(lambda m: self._iframe(m, no), text)
        text = _IMG_TAG_RE.sub(lambda m: self._img_tag(m, no), text)
        text = _LINK_RE.sub(lambda m: self._link(m, no), text)
        return self._maths_inline(text, no)

    def _link(self, m: re.Match[str], no: int) -> str:
        url, text = m.group("url"), m.group("text")
        if not _is_outside(url) or (m.group("bang") and _is_panel_src(url)):
            return m.group(0)
        what = "image" if m.group("bang") else "link"
        if self.run.site_url:
            return f"{m.group('bang')}[{text}]({self._made_absolute(url, no)})"
        kept = f"its text, '{text}'" if text.strip() else "nothing"
        self.run.note(f"the {what} '{url}' leads out of the story; it was kept as {kept} "
                      "(give --site-url to keep it as a link).", no)
        return text if text.strip() else ""

    def _made_absolute(self, url: str, no: int) -> str:
        """The absolute address of ``url`` against --site-url (noted)."""
        address = _absolute(url, self.run.site_url or "")
        self.run.note(f"the address '{url}' leads out of the story; it is now '{address}'.", no)
        return address

    def _img_tag(self, m: re.Match[str], no: int) -> str:
        url = m.group("url")
        if not _is_outside(url):
            return m.group(0)
        if self.run.site_url:
            return m.group(0).replace(url, self._made_absolute(url, no), 1)
        self.run.note(f"the image '{url}' is outside the story; it was left out (give "
                      "--site-url to keep it).", no)
        alt = _ALT_ATTR_RE.search(m.group(0))
        return alt.group("alt") if alt else ""

    def _iframe(self, m: re.Match[str], no: int) -> str:
        url = m.group("url")
        if _is_outside(url):
            url = self._made_absolute(url, no) if self.run.site_url else ""
        if url:
            self.run.note(f"an <iframe> was replaced by a link to what it showed ({url}): "
                          "the site does not embed other pages.", no)
            return f"[Open the embedded page]({url})"
        self.run.note(f"an <iframe> of '{m.group('url')}' (outside the story) was left out; "
                      "give --site-url to keep a link to it.", no)
        return ""

    def _maths_inline(self, text: str, no: int) -> str:
        if "$" not in text:
            return text
        new = _INLINE_DISPLAY_RE.sub(lambda m: f"`$${m.group('body')}$$`", text)
        new = _INLINE_MATHS_RE.sub(lambda m: f"`${m.group('body')}$`", new) if new == text \
            else new
        if new != text:
            self.run.note("maths ($...$) is kept as code: the site does not render maths.", no)
        return new


def _is_panel_src(url: str) -> bool:
    return markup.panel_id_from_src(url) is not None and "/" not in url.strip("<>").lstrip("./")


__all__ = ["TextCleaner"]
