"""Bad input: a corpus of broken stories, each with the exact message it must give.

Every error case starts from a fresh copy of the mini fixture, breaks one thing
under story/, and must give, from both `mkdocs build` (in-process, strict) and
`graphic-novel check` (in-process through cli.main for every case, and as a real
subprocess for a score of them; three go through the real `mkdocs build` too):

- the exact one-line message, naming the file (and the line, for YAML and
  Markdown; the file alone for whole-file problems such as art);
- a failure (the build aborts; `check` exits 1), and no traceback;
- story/ byte-identical before and after.

The importer gets its own cases (it reads one Markdown file, not a story).
Then the inputs that look hostile but are fine: a byte-order mark and CRLF
line ends, every script and emoji, a 1 MB prompt, 5,000 chapters.

Decisions the corpus pins down:

- ids (panels, references, chapter file names) are ASCII letters, digits,
  '-' and '_' (markup.ID_RE): `../x`, `/x`, `a b`, `a/b` and `é` are refused;
- a panel's id is the *file name* of its image, whatever the folders before
  it: `![](../art/01-storm.png)` is panel 01-storm (so the chapter previews on
  GitHub), and `![](../../etc/passwd.png)` is panel 'passwd', which must have
  an entry like any other. No image path is ever read;
- an image alone on its line whose file name is not a valid id is an error;
- anything the build reads must lie inside story/ once links are followed;
- two chapter files whose names differ only in case are an error (they are
  one page on macOS and Windows);
- `title: 123` is the text "123"; `title: yes` and `title: [a, b]` are errors;
- an empty references.yaml or story.yaml is fine; an empty image_prompts.yaml
  is an error (`panels: []` says "no pictures" on purpose).
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from conftest import Project, make_project
from graphic_novel import cli
from graphic_novel.errors import StoryError
from graphic_novel.loader import load_story
from graphic_novel.placeholder import draw_placeholder

# --------------------------------------------------------------------------- building blocks

def write(rel: str, data: str | bytes) -> Callable[[Project], None]:
    def mutate(p: Project) -> None:
        path = p.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return mutate


def edit(rel: str, old: str, new: str) -> Callable[[Project], None]:
    return lambda p: p.edit(rel, old, new)


def edit_bytes(rel: str, old: bytes, new: bytes) -> Callable[[Project], None]:
    def mutate(p: Project) -> None:
        path = p.root / rel
        raw = path.read_bytes()
        assert old in raw
        path.write_bytes(raw.replace(old, new, 1))
    return mutate


def remove(rel: str) -> Callable[[Project], None]:
    def mutate(p: Project) -> None:
        path = p.root / rel
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    return mutate


def link(rel: str, target: str, make: tuple[str, str | bytes] | None = None,
         replace: bool = False) -> Callable[[Project], None]:
    """A symlink at ``rel`` to ``target`` (relative to the link); ``make`` creates
    a file (path relative to the project root, outside story/) first."""
    def mutate(p: Project) -> None:
        if make:
            write(*make)(p)
        path = p.root / rel
        if replace:
            remove(rel)(p)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, path)
    return mutate


def both(*mutations: Callable[[Project], None]) -> Callable[[Project], None]:
    def mutate(p: Project) -> None:
        for m in mutations:
            m(p)
    return mutate


def image(fmt: str, size=(640, 360), noise: bool = True) -> bytes:
    img = Image.effect_noise(size, 60).convert("RGB") if noise else Image.new("RGB", size, "teal")
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header(width: int, height: int) -> bytes:
    """A valid little PNG whose header claims ``width`` x ``height`` 1-bit pixels:
    a decompression bomb's opening, without the gigabytes behind it."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr)
            + _chunk(b"IDAT", zlib.compress(b"\x00" * 1024)) + _chunk(b"IEND", b""))


def half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def flip_byte(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]


PNG, JPEG, WEBP = image("PNG"), image("JPEG"), image("WEBP")


def art(name: str, data: bytes) -> Callable[[Project], None]:
    return write(f"story/art/{name}", data)


# --------------------------------------------------------------------------- the corpus

@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[Project], None]
    expected: str  # exact: file[:line]: message (a prefix of the line is enough)
    problems: int = 1  # lines `check` lists (warnings count too)
    kind: str = "story"  # story | art


TAB = "YAML syntax error (found character '\\t' that cannot start any token): YAML " \
      "indentation must use spaces, not tabs."
UNCLOSED_QUOTE = "YAML syntax error (found unexpected end of stream): a quoted text is not " \
                 "closed; add the closing quote."
ID_RULE = "is not allowed; use letters, digits, '-' and '_' only (no spaces, dots or " \
          "slashes), at most 100 characters."
TEXT_HINT = "write plain text (in quotes if it starts with [ or { or is yes/no)."
NOT_IMAGE = "the art file cannot be read as an image (it is damaged, cut short or not a picture)"
OUTSIDE = "is a link to a place outside story/; copy the file into story/ instead."

