"""Editions and icons made in a child process of their own (editions/child.py)."""

from __future__ import annotations

import os
import threading

import pytest

from graphic_novel.editions import child
from graphic_novel.errors import StoryError


def _pid_and_sum(numbers):
    return os.getpid(), sum(numbers)


def test_the_result_comes_back_from_another_process():
    pid, total = child.run(_pid_and_sum, [1, 2, 3])
    assert total == 6 and pid != os.getpid()


def test_arguments_reach_the_child_without_pickling():
    lock = threading.Lock()  # a lock cannot be pickled; a forked child has it anyway
    assert child.run(lambda held: type(held).__name__, lock) == "lock"


def _fails_with_story_error():
    raise StoryError("story/chapters/03.md", "the chapter has no heading", 4)


def test_a_story_error_in_the_child_is_raised_here_as_one():
    with pytest.raises(StoryError) as caught:
        child.run(_fails_with_story_error)
    assert (caught.value.path, caught.value.message, caught.value.line) == (
        "story/chapters/03.md", "the chapter has no heading", 4)


def _fails_otherwise():
    raise ValueError("bad image\nsecond line")


def test_any_other_failure_is_a_runtime_error_with_its_first_line():
    with pytest.raises(RuntimeError, match=r"^ValueError: bad image$"):
        child.run(_fails_otherwise)


def test_a_child_that_dies_is_reported_not_waited_for():
    with pytest.raises(RuntimeError, match="stopped unexpectedly"):
        child.run(os._exit, 3)


def _result_of_a_grandchild():
    return child.run(_pid_and_sum, [4, 5])[1]


def test_the_child_may_start_children_of_its_own():
    """The EPUB's child re-encodes its pictures in a pool of its own."""
    assert child.run(_result_of_a_grandchild) == 9
