"""Smoke test of the benchmark (`make bench`): a tiny run, checking the report's shape only.

Timings are not asserted: they depend on the machine and on whatever else runs.
"""

from __future__ import annotations

import json
import numbers
import subprocess
import sys
from pathlib import Path

import pytest

import bench  # benchmarks/, on the tests' path (pyproject.toml)
from graphic_novel.editions import pdf

BENCH = Path(__file__).parent.parent / "benchmarks" / "bench.py"
BUILD_KINDS = ("cold", "warm", "edit_chapter", "edit_prompt", "plain")
PLUGIN_KINDS = ("cold", "warm", "edit_chapter", "edit_prompt")


def _positive(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and value > 0


def test_bench_quick_run_writes_a_complete_report(tmp_path):
    out = tmp_path / "results" / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--sizes", "3", "--repeat", "1", "--shelf", "2x2",
         "--json", str(out)],
        cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    # Progress goes to stderr; the tables and the targets to stdout.
    assert "3 ch, repeat 1/1: cold" in proc.stderr
    assert "warm/plain" in proc.stdout and "Targets:" in proc.stdout
    assert "Several stories: 2 stories x 2 chapters, warm " in proc.stdout
    assert "warm build of 2 stories x 2 ch <= 1.1x 1 x 4 ch" in proc.stdout

    data = json.loads(out.read_text("utf-8"))
    machine = data["machine"]
    for key in ("cpu_count", "platform", "python", "mkdocs", "mkdocs-material", "pillow", "date"):
        assert machine[key], key

    assert set(data["sizes"]) == {"3"}
    size = data["sizes"]["3"]
    assert size["chapters"] == 3 and size["panels"] == 4 and size["repeats"] == 1
    for kind in BUILD_KINDS:
        m = size[kind]
        for key in ("seconds", "cpu_s", "peak_mb", "tree_peak_mb", "rusage_maxrss_mb"):
            assert _positive(m[key]["median"]), (kind, key, m[key])
            assert m[key]["min"] <= m[key]["median"] <= m[key]["max"]
            assert len(m[key]["runs"]) == 1
    for kind in PLUGIN_KINDS:
        assert isinstance(size[kind]["redrawn"], int), kind
    # Both editions made cold, taken from the cache warm (the line each build logs).
    editions = ("epub_s",) if pdf.engine_problem() else ("epub_s", "pdf_s")
    for key in editions:
        assert _positive(size["cold"][key]["median"]), key
        assert size["warm"][key]["median"] == 0, key
    assert "EPUB edition: 3 ch " in proc.stdout and "PDF edition: " in proc.stdout
    assert size["cold"]["redrawn"] == 4  # an empty cache: every panel drawn
    assert size["warm"]["redrawn"] == 0
    assert size["edit_chapter"]["redrawn"] == 0
    assert size["edit_prompt"]["redrawn"] == 1
    assert "redrawn" not in size["plain"]

    for key in ("warm_plain", "cold_plain", "edit_chapter_plain", "edit_prompt_plain",
                "mem_plugin_plain"):
        assert _positive(size["ratios"][key]), key
    # The warm ratio is the median of warm/plain pairs built back to back (one here).
    assert size["warm_pairs"]["runs"] == [pytest.approx(size["warm"]["seconds"]["runs"][0]
                                                        / size["plain"]["seconds"]["runs"][0],
                                                        abs=1e-3)]
    assert size["ratios"]["warm_plain"] == size["warm_pairs"]["median"]
    # So is the shelf's: each pair's shelf build over its single-story build.
    shelf = data["shelf"]
    assert shelf["pairs"]["runs"] == [pytest.approx(shelf["shelf"]["runs"][0]
                                                    / shelf["single"]["runs"][0], abs=1e-3)]
    assert shelf["ratio"] == shelf["pairs"]["median"]
    draw = size["placeholder"]["draw_ms"]
    assert draw["n"] == 4 and _positive(draw["median"]) and _positive(draw["max"])
    full = size["placeholder"]["full_bytes"]
    assert full["n"] == 4 and _positive(full["median"]) and full["median"] <= full["max"]
    page = size["chapter_page"]
    assert page["default_bytes"] == page["html_bytes"] + page["src_bytes"]
    assert page["with_full_bytes"] >= page["default_bytes"] > page["html_bytes"] > 0

    targets = data["targets"]
    assert targets and all(t["status"] in ("PASS", "FAIL", "SKIP") for t in targets)
    names = " ".join(t["name"] for t in targets)
    for needle in ("warm build", "cold build", "1000 ch", "redraws", "placeholder median",
                   "chapter page", "peak memory"):
        assert needle in names, needle
    # 13 and 1000 chapters were not run: their targets are skipped, not failed.
    assert {t["status"] for t in targets if t["size"] in (13, 1000)} == {"SKIP"}


