"""The story an edition still to be made is given, its chapters' text on disk.

A cold or edited build plans its EPUB (and PDF) while the chapters have their
text, and makes them once every page is written. Held in memory, those texts
(3.1 MB at 1,000 chapters) were kept through all of the pages, the build's
busiest stretch; here they wait in a :class:`~graphic_novel.spool.Spool` and
the story is made whole again only where the book is made: in its own process.
"""

from __future__ import annotations

import dataclasses

from ..model import Story
from ..spool import Spool


class HeldStory:
    """A story without its chapters' text in memory; :meth:`whole` gives it back."""

    def __init__(self, story: Story) -> None:
        self._texts = Spool()
        for number, chapter in enumerate(story.chapters):
            self._texts.put(str(number), chapter.body)
        self._shell = story.without_texts()

    def whole(self) -> Story:
        """The story as it was given, every chapter with its text."""
        chapters = [dataclasses.replace(c, body=self._texts.get(str(number)) or "")
                    for number, c in enumerate(self._shell.chapters)]
        return dataclasses.replace(self._shell, chapters=chapters)

    def close(self) -> None:
        """Let go of the texts' file (the story cannot be made whole after this)."""
        self._texts.close()

    def __reduce__(self):
        # A process that is not forked (a pool's, or any on a system without fork)
        # is sent the whole story: an open file does not travel.
        return HeldStory, (self.whole(),)
