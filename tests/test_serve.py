"""`mkdocs serve` rebuilds when anything under story/ changes, reusing the cache."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

MKDOCS = str(Path(sys.executable).parent / "mkdocs")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _processes_with(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def _wait_for(url: str, needle: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    body = ""
    while time.monotonic() < deadline:
        try:
            body = urllib.request.urlopen(url, timeout=5).read().decode("utf-8")
            if needle in body:
                return body
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{needle!r} never appeared at {url}; last body: {body[:300]!r}")


def test_serve_reloads_on_chapter_prompt_and_art_edits(project):
    port = _free_port()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    log_path = project.root / "serve.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([MKDOCS, "serve", "-a", f"127.0.0.1:{port}"],
                                cwd=project.root, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        url = f"http://127.0.0.1:{port}/mini/chapters/01-storm/"  # site_url has /mini/
        page = _wait_for(url, "Light the lamp")
        # A preview never registers the offline worker (it would serve stale pages).
        assert 'name="graphic-novel:offline"' not in page and 'rel="manifest"' in page
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/mini/sw.js", timeout=10)
        project.edit("story/chapters/01-storm.md", "Light the lamp", "Trim the wick")
        _wait_for(url, "Trim the wick")
        project.edit("story/image_prompts.yaml", "the keeper climbs", "the keeper races up")
        _wait_for(url, "the keeper races up")
        (project.story / "art").mkdir()
        Image.new("RGB", (1600, 900), "navy").save(project.story / "art" / "01-storm.png")
        _wait_for(url, 'data-art="art"')
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    # No worker of the killed server lives on.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _processes_with(f"127.0.0.1:{port}"):
        time.sleep(0.3)
    assert not _processes_with(f"127.0.0.1:{port}")
    log = log_path.read_text()
    assert "Traceback" not in log
    # The first build drew all four; each rebuild remade only what changed.
    assert "(4 made this build, 0 from cache)" in log
    assert "(1 made this build, 3 from cache)" in log


class _Serving:
    """`mkdocs serve` on the project, on a free port, its log in serve.log."""

    def __init__(self, project):
        self.project = project
        self.port = _free_port()
        self.log_path = project.root / "serve.log"

    def __enter__(self):
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen([MKDOCS, "serve", "-a", f"127.0.0.1:{self.port}"],
                                         cwd=self.project.root, stdout=log,
                                         stderr=subprocess.STDOUT, env=env)
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/mini/{path}"  # site_url has /mini/

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=30)

    def log(self) -> str:
        return self.log_path.read_text()


def test_serve_shows_a_story_error_in_the_browser_and_the_story_once_fixed(project, browser):
    """A mistake under `mkdocs serve` used to leave the browser waiting for ever
    (MkDocs holds every request until a build succeeds). The page that is open
    reloads into a page naming the file, line and fix, and back into the story
    when the file is fixed, by live reload alone."""
    broken = "  - id: 02-lens\n\ttitle: x\n"
    with _Serving(project) as serve:
        url = serve.url("chapters/01-storm/")
        _wait_for(url, "Light the lamp")
        page = browser.new_page()
        try:
            page.goto(url)
            page.wait_for_selector("text=Light the lamp")
            project.edit("story/image_prompts.yaml", "  - id: 02-lens\n", broken)
            page.wait_for_selector(".gn-story-error", timeout=60_000)  # reloaded by itself
            assert page.locator("h1").inner_text() == "The story has 1 problem"
            item = page.locator(".gn-story-error li").inner_text()
            assert item.startswith("story/image_prompts.yaml:17 YAML syntax error")
            assert "YAML indentation must use spaces, not tabs." in item
            # Every page of the story says so, the cover and references too.
            for path in ("", "references/", "chapters/02-lens/", "chapters/all/"):
                assert "The story has 1 problem" in _wait_for(serve.url(path), "gn-story-error")
            project.edit("story/image_prompts.yaml", broken, "  - id: 02-lens\n")
            page.wait_for_selector("text=Light the lamp", timeout=60_000)
            assert not page.locator(".gn-story-error").count()
            # Live reload still works after the error: the next edit shows too.
            project.edit("story/chapters/01-storm.md", "Light the lamp", "Trim the wick")
            page.wait_for_selector("text=Trim the wick", timeout=60_000)
        finally:
            page.close()
    log = serve.log()
    assert "Traceback" not in log and "appear stuck" not in log
    assert "story/image_prompts.yaml:17: YAML syntax error" in log
    assert "shown in the browser until it is fixed" in log


def test_serve_starts_on_a_broken_story_and_recovers(project):
    """A story already broken when `mkdocs serve` starts is served as the error page."""
    project.edit("story/chapters/01-storm.md", "[@history]", "[@histroy]")
    with _Serving(project) as serve:
        body = _wait_for(serve.url(""), "gn-story-error")
        assert "story/chapters/01-storm.md:8" in body and "unknown citation" in body
        assert "&#39;@histroy&#39;" in body or "'@histroy'" in body
        assert "/livereload/" in body  # the page reloads once the story is fixed
        project.edit("story/chapters/01-storm.md", "[@histroy]", "[@history]")
        _wait_for(serve.url("chapters/01-storm/"), "Light the lamp")
    assert "Traceback" not in serve.log()


def test_a_mistake_found_while_drawing_turns_the_served_pages_into_the_error_page(
        project, monkeypatch):
    """Drawing finishes after the theme has written the pages; under serve a
    problem found then (art that cannot be decoded) replaces each story page
    with the error page rather than leaving the browser waiting."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from graphic_novel import images
    from graphic_novel.errors import StoryError

    def finish(self, pending):
        raise StoryError("story/art/01-storm.png", "the art file cannot be read as an image "
                         "(<broken>); export it again as PNG, JPEG or WebP.")

    monkeypatch.setattr(images.Renderer, "finish", finish)
    config = load_config(str(project.root / "mkdocs.yml"))
    # MkDocs keeps a plugin that has on_startup for the whole process: say
    # "build" again afterwards, or every later in-process build acts as serve.
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_startup(command="build", dirty=False)
    for page in ("index.html", "chapters/01-storm/index.html", "chapters/all/index.html",
                 "references/index.html"):
        html = (project.site / page).read_text("utf-8")
        assert "<h1>The story has 1 problem</h1>" in html, page
        assert "<code>story/art/01-storm.png</code> the art file cannot be read as an image " \
               "(&lt;broken&gt;)" in html
    assert config.plugins["graphic-novel"].state is None
