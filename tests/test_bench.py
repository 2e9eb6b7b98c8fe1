"""Smoke test of the benchmark (`make bench`): a tiny run, checking the report's shape only.

Timings are not asserted: they depend on the machine and on whatever else runs.
"""

from __future__ import annotations

import json
import numbers
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parent.parent / "benchmarks" / "bench.py"
BUILD_KINDS = ("cold", "warm", "edit_chapter", "edit_prompt", "plain")
PLUGIN_KINDS = ("cold", "warm", "edit_chapter", "edit_prompt")


def _positive(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and value > 0


def test_bench_quick_run_writes_a_complete_report(tmp_path):
    out = tmp_path / "results" / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--sizes", "3", "--repeat", "1",
         "--json", str(out)],
        cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    # Progress goes to stderr; the tables and the targets to stdout.
    assert "3 ch, repeat 1/1: cold" in proc.stderr
    assert "warm/plain" in proc.stdout and "Targets:" in proc.stdout

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
    assert size["cold"]["redrawn"] == 4  # an empty cache: every panel drawn
    assert size["warm"]["redrawn"] == 0
    assert size["edit_chapter"]["redrawn"] == 0
    assert size["edit_prompt"]["redrawn"] == 1
    assert "redrawn" not in size["plain"]

    for key in ("warm_plain", "cold_plain", "edit_chapter_plain", "edit_prompt_plain",
                "mem_plugin_plain"):
        assert _positive(size["ratios"][key]), key
    assert size["ratios"]["warm_plain"] == (size["warm"]["seconds"]["median"]
                                            / size["plain"]["seconds"]["median"])
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
