"""Stylesheet addresses resolved before the first frame, so that Material's instant
navigation, starting after it, reloads no stylesheet (resolved_stylesheets.py)."""

from __future__ import annotations

from graphic_novel.resolved_stylesheets import RESOLVE, resolve_stylesheets_first

MAIN = '<link rel="stylesheet" href="../assets/stylesheets/main.57a0d79d.min.css">'
OURS = '<link rel="stylesheet" href="../assets/graphic-novel/graphic-novel.4eb79294.min.css">'


def page(head: str, body: str = "<p>x</p>") -> str:
    return f"<html><head><title>t</title>{head}</head><body>{body}</body></html>"


def test_the_script_follows_the_last_stylesheet_of_the_head_once():
    icon = '<link rel="icon" href="../favicon.png">'
    out = resolve_stylesheets_first(page(MAIN + icon + OURS + '<meta name="x" content="y">'))
    assert out == page(MAIN + icon + OURS + RESOLVE + '<meta name="x" content="y">')
    assert resolve_stylesheets_first(out) == out


def test_a_page_whose_head_links_no_stylesheet_is_left_as_it_is():
    for html in (page('<link rel="icon" href="f.png">', body=MAIN), "<p>no head</p>"):
        assert resolve_stylesheets_first(html) == html


def test_the_instant_navigation_feature_decides(project):
    """With Material's instant navigation (the mini fixture has it), every page and
    404.html carry the script; without it, none does: nothing would rewrite the links."""
    assert project.build().ok
    chapter = next((project.site / "chapters").glob("*/index.html"))
    for built in (chapter, project.site / "index.html", project.site / "404.html"):
        assert built.read_text("utf-8").count(RESOLVE) == 1, built
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace("    - navigation.instant\n", ""),
                      "utf-8")
    assert project.build().ok
    for built in (chapter, project.site / "index.html", project.site / "404.html"):
        assert RESOLVE not in built.read_text("utf-8"), built


# Every change to a stylesheet link's href, and whether Material's bundle had started
# (window.document$ exists) when it was seen; and, at the first frame, whether every
# stylesheet was applied.
_WATCH = """
window.__hrefChanges = [];
new MutationObserver((records) => {
  for (const r of records) if (r.target.rel === "stylesheet")
    window.__hrefChanges.push({bundle: typeof window.document$ === "object",
                               value: r.target.getAttribute("href")});
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["href"]});
requestAnimationFrame(() => {
  window.__firstFrame = [...document.querySelectorAll("link[rel=stylesheet]")].map(
    (l) => !!(l.sheet && l.sheet.cssRules.length));
});
"""


def test_materials_start_up_reloads_no_stylesheet_and_the_first_frame_has_them_all(
        browser, default_story_site):
    from browser import started_on_load

    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page_ = context.new_page()
        page_.add_init_script(_WATCH)
        started_on_load(page_)
        page_.goto(default_story_site.url + default_story_site.chapters[4]["url"])
        changes = page_.evaluate("window.__hrefChanges")
        assert changes, "the stylesheet links were never resolved"
        assert not [c for c in changes if c["bundle"]], changes
        assert all(c["value"].startswith(default_story_site.url) for c in changes), changes
        first = page_.evaluate("window.__firstFrame")
        assert first and all(first), first
    finally:
        context.close()

