"""Material's scripts start after the first frame, not before it.

Material's base template (material/templates/base.html, block ``scripts``) ends the body with
``<script src=".../assets/javascripts/bundle.<hash>.min.js">`` and then one plain ``<script
src>`` per ``extra_javascript`` entry (the reader's own script among them). As parser-blocking
scripts they ran before the browser had styled and laid out the page, and the first panel
painted only after the bundle's start-up (2.3 s of the chapter page's 2.8 s LCP in Lighthouse's
mobile run).

``defer`` moved the paint first, but only just: a deferred script runs as soon as the parser is
done, which on a fast host is before the first frame reaches the screen. Lighthouse's mobile
score simulates a slow phone from such a trace and counts every task that *started* before the
observed paint as needed for it, so the bundle's start-up (about 1 s at the calibrated CPU
slow-down) still sat inside First and Largest Contentful Paint, and ``bundle.js`` shared the
slow network with the first panel.

So the bundle tag and the plain scripts after it become one small inline loader. After
``DOMContentLoaded`` and the next animation frame (or one second, for a tab that draws no
frames) it appends them as ``async = false`` scripts, which run in document order like the
tags did. Material's start-up waits for ``DOMContentLoaded`` (``watchDocument`` in
src/templates/assets/javascripts/browser/document/index.ts: one ``fromEvent(document,
"DOMContentLoaded")``), which has fired by then; the loader therefore makes a
``DOMContentLoaded`` listener added after the event run once, in a task of its own, as a
listener added before it would have. The theme, ``document$`` and its subscribers then start
as before, one frame later.

Until then the page is drawn in the palette the HTML names (the first in mkdocs.yml), which
Material's palette component replaces, on a first visit, by the one whose media query
matches: a reader whose system is dark saw the light page for as long as the bundle took to
arrive. The loader, which runs as the parser reaches it, so before the first frame, makes
that choice itself on a first visit (Material's own inline script already applies a stored
choice); Material's component then sets the same values.

Material's palette component, as it starts, marks the body ``data-md-color-switching`` (its
stylesheet turns every transition off under that mark: ``[data-md-color-switching] *``), sets
the palette and reads the header's computed style, then drops the mark in a task of its own
(mountPalette in src/templates/assets/javascripts/components/palette/index.ts). Adding the
mark restyles every element of the page, inside the bundle's long start-up task: 140 ms of it
on the one-page edition at a 4x CPU slow-down. Where the page has that component, the loader
sets the mark before the first frame, when nothing has been styled yet; Material's own setting
then changes nothing, and only its removal restyles the page, in that later task (profiled on
the one-page edition at 4x, 4 runs each: the palette's forced restyle 140 -> 73 ms; in
Lighthouse that page's blocking time moves more from run to run than this). The first frame
has no transitions to run in any case.

A page is left as it is when a script after the bundle cannot move into the loader as it is:
inline code (a template override may put one there, and it may use ``document$`` at once), a
deferred or module script (it ran after the bundle and would now run before it), or a tag with
more than its address (``integrity``, ``crossorigin``), which the loader would drop. Async
scripts and data blocks keep their place.
"""

from __future__ import annotations

import json
import re
from html import unescape

_BUNDLE = re.compile(r'<script src="[^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js"></script>')
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)
_ONLY_SRC = re.compile(r'src="([^"]*)"')  # a tag whose one attribute is its address
_ASYNC = re.compile(r"(?<![\w-])async(?![\w-])")
_DATA_TYPES = ("application/json", "application/ld+json", "importmap", "text/template")

# The loader (see the module's docstring); %s is the JSON list of script addresses.
LOADER = (
    '<script>(function(d,srcs){var add=d.addEventListener,done=false;'
    # Material's __md_get parses local storage unguarded: blocked or damaged storage must
    # not stop the scripts from loading.
    'try{if(window.__md_get&&!__md_get("__palette")){'
    'var opts=d.querySelectorAll("input[data-md-color-media]");'
    'for(var i=0;i<opts.length;i++){var q=opts[i].getAttribute("data-md-color-media");'
    'if(q!=="(prefers-color-scheme)"&&matchMedia(q).matches){'
    '["scheme","primary","accent"].forEach(function(k){'
    'var v=opts[i].getAttribute("data-md-color-"+k);'
    'if(v)d.body.setAttribute("data-md-color-"+k,v)});'
    'break}}}}catch(e){}'
    'if(d.querySelector("[data-md-component=palette]"))d.body.setAttribute("data-md-color-switching","");'
    'd.addEventListener=function(type,fn){'
    'if(type==="DOMContentLoaded"&&d.readyState!=="loading"&&fn){setTimeout(function(){'
    'var ev=new Event(type);typeof fn==="function"?fn.call(d,ev):fn.handleEvent(ev)});return}'
    'return add.apply(this,arguments)};'
    'function load(){if(done)return;done=true;srcs.forEach(function(src){'
    'var s=d.createElement("script");s.src=src;s.async=false;d.body.appendChild(s)})}'
    'function frame(){requestAnimationFrame(function(){setTimeout(load)});setTimeout(load,1000)}'
    'd.readyState==="loading"?add.call(d,"DOMContentLoaded",frame):frame()'
    '})(document,%s)</script>')


def defer_theme_scripts(html: str) -> str:
    """The page with Material's bundle and every plain script after it loaded by the inline
    loader; the page unchanged when there is no bundle tag or an inline script follows it."""
    found = _BUNDLE.search(html)
    if found is None:
        return html
    head, tail = html[:found.start()], html[found.start():]
    if any(_must_stay(attrs, body) for attrs, body in _SCRIPT.findall(tail)):
        return html
    srcs: list[str] = []

    def take(tag: re.Match) -> str:
        attrs = tag.group(1)
        if _is_data(attrs) or _ASYNC.search(attrs):
            return tag.group(0)  # data, and async scripts, which never waited for the others
        srcs.append(unescape(_ONLY_SRC.fullmatch(attrs.strip()).group(1)))  # type: ignore[union-attr]
        return "" if len(srcs) > 1 else "\0"
    tail = _SCRIPT.sub(take, tail)
    loader = LOADER % json.dumps(srcs).replace("</", "<\\/")
    return head + tail.replace("\0", loader, 1)


def loaded_scripts(html: str) -> list[str]:
    """The addresses the page's loader appends, in order ([] without a loader)."""
    found = re.search(r"\}\)\(document,(\[[^\]]*\])\)</script>", html)
    return json.loads(found.group(1).replace("<\\/", "</")) if found else []


def _must_stay(attrs: str, body: str) -> bool:
    """Whether a script after the bundle cannot be moved into the loader as it is: inline
    code (it may use ``document$`` at once), a deferred or module script (it ran after the
    bundle, and would now run before it), or a tag with more than its address (integrity,
    crossorigin, an id), which the loader would drop."""
    if _is_data(attrs) or _ASYNC.search(attrs):
        return False
    return bool(body.strip()) or _ONLY_SRC.fullmatch(attrs.strip()) is None


def _is_data(attrs: str) -> bool:
    kind = re.search(r'type="([^"]*)"', attrs)
    return kind is not None and kind.group(1) in _DATA_TYPES


