"""Benchmark: the plugin's builds against a plain Material build of the same story.

Run it with ``python benchmarks/bench.py`` (``make bench``). For each size
(13, 100, 200 and 1,000 chapters by default) it writes a synthetic story into a
temporary folder and measures, in one run:

- a cold build (empty image cache) and a warm build (cache full);
- a rebuild after editing one chapter, and one after editing one prompt,
  with the number of panels each redrew;
- the anchor: a plain mkdocs-material build of the same chapter text with the
  plugin's own 1600 px placeholders already in ``docs/images/`` -- one page
  per chapter and an index page, the same theme, features and other plugins,
  without graphic-novel. This is what an author would otherwise do by hand;
- the peak memory of every build;
- the time and bytes of one placeholder, and the bytes a reader downloads
  for one chapter page beyond the theme's shared assets.

How it measures
---------------
Every build is a fresh ``python -m mkdocs build -f <yml>`` subprocess (env
``NO_MKDOCS_2_WARNING=1``; ``--strict`` for plugin builds), timed by wall
clock from start to exit, so interpreter start-up and imports are counted for
both sides alike. Builds run at MkDocs' default verbosity rather than ``-q``:
``-q`` would hide the plugin's summary line ("N panels, ... (D made this
build, C from cache)") from which the redrawn count D is read. The count is
cross-checked against the cache entries that appeared during the build. The
site folder is removed (untimed) before every build, plugin or plain.

Memory is measured by polling ``/proc`` from a thread of this process every
25 ms while the build runs: the build process and all its descendants (the
drawing workers, and a forkserver if the pool uses one) are found through the parent
pids in ``/proc/*/stat``, and each one's ``VmHWM`` (its own peak resident set,
kept by the kernel, so short spikes between polls are not missed) is read
from ``/proc/<pid>/status``. Reported per build:

- ``peak_mb``: the main build process's own peak. This is what is compared
  with the plain build (which has no children);
- ``worker_peak_mb``: the largest peak among its child processes, or None;
- ``tree_peak_mb``: the largest sum of the current RSS of the whole tree seen
  at one poll (an upper bound: pages shared after fork count once per process);
- ``rusage_maxrss_mb``: ``ru_maxrss`` from ``wait4()`` on the build process, kept
  only as a cross-check: it is the largest of the process and any descendants it
  reaped, and Linux also counts the forked copy of this (bench) process from
  before ``exec``, so it can read high once the bench itself has grown.

``cpu_s`` (JSON only) is the user + system time from the same ``wait4()``,
drawing workers included: steadier than wall time when the cores are shared.

Each measurement runs ``--repeat`` times (default 11 for <=13 chapters, 3 up to
200, 2 above), interleaved (cold, warm, plain, edit chapter, edit prompt, then
again), and reports the median with its spread (min-max). Ratios are of
medians, but for the warm one: a warm build and a plain one are run back to
back, each pair gives a ratio, and the warm ratio is the median of those (at
least 11 pairs up to 200 chapters, more pairs run on their own after the
repeats). A burst of other work then moves both builds of a pair alike,
where a ratio of two medians taken minutes apart moved by 0.2 between runs.
Timings are wall-clock on a shared machine: other work on the same
cores makes them noisy, so the load average is recorded before and after.

Results are written as JSON (default ``bench-results/latest.json``). The run
exits 0 whether or not targets pass (it is a report) and non-zero if a build
fails, after showing that build's stderr.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path

import graphic_novel
from graphic_novel.rules import plural
from story_generator import (
    ADJS,
    chapter_file,
    make_story,
    word_count,
    write_plain_project,
    write_plugin_project,
    write_prompts,
    write_shelf_project,
)

DEFAULT_SIZES = (13, 100, 200, 1000)  # the warm target is held at 13, 100 and 200
DRAW_SAMPLE = 20
POLL_SECONDS = 0.025
SUMMARY_RE = re.compile(r"graphic-novel: (\d+) panels, (\d+) with art, (\d+) placeholders "
                        r"\((\d+) made this build, (\d+) from cache\)")
# An edition's line: its seconds when the build made it (editions/shelf.py: publish).
EDITION_RE = re.compile(r"(?P<kind>EPUB|PDF) edition: \S+, [\d.]+ [KM]B \((?:from cache|made "
                        r"this build in (?P<seconds>[\d.]+) s)\)")
EDITIONS = ("EPUB", "PDF")
# The bench story prints a PDF up to this many chapters. Above it the PDF is
# off: at 13 chapters it is 34 pages in 3.3 s, so 1,000 chapters would be some
# 2,500 pages and minutes for each cold and edit build.
PDF_MAX_CHAPTERS = 200

# Targets (the numbers).
WARM_RATIO_MAX = 1.10
SHELF_RATIO_MAX = 1.10  # N stories x M chapters against 1 story of N*M
DEFAULT_SHELF = (10, 20)
COLD_RATIO_MAX_13 = 2.0
COLD_1000_MAX_S = 90.0
REDRAW_MAX = 1
PLACEHOLDER_KB_MAX = 60
PAGE_KB_MAX = 150
MEM_RATIO_MAX = 1.3
SHELF_PAIRS = 9  # shelf and single built back to back, each pair ~4 s


class BuildFailed(Exception):
    def __init__(self, what: str, result: BuildResult):
        super().__init__(what)
        self.what = what
        self.result = result


def progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def default_pairs(size: int) -> int:
    """How many warm/plain pairs the warm ratio is the median of, by default: 11 where a
    build takes a few seconds (up to 200 chapters), else the repeats alone."""
    return 11 if size <= 200 else default_repeat(size)


def default_repeat(size: int) -> int:
    # Small builds take well under a second, where a burst of other work on
    # the machine moves one run by 50%: more of them keep the median honest.
    return 11 if size <= 13 else 3 if size <= 200 else 2


# --------------------------------------------------------------------------
# Running one build
# --------------------------------------------------------------------------


def _proc_table() -> dict[int, int]:
    """pid -> parent pid, for every process."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        rest = stat[stat.rfind(b")") + 2:].split()
        table[int(entry.name)] = int(rest[1])
    return table


