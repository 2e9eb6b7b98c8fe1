"""The engines the plugin runs under give the same site.

MkDocs 1.6 is the last 1.x (MkDocs 2 drops plugins); ProperDocs is the maintained fork that
loads the same `mkdocs.plugins` entry points. The default story is built by each engine's own
command line, with the repository's own mkdocs.yml, and the two sites must match file for file
and byte for byte, but for the generator line each engine signs its pages with and the service
worker's build stamp and page revisions (hashes of the pages, so they follow the generator
line). The site tests on
the mini fixture run under both engines too (conftest.built_mini).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT

GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')
REVISION = re.compile(rb'\b[0-9a-f]{12,16}\b')  # the worker's build stamp and page revisions


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    out = {}
    for engine in ("mkdocs", "properdocs"):
        site = tmp_path_factory.mktemp(engine) / "site"
        run = subprocess.run([sys.executable, "-m", engine, "build", "--strict", "-f",
                              str(ROOT / "mkdocs.yml"), "-d", str(site)], cwd=ROOT,
                             capture_output=True, text=True,
                             env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        assert run.returncode == 0, run.stdout + run.stderr
        out[engine] = site
    return out


def files(site):
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file()}


def comparable(name: str, data: bytes) -> bytes:
    if name.endswith(".html"):
        data = GENERATOR.sub(b"", data)
    if name == "sw.js":
        data = REVISION.sub(b"", data)
    return data


def test_properdocs_builds_the_default_story_as_mkdocs_does(sites):
    made = {engine: files(site) for engine, site in sites.items()}
    assert sorted(made["mkdocs"]) == sorted(made["properdocs"])
    assert len([n for n in made["mkdocs"] if n.endswith(".html")]) >= 16
    differ = [name for name, data in made["mkdocs"].items()
              if comparable(name, data) != comparable(name, made["properdocs"][name])]
    assert differ == []


def test_each_engine_signs_its_own_pages(sites):
    """The comparison above is not comparing one engine's site with itself."""
    cover = {e: GENERATOR.search((s / "index.html").read_bytes()).group(0)
             for e, s in sites.items()}
    assert b"ProperDocs" in cover["properdocs"] and b"ProperDocs" not in cover["mkdocs"]
