"""A story full of HTML and JavaScript payloads in every author field: nothing runs."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import sync_playwright

from browser import CHROMIUM_ARGS, SiteServer, chromium_path, started_on_load
from conftest import make_project, straight

PAYLOADS = [
    '<script>alert("p0")</script>',
    '<img src=x onerror=alert("p1")>',
    '"><svg onload=alert("p2")>',
    "'><iframe src=javascript:alert('p3')></iframe>",
    '<a href="javascript:alert(\'p4\')">p4</a>',
    '<a href="data:text/html,<script>alert(5)</script>">p5</a>',
    '</details></figure><script>alert("p6")</script>',
    '<details open ontoggle=alert("p7")>x</details>',
    '<style>body{display:none}</style><b onmouseover=alert("p8")>p8</b>',
]
ALL = " ".join(PAYLOADS)


def q(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid YAML scalar


def hostile_story(project):
    project.write("story/story.yaml", "\n".join([
        f"title: {q('Evil ' + PAYLOADS[0])}", f"subtitle: {q(PAYLOADS[1])}",
        f"author: {q(PAYLOADS[2])}", "cover: cover", f"notice: {q(PAYLOADS[3])}"]) + "\n")
    panels = []
    for pid in ("cover", "01-storm", "02-lens", "02-dawn"):
        panels.append(f"  - id: {pid}\n    title: {q(pid + ' ' + ALL)}\n"
                      f"    alt: {q('Alt ' + ALL)}\n    prompt: {q('Prompt ' + ALL)}\n")
    project.write("story/image_prompts.yaml",
                  f"style: {q(ALL)}\nnarrative_prompt: {q(ALL)}\npanels:\n" + "".join(panels))
    project.write("story/references.yaml",
                  f"- id: history\n  title: {q(ALL)}\n  url: https://example.org/history\n"
                  f"  publisher: {q(PAYLOADS[4])}\n  date: {q(PAYLOADS[5])}\n  note: {q(ALL)}\n"
                  f"- id: lens-report\n  title: {q(PAYLOADS[6])}\n  url: /relative/page\n")
    for path in ("01-storm.md", "02-lens.md", "03-epilogue.md"):
        text = (project.story / "chapters" / path).read_text()
        body = text.split("---\n", 2)[2]
        project.write(f"story/chapters/{path}",
                      f"---\ntitle: {q('T ' + ALL)}\nsummary: {q(ALL)}\nlabel: {q(PAYLOADS[7])}\n"
                      f"extra: {q(ALL)}\n---\n" + body + "\n" + "\n\n".join(PAYLOADS) + "\n\n"
                      '<div onclick="alert(9)">click me</div>\n\n'
                      '![x](https://example.org/x.png "<img src=x onerror=alert(10)>")\n')


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("hostile"))
    hostile_story(project)
    result = project.build(strict=False)  # the remote image is not a panel: fine
    assert result.ok, result.error + result.log
    server = SiteServer(project.site)
    yield server.url, project
    server.close()


def test_no_payload_runs_anywhere(hostile_site):
    url, _ = hostile_site
    fired = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
        page = context.new_page()
        page.on("dialog", lambda d: (fired.append(d.message), d.dismiss()))
        for path in ["", "chapters/01-storm/", "chapters/02-lens/", "chapters/03-epilogue/",
                     "references/", "chapters/all/", "feed.xml"]:
            page.goto(url + path)
            page.wait_for_timeout(200)
            if path.startswith("chapters") or path == "chapters/all/":
                toggle = page.locator(".gn-prompts-toggle").first
                if toggle.count():
                    toggle.click()  # opens every prompt block
                panels = page.locator("figure.gn-panel a.gn-panel-link")
                if panels.count():
                    panels.first.click()  # the lightbox shows titles and alt text
                    page.wait_for_timeout(400)
                    page.keyboard.press("Escape")
                for el in page.locator(".md-content b, .md-content div, .md-content sup, "
                                       ".md-content figcaption").all()[:40]:
                    if el.is_visible():
                        el.hover(timeout=2000)
                copies = page.locator("button.gn-copy")
                if copies.count():
                    copies.first.click()
                if toggle.count():
                    toggle.click()
            if path == "":
                page.locator("details#narrative-prompt summary").click()
        browser.close()
    assert fired == [], f"payloads ran: {fired}"


def test_payload_text_is_still_readable(hostile_site):
    url, project = hostile_site
    chapter = (project.site / "chapters/01-storm/index.html").read_text()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url + "chapters/01-storm/")
        # Story text prints with curly quotes (smarty): read them back straight.
        h1 = straight(page.locator(".md-content h1").inner_text())
        assert PAYLOADS[0] in h1 and PAYLOADS[1] in h1  # shown as text, not run
        caption = straight(page.locator("figure.gn-panel figcaption").first.inner_text())
        assert PAYLOADS[2] in caption
        alt = page.locator("figure.gn-panel img").first.get_attribute("alt")
        assert alt == "Alt " + ALL
        copy = page.locator("button.gn-copy").first.get_attribute("data-clipboard-text")
        # The style, then the prompt, every character kept, for an image generator.
        assert copy == ALL + "\n\nPrompt " + ALL
        page.goto(url + "references/")
        assert PAYLOADS[6] in page.locator("#ref-lens-report").inner_text()
        browser.close()
    soup = BeautifulSoup(chapter, "html.parser")
    for tag in soup.find_all(True):  # attributes anywhere on the page
        handlers = [a for a in tag.attrs if a.lower().startswith("on")]
        assert not handlers, (tag.name, handlers)
        for attr in ("href", "src", "action", "formaction"):
            value = str(tag.get(attr, "")).strip().lower()
            assert not value.startswith(("javascript:", "data:", "vbscript:")), (tag.name, value)
    article = soup.select_one("article.md-content__inner")
    for name in ("iframe", "svg", "object", "embed", "style", "script", "form"):
        assert article.find(name) is None, name  # none from the author's text
    for script in soup.find_all("script"):
        assert "alert" not in script.get_text(), script.get_text()[:80]


def test_external_reference_links_open_safely(hostile_site):
    _, project = hostile_site
    refs = (project.site / "references/index.html").read_text()
    assert 'href="https://example.org/history" rel="noopener noreferrer" target="_blank"' in refs
    assert 'href="/relative/page">' in refs  # relative: same site, no new tab


def test_lightbox_caption_on_a_phone_stays_text(browser, tmp_path):
    """GLightbox shortens long captions on touch screens from their innerText and
    writes them back as HTML; the plugin turns that off (social.LIGHTBOX_FIX)."""
    project = make_project(tmp_path)
    payload = '<img src=x onerror="document.title=`PWNED`"> and a long caption to shorten'
    project.edit("story/image_prompts.yaml",
                 "alt: Waves break over the rocks while the keeper climbs the stairs.",
                 f"alt: {json.dumps(payload)}")
    result = project.build()
    assert result.ok, result.error + result.log
    server = SiteServer(project.site)
    iphone = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
              "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, user_agent=iphone)
    try:
        page = context.new_page()
        started_on_load(page)  # the panel opens the lightbox once the reader's script runs
        page.goto(server.url + "chapters/01-storm/")
        title = page.title()
        page.locator("figure#panel-01-storm a.gn-panel-link").click()
        desc = page.locator(".glightbox-container .gslide.current .gslide-desc")
        desc.wait_for()
        page.wait_for_timeout(500)
        assert page.title() == title
        assert desc.locator("img").count() == 0
        assert payload in desc.inner_text()  # shown whole, as text
    finally:
        context.close()
        server.close()