def _mem_kb(pid: int) -> tuple[int, int] | None:
    """(VmHWM, VmRSS) in kB, or None once the process is gone."""
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            text = fh.read()
    except OSError:
        return None
    hwm = rss = None
    for line in text.splitlines():
        if line.startswith(b"VmHWM:"):
            hwm = int(line.split()[1])
        elif line.startswith(b"VmRSS:"):
            rss = int(line.split()[1])
    return (hwm, rss) if hwm is not None and rss is not None else None


class TreeSampler(threading.Thread):
    """Polls /proc for a process tree's memory until stopped."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root = root
        self.stop_event = threading.Event()
        self.hwm: dict[int, int] = {}
        self.tree_peak = 0

    def sample(self) -> None:
        table = _proc_table()
        children: dict[int, list[int]] = {}
        for pid, ppid in table.items():
            children.setdefault(ppid, []).append(pid)
        todo, total = [self.root], 0
        while todo:
            pid = todo.pop()
            mem = _mem_kb(pid)
            if mem is not None:
                self.hwm[pid] = max(self.hwm.get(pid, 0), mem[0])
                total += mem[1]
            todo.extend(children.get(pid, ()))
        self.tree_peak = max(self.tree_peak, total)

    def run(self) -> None:
        while not self.stop_event.is_set():
            self.sample()
            self.stop_event.wait(POLL_SECONDS)


@dataclass
class BuildResult:
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float
    worker_peak_mb: float | None
    workers: int
    tree_peak_mb: float
    rusage_maxrss_mb: float
    cpu_s: float  # user + system, of the build and the children it reaped (the workers)
    drawn: int | None = None  # D from the plugin's summary line
    new_entries: int | None = None  # cache entries that appeared
    epub_s: float | None = None  # seconds spent making the EPUB (0 when taken from the cache)
    pdf_s: float | None = None  # the same for the PDF


def run_build(project: Path, strict: bool) -> BuildResult:
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(project / "mkdocs.yml")]
    if strict:
        cmd.append("--strict")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    shutil.rmtree(project / "site_build", ignore_errors=True)
    cache = project / ".cache" / "graphic-novel"
    before = set(os.listdir(cache)) if cache.is_dir() else set()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=out, stderr=err,
                                stdin=subprocess.DEVNULL)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.stop_event.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    main_kb = sampler.hwm.get(proc.pid, 0)
    others = [kb for pid, kb in sampler.hwm.items() if pid != proc.pid]
    result = BuildResult(
        seconds=seconds, returncode=proc.returncode, stdout=stdout, stderr=stderr,
        peak_mb=main_kb / 1024, worker_peak_mb=max(others) / 1024 if others else None,
        workers=len(others), tree_peak_mb=sampler.tree_peak / 1024,
        rusage_maxrss_mb=usage.ru_maxrss / 1024, cpu_s=usage.ru_utime + usage.ru_stime)
    m = SUMMARY_RE.search(stderr + stdout)
    if m:
        result.drawn = int(m.group(4))
    for made in EDITION_RE.finditer(stderr + stdout):
        setattr(result, f"{made.group('kind').lower()}_s", float(made.group("seconds") or 0))
    if cache.is_dir():
        result.new_entries = len([n for n in set(os.listdir(cache)) - before
                                  if not n.startswith(".")])
    return result


# --------------------------------------------------------------------------
# Statistics and per-size measurement
# --------------------------------------------------------------------------


def stats(values: list[float]) -> dict:
    values = [v for v in values if v is not None]
    if not values:
        return {"median": None, "min": None, "max": None, "runs": []}
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": [round(v, 4) for v in values]}


def summarise(results: list[BuildResult], plugin: bool) -> dict:
    out = {
        "seconds": stats([r.seconds for r in results]),
        "cpu_s": stats([r.cpu_s for r in results]),
        "peak_mb": stats([r.peak_mb for r in results]),
        "worker_peak_mb": stats([r.worker_peak_mb for r in results]),
        "tree_peak_mb": stats([r.tree_peak_mb for r in results]),
        "rusage_maxrss_mb": stats([r.rusage_maxrss_mb for r in results]),
        "child_processes": max(r.workers for r in results),
    }
    if plugin:
        drawn = [r.drawn for r in results]
        out["redrawn_runs"] = drawn
        out["redrawn"] = max(d for d in drawn if d is not None) \
            if any(d is not None for d in drawn) else None
        out["new_cache_entries_runs"] = [r.new_entries for r in results]
        out["epub_s"] = stats([r.epub_s for r in results])
        out["pdf_s"] = stats([r.pdf_s for r in results])
    return out


class _PanelImg(HTMLParser):
    """The first <img> inside a <figure class="gn-panel ...">."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.found: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "figure" and "gn-panel" in (a.get("class") or "").split():
            self.depth += 1
        elif tag == "img" and self.depth and self.found is None:
            self.found = a

    def handle_endtag(self, tag):
        if tag == "figure" and self.depth:
            self.depth -= 1


