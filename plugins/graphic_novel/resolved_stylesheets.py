"""Stylesheet addresses made absolute before the first frame, not after it.

Material's instant navigation, as it starts, sets every relative ``href`` and ``src`` of the
page to the absolute address it resolves to (``setupInstantNavigation`` in
src/templates/assets/javascripts/integrations/instant/index.ts: ``el[attr] = el[attr]`` for
each ``[href], [src]`` whose value does not start with ``scheme://`` or ``//``), so that the
``<head>`` of the next page, fetched and rewritten the same way, can be compared tag by tag.
Changing a stylesheet link's ``href`` makes Chromium load and apply the stylesheet again, and
the next read of a style or a size (Material's own start-up makes several) restyles the whole
page: on chapter 5 of the default story, at a 4x CPU slow-down, 137 ms of the bundle's
start-up against 92 ms with absolute addresses (median of 4 CPU profiles each). That work
falls inside the long task Lighthouse counts as blocking time.

So a few bytes of inline script right after the last stylesheet link of ``<head>`` do the same
to the stylesheet links there and then. The parser has styled nothing yet, the links stay
render-blocking (they were made by the parser) and come from the memory cache, so the first
frame is drawn with every stylesheet (tests/test_resolved_stylesheets.py), and when the bundle
starts it finds nothing left to change. Only pages that load Material's instant navigation
need this; the caller decides.
"""

from __future__ import annotations

import re

_STYLESHEET = re.compile(r'<link\b[^>]*\brel="stylesheet"[^>]*>')

# The test is Material's own (see the docstring): what it would leave, this leaves.
RESOLVE = ('<script>(function(l,i,h){for(l=document.querySelectorAll("link[rel=stylesheet]"),'
           'i=0;i<l.length;i++){h=l[i].getAttribute("href");'
           'if(h&&!/^(?:[a-z]+:)?\\/\\//i.test(h))l[i].href=l[i].href}})()</script>')


def resolve_stylesheets_first(html: str) -> str:
    """The page with :data:`RESOLVE` after the last stylesheet link of its ``<head>``;
    unchanged when its head links none, or already has it."""
    head_end = html.find("</head>")
    if head_end < 0 or html.find(RESOLVE, 0, head_end) >= 0:
        return html
    links = [found.end() for found in _STYLESHEET.finditer(html, 0, head_end)]
    if not links:
        return html
    return html[:links[-1]] + RESOLVE + html[links[-1]:]
