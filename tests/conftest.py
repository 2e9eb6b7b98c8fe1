"""Shared fixtures: copy a fixture project to tmp_path, build it for real, read the HTML."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from mkdocs import exceptions
from mkdocs.commands.build import build
from mkdocs.config import load_config

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


@dataclass
class BuildResult:
    ok: bool
    log: str
    site: Path
    error: str = ""

    def html(self, path: str) -> BeautifulSoup:
        return BeautifulSoup((self.site / path).read_text("utf-8"), "html.parser")


class Project:
    """A story project in a temporary folder."""

    def __init__(self, root: Path):
        self.root = root
        self.story = root / "story"
        self.site = root / "site_build"

    def write(self, relpath: str, text: str) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def edit(self, relpath: str, old: str, new: str) -> None:
        path = self.root / relpath
        text = path.read_text("utf-8")
        assert old in text, f"{old!r} not in {relpath}"
        path.write_text(text.replace(old, new, 1), "utf-8")

    def build(self, strict: bool = True, **overrides) -> BuildResult:
        handler = _Capture()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(handler)
        level = logger.level
        logger.setLevel(logging.INFO)
        error = ""
        ok = True
        try:
            config = load_config(str(self.root / "mkdocs.yml"), strict=strict, **overrides)
            build(config)
        except (exceptions.Abort, exceptions.ConfigurationError, exceptions.PluginError) as exc:
            ok = False
            error = str(exc)
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
        return BuildResult(ok, "\n".join(handler.lines), self.site, error)

    def build_with(self, engine: str, strict: bool = True) -> BuildResult:
        """A build by another engine's own command line (`properdocs build`), as its users
        run it."""
        args = [sys.executable, "-m", engine, "build", "-f", "mkdocs.yml", "-d", str(self.site)]
        run = subprocess.run(args + (["--strict"] if strict else []), cwd=self.root,
                             capture_output=True, text=True,
                             env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        log = run.stdout + run.stderr
        return BuildResult(run.returncode == 0, log, self.site, "" if run.returncode == 0 else log)

    def tree_digest(self, sub: str = "story") -> dict[str, str]:
        base = self.root / sub
        return {str(p.relative_to(base)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(base.rglob("*")) if p.is_file()}


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(f"{record.levelname}: {record.getMessage()}")


# The site prints story text with curly quotes, apostrophes and dashes (smarty).
CURLY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                       "\u2013": "--", "\u2014": "---", "\u2026": "..."})


def straight(text: str) -> str:
    """Text as written, from text as the site prints it."""
    return text.translate(CURLY)


def make_project(tmp_path: Path, name: str = "mini") -> Project:
    dest = tmp_path / name
    shutil.copytree(FIXTURES / name, dest, ignore=shutil.ignore_patterns("site_build", ".cache"))
    return Project(dest)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, driven by Playwright; one per test module."""
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def project(tmp_path) -> Project:
    return make_project(tmp_path)


# The engines the plugin is tested under: MkDocs 1.6 (the last 1.x) and ProperDocs, the
# maintained fork that loads the same `mkdocs.plugins` entry points.
ENGINES = ("mkdocs", "properdocs")


@pytest.fixture(scope="session", params=ENGINES)
def built_mini(request, tmp_path_factory) -> tuple[Project, BuildResult]:
    """The mini fixture, built once per engine for the read-only HTML tests."""
    proj = make_project(tmp_path_factory.mktemp(f"built-{request.param}"))
    result = proj.build() if request.param == "mkdocs" else proj.build_with(request.param)
    assert result.ok, result.error + result.log
    return proj, result


@pytest.fixture(scope="session")
def default_story_site(tmp_path_factory):
    """The default story, built once with the repository's own mkdocs.yml and served;
    tests only read it."""
    from sites import Site, default_project

    site = Site("default", default_project(tmp_path_factory.mktemp("default-story")))
    yield site
    site.server.close()


@pytest.fixture(scope="session")
def new_story_site(tmp_path_factory):
    """A project as `graphic-novel new` writes it, built once and served; only read."""
    from sites import Site, new_project

    site = Site("new", new_project(tmp_path_factory.mktemp("new-story")))
    yield site
    site.server.close()