def test_edition_costs_name_each_size_and_the_sizes_without_the_edition():
    def cost(cold: float | None, warm: float | None, low=None, high=None) -> dict:
        return {"cold": {"pdf_s": {"median": cold, "min": low or cold, "max": high or cold}},
                "warm": {"pdf_s": {"median": warm}}}

    sizes = {13: cost(3.25, 0.0, 3.0, 3.5), 200: cost(51.0, 0.0), 1000: cost(None, None)}
    assert bench.edition_costs(sizes, "PDF") == (
        "PDF edition: 13 ch 3.25 (3.00-3.50) s cold, 0.00 s warm; "
        "200 ch 51.00 s cold, 0.00 s warm; "
        f"not made at 1000 ch (pdf: false above {bench.PDF_MAX_CHAPTERS} ch, or no WeasyPrint)")
    assert bench.edition_costs({13: cost(None, None)}, "EPUB") == \
        "EPUB edition: not made at 13 ch (epub: false)"


def test_shelf_measurement_names_both_sides_and_the_ratio():
    shelf = {"stories": 10, "chapters": 20, "repeats": 3,
             "shelf": {"median": 2.2, "min": 2.1, "max": 2.4, "runs": [2.1, 2.2, 2.4]},
             "single": {"median": 2.0, "min": 1.9, "max": 2.1, "runs": [1.9, 2.0, 2.1]},
             "ratio": 1.1}
    found = [t for t in bench.targets({}, shelf) if "stories x" in t["name"]]
    assert [(t["status"], t["value"]) for t in found] == [("PASS", 1.1)]
    shelf["ratio"] = 1.2
    assert [t["status"] for t in bench.targets({}, shelf) if "stories x" in t["name"]] == [
        "FAIL"]
    assert bench._shelf_size("10x20") == (10, 20) and bench._shelf_size("0") is None


def test_lighthouse_cpu_slowdown_follows_the_hosts_benchmark_index():
    """The calculator Lighthouse's throttling guide links: 2x at 800, 3x at 1300, 4x at
    1533 (Lighthouse's default, for a desktop), never under 1x."""
    import lighthouse

    slowdown = lighthouse.calibrated_slowdown
    assert slowdown(800) == 2 and slowdown(1300) == 3
    assert slowdown(1533) == pytest.approx(4, abs=0.01)
    assert slowdown(1047) == pytest.approx(2.49, abs=0.01)
    assert slowdown(2000) > 6 - 0.01 and slowdown(50) == 1


def test_story_in_parts_carries_the_references_of_as_many_stories():
    """The shelf's single story (make_story(n, parts=k)) carries what k stories of
    n/k chapters carry together: 15 references a part, each part's chapters citing
    only their own; without parts the story is as before."""
    import re

    import story_generator

    one, whole = story_generator.make_story(4), story_generator.make_story(8, parts=2)
    assert story_generator.make_story(4, parts=1) == one
    assert len(one.references) == 15 and len(whole.references) == 30
    ids = [r["id"] for r in whole.references]
    assert len(set(ids)) == 30
    first, second = set(ids[:15]), set(ids[15:])
    cited = [set(re.findall(r"@([\w-]+)", c.body)) for c in whole.chapters]
    assert all(c and c <= first for c in cited[:4])
    assert all(c and c <= second for c in cited[4:])
    # The same text as two stories of 4 chapters: only the ids differ.
    assert [dict(r, id=None) for r in whole.references[15:]] == \
        [dict(r, id=None) for r in one.references]
    assert [c.title for c in whole.chapters[:4]] == [c.title for c in one.chapters]
