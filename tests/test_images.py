"""Placeholders, art and the cache."""

from __future__ import annotations

import ast
import io
import shutil
import subprocess
import sys

import pytest
from PIL import Image

from graphic_novel.images import ImageJob, Renderer, render
from graphic_novel.placeholder import draw_placeholder


def _bytes(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def test_placeholder_is_deterministic_and_differs_per_panel():
    a1 = draw_placeholder("01-storm", "1.1", "The storm", "A storm at sea.")
    a2 = draw_placeholder("01-storm", "1.1", "The storm", "A storm at sea.")
    b = draw_placeholder("02-lens", "2.1", "The lens", "A lens.")
    assert _bytes(a1) == _bytes(a2)
    assert _bytes(a1) != _bytes(b)
    assert a1.size == (1600, 900)


def test_placeholder_size_is_configurable():
    img = draw_placeholder("x", "3", "Wide", "A prompt.", 1200, 675)
    assert img.size == (1200, 675)


def test_any_script_draws_without_crashing():
    for text in ["東京の夜、ラマが走る", "שלום עולם مرحبا", "e\u0301\u0301 combining", "🦙🚀✨ emoji",
                 "x" * 500, ""]:
        img = draw_placeholder("p", "7.2", text, text * 3)
        assert img.size == (1600, 900)


def test_render_is_cached_and_bytes_identical(tmp_path):
    job = ImageJob("01-storm", "1.1", "The storm", "A storm at sea.", None, None)
    first = render(job, str(tmp_path / "a"))
    again = render(job, str(tmp_path / "a"))
    other = render(job, str(tmp_path / "b"))
    assert first.drawn and not again.drawn
    for r in first.renditions:
        assert (tmp_path / "a" / first.key / r.file).read_bytes() == \
            (tmp_path / "b" / other.key / r.file).read_bytes()
    assert [(r.name, r.width, r.height) for r in first.renditions] == [
        ("full", 1600, 900), ("mid", 800, 450), ("thumb", 480, 270), ("social", 800, 450)]


def test_placeholder_renditions_keep_few_colours(tmp_path):
    """Placeholders are stored losslessly in at most FLAT_COLOURS colours, and
    every smaller rendition keeps the full one's palette."""
    from graphic_novel.images import FLAT_COLOURS
    job = ImageJob("07-lens", "7.1", "The lens", "A lens grinder at work, sparks flying.",
                   None, None)
    made = render(job, str(tmp_path))
    palettes = []
    for name in ("full", "mid", "thumb"):
        with Image.open(tmp_path / made.key / made.get(name).file) as im:
            colours = im.convert("RGB").getcolors(4096)
            assert colours is not None and len(colours) <= FLAT_COLOURS, name
            palettes.append({c for _, c in colours})
    assert len(set().union(*palettes)) <= FLAT_COLOURS  # one palette for all three


def test_corrupt_cache_entry_is_redrawn(tmp_path):
    job = ImageJob("01-storm", "1.1", "The storm", "A storm at sea.", None, None)
    first = render(job, str(tmp_path))
    (tmp_path / first.key / "entry.json").write_text("{not json")
    again = render(job, str(tmp_path))
    assert again.drawn
    (tmp_path / first.key / "mid.webp").write_bytes(b"")
    assert render(job, str(tmp_path)).drawn


def test_renderer_uses_worker_pool_for_many(tmp_path):
    jobs = [ImageJob(f"p{i}", f"{i}", f"Panel {i}", "prompt", None, None) for i in range(4)]
    renderer = Renderer(tmp_path, workers=2)
    try:
        sets, pending = renderer.start(jobs)
        assert renderer._pool is not None  # drawing went to the pool of workers
        renderer.finish(pending)
        results = {pid: f.result() for pid, f in pending.items()}
    finally:
        renderer.close()
    # The sets planned before the drawing are what the workers made: every file is
    # in the cache; nothing is sent back to be held by the build.
    assert results == {f"p{i}": None for i in range(4)}
    assert sorted(sets) == ["p0", "p1", "p2", "p3"] and all(s.drawn for s in sets.values())
    for made in sets.values():
        assert made.renditions and all(
            (tmp_path / made.key / r.file).stat().st_size > 0 for r in made.renditions)


def test_second_build_draws_nothing(project):
    first = project.build()
    assert first.ok, first.error
    assert "4 panels, 0 with art, 4 placeholders (4 made this build, 0 from cache)" in first.log
    cache = project.root / ".cache/graphic-novel"
    stamps = {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()}
    second = project.build()
    assert second.ok, second.error
    assert "(0 made this build, 4 from cache)" in second.log
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*") if p.is_file()} == stamps


def test_editing_one_prompt_redraws_only_that_panel(project):
    assert project.build().ok
    project.edit("story/image_prompts.yaml", "A glass lens hoisted", "A crystal lens hoisted")
    result = project.build()
    assert "(1 made this build, 3 from cache)" in result.log


def test_art_replaces_placeholder_without_other_edit(project):
    assert project.build().ok
    art = project.story / "art"
    art.mkdir()
    Image.new("RGB", (2400, 1000), (200, 40, 40)).save(art / "02-lens.jpg", quality=90)
    before = project.tree_digest()
    result = project.build()
    assert result.ok, result.error
    assert "4 panels, 1 with art, 3 placeholders (1 made this build, 3 from cache)" in result.log
    soup = result.html("chapters/02-lens/index.html")
    fig = soup.select_one("figure#panel-02-lens")
    assert fig["data-art"] == "art"
    img = fig.img
    assert (img["width"], img["height"]) == ("1600", "667")
    full = project.site / "chapters/02-lens" / img["srcset"].split(",")[-1].split()[0]
    with Image.open(full) as im:
        assert im.size == (1600, 667) and im.format == "WEBP"
    assert project.tree_digest() == before  # the original is untouched


def test_png_option(project):
    project.edit("mkdocs.yml", "concurrency: 2", "concurrency: 2\n      image_format: png")
    result = project.build()
    assert result.ok, result.error
    fulls = list((project.site / "assets/panels").glob("*-full-*.png"))
    assert len(fulls) == 4
    with Image.open(fulls[0]) as im:
        assert im.format == "PNG" and im.size == (1600, 900)


def test_cache_lives_beside_mkdocs_yml_not_in_site_or_story(project):
    assert project.build().ok
    assert any((project.root / ".cache/graphic-novel").iterdir())
    assert not any(p.name == "entry.json" for p in project.site.rglob("*"))
    assert not (project.story / ".cache").exists()


def test_build_never_writes_into_story(project):
    before = project.tree_digest()
    shutil.rmtree(project.root / ".cache", ignore_errors=True)
    assert project.build().ok
    assert project.build().ok
    assert project.tree_digest() == before


def test_second_gradient_direction_is_a_flip_of_the_first(monkeypatch):
    """The background ramp is resized once a process; the other direction is
    its mirror. Whichever direction comes first, both are the same bytes as
    drawn from scratch (a Pillow whose rotate or resize lost the symmetry
    would fail here)."""
    from PIL import ImageChops

    from graphic_novel import placeholder

    steps = placeholder._steps
    for size in [(1600, 900), (1201, 677), (333, 187)]:
        dots = placeholder._halftone(*size)
        direct = [ImageChops.add(steps(*size, d), dots).tobytes() for d in (0, 1)]
        for first in (0, 1):
            calls = []
            monkeypatch.setattr(placeholder, "_steps",
                                lambda *a, calls=calls: calls.append(a) or steps(*a))
            monkeypatch.setattr(placeholder, "_GROUNDS", {})
            made = {d: placeholder._ground(*size, d).tobytes() for d in (first, 1 - first)}
            assert made[0] == direct[0] and made[1] == direct[1]
            assert calls == [(*size, first)]  # one resize, then a flip


def test_drawing_a_placeholder_loads_only_the_formats_it_writes(tmp_path):
    """Each worker draws in a fresh process: Pillow's Image.init() (all 45 format
    plugins, 15-20 ms) must not run just to save a WebP."""
    code = ("import sys; from graphic_novel.images import ImageJob, render; "
            f"render(ImageJob('p1', '1.1', 'T', 'A prompt.', None, None), {str(tmp_path)!r}); "
            "print(sorted(m for m in sys.modules if m.endswith('ImagePlugin')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = ast.literal_eval(out.stdout)
    assert "PIL.WebPImagePlugin" in loaded and "PIL.TiffImagePlugin" not in loaded, loaded


def test_a_jpeg_cut_short_is_refused_even_when_pillow_is_told_to_accept_them(tmp_path,
                                                                            monkeypatch):
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES on import (for the print edition);
    the art check must not let a half-downloaded JPEG through because of it."""
    from PIL import ImageFile

    from graphic_novel.errors import StoryError
    from graphic_novel.images import art_size

    buffer = io.BytesIO()
    Image.effect_noise((640, 360), 64).convert("RGB").save(buffer, "JPEG", quality=90)
    path = tmp_path / "02-lens.jpg"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(StoryError, match="cannot be read as an image"):
        art_size(path, "story/art/02-lens.jpg")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # the setting is put back