CASES = [
    # ---- malformed YAML: tabs, quotes, indentation, and the rest of the syntax
    Case("yaml-tab-story", edit("story/story.yaml", "subtitle:", "\tsubtitle:"),
         f"story/story.yaml:2: {TAB}"),
    Case("yaml-tab-prompts", edit("story/image_prompts.yaml", "    title: The new lens",
                                  "\ttitle: The new lens"),
         f"story/image_prompts.yaml:17: {TAB}"),
    Case("yaml-tab-front-matter", edit("story/chapters/01-storm.md", "summary:", "\tsummary:"),
         f"story/chapters/01-storm.md:3: {TAB}"),
    Case("yaml-unclosed-double-quote", edit("story/story.yaml", "title: The Little",
                                            'title: "The Little'),
         f"story/story.yaml:1: {UNCLOSED_QUOTE}"),
    Case("yaml-unclosed-single-quote", edit("story/references.yaml", "title: Lighthouse history",
                                            "title: 'Lighthouse history"),
         f"story/references.yaml:2: {UNCLOSED_QUOTE}"),
    Case("yaml-unclosed-quote-front-matter", edit("story/chapters/02-lens.md",
                                                  "title: A New Lens", 'title: "A New Lens'),
         f"story/chapters/02-lens.md:2: {UNCLOSED_QUOTE}"),
    Case("yaml-unclosed-bracket", edit("story/references.yaml", "title: The lens report",
                                       "title: [The lens report"),
         "story/references.yaml:7: YAML syntax error (expected ',' or ']', but got ':'): a [ "
         "or { is not closed; close it, or put the text in quotes."),
    Case("yaml-indented-too-far", edit("story/image_prompts.yaml", "    alt: The tower",
                                       "      alt: The tower"),
         "story/image_prompts.yaml:22: YAML syntax error (mapping values are not allowed "
         "here): a value contains ': ', or the line is indented too far; put the value in "
         "quotes (or use a `|` block), or line it up with the line above."),
    Case("yaml-indented-too-little", edit("story/image_prompts.yaml", "    title: Dawn",
                                          "   title: Dawn"),
         "story/image_prompts.yaml:21: YAML syntax error (expected <block end>, but found "
         "'<block mapping start>'): the indentation is off; line up entries of the same list "
         "or mapping."),
    Case("yaml-list-misaligned", edit("story/image_prompts.yaml", "  - id: 02-dawn",
                                      "   - id: 02-dawn"),
         "story/image_prompts.yaml:20: YAML syntax error (expected <block end>, but found "
         "'<block sequence start>'): the indentation is off; line up entries of the same list "
         "or mapping."),
    Case("yaml-text-after-quote", edit("story/story.yaml", "subtitle: A tiny story",
                                       'subtitle: "A tiny" story'),
         "story/story.yaml:2: YAML syntax error (expected <block end>, but found '<scalar>'): "
         "text follows a closing quote, or the indentation is off; quote the whole value, or "
         "line up entries of the same list or mapping."),
    Case("yaml-colon-in-value", edit("story/chapters/01-storm.md", "summary: A storm comes",
                                     "summary: Warning: a storm comes"),
         "story/chapters/01-storm.md:3: YAML syntax error (mapping values are not allowed "
         "here): a value contains ': '"),
    Case("yaml-second-document", edit("story/story.yaml", "cover: cover\n",
                                      "cover: cover\n---\ntitle: Again\n"),
         "story/story.yaml:5: YAML syntax error (but found another document): a `---` line "
         "starts a second document; remove it (one document per file)."),
    Case("yaml-duplicate-key", edit("story/story.yaml", "cover: cover\n",
                                    "cover: cover\ntitle: Again\n"),
         "story/story.yaml:5: the key 'title' appears twice in one entry; keep one."),
    Case("yaml-python-tag", edit("story/story.yaml", "author: Test Author",
                                 "author: !!python/object/apply:os.system ['echo pwned']"),
         "story/story.yaml:3: YAML syntax error (could not determine a constructor for the tag "
         "'tag:yaml.org,2002:python/object/apply:os.system'): fix the YAML syntax here."),
    Case("yaml-control-character", edit("story/story.yaml", "A tiny story", "A tiny\x1b story"),
         "story/story.yaml:2: the character U+001B is not allowed in YAML (a control "
         "character, often pasted in by accident); delete it."),
    Case("yaml-deep-nesting", edit("story/story.yaml", "author: Test Author",
                                   "author: " + "[" * 500 + "]" * 500),
         "story/story.yaml:3: the YAML is nested more than 64 levels deep here; flatten it (a "
         "story needs four)."),
    Case("yaml-huge-number", edit("story/chapters/01-storm.md", "title: The Storm",
                                  "title: " + "9" * 5000),
         "story/chapters/01-storm.md:2: this number has too many digits to read; put it in "
         "quotes to keep it as text."),
    Case("yaml-unreadable-value", edit("story/references.yaml", 'date: "2023-10-16"',
                                       "date: !!timestamp 2023-13-45"),
         "story/references.yaml:5: this value cannot be read (month must be in 1..12); put it "
         "in quotes to keep it as text."),
    Case("yaml-star-is-an-alias", edit("story/story.yaml", "author: Test Author",
                                       "author: *the author*"),
         "story/story.yaml:3: YAML syntax error (found undefined alias 'the'): a value "
         "starting with * is read as a YAML alias; put the value in quotes."),
    Case("yaml-lone-surrogate-escape", edit("story/story.yaml", "title: The Little Lighthouse",
                                            'title: "The Little Lighthouse \\ud83e"'),
         "story/story.yaml:1: a \\u escape here is half of a character (a lone surrogate); "
         "write the character itself, or both halves."),
    Case("yaml-at-sign-start", edit("story/references.yaml", "publisher: Example Press",
                                    "publisher: @example"),
         "story/references.yaml:4: YAML syntax error (found character '@' that cannot start "
         "any token): a value cannot start with this character; put the value in quotes."),

    # ---- wrong types and missing keys
    Case("story-yaml-is-a-list", write("story/story.yaml", "- title: x\n- cover: cover\n"),
         "story/story.yaml:1: expected `title: ...`, `subtitle: ...` and the like at the top "
         "level."),
    Case("story-yaml-no-title", edit("story/story.yaml", "title: The Little Lighthouse\n", ""),
         "story/story.yaml:1: the story has no `title`; add `title: ...`."),
    Case("story-yaml-unknown-key", edit("story/story.yaml", "cover: cover", "cover: cover\n"
                                                                           "colour: blue"),
         "story/story.yaml:5: unknown key `colour` in story.yaml; expected one of: author, "
         "cover, notice, subtitle, title."),
    Case("story-yaml-yes-key", edit("story/story.yaml", "cover: cover", "cover: cover\nyes: no"),
         "story/story.yaml:5: unknown key `yes` in story.yaml"),
    Case("story-title-is-a-mapping", edit("story/story.yaml", "title: The Little Lighthouse",
                                          "title: {main: The Little Lighthouse}"),
         f"story/story.yaml:1: `title` of the story must be text, not a mapping (`key: value` "
         f"lines); {TEXT_HINT}"),
    Case("prompts-panels-is-a-mapping", write("story/image_prompts.yaml",
                                              "panels:\n  id: cover\n  alt: x\n  prompt: y\n"),
         "story/image_prompts.yaml:1: `panels` must be a list of entries, each starting with "
         "`- id: ...`."),
    Case("prompts-entry-is-a-string", edit("story/image_prompts.yaml", "panels:\n",
                                           "panels:\n  - just a sentence\n"),
         "story/image_prompts.yaml:5: panel entry 1 must be a mapping like `- id: ...` with "
         "`title`, `alt` and `prompt`."),
    Case("prompts-entry-without-alt", edit("story/image_prompts.yaml",
                                           "    alt: The tower in pink morning light, calm sea.\n",
                                           ""),
         "story/image_prompts.yaml:20: panel '02-dawn' has no `alt`; add `alt: ...`."),
    Case("prompts-prompt-is-a-list", edit("story/image_prompts.yaml",
                                          "prompt: The lighthouse at dawn, a calm sea.",
                                          "prompt: [the lighthouse, dawn]"),
         f"story/image_prompts.yaml:23: `prompt` of panel '02-dawn' must be text, not a list; "
         f"{TEXT_HINT}"),
    Case("prompts-unknown-key", edit("story/image_prompts.yaml", "    title: Dawn\n",
                                     "    title: Dawn\n    caption: Dawn\n"),
         "story/image_prompts.yaml:22: unknown key `caption` in panel entry 4; expected one "
         "of: alt, id, prompt, title."),
    Case("prompts-empty-file", write("story/image_prompts.yaml", ""),
         "story/image_prompts.yaml: the file is empty; add `panels:` with one `- id: ...` entry "
         "per panel (see README), or `panels: []` for a story without pictures."),
    Case("prompts-comments-only", write("story/image_prompts.yaml", "# panels to come\n\n"),
         "story/image_prompts.yaml: the file is empty; add `panels:`"),
    Case("prompts-missing-file", remove("story/image_prompts.yaml"),
         "story/image_prompts.yaml: this file is missing; create it (see README: story layout)."),
    Case("references-not-a-list", write("story/references.yaml", "history: Lighthouse history\n"),
         "story/references.yaml:1: expected a list of references, each starting with `- id: "
         "...`."),
    Case("references-entry-is-a-string", edit("story/references.yaml", "- id: lens-report\n"
                                              "  title: The lens report\n  note: No address "
                                              "known.\n", "- The lens report\n"),
         "story/references.yaml:6: reference 2 must be a mapping like `- id: ...` with "
         "`title`."),
    Case("references-entry-without-title", edit("story/references.yaml",
                                                "  title: The lens report\n", ""),
         "story/references.yaml:6: reference 'lens-report' has no `title`; add `title: ...`."),
    Case("references-javascript-url", edit("story/references.yaml",
                                           "url: https://example.org/history",
                                           "url: javascript:alert(1)"),
         "story/references.yaml:3: the url of reference 'history' must start with http:// or "
         "https:// (or be a relative link)."),
    Case("chapter-title-is-a-list", edit("story/chapters/01-storm.md", "title: The Storm",
                                         "title: [The, Storm]"),
         f"story/chapters/01-storm.md:2: `title` of the chapter must be text, not a list; "
         f"{TEXT_HINT}"),
    Case("chapter-title-is-yes", edit("story/chapters/01-storm.md", "title: The Storm",
                                      "title: yes"),
         f"story/chapters/01-storm.md:2: `title` of the chapter must be text, not a yes/no "
         f"value; {TEXT_HINT}"),
    Case("chapter-title-empty", edit("story/chapters/01-storm.md", "title: The Storm",
                                     'title: ""'),
         "story/chapters/01-storm.md:2: the chapter has no title; add `title: ...` to its "
         "front matter."),
    Case("chapter-title-blank", edit("story/chapters/01-storm.md", "title: The Storm",
                                     'title: "   "'),  # was: the chapter silently left out
         "story/chapters/01-storm.md:2: the chapter has no title; add `title: ...` to its "
         "front matter."),
    Case("chapter-summary-is-a-mapping", edit("story/chapters/01-storm.md",
                                              "summary: A storm comes in at dusk.",
                                              "summary: {when: dusk}"),
         f"story/chapters/01-storm.md:3: `summary` of the chapter must be text, not a mapping "
         f"(`key: value` lines); {TEXT_HINT}"),
    Case("chapter-draft-is-text", edit("story/chapters/01-storm.md", "title: The Storm",
                                       'title: The Storm\ndraft: "yes"'),
         "story/chapters/01-storm.md:3: `draft` must be true or false."),
    Case("chapter-kind-unknown", edit("story/chapters/03-epilogue.md", "kind: epilogue",
                                      "kind: interlude"),
         "story/chapters/03-epilogue.md:3: `kind: interlude` is not known; use one of chapter, "
         "prologue, epilogue, appendix."),
    Case("chapter-kind-is-a-list", edit("story/chapters/03-epilogue.md", "kind: epilogue",
                                        "kind: [epilogue]"),
         "story/chapters/03-epilogue.md:3: `kind` must be one of chapter, prologue, epilogue, "
         "appendix, not a list."),
    Case("chapter-empty-file", write("story/chapters/04-empty.md", ""),
         "story/chapters/04-empty.md: the chapter file is empty; start it with front matter "
         "(`---`, `title: ...`, `---`) and its text, or delete it."),
    Case("chapter-blank-lines-only", write("story/chapters/04-empty.md", "\n \n\t\n"),
         "story/chapters/04-empty.md: the chapter file is empty"),
    Case("chapter-without-front-matter", write("story/chapters/04-bare.md", "Just text.\n"),
         "story/chapters/04-bare.md:1: the chapter has no title; start the file with front "
         "matter: `---`, `title: ...`, `---`."),
    Case("chapter-front-matter-not-closed", write("story/chapters/04-open.md",
                                                  "---\ntitle: Open\n\nThe text.\n"),
         "story/chapters/04-open.md:1: the front matter that starts on line 1 is not closed; "
         "add a `---` line after its last `key: value` line."),
    Case("chapter-front-matter-is-a-list", write("story/chapters/04-list.md",
                                                 "---\n- title\n- Open\n---\nText.\n"),
         "story/chapters/04-list.md:2: the front matter between the `---` lines must be `key: "
         "value` pairs."),

    # ---- duplicate ids
    Case("duplicate-panel-id", edit("story/image_prompts.yaml", "  - id: 02-dawn",
                                    "  - id: 02-lens"),
         "story/image_prompts.yaml:20: panel id '02-lens' is defined twice (first on line 16); "
         "give each panel its own id."),
    Case("duplicate-reference-id", edit("story/references.yaml", "- id: lens-report",
                                        "- id: history"),
         "story/references.yaml:6: reference id 'history' is defined twice (first on line 1); "
         "give each reference its own id."),
    Case("duplicate-chapter-by-case", write("story/chapters/01-Storm.md",
                                            "---\ntitle: Storm again\n---\n\nText.\n"),
         "story/chapters/01-storm.md: this name differs from 01-Storm.md only in upper and "
         "lower case; the two pages would be one on macOS and Windows, so rename one."),
    Case("chapter-upper-case-suffix", write("story/chapters/04-shout.MD",
                                            "---\ntitle: Shout\n---\n\nText.\n"),
         "story/chapters/04-shout.MD: chapter files must end in `.md` in lower case; rename it "
         "to `04-shout.md`."),
    Case("duplicate-art", both(art("02-lens.png", PNG), art("02-lens.jpg", JPEG)),
         "story/art/02-lens.png: two art files are named '02-lens' (02-lens.jpg and "
         "02-lens.png); keep one."),

    # ---- panels used and defined
    Case("panel-used-not-defined", edit("story/chapters/02-lens.md", "By dawn it turned.",
                                        "![](02-ghost.png)"),
         "story/chapters/02-lens.md:12: panel '02-ghost' has no entry in image_prompts.yaml; "
         "add one with `- id: 02-ghost` and its prompt."),
    Case("panel-defined-not-used", edit("story/image_prompts.yaml", "panels:\n",
                                        "panels:\n  - id: spare\n    alt: A spare.\n    "
                                        "prompt: Nobody uses me.\n"),
         "story/image_prompts.yaml:5: panel 'spare' has a prompt but no chapter uses it; place "
         "it with `![](spare.png)` or remove the entry."),
    Case("panel-used-twice", edit("story/chapters/02-lens.md", "By dawn it turned.",
                                  "![](01-storm.png)"),
         "story/chapters/02-lens.md:12: panel '01-storm' is already used in "
         "story/chapters/01-storm.md line 6; each panel appears once."),
    Case("cover-used-in-a-chapter", edit("story/chapters/02-lens.md", "By dawn it turned.",
                                         "![](cover.png)"),
         "story/chapters/02-lens.md:12: panel 'cover' is already used in story/story.yaml "
         "line 4; each panel appears once."),
    Case("cover-not-defined", edit("story/story.yaml", "cover: cover", "cover: front"),
         "story/story.yaml:4: the cover panel 'front' has no entry in image_prompts.yaml; add "
         "one with that id."),

    # ---- citations
    Case("citation-unknown", edit("story/chapters/01-storm.md", "[@history]", "[@histroy]"),
         "story/chapters/01-storm.md:8: unknown citation '@histroy'; add it to "
         "story/references.yaml or fix the id."),
    Case("citation-empty", edit("story/chapters/01-storm.md", "[@history]", "[@]"),
         "story/chapters/01-storm.md:8: a citation must look like [@id] or [@id1; @id2]."),
    Case("citation-trailing-semicolon", edit("story/chapters/01-storm.md", "[@history]",
                                             "[@history;]"),
         "story/chapters/01-storm.md:8: a citation must look like [@id] or [@id1; @id2]."),
    Case("citation-missing-at", edit("story/chapters/02-lens.md", "[@lens-report; @history]",
                                     "[@lens-report; history]"),
         "story/chapters/02-lens.md:8: a citation must look like [@id] or [@id1; @id2]."),
    Case("citation-path-like-id", edit("story/chapters/01-storm.md", "[@history]",
                                       "[@../../etc/passwd]"),
         "story/chapters/01-storm.md:8: unknown citation '@../../etc/passwd'; add it to "
         "story/references.yaml or fix the id."),

    # ---- ids that are paths or unsafe in URLs
    Case("panel-id-dot-dot", edit("story/image_prompts.yaml", "id: 02-dawn", "id: ../evil"),
         f"story/image_prompts.yaml:20: panel id '../evil' {ID_RULE}"),
    Case("panel-id-absolute", edit("story/image_prompts.yaml", "id: 02-dawn", "id: /etc/dawn"),
         f"story/image_prompts.yaml:20: panel id '/etc/dawn' {ID_RULE}"),
    Case("panel-id-space", edit("story/image_prompts.yaml", "id: 02-dawn", "id: 02 dawn"),
         f"story/image_prompts.yaml:20: panel id '02 dawn' {ID_RULE}"),
    Case("panel-id-slash", edit("story/image_prompts.yaml", "id: 02-dawn", "id: 02/dawn"),
         f"story/image_prompts.yaml:20: panel id '02/dawn' {ID_RULE}"),
    Case("panel-id-accent", edit("story/image_prompts.yaml", "id: 02-dawn", "id: 02-aube-é"),
         f"story/image_prompts.yaml:20: panel id '02-aube-é' {ID_RULE}"),
    Case("panel-id-newline", edit("story/image_prompts.yaml", "id: 02-dawn", 'id: "02\\ndawn"'),
         f"story/image_prompts.yaml:20: panel id '02\\x0adawn' {ID_RULE}"),
    Case("panel-id-too-long", edit("story/image_prompts.yaml", "id: 02-dawn", "id: " + "d" * 101),
         f"story/image_prompts.yaml:20: panel id '{'d' * 101}' {ID_RULE}"),
    Case("reference-id-unsafe", edit("story/references.yaml", "- id: lens-report",
                                     "- id: 'lens?report#x'"),
         f"story/references.yaml:6: reference id 'lens?report#x' {ID_RULE}"),
    Case("chapter-name-space", write("story/chapters/04 the end.md", "---\ntitle: End\n---\n"),
         "story/chapters/04 the end.md: rename this chapter file: use letters, digits, '-' and "
         "'_' only, like `03-the-gpu-hunt.md`."),
    Case("chapter-name-url-unsafe", write("story/chapters/04-what?#.md",
                                          "---\ntitle: End\n---\n"),
         "story/chapters/04-what?#.md: rename this chapter file"),
    Case("chapter-name-accent", write("story/chapters/04-café.md", "---\ntitle: End\n---\n"),
         "story/chapters/04-café.md: rename this chapter file"),
    Case("panel-image-folder", edit("story/chapters/02-lens.md", "By dawn it turned.",
                                    "![](art/)"),
         "story/chapters/02-lens.md:12: the image `art/` is alone on its line, so it is read "
         "as a panel, but '' is not a panel id; name it after a panel, like "
         "`![](03-gpu-hall.png)`."),
    Case("panel-image-space", edit("story/chapters/02-lens.md", "By dawn it turned.",
                                   "![](<my dawn.png>)"),
         "story/chapters/02-lens.md:12: the image `<my dawn.png>` is alone on its line, so it "
         "is read as a panel, but 'my dawn' is not a panel id"),
    Case("panel-image-traversal", edit("story/chapters/02-lens.md", "By dawn it turned.",
                                       "![](../../etc/passwd.png)"),
         "story/chapters/02-lens.md:12: panel 'passwd' has no entry in image_prompts.yaml; add "
         "one with `- id: passwd` and its prompt."),
    Case("panel-image-absolute", edit("story/chapters/02-lens.md", "By dawn it turned.",
                                      "![](/etc/hosts.png)"),
         "story/chapters/02-lens.md:12: panel 'hosts' has no entry in image_prompts.yaml"),

    # ---- empty, binary and badly encoded files
    Case("chapter-binary-junk", write("story/chapters/01-storm.md",
                                      bytes(range(256)) * 4),
         "story/chapters/01-storm.md: this is not a text file (it contains NUL bytes); save it "
         "as UTF-8 text."),
    Case("chapter-invalid-utf8", edit_bytes("story/chapters/01-storm.md", b"at dusk [@",
                                            b"at d\xfcsk [@"),
         "story/chapters/01-storm.md:8: the file is not valid UTF-8 text; save it with UTF-8 "
         "encoding."),
    Case("prompts-binary-junk", write("story/image_prompts.yaml", bytes(range(128, 256)) * 8),
         "story/image_prompts.yaml:1: the file is not valid UTF-8 text; save it with UTF-8 "
         "encoding."),
    Case("references-latin1", edit_bytes("story/references.yaml", b"No address known.",
                                         b"Adresse inconnue \xe0 ce jour."),
         "story/references.yaml:8: the file is not valid UTF-8 text"),
    Case("story-yaml-utf16", write("story/story.yaml",
                                   "title: The Little Lighthouse\n".encode("utf-16")),
         "story/story.yaml: this is not a text file (it looks like UTF-16); save it as UTF-8 "
         "text."),

    # ---- the layout itself
    Case("no-chapters-folder", remove("story/chapters"),
         "story/chapters: there are no chapters; add a Markdown file such as `01-beginning.md` "
         "with a `title` in its front matter."),
    Case("chapter-is-a-folder", lambda p: (p.story / "chapters" / "04-notes.md").mkdir(),
         "story/chapters/04-notes.md: this is a folder, not a chapter file; rename it so it "
         "does not end in `.md`, or remove it."),
    Case("story-yaml-is-a-folder", both(remove("story/story.yaml"),
                                        lambda p: (p.story / "story.yaml").mkdir()),
         "story/story.yaml: cannot read the file (Is a directory)."),

    # ---- links out of story/
    Case("chapter-link-outside", link("story/chapters/04-secret.md", "../../secret.md",
                                      make=("secret.md", "---\ntitle: Secret\n---\nsecret\n")),
         f"story/chapters/04-secret.md: this chapter file {OUTSIDE}"),
    Case("chapter-link-absolute", link("story/chapters/04-hosts.md", "/etc/hosts"),
         f"story/chapters/04-hosts.md: this chapter file {OUTSIDE}"),
    Case("chapter-link-loop", link("story/chapters/04-loop.md", "04-loop.md"),
         "story/chapters/04-loop.md: this chapter file is a link that leads back to itself; "
         "replace it with the real file."),
    Case("prompts-link-outside", link("story/image_prompts.yaml", "../prompts.yaml",
                                      make=("prompts.yaml", "panels: []\n"), replace=True),
         f"story/image_prompts.yaml: this file {OUTSIDE}"),
    Case("chapters-folder-link-outside",
         lambda p: (shutil.move(p.story / "chapters", p.root / "elsewhere"),
                    os.symlink("../elsewhere", p.story / "chapters")),
         "story/chapters: this folder is a link to a place outside story/; move the chapters "
         "into story/chapters/ instead."),

    # ---- art: corrupt, truncated, bombs, links, the wrong format
    Case("art-link-outside", link("story/art/02-lens.png", "../../lens.png",
                                  make=("lens.png", PNG)),
         "story/art/02-lens.png: this art file is a link to a place outside story/; copy the "
         "image into story/art/ instead.", kind="art"),
    Case("art-link-loop", link("story/art/02-lens.png", "02-lens.png"),
         "story/art/02-lens.png: this art file is a link that leads back to itself; replace it "
         "with the image.", kind="art"),
    Case("art-folder-link-outside",
         both(art("02-lens.png", PNG),
              lambda p: (shutil.move(p.story / "art", p.root / "art-elsewhere"),
                         os.symlink("../art-elsewhere", p.story / "art"))),
         "story/art: this folder is a link to a place outside story/; move the art into "
         "story/art/ instead.", kind="art"),
    Case("art-corrupt", art("02-lens.png", b"\x89PNG\r\n\x1a\n" + b"junk" * 10),
         f"story/art/02-lens.png: {NOT_IMAGE}; export it again as PNG, JPEG or WebP.",
         kind="art"),
    Case("art-not-an-image", art("02-lens.png", b"<html>not a picture</html>\n"),
         f"story/art/02-lens.png: {NOT_IMAGE}; export it again as PNG, "
         "JPEG or WebP.", kind="art"),
    Case("art-empty-file", art("02-lens.jpg", b""),
         f"story/art/02-lens.jpg: {NOT_IMAGE}", kind="art"),
    Case("art-truncated-png", art("02-lens.png", half(PNG)),
         f"story/art/02-lens.png: {NOT_IMAGE}", kind="art"),
    Case("art-truncated-jpeg", art("02-lens.jpg", half(JPEG)),
         f"story/art/02-lens.jpg: {NOT_IMAGE}", kind="art"),
    Case("art-truncated-webp", art("02-lens.webp", half(WEBP)),
         f"story/art/02-lens.webp: {NOT_IMAGE}", kind="art"),
    Case("art-bad-checksum", art("02-lens.png", flip_byte(PNG, 200)),
         f"story/art/02-lens.png: {NOT_IMAGE}", kind="art"),
    Case("art-decompression-bomb", art("02-lens.png", png_header(100_000, 100_000)),
         "story/art/02-lens.png: the image is too large to process safely; scale it below 64 "
         "megapixels.", kind="art"),
    Case("art-over-64-megapixels", art("02-lens.png", png_header(10_000, 10_000)),
         "story/art/02-lens.png: the image is 10000x10000 pixels, too large to process safely; "
         "scale it below 64 megapixels.", kind="art"),
    Case("art-gif-named-png", art("02-lens.png", image("GIF", noise=False)),
         "story/art/02-lens.png: the file is GIF, not PNG, JPEG or WebP; export it again in one "
         "of those.", kind="art"),
    Case("art-bmp-named-jpg", art("02-lens.jpg", image("BMP", noise=False)),
         "story/art/02-lens.jpg: the file is BMP, not PNG, JPEG or WebP; export it again in one "
         "of those.", kind="art"),
]

