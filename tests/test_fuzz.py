"""Property tests: for any input, the only exception that escapes is StoryError, with a message.

Over the story loader (any bytes in any story file), the YAML reader, the
chapter syntax (panels and citations, markup.transform), the importer, and the
art reader. Each property counts the examples it ran; the counts are printed
at the end of the module (`pytest -s tests/test_fuzz.py`, or look for
"fuzz examples" in the terminal summary).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from conftest import FIXTURES
from graphic_novel import markup
from graphic_novel.errors import StoryError, StoryErrors
from graphic_novel.images import ImageJob, _open_art, art_size
from graphic_novel.importer import import_file, parse_answer, render_files, write_files
from graphic_novel.loader import load_story
from graphic_novel.model import Story
from graphic_novel.yamlio import parse_yaml

RUNS: Counter = Counter()
# GN_FUZZ_EXAMPLES=5000 for a long run; the default keeps the file well under 40 s.
FUZZ = settings(max_examples=int(os.environ.get("GN_FUZZ_EXAMPLES", "250")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                       HealthCheck.data_too_large])


@pytest.fixture(scope="module", autouse=True)
def report_counts(request):
    yield
    line = "fuzz examples: " + ", ".join(f"{k}={v}" for k, v in sorted(RUNS.items())) + \
        f" (total {sum(RUNS.values())})"
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is not None:
        with capture.global_and_fixture_disabled():  # shown with or without -s
            print("\n" + line)
    else:
        print("\n" + line)


def assert_story_error(exc: StoryError, shown: str | None = None) -> None:
    """One line per problem, each naming a file under story/ (or the story itself)."""
    errors = exc.errors if isinstance(exc, StoryErrors) else [exc]
    assert errors
    for error in errors:
        text = str(error)
        assert "\n" not in text and "\r" not in text, text
        assert error.message.strip(), text
        assert text.startswith("story"), text
        assert error.line is None or error.line >= 1, text
    if shown is not None and len(errors) == 1 and errors[0].path != shown:
        # a single problem that is not in the fuzzed file must follow from it
        # (a panel or citation that file no longer provides)
        assert shown.endswith((".yaml", ".md")), str(exc)


# --------------------------------------------------------------------------- inputs

YAML_BITS = [
    "title:", "id:", "panels:", "alt:", "prompt:", "cover:", "kind:", "draft:", "url:", "- ",
    "  ", "    ", "\t", '"', "'", "[", "]", "{", "}", ": ", ":", "#", "&a ", "*a", "<<: *a",
    "!!python/object:os.system", "!!int", "!!binary", "!!timestamp", "!foo", "---", "...",
    "|", "|-", ">", "\n", "\r\n", "\r", "yes", "no", "~", "null", "0x1F", "1e400", ".nan",
    "9" * 40, "? ", "%YAML 1.1\n", "\x07", "\x00", "\ufeff", "\x85", "\u2028", "é", "🦙",
    "東京", "שלום", "e\u0301", "../", "/abs", "a b", "cover", "01-storm", "history", "epilogue",
    '"\\ud83e\\udd99"', '"\\ud83e"', '"\\udd99 x"', '"\\U0001F999"', '"\\x07"', '"\\N"',
    '"\\0"', '"\\u202e"',
]
MD_BITS = [
    "![](", ".png)", "![x](<", " b.png>)", "![](01-storm.png)", "![](02-lens.png)",
    "![](../art/02-dawn.png)", "![](https://example.org/x.png)", "![](/abs.png)", "![](.png)",
    "![](dir/)", "[@", "]", ";", "@", "[@history]", "[@lens-report; @history]", "[@]",
    "[@a;]", "\\[@x]", "`", "``", "```", "~~~", "#", "## ", "\n", " ", "---", "title: x",
    "<details>", "</details>", "<summary>Image Prompt</summary>", "<div>", "&#91;", "\t",
    "01-storm", "history", "🦙", "東京", "e\u0301", "\u202e", "\x00", "\r\n",
]
ascii_or_any = st.text(max_size=10)
yamlish = st.lists(st.one_of(st.sampled_from(YAML_BITS), ascii_or_any), max_size=40).map("".join)
markdownish = st.lists(st.one_of(st.sampled_from(MD_BITS), ascii_or_any), max_size=40).map("".join)

STORY_FILES = ["story/story.yaml", "story/image_prompts.yaml", "story/references.yaml",
               "story/chapters/01-storm.md", "story/chapters/02-lens.md",
               "story/chapters/04-new.md"]
ORIGINAL = {rel: (FIXTURES / "mini" / rel).read_bytes() for rel in STORY_FILES
            if (FIXTURES / "mini" / rel).exists()}


@st.composite
def story_file_contents(draw) -> tuple[str, bytes]:
    """Which file, and its new bytes: junk, text, YAML-ish, Markdown-ish, or the
    original with something spliced in (close to valid is where bugs hide)."""
    rel = draw(st.sampled_from(STORY_FILES))
    how = draw(st.sampled_from(["bytes", "text", "yaml", "markdown", "splice", "splice"]))
    if how == "bytes":
        return rel, draw(st.binary(max_size=300))
    if how == "text":
        return rel, draw(st.text(max_size=300)).encode("utf-8", "surrogatepass")
    if how in ("yaml", "markdown"):
        text = draw(yamlish if how == "yaml" else markdownish)
        if rel.endswith(".md") and draw(st.booleans()):
            text = "---\n" + draw(yamlish) + "\n---\n" + text
        return rel, text.encode("utf-8", "surrogatepass")
    base = ORIGINAL.get(rel, b"---\ntitle: New\n---\n\nText.\n").decode("utf-8")
    at = draw(st.integers(0, len(base)))
    cut = draw(st.integers(0, 12))
    piece = draw(yamlish if rel.endswith(".yaml") else st.one_of(markdownish, yamlish))
    return rel, (base[:at] + piece + base[at + cut:]).encode("utf-8", "surrogatepass")


@pytest.fixture(scope="module")
def story_copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "mini"
    shutil.copytree(FIXTURES / "mini", root, ignore=shutil.ignore_patterns("site_build", ".cache"))
    return root


def _restore(root: Path) -> None:
    for rel in STORY_FILES:
        path = root / rel
        if rel in ORIGINAL:
            path.write_bytes(ORIGINAL[rel])
        elif path.exists():
            path.unlink()


# --------------------------------------------------------------------------- the loader

@FUZZ
@given(change=story_file_contents(), drafts=st.booleans())
def test_loader_gives_a_story_or_a_story_error(story_copy, change, drafts):
    RUNS["loader"] += 1
    rel, data = change
    _restore(story_copy)
    (story_copy / rel).write_bytes(data)
    try:
        story = load_story(story_copy / "story", include_drafts=drafts)
    except StoryError as exc:
        assert_story_error(exc, rel)
        return
    assert isinstance(story, Story) and story.chapters
    if drafts:  # no chapter file may vanish without a message
        files = [f for f in (story_copy / "story" / "chapters").iterdir()
                 if f.suffix == ".md" and not f.name.startswith(".")]
        assert len(story.chapters) == len(files)
    texts = [story.title, story.subtitle, story.author, story.notice, story.style,
             story.narrative_prompt]
    texts += [t for p in story.panels.values() for t in (p.id, p.title, p.alt, p.prompt)]
    texts += [t for c in story.chapters for t in (c.title, c.summary, c.body, c.custom_label)]
    texts += [t or "" for r in story.references.values()
              for t in (r.title, r.url, r.publisher, r.date, r.note)]
    for text in texts:
        text.encode("utf-8")  # every text can be written into the site (no lone surrogates)
    for chapter in story.chapters:
        assert markup.ID_RE.match(chapter.slug)
        for pid in chapter.panel_ids:
            assert pid in story.panels and markup.ID_RE.match(pid)
        for cite in chapter.citations:
            assert cite.ref_id in story.references
    assert all(markup.ID_RE.match(rid) for rid in story.references)


@FUZZ
@given(text=st.one_of(yamlish, st.text(max_size=200)), offset=st.integers(0, 3))
def test_yaml_reader_gives_data_or_a_story_error_with_a_line_in_range(text, offset):
    RUNS["yaml"] += 1
    try:
        parse_yaml(text, "story/x.yaml", line_offset=offset)
    except StoryError as exc:
        assert str(exc).startswith("story/x.yaml") and "\n" not in str(exc)
        if exc.line is not None:
            # PyYAML also counts \x85, \u2028 and \u2029 as line breaks
            lines = len(re.split(r"\r\n|[\n\r\x85\u2028\u2029]", text))
            assert offset + 1 <= exc.line <= offset + lines, (exc.line, text)


# --------------------------------------------------------------------------- panels and citations

@FUZZ
@given(body=st.one_of(markdownish, st.text(max_size=200)),
       replace=st.booleans())
@example(body="[@@]", replace=False)  # found by the fuzzer: "@" was taken as a citation id
def test_transform_never_raises_and_round_trips(body, replace):
    RUNS["markup"] += 1
    seen_panels, seen_cites = [], []

    def on_panel(use):
        seen_panels.append(use)
        return f"<PANEL {use.panel_id}>" if replace else None

    def on_cite(use):
        seen_cites.append(use)
        return "<CITE>" if replace else None

    out, panels, cites = markup.transform(body, on_panel, on_cite)
    lines = body.split("\n")
    assert panels == seen_panels and cites == seen_cites
    if not replace:
        assert out == body  # nothing replaced: the text comes back byte for byte
    assert len(out.split("\n")) == len(lines)  # replacements never add or remove lines
    for use in panels:
        assert 1 <= use.line <= len(lines)
        assert use.panel_id is not None and use.src in lines[use.line - 1]
        assert markup.PANEL_LINE_RE.match(lines[use.line - 1])
    for use in cites:
        assert 1 <= use.line <= len(lines)
        assert "[@" in lines[use.line - 1]
        assert all(rid and ";" not in rid and not rid.startswith("@") for rid in use.ids)
    # the scan does not depend on what the callbacks return
    again, panels2, cites2 = markup.transform(body)
    assert panels2 == panels and cites2 == cites
    assert len(again.split("\n")) == len(lines)


@FUZZ
@given(src=st.one_of(st.text(max_size=40),
                     st.lists(st.sampled_from(["..", "/", "a", ".png", ".", "<", ">", " ", "x:",
                                               "//", "é", "01-storm"]), max_size=8).map("".join)))
def test_panel_id_from_any_src_is_a_file_name_or_none(src):
    RUNS["panel_src"] += 1
    pid = markup.panel_id_from_src(src)
    assert pid is None or "/" not in pid


# --------------------------------------------------------------------------- the importer

FRONT = st.one_of(st.just(""), yamlish.map(lambda y: f"---\n{y}\n---\n"),
                  st.sampled_from(["---\ntitle: T\nauthor: A\n---\n", "---\n- a\n---\n",
                                   "---\ntitle: [unclosed\n---\n", "---\n---\n"]))
HTML = st.sampled_from(["<details>\n<summary>Image Prompt</summary>\n\nA prompt.\n</details>",
                        "<details><summary>Narrative Prompt</summary>x</details>", "<br>",
                        "<div markdown>", "</div>", "<!-- comment -->", "<script>x</script>",
                        "<details open>", "<summary>", "</summary>"])
SECTION = st.sampled_from(["# The Title", "## Chapter 1: One", "## Chapter 2 - Two",
                           "## Panel 3. Three", "### Prologue", "### Epilogue: End",
                           "### Call to Action", "## References", "## Sources", "#### deep"])
answer = st.tuples(FRONT, st.lists(st.one_of(SECTION, HTML, markdownish, yamlish), max_size=25)
                   ).map(lambda t: t[0] + "\n".join(t[1]))


@FUZZ
@given(text=st.one_of(answer, st.text(max_size=300)))
def test_importer_gives_a_loadable_story_or_a_story_error(text):
    RUNS["importer"] += 1
    try:
        story = parse_answer(text, "answer.md")
    except StoryError as exc:
        assert str(exc).startswith("answer.md") and "\n" not in str(exc)
        return
    files = render_files(story)
    with tempfile.TemporaryDirectory() as tmp:
        write_files(files, Path(tmp) / "story", force=False)
        load_story(Path(tmp) / "story")  # what the importer writes, the loader takes


@FUZZ
@given(data=st.one_of(st.binary(max_size=400), answer.map(lambda t: t.encode("utf-8", "replace"))))
def test_import_file_of_any_bytes(tmp_path_factory, data):
    RUNS["import_file"] += 1
    tmp = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
    try:
        (tmp / "answer.md").write_bytes(data)
        try:
            import_file(tmp / "answer.md", tmp / "story", force=False)
        except StoryError as exc:
            assert "answer.md" in str(exc).split(":")[0] and "\n" not in str(exc)
            assert not (tmp / "story").exists()
    finally:
        shutil.rmtree(tmp)


# --------------------------------------------------------------------------- art

def _encoded(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.effect_noise((96, 54), 60).convert("RGB").save(buf, fmt)
    return buf.getvalue()


ART = {"png": _encoded("PNG"), "jpg": _encoded("JPEG"), "webp": _encoded("WEBP")}


@st.composite
def damaged_art(draw) -> tuple[str, bytes]:
    ext = draw(st.sampled_from(sorted(ART)))
    data = bytearray(ART[ext])
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "header"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif op == "cut":
            del data[at:at + draw(st.integers(1, 64))]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:  # damage the header, where the parsers make their decisions
            at = draw(st.integers(0, min(40, max(0, len(data) - 1))))
            if data:
                data[at] = draw(st.integers(0, 255))
    return ext, bytes(data)


@FUZZ
@given(art=damaged_art())
def test_art_reader_gives_a_size_or_a_story_error(tmp_path_factory, art):
    RUNS["art"] += 1
    ext, data = art
    path = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp())) / f"02-lens.{ext}"
    path.write_bytes(data)
    shown = f"story/art/02-lens.{ext}"
    try:
        try:
            w, h = art_size(path, shown)
        except StoryError as exc:
            assert str(exc).startswith(shown + ": ") and "\n" not in str(exc)
            return
        assert w > 0 and h > 0
        job = ImageJob("02-lens", "1", "t", "p", str(path), shown, art_size=(w, h))
        try:
            img = _open_art(job)  # what a worker does later: StoryError or a picture
        except StoryError as exc:
            assert str(exc).startswith(shown + ": ")
            return
        assert img.mode == "RGB" and img.size in ((w, h), (h, w))
    finally:
        shutil.rmtree(path.parent)
