"""A site file written whole or not at all (atomic.replacing)."""

from __future__ import annotations

import pytest

from graphic_novel.atomic import replacing


def test_the_file_takes_its_place_only_when_written_whole(tmp_path):
    page = tmp_path / "index.html"
    page.write_text("the last good page", "utf-8")
    with replacing(page, "w", encoding="utf-8") as fh:
        fh.write("half")
        assert page.read_text("utf-8") == "the last good page"  # not yet
        fh.write(" and the rest")
    assert page.read_text("utf-8") == "half and the rest"
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]


def test_a_failed_write_leaves_the_old_file_and_no_partial_one(tmp_path):
    page = tmp_path / "sw.js"
    page.write_text("old", "utf-8")
    with pytest.raises(RuntimeError), replacing(page, "wb") as fh:
        fh.write(b"new")
        raise RuntimeError("disk full, say")
    assert page.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["sw.js"]