def page_bytes(site: Path, slug: str) -> dict:
    """A chapter page's HTML plus the panel image it loads (mid), or the 1600 px one."""
    page = site / "chapters" / slug / "index.html"
    html_text = page.read_text("utf-8")
    parser = _PanelImg()
    parser.feed(html_text)
    if parser.found is None:
        raise SystemExit(f"bench: no panel <img> in {page}")
    src = parser.found["src"]
    candidates = []
    for part in (parser.found.get("srcset") or "").split(","):
        bits = part.split()
        if len(bits) == 2 and bits[1].endswith("w"):
            candidates.append((int(bits[1][:-1]), bits[0]))
    widest = max(candidates)[1] if candidates else src
    html_size = page.stat().st_size
    src_size = (page.parent / src).resolve().stat().st_size
    wide_size = (page.parent / widest).resolve().stat().st_size
    return {"chapter": slug, "html_bytes": html_size, "src": src, "src_bytes": src_size,
            "srcset_widest": widest, "srcset_widest_bytes": wide_size,
            "default_bytes": html_size + src_size, "with_full_bytes": html_size + wide_size}


def placeholder_draws(story_dir: Path, sample: int) -> dict:
    """Time images.render() for a sample of panels, each into a fresh cache."""
    from graphic_novel import images
    from graphic_novel.loader import load_story

    story = load_story(story_dir)
    images._keep_buffers()  # as in the build's drawing workers
    panels = list(story.panels.values())
    step = max(1, len(panels) // sample)
    chosen = panels[::step][:sample]
    times = []
    with tempfile.TemporaryDirectory(prefix="gn-bench-draw-") as tmp:
        # One untimed draw first: fonts and the halftone mask load once per
        # worker process; the figures below are the steady per-panel cost.
        job = images.make_job(chosen[0], None, None, 1600, 900, "webp")
        t0 = time.perf_counter()
        images.render(job, str(Path(tmp) / "warmup"))
        first_ms = (time.perf_counter() - t0) * 1000
        for n, panel in enumerate(chosen):
            job = images.make_job(panel, None, None, 1600, 900, "webp")
            cache = str(Path(tmp) / f"c{n}")
            t0 = time.perf_counter()
            result = images.render(job, cache)
            times.append((time.perf_counter() - t0) * 1000)
            assert result.drawn
    out = stats(times)
    out["n"] = len(times)
    out["first_draw_ms"] = first_ms
    return out


def full_bytes(site: Path) -> dict:
    sizes = [p.stat().st_size for p in (site / "assets" / "panels").glob("*-full-*.*")]
    out = stats(sizes)
    out["n"] = len(sizes)
    out.pop("runs")
    return out


def _add_ratios(result: dict, kinds: list[str]) -> None:
    """Medians of each build kind over the plain build's, and the plugin's peak memory."""
    med = {k: result[k]["seconds"]["median"] for k in kinds}
    # The plugin's peak: its worst build kind (cold draws on workers; a single
    # redrawn panel is drawn inline, in the main process).
    plugin_kinds = ("cold", "warm", "edit_chapter", "edit_prompt")
    plugin_peak_kind = max(plugin_kinds, key=lambda k: result[k]["peak_mb"]["median"])
    plugin_peak = result[plugin_peak_kind]["peak_mb"]["median"]
    plain_peak = result["plain"]["peak_mb"]["median"]
    # The site's cold build: the editions' own seconds (printed apart, issue 17) taken out.
    editions = sum((result["cold"].get(f"{k}_s") or {}).get("median") or 0.0
                   for k in ("epub", "pdf"))
    result["ratios"] = {
        "warm_plain": med["warm"] / med["plain"],
        "cold_plain": med["cold"] / med["plain"],
        "cold_site_plain": (med["cold"] - editions) / med["plain"],
        "edit_chapter_plain": med["edit_chapter"] / med["plain"],
        "edit_prompt_plain": med["edit_prompt"] / med["plain"],
        "mem_plugin_plain": plugin_peak / plain_peak,
    }
    result["plugin_peak_mb"] = plugin_peak
    result["plugin_peak_kind"] = plugin_peak_kind


def measure_size(size: int, repeat: int, workdir: Path, pairs_wanted: int = 0) -> dict:
    progress(f"{size} chapters: writing the story ({plural(repeat, 'repeat')})")
    spec = make_story(size)
    proj = workdir / f"story-{size}"
    plain = workdir / f"plain-{size}"
    write_plugin_project(proj, spec, pdf=size <= PDF_MAX_CHAPTERS)
    cache = proj / ".cache" / "graphic-novel"
    edited = spec.chapters[len(spec.chapters) // 2]
    runs: dict[str, list[BuildResult]] = {k: [] for k in
                                          ("cold", "warm", "edit_chapter", "edit_prompt", "plain")}

    def build(kind: str, where: Path, strict: bool, rep: int) -> BuildResult:
        result = run_build(where, strict)
        if result.returncode != 0:
            raise BuildFailed(f"{kind} build of {size} chapters (repeat {rep})", result)
        runs[kind].append(result)
        drawn = f", {result.drawn} drawn" if result.drawn is not None else ""
        which = f"repeat {rep}/{repeat}" if rep <= repeat else f"pair {rep}/{pairs_wanted}"
        progress(f"{size} ch, {which}: {kind:<12} {result.seconds:7.2f} s, "
                 f"peak {result.peak_mb:6.0f} MB{drawn}")
        return result

    pairs: list[float] = []  # warm / plain, each pair built back to back

    def pair(rep: int) -> None:
        """A warm build and a plain one back to back; which goes first alternates."""
        if rep % 2:
            warm = build("warm", proj, True, rep).seconds
            plain_s = build("plain", plain, False, rep).seconds
        else:
            plain_s = build("plain", plain, False, rep).seconds
            warm = build("warm", proj, True, rep).seconds
        pairs.append(warm / plain_s)

    for rep in range(1, repeat + 1):
        shutil.rmtree(cache, ignore_errors=True)
        build("cold", proj, True, rep)
        if rep == 1:
            write_plain_project(plain, spec, proj / "site_build")
        pair(rep)
        path = chapter_file(proj, edited)
        path.write_text(path.read_text("utf-8").rstrip("\n")
                        + f"\n\n\"One more line,\" said Priya, for edit {rep}.\n", "utf-8")
        build("edit_chapter", proj, True, rep)
        edited.prompt = edited.prompt.rstrip(".") + f", and a {ADJS[rep % len(ADJS)]} edit {rep}."
        write_prompts(proj, spec)
        build("edit_prompt", proj, True, rep)
    for rep in range(repeat + 1, pairs_wanted + 1):  # more pairs on their own
        pair(rep)

    site = proj / "site_build"
    progress(f"{size} chapters: timing placeholder draws")
    draws = placeholder_draws(proj / "story", min(DRAW_SAMPLE, size + 1))
    page = page_bytes(site, edited.slug)
    plain_page = plain / "site_build" / edited.slug / "index.html"
    plain_img = next((plain / "docs" / "images").glob(f"{edited.panel_id}.*"))
    page["plain_html_bytes"] = plain_page.stat().st_size
    page["plain_default_bytes"] = plain_page.stat().st_size + plain_img.stat().st_size

    result = {"chapters": size, "panels": size + 1, "repeats": repeat,
              "words": sum(word_count(c.body) for c in spec.chapters),
              "project": str(proj), "plain_project": str(plain)}
    for kind, items in runs.items():
        result[kind] = summarise(items, plugin=kind != "plain")
    _add_ratios(result, list(runs))
    result["ratios"]["warm_plain"] = statistics.median(pairs)
    result["warm_pairs"] = stats(pairs)
    result["placeholder"] = {"draw_ms": draws, "full_bytes": full_bytes(site)}
    result["chapter_page"] = page
    return result


def measure_shelf(stories: int, chapters: int, repeat: int, workdir: Path) -> dict:
    """Warm builds of one site of ``stories`` stories of ``chapters`` chapters
    against one story of stories x chapters: a site's cost should follow its
    chapters, not how they are split into stories. The one story carries the
    references of all the stories (make_story's parts), so both sides hold the same
    text and differ only in the split. Measured in pairs, as the warm
    ratio is: the two builds back to back (which goes first alternates), and the
    ratio is the median of the pairs' ratios. On this machine a burst of other work
    moved single builds of the same site by 20% within a minute; it slows both
    builds of a pair alike."""
    total = stories * chapters
    progress(f"shelf: {stories} stories x {chapters} chapters against 1 x {total}")
    shelf, single = workdir / f"shelf-{stories}x{chapters}", workdir / f"single-{total}"
    write_shelf_project(shelf, [make_story(chapters) for _ in range(stories)])
    write_plugin_project(single, make_story(total, parts=stories), pdf=False)
    runs: dict[str, list[BuildResult]] = {"shelf": [], "single": []}
    for kind, where in (("shelf", shelf), ("single", single)):  # cold: draw the panels
        if run_build(where, True).returncode != 0:
            raise BuildFailed(f"cold {kind} build", run_build(where, True))
    pairs: list[float] = []
    for rep in range(1, repeat + 1):
        order = (("shelf", shelf), ("single", single))
        seconds = {}
        for kind, where in order if rep % 2 else order[::-1]:
            result = run_build(where, True)
            if result.returncode != 0:
                raise BuildFailed(f"warm {kind} build (pair {rep})", result)
            runs[kind].append(result)
            seconds[kind] = result.seconds
            progress(f"shelf, pair {rep}/{repeat}: {kind:<7} {result.seconds:7.2f} s")
        pairs.append(seconds["shelf"] / seconds["single"])
    out = {"stories": stories, "chapters": chapters, "repeats": repeat,
           **{kind: stats([r.seconds for r in items]) for kind, items in runs.items()}}
    out["pairs"] = stats(pairs)
    out["ratio"] = out["pairs"]["median"]
    return out


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def targets(sizes: dict[int, dict], shelf: dict | None = None) -> list[dict]:
    out = []

    def add(name: str, size: int | None, value, limit, ok: bool | None, unit: str = ""):
        out.append({"name": name, "size": size, "value": value, "limit": limit, "unit": unit,
                    "status": "SKIP" if ok is None else "PASS" if ok else "FAIL"})

    for size, r in sizes.items():
        ratio = r["ratios"]["warm_plain"]
        add(f"warm build <= {WARM_RATIO_MAX}x plain ({size} ch)", size, ratio, WARM_RATIO_MAX,
            ratio <= WARM_RATIO_MAX, "x")
    if shelf is not None:
        what = (f"warm build of {shelf['stories']} stories x {shelf['chapters']} ch <= "
                f"{SHELF_RATIO_MAX}x 1 x {shelf['stories'] * shelf['chapters']} ch")
        add(what, None, shelf["ratio"], SHELF_RATIO_MAX, shelf["ratio"] <= SHELF_RATIO_MAX, "x")
    cold_what = f"cold build of the site, editions apart, <= {COLD_RATIO_MAX_13:g}x plain (13 ch)"
    if 13 in sizes:
        ratio = sizes[13]["ratios"].get("cold_site_plain", sizes[13]["ratios"]["cold_plain"])
        add(cold_what, 13, ratio, COLD_RATIO_MAX_13, ratio <= COLD_RATIO_MAX_13, "x")
    else:
        add(cold_what, 13, None, COLD_RATIO_MAX_13, None, "x")
    cores = os.cpu_count()
    if 1000 in sizes:
        secs = sizes[1000]["cold"]["seconds"]["median"]
        add(f"cold build of 1000 ch <= {COLD_1000_MAX_S:g} s on {cores} cores", 1000, secs,
            COLD_1000_MAX_S, secs <= COLD_1000_MAX_S, "s")
    else:
        add(f"cold build of 1000 ch <= {COLD_1000_MAX_S:g} s on {cores} cores", 1000, None,
            COLD_1000_MAX_S, None, "s")
    for size, r in sizes.items():
        for kind, what in (("edit_chapter", "chapter"), ("edit_prompt", "prompt")):
            n = r[kind]["redrawn"]
            add(f"editing one {what} redraws <= {REDRAW_MAX} panel ({size} ch)", size, n,
                REDRAW_MAX, None if n is None else n <= REDRAW_MAX, "panels")
    for size, r in sizes.items():
        kb = r["placeholder"]["full_bytes"]["median"] / 1024
        add(f"placeholder median <= {PLACEHOLDER_KB_MAX} KB ({size} ch)", size, kb,
            PLACEHOLDER_KB_MAX, kb <= PLACEHOLDER_KB_MAX, "KB")
    for size, r in sizes.items():
        kb = r["chapter_page"]["default_bytes"] / 1024
        add(f"chapter page + panel <= {PAGE_KB_MAX} KB beyond theme ({size} ch)", size, kb,
            PAGE_KB_MAX, kb <= PAGE_KB_MAX, "KB")
    for size, r in sizes.items():
        ratio = r["ratios"]["mem_plugin_plain"]
        add(f"peak memory <= {MEM_RATIO_MAX}x plain ({size} ch)", size, ratio, MEM_RATIO_MAX,
            ratio <= MEM_RATIO_MAX, "x")
    return out


def _spread(s: dict, fmt: str = "{:.2f}") -> str:
    if s["median"] is None:
        return "-"
    if s["min"] == s["max"]:
        return fmt.format(s["median"])
    return f"{fmt.format(s['median'])} ({fmt.format(s['min'])}-{fmt.format(s['max'])})"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.rjust(w) for c, w in zip(cells, widths)) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), sep] + [line(r) for r in rows])