ERROR_CASES = [c for c in CASES if c.kind == "story"]
ART_CASES = [c for c in CASES if c.kind == "art"]


def _fresh(tmp_path: Path, case: Case) -> tuple[Project, dict]:
    project = make_project(tmp_path)
    case.mutate(project)
    return project, project.tree_digest()


def _ids(cases):
    return [c.name for c in cases]


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_build_fails_with_the_exact_message(tmp_path, case):
    project, before = _fresh(tmp_path, case)
    result = project.build()
    assert not result.ok, f"{case.name}: the build should have failed\n{result.log}"
    assert case.expected in result.log, result.log
    assert "Traceback" not in result.log + result.error
    assert project.tree_digest() == before
    assert not (project.site / "index.html").exists()  # nothing half-built


# `check` runs in-process (cli.main, as the console script does) for every case,
# and as a real subprocess for one case of each kind plus every case where cli.py
# falls short: proof that nothing but the message reaches the terminal.
SUBPROCESS = {"yaml-tab-front-matter", "yaml-deep-nesting", "yaml-huge-number",
              "yaml-control-character", "prompts-panels-is-a-mapping", "chapter-empty-file",
              "duplicate-chapter-by-case", "panel-defined-not-used", "citation-empty",
              "panel-id-newline", "chapter-binary-junk", "chapter-is-a-folder",
              "chapter-link-loop", "art-link-outside", "art-decompression-bomb",
              "art-truncated-png", "art-truncated-jpeg", "art-gif-named-png",
              "art-over-64-megapixels"}


