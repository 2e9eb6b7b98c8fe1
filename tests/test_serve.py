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
