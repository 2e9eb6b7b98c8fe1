"""The two shipped configurations as built, served sites: the default story with the
repository's own mkdocs.yml, and a project made by `graphic-novel new`. Built once per
test session (conftest.py: ``default_story_site``, ``new_story_site``) and only read."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from browser import SiteServer
from conftest import ROOT, Project


def default_project(base: Path) -> Project:
    dest = base / "default"
    dest.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    for sub in ("story", "docs"):
        shutil.copytree(ROOT / sub, dest / sub, ignore=shutil.ignore_patterns("art"))
    return Project(dest)


def new_project(base: Path) -> Project:
    dest = base / "new"
    subprocess.run([sys.executable, "-m", "graphic_novel", "new", str(dest), "--title",
                    "Harbour Lights"], check=True, capture_output=True)
    return Project(dest)


class Site:
    def __init__(self, name: str, project: Project):
        self.name, self.project = name, project
        result = project.build()
        assert result.ok, result.error + result.log
        self.server = SiteServer(project.site)
        self.url = self.server.url
        self.contents = json.loads((project.site / "assets/graphic-novel/contents.json")
                                   .read_text("utf-8"))["pages"]
        self.chapters = [p for p in self.contents if p["url"].startswith("chapters/")]

    def prompts(self) -> dict[str, str]:
        """What `graphic-novel prompts` prints, by panel id."""
        out = subprocess.run([sys.executable, "-m", "graphic_novel", "prompts"],
                             cwd=self.project.root, check=True, capture_output=True,
                             text=True).stdout
        return {row["id"]: row["prompt"] for row in map(json.loads, out.splitlines())}

    def row_chapter(self) -> str:
        """The first chapter page with a row of panels."""
        for entry in self.chapters:
            page = (self.project.site / entry["url"] / "index.html").read_text("utf-8")
            if 'class="gn-row"' in page:
                return entry["url"]
        raise AssertionError(f"{self.name}: no chapter has a row of panels")