def report(data: dict) -> str:
    sizes = {int(k): v for k, v in data["sizes"].items()}
    rows = []
    for size, r in sizes.items():
        def edit(kind: str, r: dict = r) -> str:
            return f"{_spread(r[kind]['seconds'])} [{r[kind]['redrawn']}]"
        rows.append([
            str(size), _spread(r["cold"]["seconds"]), _spread(r["warm"]["seconds"]),
            _spread(r["plain"]["seconds"]), _spread(r["warm_pairs"]),
            f"{r['ratios']['cold_plain']:.2f}", edit("edit_chapter"), edit("edit_prompt"),
            f"{r['plugin_peak_mb']:.0f} ({r['plugin_peak_kind'].replace('edit_', 'edit ')})",
            _spread(r["cold"]["worker_peak_mb"], "{:.0f}"),
            _spread(r["plain"]["peak_mb"], "{:.0f}"), f"{r['ratios']['mem_plugin_plain']:.2f}",
        ])
    main = _table(["chapters", "cold s", "warm s", "plain s", "warm/plain (pairs)", "cold/plain",
                   "edit chapter s [redrawn]", "edit prompt s [redrawn]", "peak MB plugin",
                   "peak MB workers", "peak MB plain", "mem ratio"], rows)
    rows2 = []
    for size, r in sizes.items():
        d, b, p = r["placeholder"]["draw_ms"], r["placeholder"]["full_bytes"], r["chapter_page"]
        rows2.append([str(size), f"{d['median']:.0f} / {d['max']:.0f}",
                      f"{b['median'] / 1024:.1f} / {b['max'] / 1024:.1f}",
                      f"{p['default_bytes'] / 1024:.1f} / {p['with_full_bytes'] / 1024:.1f}",
                      f"{p['html_bytes'] / 1024:.1f}", f"{p['plain_default_bytes'] / 1024:.1f}"])
    second = _table(["chapters", "draw ms (median/max)", "placeholder KB (median/max)",
                     "chapter page KB (default/with 1600px)", "page HTML KB",
                     "plain page+image KB"], rows2)
    lines = []
    for t in data["targets"]:
        value = "n/a" if t["value"] is None else (
            f"{t['value']:.3f}{t['unit']}" if isinstance(t["value"], float)
            else f"{t['value']} {t['unit']}")
        lines.append(f"  {t['status']:<4}  {t['name']}: {value}")
    m = data["machine"]
    head = (f"graphic-novel bench, {m['date']}, {m['cpu_count']} cores, Python {m['python']}, "
            f"mkdocs {m['mkdocs']}, material {m['mkdocs-material']}, pillow {m['pillow']}; "
            f"load {m['loadavg_before']} -> {m['loadavg_after']}")
    note = ("s = wall seconds, median (min-max); peak MB = the main build process's own peak "
            "RSS (plugin: the median of its worst build kind, named; workers: the cold build's "
            "drawing processes, each); ratios are of medians.")
    shelf = data.get("shelf")
    shelf_line = [] if not shelf else [
        f"Several stories: {shelf['stories']} stories x {shelf['chapters']} chapters, warm "
        f"{_spread(shelf['shelf'])} s, against 1 story of "
        f"{shelf['stories'] * shelf['chapters']} chapters, warm {_spread(shelf['single'])} s: "
        f"{_spread(shelf['pairs'])}x "
        f"(median of {shelf['repeats']} pairs)", ""]
    return "\n".join([head, "", main, "", note, "", second, "",
                      *(edition_costs(sizes, kind) for kind in EDITIONS), "", *shelf_line,
                      "Targets:", *lines])