def _check_params(subprocess_only: bool):
    out = []
    for c in CASES:
        if subprocess_only and c.name not in SUBPROCESS:
            continue
        out.append(pytest.param(c, id=c.name))
    return out


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "graphic_novel", *args], cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=60)


def _assert_check_output(case: Case, code: int, out: str, err: str) -> None:
    lines = err.splitlines()
    assert code == 1, out + err
    expected = case.expected  # check and build say the same thing
    assert any(line.split(": ", 1)[-1].startswith(expected) for line in lines), err
    assert "Traceback" not in out + err
    noun = "problem" if case.problems == 1 else "problems"
    assert lines[-1] == f"{case.problems} {noun} found in story/", err
    assert len(lines) == case.problems + 1, err  # one line per problem, and the count


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")  # check stays quiet
@pytest.mark.parametrize("case", _check_params(subprocess_only=False))
def test_check_exits_1_with_the_exact_message(tmp_path, monkeypatch, capsys, case):
    project, before = _fresh(tmp_path, case)
    monkeypatch.chdir(project.root)
    code = cli.main(["check"])
    captured = capsys.readouterr()
    _assert_check_output(case, code, captured.out, captured.err)
    assert project.tree_digest() == before


@pytest.mark.parametrize("case", _check_params(subprocess_only=True))
def test_check_subprocess_prints_only_the_message(tmp_path, case):
    project, before = _fresh(tmp_path, case)
    proc = run_cli(project.root, "check")
    _assert_check_output(case, proc.returncode, proc.stdout, proc.stderr)
    assert project.tree_digest() == before


