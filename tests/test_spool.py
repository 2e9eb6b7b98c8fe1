"""The spool that keeps chapters' bodies on disk until the one-page edition is written."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from graphic_novel.spool import Spool


@given(st.dictionaries(st.text(min_size=1), st.text(), max_size=8))
def test_every_text_comes_back_as_it_was_put(texts):
    spool = Spool()
    for key, text in texts.items():
        spool.put(key, text)
    assert len(spool) == len(texts)
    assert {key: spool.get(key) for key in texts} == texts
    spool.close()


def test_lone_surrogates_and_other_scripts_survive():
    spool = Spool()
    spool.put("a", "caf\u00e9 \ud800 \U0001f409 \u8a9e")
    spool.put("b", "")
    assert spool.get("a") == "caf\u00e9 \ud800 \U0001f409 \u8a9e"
    assert spool.get("b") == ""


def test_a_later_text_replaces_an_earlier_one_and_unknown_keys_are_none():
    spool = Spool()
    spool.put("chapters/01.md", "first")
    spool.put("chapters/02.md", "second")
    spool.put("chapters/01.md", "first, edited")
    assert spool.get("chapters/01.md") == "first, edited"
    assert spool.get("chapters/02.md") == "second"
    assert spool.get("chapters/03.md") is None
    assert "chapters/02.md" in spool and "chapters/03.md" not in spool


def test_closing_lets_go_of_every_text():
    spool = Spool()
    spool.put("a", "text")
    spool.close()
    assert len(spool) == 0 and spool.get("a") is None
    spool.put("a", "again")  # usable after closing, with a new file
    assert spool.get("a") == "again"


def test_a_build_that_ends_early_lets_go_of_its_spool(tmp_path):
    """A build stopped before the one-page edition (an error, a late story error under
    serve) closes the file when its state ends, not whenever the collector gets to it."""
    from graphic_novel.state import BuildState, SiteBuild

    book = BuildState(tmp_path / "story", tmp_path / "cache")
    book.rendered.put("chapters/01.md", "<p>body</p>")
    SiteBuild([book], tmp_path / "cache").end()
    assert len(book.rendered) == 0 and book.rendered.get("chapters/01.md") is None
