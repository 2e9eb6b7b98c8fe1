"""GLightbox loaded on first use instead of blocking every page's first paint.

mkdocs-glightbox (plugin.py, on_post_page) puts glightbox.min.css and a synchronous
glightbox.min.js (56 KB) in every page's <head> and starts GLightbox from a script at the
end of <body>. A reader who never opens a panel pays for both before seeing anything.
This rewrites that markup: the two files go, and the start-up script becomes the options
(JSON) that graphic-novel.js reads to load both files and start GLightbox when a panel link
is first pressed. Markup in any other shape is left as it is (tests pin the shape).

GLightbox's "See more" shortening is turned off on every page either way: on a touch screen
it shortens a caption longer than moreLength from its innerText and writes the result back
as innerHTML, so escaped text ("&lt;img onerror=...&gt;") would become markup.
"""

from __future__ import annotations

import json
import re

HEAD_FILES = re.compile(r'<link href="(?P<css>[^"]*glightbox\.min\.css)" rel="stylesheet">'
                        r'<script src="(?P<js>[^"]*glightbox\.min\.js)"></script>')
START_UP = re.compile(r'<script id="init-glightbox">const lightbox = GLightbox\((?P<opts>\{.*?\})'
                      r'\);\n(?:document\$\.subscribe\(\(\)=>\{ lightbox\.reload\(\); \}\);\n)?'
                      r'</script>', re.S)
NO_SHORTENING = {"moreLength": 0}
OLD_FIX = ("GLightbox({", 'GLightbox({"moreLength": 0, ')


def load_on_first_use(html_page: str) -> str:
    """The page with GLightbox's files loaded by graphic-novel.js on first use."""
    head = HEAD_FILES.search(html_page)
    start = START_UP.search(html_page)
    if head is None or start is None:
        return html_page.replace(*OLD_FIX, 1)  # another shape: keep it, made safe
    try:
        options = {**json.loads(start["opts"]), **NO_SHORTENING}
    except ValueError:
        return html_page.replace(*OLD_FIX, 1)
    config = json.dumps({"css": head["css"], "js": head["js"], "options": options})
    tag = ('<script id="init-glightbox" type="application/json">'
           + config.replace("</", "<\\/") + "</script>")
    return (html_page[:head.start()] + html_page[head.end():start.start()] + tag
            + html_page[start.end():])


# mkdocs-glightbox parses every page whole and writes it out again (with lexbor) to add
# a few tags at the ends of <head> and <body>: 0.8 ms a page, as much as this plugin's
# own work on it. The same tags are had from the plugin itself on an empty page, and put
# in with two string splices.
_EMPTY_PAGE = "<html><head></head><body></body></html>"
_ITS_ADDITIONS = re.compile(r"<html><head>(?P<head>.*)</head><body>(?P<body>.*)</body></html>",
                            re.S)


def glightbox_additions(glightbox, page, config) -> tuple[str, str] | None:
    """What ``glightbox`` (mkdocs-glightbox's plugin) adds to ``page``: (the end of its
    <head>, the end of its <body>), made by the plugin's own on_post_page on an empty
    page. None when it adds nothing or its output has another shape."""
    made = _ITS_ADDITIONS.fullmatch(glightbox.on_post_page(_EMPTY_PAGE, page=page,
                                                           config=config))
    if made is None or not (made["head"] or made["body"]):
        return None
    return made["head"], made["body"]


def add_at_the_ends(html_page: str, head: str, body: str) -> str | None:
    """``html_page`` with ``head`` added at the end of its <head> and ``body`` at the
    end of its <body>; None for a page without both."""
    head_end, body_end = html_page.find("</head>"), html_page.rfind("</body>")
    if head_end < 0 or body_end < head_end:
        return None
    return (html_page[:head_end] + head + html_page[head_end:body_end] + body
            + html_page[body_end:])