def edition_costs(sizes: dict[int, dict], kind: str) -> str:
    """What the EPUB or PDF edition costs: seconds to make it cold, and warm
    (from the cache), at each size; the sizes that made none are named."""
    parts, without = [], []
    key = f"{kind.lower()}_s"
    for size, r in sizes.items():
        cold, warm = r["cold"].get(key, {}), r["warm"].get(key, {})
        if cold.get("median") is None:
            without.append(size)
            continue
        parts.append(f"{size} ch {_spread(cold)} s cold, {warm.get('median') or 0:.2f} s warm")
    if without:
        why = f"{kind.lower()}: false" if kind == "EPUB" else \
            f"pdf: false above {PDF_MAX_CHAPTERS} ch, or no WeasyPrint"
        parts.append(f"not made at {', '.join(map(str, without))} ch ({why})")
    return f"{kind} edition: " + "; ".join(parts)


def machine_facts() -> dict:
    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "?"
    return {
        "cpu_count": os.cpu_count(),
        "cpu_affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else None,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "mkdocs": version("mkdocs"),
        "mkdocs-material": version("mkdocs-material"),
        "pillow": version("pillow"),
        "graphic-novel": version("graphic-novel"),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "loadavg_before": _loadavg(),
    }


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def _arguments(argv: list[str] | None) -> tuple[argparse.Namespace, list[int], int | None]:
    """(the options, the sizes to run, the repeat count or None for the default)."""
    parser = argparse.ArgumentParser(
        prog="python benchmarks/bench.py",
        description="Benchmark graphic-novel builds against a plain Material build.")
    parser.add_argument("--sizes", help="comma-separated chapter counts (default 13,100,200,1000)")
    parser.add_argument("--repeat", type=int, help="repeats per measurement (default: 11 for "
                        "<=13 chapters, 3 up to 200, 2 above)")
    parser.add_argument("--json", default="bench-results/latest.json",
                        help="where to write the results (default bench-results/latest.json)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects")
    parser.add_argument("--shelf", default="10x20", metavar="STORIESxCHAPTERS",
                        help="also time a site of that many stories against one story of "
                             "as many chapters in all (default 10x20; 0 skips it)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 3 chapters, 1 repeat (unless given)")
    args = parser.parse_args(argv)
    if args.sizes:
        try:
            sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
        except ValueError:
            parser.error("--sizes takes comma-separated whole numbers, like 13,200,1000")
    else:
        sizes = [3] if args.quick else list(DEFAULT_SIZES)
    if not sizes or any(s < 2 for s in sizes):
        parser.error("every size must be at least 2 chapters")
    repeat = args.repeat if args.repeat is not None else (1 if args.quick else None)
    if repeat is not None and repeat < 1:
        parser.error("--repeat must be at least 1")
    return args, sizes, repeat