MKDOCS = str(Path(sys.executable).parent / "mkdocs")


@pytest.mark.parametrize("name", ["yaml-deep-nesting", "chapter-link-loop",
                                  "art-decompression-bomb"])
def test_mkdocs_build_command_exits_1_without_traceback(tmp_path, name):
    case = next(c for c in CASES if c.name == name)
    project, before = _fresh(tmp_path, case)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([MKDOCS, "build", "--strict"], cwd=project.root, capture_output=True,
                          text=True, env=env, timeout=120)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert case.expected in out and "Traceback" not in out
    assert project.tree_digest() == before


def test_the_corpus_is_big_enough():
    assert len(ERROR_CASES) >= 40 and len(ART_CASES) >= 8
    assert len({c.name for c in CASES}) == len(CASES)


def test_story_folder_missing(tmp_path):
    project = make_project(tmp_path)
    shutil.rmtree(project.story)
    result = project.build()
    assert not result.ok and "the story folder does not exist" in result.log
    assert "Traceback" not in result.log
    proc = run_cli(project.root, "check")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("error: story: the story folder does not exist; create it")
    assert not project.story.exists()


# --------------------------------------------------------------------------- import

IMPORT_CASES = [
    ("empty", b"", "empty.md:1: the file is empty; nothing to import."),
    ("binary-junk", bytes(range(256)) * 4,
     "binary-junk.md: this is not a text file (it contains NUL bytes); save it as UTF-8 text."),
    ("binary-no-nul", bytes(range(1, 256)) * 4,
     "binary-no-nul.md:2: the file is not valid UTF-8 text; save it with UTF-8 encoding."),
    ("invalid-utf8", b"# Title\n\n## Chapter 1: One\n\nCaf\xe9 au lait.\n",
     "invalid-utf8.md:5: the file is not valid UTF-8 text; save it with UTF-8 encoding."),
    ("utf16", "# Title\n\n## Chapter 1: One\n\nText.\n".encode("utf-16"),
     "utf16.md: this is not a text file (it looks like UTF-16); save it as UTF-8 text."),
    ("no-sections", b"Once upon a time.\n\nThe end.\n",
     "no-sections.md:1: found no Markdown headings; a story needs sections such as "
     "`## Chapter 1: Title` or `## Panel 1: Title`."),
    ("title-only", b"# The Title\n\nSome words, no chapters.\n",
     "title-only.md:1: found no chapter sections; a story needs headings such as"),
    ("front-matter-only", b"---\ntitle: x\n---\n",
     "front-matter-only.md:1: found no Markdown headings"),
    # (A folder is a folder of stories to import: tests/test_import_folder.py.)
    ("missing", "missing", "missing.md: cannot read the file (No such file or directory)."),
]


