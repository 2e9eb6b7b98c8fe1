"""Material's bundle and the scripts after it start after the first frame (the inline loader)."""

from __future__ import annotations

import json
import re

from graphic_novel.deferred_scripts import defer_theme_scripts, loaded_scripts

BUNDLE = '<script src="../assets/javascripts/bundle.a5f9d56c.min.js"></script>'
CONFIG = '<script id="__config" type="application/json">{"base": ".."}</script>'
OURS = '<script src="../assets/graphic-novel/graphic-novel.0123abcd.min.js"></script>'


def page(*scripts: str) -> str:
    return "<html><head></head><body><p>x</p>" + "".join(scripts) + "</body></html>"


def test_the_bundle_and_the_plain_scripts_after_it_go_to_the_loader_in_order():
    out = defer_theme_scripts(page(CONFIG, BUNDLE, OURS, '<script src="extra.js"></script>'))
    assert loaded_scripts(out) == ["../assets/javascripts/bundle.a5f9d56c.min.js",
                                   "../assets/graphic-novel/graphic-novel.0123abcd.min.js",
                                   "extra.js"]
    assert not re.search(r"<script[^>]+src=", out)  # no tag of their own left
    assert CONFIG in out  # data before the bundle untouched
    assert defer_theme_scripts(out) == out  # a second pass changes nothing


def test_async_scripts_and_data_keep_their_place():
    tail = ('<script async src="a.js"></script>'
            '<script id="init-glightbox" type="application/json">{}</script>')
    out = defer_theme_scripts(page(BUNDLE, tail))
    assert out.endswith(tail + "</body></html>")
    assert loaded_scripts(out) == ["../assets/javascripts/bundle.a5f9d56c.min.js"]


def test_a_script_that_would_run_before_the_bundle_or_lose_an_attribute_leaves_the_page_alone():
    # A module or deferred script ran after the bundle and may use it; moved into the
    # loader, the bundle would come after it. The loader would drop integrity or an id.
    for tag in ('<script type="module" src="m.js"></script>', '<script defer src="d.js"></script>',
                '<script src="i.js" integrity="sha384-x" crossorigin="anonymous"></script>',
                "<script src='single.js'></script>"):
        html = page(BUNDLE, OURS, tag)
        assert defer_theme_scripts(html) == html, tag


def test_an_address_is_loaded_as_the_browser_would_read_it_from_the_tag():
    out = defer_theme_scripts(page(BUNDLE, '<script src="x.js?a=1&amp;b=2"></script>'))
    assert loaded_scripts(out)[1] == "x.js?a=1&b=2"


def test_an_inline_script_after_the_bundle_leaves_the_page_as_it_is():
    # It may subscribe to document$, which a late bundle would not have made yet.
    html = page(BUNDLE, OURS, "<script>document$.subscribe(() => {})</script>")
    assert defer_theme_scripts(html) == html


def test_a_page_without_materials_bundle_is_left_as_it_is():
    html = page('<script src="app.js"></script>')
    assert defer_theme_scripts(html) == html


def _data_script(code: str) -> str:
    return "data:text/javascript," + code.replace("%", "%25").replace("#", "%23")


def test_in_a_browser_the_scripts_run_in_order_after_the_first_paint_and_see_the_ready_event(
        browser):
    """What Material needs: its DOMContentLoaded listener, added after the event, still runs
    (once), the scripts run in document order, and a frame was drawn before them."""
    first = _data_script(
        'window.log.push("first", window.framed === true);'
        'document.addEventListener("DOMContentLoaded", function (e) {'
        '  window.log.push("ready:" + e.type + ":" + (this === document)); }, {once: true});'
        'document.addEventListener("click", function () { window.log.push("click"); });')
    second = _data_script('window.log.push("second");')
    html = defer_theme_scripts(page("<script>window.log = [];"
                                    "requestAnimationFrame(() => { window.framed = true })"
                                    "</script>", BUNDLE,
                                    '<script src="second.js"></script>'))
    listed = json.dumps(["../assets/javascripts/bundle.a5f9d56c.min.js", "second.js"])
    assert listed in html
    html = html.replace(listed, json.dumps([first, second]))
    page_ = browser.new_page()
    try:
        page_.set_content(html)
        page_.wait_for_function("window.log.length >= 4")
        page_.click("p")  # other listeners are added as usual
        page_.wait_for_timeout(200)
        assert page_.evaluate("window.log") == ["first", True, "second",
                                                "ready:DOMContentLoaded:true", "click"]
    finally:
        page_.close()


def test_the_palette_mark_is_set_before_the_scripts_only_where_materials_palette_is(browser):
    """The loader marks the body as Material's palette component does at start (so that its
    own marking restyles nothing); a page without that component is not marked, as
    nothing would take the mark off again."""
    seen = _data_script('window.marked = document.body.hasAttribute("data-md-color-switching");')
    for palette, expected in (('<form data-md-component="palette"></form>', True), ("", False)):
        html = defer_theme_scripts(page(palette, BUNDLE))
        html = html.replace(json.dumps(["../assets/javascripts/bundle.a5f9d56c.min.js"]),
                            json.dumps([seen]))
        page_ = browser.new_page()
        try:
            page_.set_content(html)
            page_.wait_for_function("window.marked !== undefined")
            assert page_.evaluate("window.marked") is expected, palette
        finally:
            page_.close()


def test_material_takes_the_palette_mark_off_once_started(browser, default_story_site):
    from browser import started_on_load

    page_ = browser.new_page()
    try:
        started_on_load(page_)
        page_.goto(default_story_site.url + default_story_site.chapters[0]["url"])
        page_.wait_for_function(
            '() => !document.body.hasAttribute("data-md-color-switching")', timeout=5000)
        assert page_.locator("[data-md-component=palette]").count() == 1
    finally:
        page_.close()
