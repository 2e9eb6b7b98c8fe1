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
