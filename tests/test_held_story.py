"""The story an edition still to be made keeps, its chapters' text on disk
(editions/held_story.py)."""

from __future__ import annotations

import pickle
import tracemalloc
from pathlib import Path

from graphic_novel.editions import child
from graphic_novel.editions.held_story import HeldStory
from graphic_novel.model import Chapter, Story


def _story(chapters: int, text_size: int) -> Story:
    return Story(
        root=Path("story"), title="A Test", subtitle="", author="", notice="", cover_id=None,
        style="", narrative_prompt="", panels={}, references={}, art={},
        chapters=[Chapter(slug=f"{n:02d}-c", title=f"Chapter {n}", summary="", kind="chapter",
                          draft=False, body=f"{n} caf\u00e9 \ud800 " + "x" * text_size,
                          body_line=3, source=Path(f"story/chapters/{n:02d}-c.md"), number=n)
                  for n in range(1, chapters + 1)])


def test_the_story_comes_back_whole():
    story = _story(5, 100)
    held = HeldStory(story)
    assert held.whole() == story
    held.close()


def test_the_texts_are_not_held_in_memory():
    tracemalloc.start()
    try:
        story = _story(100, 20_000)  # 2 MB of text
        with_texts = tracemalloc.get_traced_memory()[0]
        held = HeldStory(story)
        del story
        assert tracemalloc.get_traced_memory()[0] < with_texts - 1_800_000
        assert held.whole().chapters[99].body.endswith("x" * 20_000)
        held.close()
    finally:
        tracemalloc.stop()


def _bodies(held: HeldStory) -> list[str]:
    return [c.body for c in held.whole().chapters]


def test_a_forked_child_reads_the_texts_from_the_file():
    story = _story(3, 10)
    held = HeldStory(story)
    assert child.run(_bodies, held) == [c.body for c in story.chapters]
    held.close()


def test_pickled_for_a_process_not_forked_it_travels_whole():
    story = _story(3, 10)
    held = HeldStory(story)
    travelled = pickle.loads(pickle.dumps(held))
    held.close()  # the copy does not depend on this process's file
    assert travelled.whole() == story
