"""The MkDocs side of page_memo: a generated page MkDocs converted in an
earlier build stands in for its conversion in this one.

A kept page is handed to MkDocs as its front matter alone (MkDocs reads the
meta from it as usual); when MkDocs has converted that, the kept HTML takes
the converted text's place before any other plugin sees the page, with the
table of contents and anchors MkDocs would have found (Page.toc,
Page.present_anchor_ids, Page.links_to_anchors: mkdocs/structure/pages.py,
Page.render, MkDocs 1.6). A page converted this build is kept for the next
unless the conversion logged something.
"""

from __future__ import annotations

import logging

from mkdocs.structure.toc import AnchorLink, TableOfContents, get_toc

from .page_memo import (
    Kept,
    PageMemo,
    SiteFacts,
    memo_problem,
    neutral,
    restored,
    split_front_matter,
)


class _Seen(logging.Handler):
    """Counts what is logged while a page converts (a broken link, say)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


# The loggers a conversion's messages reach: MkDocs' own (which does not pass
# them on to the root) and the root, for the extensions' loggers.
_WATCHED = ("mkdocs", "")


class ConvertedPages:
    """This build's use of the memo: ``markdown`` when MkDocs reads a generated
    page, ``watch`` right before it converts it, ``content`` right after."""

    def __init__(self, memo: PageMemo) -> None:
        self.memo = memo
        self.converting: dict[str, tuple[str, str, int]] = {}  # src_uri -> (key, nonce, base)
        self.found: dict[str, tuple[Kept, str, int]] = {}  # src_uri -> (kept page, nonce, base)
        self._seen = _Seen()

    @classmethod
    def for_build(cls, config, files, cache_dir, plugin) -> tuple[ConvertedPages | None, str]:
        """The memo for this build, or None and why pages are converted every build."""
        events = config.plugins.events
        others = [m for m in events["page_markdown"] + events["page_read_source"]
                  if getattr(m, "__self__", None) is not plugin]
        problem = memo_problem(config.markdown_extensions, len(others), config.mdx_configs)
        if problem:
            return None, problem
        facts = SiteFacts.of(config.markdown_extensions, config.mdx_configs,
                             [(f.src_uri, f.url) for f in files], config.use_directory_urls,
                             config.validation)
        return cls(PageMemo(cache_dir, facts)), ""

    def markdown(self, src_uri: str, text: str, nonce: str, base: int) -> str:
        """What MkDocs is to read for the page whose Markdown is ``text`` (its
        markers drawn from ``base`` on): the front matter alone when the page is kept."""
        key = self.memo.key(src_uri, neutral(text, nonce, base))
        kept = self.memo.get(key)
        if kept is None:
            self.converting[src_uri] = (key, nonce, base)
            return text
        self.found[src_uri] = (kept, nonce, base)
        return split_front_matter(text)[0]

    def watch(self, src_uri: str) -> None:
        """MkDocs converts the page next: count what it logs."""
        if src_uri in self.converting:
            self._seen.count = 0
            for name in _WATCHED:
                logging.getLogger(name).addHandler(self._seen)

    def content(self, page, html: str, files) -> str:
        """The page's HTML as converted: the kept page's, or MkDocs' own (kept now)."""
        src_uri = page.file.src_uri
        if src_uri in self.found:
            kept, nonce, base = self.found.pop(src_uri)
            page.toc = get_toc(kept.toc)  # the tokens _tokens wrote
            page.present_anchor_ids = set(kept.anchors)
            links = {files.get_file_from_path(uri): found for uri, found in kept.links.items()}
            page.links_to_anchors = {f: found for f, found in links.items() if f is not None}
            # A page with no title of its own (the cover) is named by its first heading,
            # which MkDocs keeps from the conversion (Page._title_from_render, read by
            # Page.title: mkdocs/structure/pages.py, MkDocs 1.6; pinned by test_page_memo).
            page._title_from_render = kept.title
            return restored(kept.html, nonce, base)
        if src_uri not in self.converting:
            return html
        key, nonce, base = self.converting.pop(src_uri)
        self.close()
        if self._seen.count == 0:
            links = getattr(page, "links_to_anchors", None) or {}
            self.memo.put(key, Kept(neutral(html, nonce, base), _tokens(page.toc),
                                    sorted(page.present_anchor_ids or ()),
                                    {f.src_uri: dict(found) for f, found in links.items()},
                                    getattr(page, "_title_from_render", None)))
        return html

    def close(self) -> None:
        """Stop counting (a build that failed while a page converted)."""
        for name in _WATCHED:
            logging.getLogger(name).removeHandler(self._seen)

    def finish(self) -> str:
        """Every page is converted: what this build did not use goes. Returns a line
        for the build log."""
        self.close()
        removed = self.memo.prune()
        return (f"pages: {self.memo.hits} from the cache, {self.memo.misses} converted"
                + (f", {removed} old cache entries removed" if removed else ""))


def _tokens(toc: TableOfContents | list[AnchorLink]) -> list[dict]:
    return [{"name": a.title, "id": a.id, "level": a.level, "children": _tokens(a.children)}
            for a in toc]
