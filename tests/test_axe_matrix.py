"""axe-core, with every rule it runs by default (WCAG A and AA and its best-practice
rules: no rule or tag filter), on every page type and reader state of both shipped
configurations: the default story built with the repository's own mkdocs.yml, and a
project made by `graphic-novel new`. Phone (390 px) and desktop (1366 px), light and
dark (the browser's colour scheme, which Material's palette follows).

Each site is built once for the session (conftest.py); one browser, with one page for each screen
size and scheme, serves every test. Every test starts from empty storage (no remembered
prompt switch, palette or chapter) and a fresh load of its page. Service workers are
blocked: the offline precache would download the whole site during every test, and it
changes nothing on the page.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import DEFAULT_OPTIONS, Axe
from playwright.sync_api import expect

from sites import Site
from test_reader import SCHEMES, VIEWS, _open

AXE = Axe()
SITES = ("default", "new")
MD_SCHEME = {"light": "default", "dark": "slate"}
DEFAULT_CHAPTER = "chapters/05-small-beats-big/"  # has a row of panels and citations
PAGES = {"cover": "", "chapter": None, "references": "references/",
         "one-page": "chapters/all/", "404": "404.html"}
# Best-practice rules that apply to every page: if one is missing from the results,
# axe ran with a filter and the test would prove less than it says.
BEST_PRACTICE = {"region", "landmark-one-main", "page-has-heading-one", "heading-order",
                 "landmark-unique", "skip-link"}
# The hover-and-focus state: in each axe run one control is hovered while another has
# keyboard focus. These are the kinds of control whose colours change on hover or focus:
# Material's primary and outline buttons (the cover's two; the prompt switch and the copy
# button are outline buttons too), a link in the story (Material's accent) and the pager.
HOVER_FOCUS = {
    "cover": [("a.gn-start", "a.gn-onepage"), ("a.gn-onepage", "a.gn-start")],
    "chapter": [(".gn-prompts-toggle", ".md-content__inner > p a"),
                (".md-content__inner > p a", ".gn-pager--bottom a[rel=next]")],
}
STATES = [("cover", "prompts-open"), ("cover", "hover-focus"), ("cover", "lightbox"),
          ("chapter", "prompts-open"), ("chapter", "hover-focus"), ("chapter", "lightbox"),
          ("chapter", "search"), ("chapter", "contents")]


@pytest.fixture(scope="module")
def sites(default_story_site, new_story_site) -> dict[str, Site]:
    return {"default": default_story_site, "new": new_story_site}


def _path(site: Site, page_name: str) -> str:
    if page_name != "chapter":
        return PAGES[page_name]
    if site.name == "default":
        assert DEFAULT_CHAPTER in [c["url"] for c in site.chapters], site.chapters
        return DEFAULT_CHAPTER
    return site.chapters[0]["url"]


@pytest.fixture(scope="module")
def pages(browser):
    """One page for each screen size and scheme, made when first asked for."""
    made: dict[tuple[str, str], object] = {}

    def get(view: str, scheme: str):
        if (view, scheme) not in made:
            context = _open(browser, view, scheme, service_workers="block")
            made[view, scheme] = context.new_page()
        return made[view, scheme]

    yield get
    for page in made.values():
        page.context.close()


READY = """async (scheme) => {
    const until = async test => {
        for (let i = 0; i < 500 && !test(); i++) await new Promise(r => setTimeout(r, 10));
        return test();
    };
    // Material's palette script has picked the scheme from the media query (and stored
    // it: Material has started, which can be after the load event), and graphic-novel.js
    // has wired the reader's controls (a chapter's prompt switch).
    return await until(() => document.body.getAttribute('data-md-color-scheme') === scheme &&
                             typeof __md_get === 'function' && __md_get('__palette') !== null &&
                             !document.querySelector('.gn-unwired'));
}"""

# Before each run: fonts loaded and every running transition at its end. axe reads
# colours as they are at that moment, and a button fading to its hover colour is
# neither one colour nor the other (finish() puts a transition in its end state at
# once; waiting would give the same colours a quarter of a second later).
SETTLE = """async () => {
    await document.fonts.ready;
    for (const a of document.getAnimations()) {
        if (a.effect && a.effect.getComputedTiming().endTime !== Infinity) a.finish();
    }
}"""


def _visit(page, site: Site, page_name: str, scheme: str) -> None:
    """A fresh load of the page, nothing remembered, the mouse over no control."""
    if page.url.startswith("http"):
        page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
    page.mouse.move(0, 0)
    page.goto(site.url + _path(site, page_name))
    assert page.evaluate(READY, MD_SCHEME[scheme]), (page.url, scheme)


def _report(where: str, violations: list[dict]) -> str:
    lines = [f"{where}: {len(violations)} axe-core rule(s) failed"]
    for v in violations:
        lines.append(f"  {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:8]:
            target = " >>> ".join(map(str, node["target"]))
            reason = next((line.strip() for line in node.get("failureSummary", "").splitlines()[1:]
                           if line.strip()), "")
            lines.append(f"    {target}  [{node.get('impact') or v['impact']}] {reason}")
        if len(v["nodes"]) > 8:
            lines.append(f"    ... and {len(v['nodes']) - 8} more")
    return "\n".join(lines)


def _axe(page, where: str) -> None:
    """No axe-core violation. The run is what Axe().run(page) does (its script, its
    default options: violations only, no rule or tag filter), with the script injected
    once per document rather than before every run."""
    page.evaluate(SETTLE)
    if not page.evaluate("typeof window.axe === 'object' && typeof axe.run === 'function'"):
        page.evaluate(AXE.axe_script)
    results = page.evaluate("options => axe.run(document, options)", DEFAULT_OPTIONS)
    assert not {"runOnly", "rules"} & set(results["toolOptions"]), results["toolOptions"]
    ran = {rule["id"] for kind in ("passes", "violations", "incomplete", "inapplicable")
           for rule in results[kind]}
    assert ran >= BEST_PRACTICE, f"{where}: best-practice rules not run: {BEST_PRACTICE - ran}"
    assert not results["violations"], _report(where, results["violations"])


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("page_name", PAGES)
@pytest.mark.parametrize("site_name", SITES)
def test_page_has_no_axe_findings(pages, sites, site_name, page_name, view, scheme):
    page = pages(view, scheme)
    _visit(page, sites[site_name], page_name, scheme)
    _axe(page, f"{site_name} {page_name} {view} {scheme}")


def _open_every_prompt(page, page_name: str) -> None:
    if page_name == "chapter":
        toggle = page.locator(".gn-prompts-toggle")
        toggle.click()  # stays focused (and hovered) afterwards, as after a real press
        expect(toggle).to_have_attribute("aria-pressed", "true")
    else:  # the cover has no switch
        page.evaluate("document.querySelectorAll('details.gn-prompt').forEach(d => d.open = true)")
    expect(page.locator("details.gn-prompt:not([open])")).to_have_count(0)
    assert page.locator("details.gn-prompt[open]").count() >= 1


def _hover_and_focus(page, page_name: str, where: str) -> None:
    for hover, focus in HOVER_FOCUS[page_name]:
        hovered, focused = page.locator(hover).first, page.locator(focus).first
        page.keyboard.press("Shift")  # keyboard modality: focus() then shows :focus-visible
        focused.focus()
        assert focused.evaluate("e => e.matches(':focus-visible')"), focus
        hovered.hover()
        assert hovered.evaluate("e => e.matches(':hover')"), hover
        _axe(page, f"{where}, hovering {hover}, focus on {focus}")


def _open_lightbox(page) -> None:
    page.locator("a.glightbox").first.click()  # GLightbox loads on this first press
    expect(page.locator(".glightbox-container")).to_be_visible()
    expect(page.locator(".glightbox-container .gslide.current img")).to_be_visible()


def _search(page, view: str, where: str) -> None:
    if view == "phone":
        page.locator("label.md-header__button[for='__search']").click()
    else:
        page.keyboard.press("/")
    expect(page.locator(".md-search__input")).to_be_focused()
    _axe(page, f"{where}, empty")
    title = page.locator(".md-content h1").first.inner_text()
    page.keyboard.type(max(title.split(), key=len))
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    _axe(page, f"{where}, with results")


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("page_name,state", STATES, ids=[f"{p}-{s}" for p, s in STATES])
@pytest.mark.parametrize("site_name", SITES)
def test_reader_state_has_no_axe_findings(pages, sites, site_name, page_name, state, view,
                                          scheme):
    page = pages(view, scheme)
    where = f"{site_name} {page_name} {view} {scheme}, {state}"
    _visit(page, sites[site_name], page_name, scheme)
    if state == "prompts-open":
        _open_every_prompt(page, page_name)
        _axe(page, where)
    elif state == "hover-focus":
        _hover_and_focus(page, page_name, where)
    elif state == "lightbox":
        _open_lightbox(page)
        _axe(page, where)
    elif state == "contents":  # the chapter menu, over a page with one prompt open
        page.locator("details.gn-prompt summary").first.click()
        page.locator(".gn-pager--top a.gn-contents-link").click()
        expect(page.locator("dialog.gn-contents")).to_be_visible()
        _axe(page, where)
    else:
        _search(page, view, where)