def _shelf_size(text: str) -> tuple[int, int] | None:
    """"10x20" -> (10, 20); "0" -> None."""
    if text.strip() in ("", "0"):
        return None
    stories, _, chapters = text.lower().partition("x")
    if not (stories.isdigit() and chapters.isdigit() and int(stories) > 1
            and int(chapters) > 1):
        raise SystemExit("bench: --shelf takes STORIESxCHAPTERS, like 10x20, or 0")
    return int(stories), int(chapters)


def main(argv: list[str] | None = None) -> int:
    args, sizes, repeat = _arguments(argv)
    machine = machine_facts()
    # Byte-compile the graphic_novel package first: the plain build's packages were
    # compiled when pip installed them, while an editable install (or
    # PYTHONDONTWRITEBYTECODE=1) would have every plugin build compile ours
    # again, some 25 ms that no installed site pays.
    compileall.compile_dir(str(Path(graphic_novel.__file__).parent), quiet=1)
    workdir = Path(tempfile.mkdtemp(prefix="gn-bench-"))
    progress(f"working in {workdir}; sizes {sizes}; {os.cpu_count()} cores; "
             f"load {machine['loadavg_before']}")
    results: dict[str, dict] = {}
    try:
        for size in sizes:
            results[str(size)] = measure_size(size, repeat or default_repeat(size), workdir,
                                              repeat or default_pairs(size))
        shelf_size = _shelf_size(args.shelf)
        shelf = measure_shelf(*shelf_size, repeat or SHELF_PAIRS, workdir) \
            if shelf_size else None
    except BuildFailed as exc:
        r = exc.result
        print(f"bench: the {exc.what} failed (exit {r.returncode}):\n{r.stderr}{r.stdout}",
              file=sys.stderr)
        return 1
    finally:
        if args.keep:
            progress(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    machine["loadavg_after"] = _loadavg()
    data = {"machine": machine,
            "settings": {"sizes": sizes, "repeat": repeat, "poll_seconds": POLL_SECONDS,
                         "draw_sample": DRAW_SAMPLE, "kept": str(workdir) if args.keep else None},
            "sizes": results, "shelf": shelf}
    data["targets"] = targets({int(k): v for k, v in results.items()}, shelf)
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    print(report(data))
    print(f"\nResults: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
