"""Material's bundle and the scripts after it are deferred, so the first panel paints first."""

from __future__ import annotations

import re

from graphic_novel.deferred_scripts import defer_theme_scripts

BUNDLE = '<script src="../assets/javascripts/bundle.a5f9d56c.min.js"></script>'
CONFIG = '<script id="__config" type="application/json">{"base": ".."}</script>'
OURS = '<script src="../assets/graphic-novel/graphic-novel.0123abcd.min.js"></script>'


def page(*scripts: str) -> str:
    return "<html><head></head><body><p>x</p>" + "".join(scripts) + "</body></html>"


def test_the_bundle_and_the_plain_scripts_after_it_are_deferred_in_order():
    out = defer_theme_scripts(page(CONFIG, BUNDLE, OURS, '<script src="extra.js"></script>'))
    srcs = re.findall(r"<script defer src=\"([^\"]+)\"></script>", out)
    assert srcs == ["../assets/javascripts/bundle.a5f9d56c.min.js",
                    "../assets/graphic-novel/graphic-novel.0123abcd.min.js", "extra.js"]
    assert CONFIG in out  # data before the bundle untouched


def test_scripts_with_their_own_timing_keep_it():
    tail = ('<script async src="a.js"></script><script type="module" src="m.js"></script>'
            '<script id="init-glightbox" type="application/json">{}</script>')
    out = defer_theme_scripts(page(BUNDLE, tail))
    assert out.endswith(tail + "</body></html>")
    assert "<script defer src=" in out


def test_an_inline_script_after_the_bundle_leaves_the_page_as_it_is():
    # It may subscribe to document$, which a deferred bundle would not have made yet.
    html = page(BUNDLE, OURS, "<script>document$.subscribe(() => {})</script>")
    assert defer_theme_scripts(html) == html


def test_a_page_without_materials_bundle_is_left_as_it_is():
    html = page('<script src="app.js"></script>')
    assert defer_theme_scripts(html) == html