@pytest.mark.parametrize("name, data, expected", IMPORT_CASES, ids=[c[0] for c in IMPORT_CASES])
def test_import_refuses_bad_input(tmp_path, name, data, expected):
    source = tmp_path / f"{name}.md"
    if data is None:
        source.mkdir()
    elif isinstance(data, bytes):
        source.write_bytes(data)
    proc = run_cli(tmp_path, "import", source.name, "--story-dir", "story2")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr == f"error: {expected}\n" or (
        proc.stderr.startswith(f"error: {expected}") and proc.stderr.count("\n") == 1), proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not (tmp_path / "story2").exists()  # nothing written


# --------------------------------------------------------------------------- what must work

def _drawn(result, n: int = 4) -> bool:
    return f"{n} panels, 0 with art, {n} placeholders ({n} made this build" in result.log


def test_bom_and_crlf_everywhere(project):
    for path in list(project.story.rglob("*.yaml")) + list(project.story.rglob("*.md")):
        text = path.read_text("utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    before = project.tree_digest()
    result = project.build()
    assert result.ok, result.error + result.log
    assert _drawn(result)
    page = result.html("chapters/02-lens/index.html")
    assert page.select_one(".md-content h1").get_text().endswith("A New Lens")
    assert len(page.select("figure.gn-panel")) == 2 and len(page.select("sup a")) >= 2
    assert "\ufeff" not in (project.site / "index.html").read_text("utf-8")
    story = load_story(project.story)
    assert story.chapters[0].title == "The Storm" and "\r" not in story.chapters[0].body
    assert story.panels["01-storm"].prompt.startswith("A storm hits the coast")
    assert run_cli(project.root, "check").returncode == 0
    assert project.tree_digest() == before


def test_old_mac_line_ends_load(project):
    for path in list(project.story.rglob("*.yaml")) + list(project.story.rglob("*.md")):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    story = load_story(project.story)
    assert [c.title for c in story.chapters] == ["The Storm", "A New Lens", "The Light Today"]
    assert [c.line for c in story.chapters[1].citations] == [8, 8]


SCRIPTS = "🦙🚀✨ 東京の夜、ラマが走る 한국어 שלום עולם مرحبا بالعالم e\u0301\u0301 Z\u0351\u0352\u0353 " \
          "👩‍👩‍👧‍👦 🇫🇷 ﷽ ‮reversed‬"


def test_every_script_builds_and_draws(project):
    def q(text: str) -> str:  # a double-quoted YAML scalar; bidi controls as escapes
        return '"' + text.replace("\u202e", "\\u202E").replace("\u202c", "\\u202C") + '"'

    project.edit("story/story.yaml", "title: The Little Lighthouse", f"title: {q(SCRIPTS)}")
    project.edit("story/image_prompts.yaml", "title: The storm", f"title: {q('Storm ' + SCRIPTS)}")
    project.edit("story/image_prompts.yaml", "alt: Waves break", f"alt: {SCRIPTS} Waves break")
    project.edit("story/image_prompts.yaml", "A storm hits the coast;",
                 f"{SCRIPTS} A storm hits the coast;")
    project.edit("story/chapters/01-storm.md", "title: The Storm", f"title: {q(SCRIPTS)}")
    project.edit("story/chapters/01-storm.md", "summary: A storm comes in at dusk.",
                 f"summary: {q('Summary ' + SCRIPTS)}")
    project.edit("story/chapters/01-storm.md", "The storm came in", f"{SCRIPTS} The storm came in")
    project.edit("story/references.yaml", "title: Lighthouse history",
                 f"title: {q('History ' + SCRIPTS)}")
    # JSON (which is YAML) writes an emoji as an escaped surrogate pair: one character
    project.edit("story/story.yaml", "subtitle: A tiny story for tests",
                 'subtitle: "Llama \\ud83e\\udd99 story"')
    before = project.tree_digest()
    result = project.build()
    assert result.ok, result.error + result.log
    assert _drawn(result)
    html = (project.site / "chapters/01-storm/index.html").read_text("utf-8")
    for piece in ("東京の夜", "שלום עולם", "مرحبا", "e\u0301\u0301", "👩‍👩‍👧‍👦", "🇫🇷", "한국어"):
        assert piece in html, piece
    page = result.html("chapters/01-storm/index.html")
    assert page.select_one("figure.gn-panel img")["alt"].startswith(SCRIPTS)
    assert "Storm " + SCRIPTS in page.select_one("figure.gn-panel figcaption").get_text()
    assert "History " + SCRIPTS in (project.site / "references/index.html").read_text("utf-8")
    assert "Llama 🦙 story" in (project.site / "index.html").read_text("utf-8")
    assert project.tree_digest() == before
    # and the drawing itself copes with each script alone
    for text in SCRIPTS.split():
        assert draw_placeholder("p", 1, text, text * 50, 640, 360).size == (640, 360)


def test_a_one_megabyte_prompt(project):
    prompt = ("A lens the size of a cathedral window, ground by hand. " * 20_000)[:1_000_000]
    project.edit("story/image_prompts.yaml",
                 "prompt: A glass lens hoisted up the tower with ropes & pulleys.",
                 "prompt: |\n      " + prompt)
    story = load_story(project.story)
    assert len(story.panels["02-lens"].prompt) == len(prompt.strip())
    start = time.perf_counter()
    img = draw_placeholder("02-lens", 2, "The new lens", prompt)
    assert time.perf_counter() - start < 5 and img.size == (1600, 900)
    result = project.build()
    assert result.ok, result.error + result.log
    assert _drawn(result)
    html = (project.site / "chapters/02-lens/index.html").read_text("utf-8")
    assert prompt.strip() in html


def test_five_thousand_chapters_load(tmp_path):
    root = tmp_path / "story"
    (root / "chapters").mkdir(parents=True)
    n = 5000
    (root / "image_prompts.yaml").write_text("panels:\n" + "".join(
        f"  - id: p{i}\n    alt: Panel {i}.\n    prompt: Panel {i}.\n" for i in range(n)))
    (root / "references.yaml").write_text("- id: r\n  title: R\n")
    for i in range(n):
        kind = "kind: prologue\n" if i == 0 else ""
        (root / "chapters" / f"{i:05d}-c.md").write_text(
            f"---\ntitle: Chapter {i}\n{kind}---\n\n![](p{i}.png)\n\nText [@r].\n")
    start = time.perf_counter()
    story = load_story(root)
    elapsed = time.perf_counter() - start
    assert len(story.chapters) == n and len(story.panels) == n
    assert [c.number for c in story.chapters[:3]] == [0, 1, 2]
    assert story.chapters[-1].number == n - 1 and story.chapters[-1].position == n
    assert story.panels[f"p{n - 1}"].number == n
    assert elapsed < 15, f"loading {n} chapters took {elapsed:.1f} s"


def test_numbers_and_dates_as_titles_are_text(project):
    project.edit("story/chapters/01-storm.md", "title: The Storm", "title: 1984")
    project.edit("story/chapters/02-lens.md", "title: A New Lens", "title: 2023-10-16")
    project.edit("story/image_prompts.yaml", "title: Dawn", "title: 3.14")
    story = load_story(project.story)
    assert [c.title for c in story.chapters[:2]] == ["1984", "2023-10-16"]
    assert story.panels["02-dawn"].title == "3.14"


def test_empty_references_and_story_yaml_work(project):
    project.write("story/references.yaml", "")
    project.write("story/story.yaml", "")
    for name in ("01-storm.md", "02-lens.md", "03-epilogue.md"):
        path = project.story / "chapters" / name
        text = path.read_text("utf-8")
        for cite in ("[@history]", " [@lens-report; @history]"):
            text = text.replace(cite, "")
        path.write_text(text, "utf-8")
    project.edit("story/image_prompts.yaml", "  - id: cover\n    title: The lighthouse at dusk\n"
                 "    alt: A red and white lighthouse on a rock at dusk, its lamp just lit.\n"
                 "    prompt: A lighthouse at dusk, warm light, gulls.\n", "")
    result = project.build()
    assert result.ok, result.error + result.log
    assert _drawn(result, 3)
    assert "This story lists no references yet." in (
        project.site / "references/index.html").read_text("utf-8")


def test_panel_image_may_point_into_the_art_folder(project):
    """`![](../art/01-storm.png)` previews on GitHub and is still panel 01-storm."""
    project.edit("story/chapters/01-storm.md", "![](01-storm.png)", "![](../art/01-storm.png)")
    story = load_story(project.story)
    assert story.chapters[0].panel_ids == ["01-storm"]


def test_links_inside_the_story_and_editor_files_are_fine(project):
    (project.story / "art").mkdir()
    Image.new("RGB", (64, 36), "navy").save(project.story / "art" / "real.png")
    os.symlink("real.png", project.story / "art" / "02-lens.png")
    os.symlink("user@host.1234", project.story / "chapters" / ".#01-storm.md")  # emacs lock
    (project.story / "chapters" / ".02-lens.md.swp").write_bytes(b"\x00junk")
    story = load_story(project.story)
    assert story.art["02-lens"].name == "02-lens.png" and len(story.chapters) == 3


def test_a_folder_that_cannot_be_listed(project, monkeypatch):
    """Running as root, chmod cannot make one; a listing that fails must still be a message."""
    real = Path.iterdir

    def refuse(self):
        if self.name == "chapters":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", refuse)
    result = project.build()
    assert not result.ok and "Traceback" not in result.log
    assert "story/chapters: cannot read this (Permission denied); check that it exists and " \
           "that you may read it." in result.log


def test_story_error_is_always_one_line():
    error = StoryError("story/chapters/a\nb.md", "id 'x\x1b[31m\u202e' is bad\r\n", 3)
    assert "\n" not in str(error) and "\x1b" not in str(error) and "\u202e" not in str(error)
    assert str(error) == "story/chapters/a\\x0ab.md:3: id 'x\\x1b[31m\\u202e' is bad\\x0d\\x0a"
