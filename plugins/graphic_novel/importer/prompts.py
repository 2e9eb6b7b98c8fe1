"""Phase 3, prompts: images become panels with ids the loader takes, each
with its prompt block; the cover and the narrative prompt come from the
part before the first section."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import markup
from ..rules import ART_EXTS, is_id
from .clean import TextCleaner
from .context import Run
from .model import ImportedPanel
from .names import guess_image
from .read import Tok
from .text import id_from, plain, unique


def panel_id(src: str, run: Run, line: int) -> tuple[str, str]:
    """(panel id, file name as written) for an image; a changed name is noted."""
    name = src.strip("<>").strip().rsplit("/", 1)[-1]
    stem = markup.panel_id_from_src(src) or name
    base = stem if is_id(stem) else id_from(stem)
    pid = unique(base, run.used)
    if pid != stem:
        why = ("is used by another image too" if base == stem
               else "is not a usable panel id")
        run.note(f"the image name '{name}' {why}; the panel is '{pid}', "
                 f"so name its art '{pid}.png' (or .jpg, .webp).", line)
    return pid, name


# --------------------------------------------------------------------------- the cover

@dataclass
class _Preamble:
    """The part before the first section, sorted."""
    cover_tok: Tok | None = None
    cover_prompt: Tok | None = None
    leftover: list[Tok] = field(default_factory=list)  # goes to the first chapter


def _is_prompt(tok: Tok, *roles: str) -> bool:
    return tok.kind == "details" and tok.role in roles


def _is_cover_prompt(tok: Tok, found: _Preamble, image_after_cover: bool) -> bool:
    """The prompt after the cover image (before any other image), or a "Cover
    ... Prompt" block before any image."""
    if found.cover_prompt is not None:
        return False
    if found.cover_tok is not None:
        return _is_prompt(tok, "image", "cover") and not image_after_cover
    return _is_prompt(tok, "cover")


def _sort_preamble(preamble: list[Tok], run: Run) -> _Preamble:
    """The first image is the cover; the prompt block that goes with it is its prompt."""
    out = _Preamble()
    image_after_cover = False
    for tok in preamble:
        if _is_prompt(tok, "narrative"):
            run.add_narrative(tok.content)
        elif tok.kind == "image" and out.cover_tok is None:
            out.cover_tok = tok
        elif _is_cover_prompt(tok, out, image_after_cover):
            out.cover_prompt = tok
        else:
            out.leftover.append(tok)
            image_after_cover = image_after_cover or tok.kind == "image"
    while out.leftover and out.leftover[0].kind == "text" and not out.leftover[0].raw.strip():
        out.leftover.pop(0)
    return out


def _cover_panel(found: _Preamble, title: str, run: Run) -> ImportedPanel | None:
    image, block = found.cover_tok, found.cover_prompt
    if image is None and block is None:
        return None
    if image is not None:
        cid, name = panel_id(image.src, run, image.line)
    else:
        cid, name = unique("cover", run.used), ""
    run.used.add(cid)
    alt = plain(image.alt) if image is not None else ""
    prompt = block.content if block is not None else ""
    line = (image or block).line  # type: ignore[union-attr]  # one of them is set
    if not prompt:
        prompt = alt or f"Cover image for {title}."
        run.note(f"the cover image has no prompt; write one for '{cid}' in image_prompts.yaml.",
                 line)
    return ImportedPanel(id=cid, title=title, alt=alt, prompt=prompt, source_name=name,
                         source_src=image.src.strip("<>").strip() if image is not None else "",
                         line=line, context=f"The cover of {title}")


def take_preamble(preamble: list[Tok], title: str,
                  run: Run) -> tuple[ImportedPanel | None, list[Tok]]:
    """(the cover panel, the tokens left for the top of the first chapter)."""
    found = _sort_preamble(preamble, run)
    cover = _cover_panel(found, title, run)
    leftover = found.leftover
    if leftover:
        leftover = leftover + [Tok("text", leftover[-1].line, raw="")]
    return cover, leftover


# --------------------------------------------------------------------------- chapter bodies

class BodyWithPanels:
    """A chapter's body lines, its images made panels and its prompts taken out."""

    def __init__(self, title: str, stem: str, run: Run):
        self.title, self.stem, self.run = title, stem, run
        self.lines: list[str] = []
        self.panels: list[ImportedPanel] = []
        self.pending: ImportedPanel | None = None  # the last image, waiting for its prompt
        self.cleaner = TextCleaner(run)

    def add_text(self, raw: str, line: int) -> None:
        kept = self.cleaner.line(raw, line)
        if kept is not None:
            self.lines.append(kept)

    def _new_panel(self, pid: str, name: str, alt: str, line: int,
                   src: str = "") -> ImportedPanel:
        self.run.used.add(pid)
        title = self.title if not self.panels else f"{self.title} ({len(self.panels) + 1})"
        panel = ImportedPanel(id=pid, title=title, alt=alt, prompt="", source_name=name,
                              source_src=src, line=line)
        self.panels.append(panel)
        return panel

    def add_image(self, src: str, alt: str, line: int) -> ImportedPanel:
        pid, name = panel_id(src, self.run, line)
        ext = os.path.splitext(name)[1].lower()
        self.lines.append(f"![]({pid}{ext if ext in ART_EXTS else '.png'})")
        return self._new_panel(pid, name, plain(alt), line, src.strip("<>").strip())

    def add_prompt(self, tok: Tok) -> None:
        """The prompt of the image before it, or a panel of its own."""
        if self.pending is not None:
            self.pending.prompt = tok.content
            self.pending = None
            return
        guess = (guess_image(tok.number, self.run.image_stems, Path(self.run.source).parent)
                 if tok.number is not None else None)
        if guess is not None and guess[0] not in self.run.used:
            pid, why = guess
            how = f"its label's number and {why} make it '{pid}'"
        else:
            base = self.stem if not self.panels else f"{self.stem}-{len(self.panels) + 1}"
            pid = unique(base, self.run.used)
            how = f"it became panel '{pid}'"
        self._new_panel(pid, "", "", tok.line).prompt = tok.content
        self.lines.append(f"![]({pid}.png)")
        self.run.note(f"a prompt has no image line before it; {how}: name its art "
                      f"'{pid}.png'.", tok.line)

    def add_block(self, tok: Tok) -> None:
        """A block that stays as written; an image alone on a line in it is
        still a panel to the site, so it becomes one here too."""
        for raw in tok.raw_lines:
            pm = markup.PANEL_LINE_RE.match(raw)
            if pm and markup.panel_id_from_src(pm.group("src")) is not None:
                self.add_image(pm.group("src"), pm.group("alt"), tok.line)
            else:
                self.add_text(raw, tok.line)

    def add(self, tok: Tok) -> None:
        if tok.kind in ("text", "heading"):
            self.add_text(tok.raw, tok.line)
        elif tok.kind == "image":
            self.pending = self.add_image(tok.src, tok.alt, tok.line)
        elif tok.role == "narrative":
            self.run.add_narrative(tok.content)
        elif tok.role in ("image", "cover"):
            self.add_prompt(tok)
        else:
            self.add_block(tok)

    def finish_panels(self) -> list[ImportedPanel]:
        """The panels, each with a prompt and alt text (stand-ins noted)."""
        for panel in self.panels:
            if not panel.prompt:
                panel.prompt = panel.alt or panel.title
                self.run.note(f"the image '{panel.source_name}' has no prompt; write one for "
                              f"panel '{panel.id}' in image_prompts.yaml.", panel.line)
        return self.panels
