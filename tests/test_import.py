"""The importer: chat-model Markdown (Shape A "chapters", Shape B "panels") -> story/.

The fixtures in tests/fixtures/import/ are made-up answers covering every
variation listed in plugins/graphic_novel/importer/SHAPES.md. Each is
imported into a fresh project and built for real (strict); the built HTML must
hold every prompt word for word, every paragraph, table, list and heading in order, and every reference.
What the HTML must contain is worked out here from the fixture text with a
deliberately simple reader of its own, not with the importer's code.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import textwrap
from pathlib import Path

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Project, make_project, straight
from graphic_novel.errors import StoryError
from graphic_novel.importer import (
    ImportedStory,
    import_file,
    parse_answer,
    render_files,
    write_files,
)
from graphic_novel.loader import FRONT_MATTER_RE, load_story
from graphic_novel.prompt_text import plain_text

FIXTURES = Path(__file__).parent / "fixtures" / "import"
NAMES = ["shape_a", "shape_b", "quirks"]

# What each fixture must become: (file stem, title, kind, label), in order.
CHAPTERS = {
    "shape_a": [
        ("01-the-empty-hives", "The Empty Hives", "prologue", ""),
        ("02-the-meeting-in-the-barn", "The Meeting in the Barn", "chapter", ""),
        ("03-clover-on-the-verges", "Clover on the Verges", "chapter", ""),
        ("04-the-numbers", "The Numbers", "chapter", ""),
        ("05-the-humming-hill", "The Humming Hill", "epilogue", ""),
    ],
    "shape_b": [
        ("01-a-light-in-the-hut", "A Light in the Hut", "prologue", ""),
        ("02-the-wire-goes-quiet-1881", "The Wire Goes Quiet, 1881", "chapter", ""),
        ("03-out-along-the-line", "Out Along the Line", "chapter", ""),
        ("04-three-nights", "Three Nights", "chapter", ""),
        ("05-the-medal", "The Medal", "chapter", ""),
        ("06-what-made-her-different", "What Made Her Different?", "epilogue", ""),
        ("07-call-to-action", "Call to Action", "appendix", "Call to Action"),
    ],
    "quirks": [
        ("01-introduction", "Introduction", "prologue", ""),
        ("02-setting-up", "Setting Up", "chapter", ""),
        ("03-two-lanterns", "Two Lanterns", "chapter", ""),
        ("04-closing-time", "Closing Time", "chapter", ""),
        ("05-afterword", "Afterword", "appendix", "Afterword"),
    ],
}
PANEL_IDS = {
    "shape_a": ["00-empty-hives", "01-barn", "01-ledger", "02-clover", "03-chart", "13-humming"],
    "shape_b": ["cover", "panel-01", "panel-02", "panel-03", "panel-04"],
    "quirks": ["01-setup", "lantern", "lantern-2", "03-two-lanterns-3", "03-closing"],
}


# --------------------------------------------------------------------------- a simple reader

SECTION_RE = re.compile(r"^(?:#{1,2} |### (?:Prologue|Epilogue|Call to Action))")
REFS_RE = re.compile(r"^## (?:References|Sources)\s*$")
DETAILS_RE = re.compile(r"<details[^>]*>\s*<summary>(?P<summary>[^<]*)</summary>[ \t]*\n"
                        r"(?P<body>.*?)\n?[ \t]*</details>", re.S)
LABEL_RE = re.compile(r"^(?:Image \d+|\d+):\s*")


def read_fixture(name: str) -> str:
    return (FIXTURES / f"{name}.md").read_text("utf-8")


def split_fixture(text: str) -> tuple[str, list[str], str]:
    """(preamble, section texts in order, references text), by heading lines outside code."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    parts: list[list[str]] = [[]]
    refs: list[str] = []
    target = parts[0]
    fence = False
    seen_title = False
    for line in text.split("\n"):
        if line.startswith("```"):
            fence = not fence
        if not fence and REFS_RE.match(line):
            target = refs
            continue
        if not fence and SECTION_RE.match(line):
            if line.startswith("# ") and not seen_title:
                seen_title = True
                continue
            target = []
            parts.append(target)
            continue
        target.append(line)
    return "\n".join(parts[0]), ["\n".join(p) for p in parts[1:]], "\n".join(refs)


def prompts_in(text: str) -> list[tuple[str, str]]:
    """(summary, prompt as it should be kept) for each prompt block in ``text``."""
    out = []
    for m in DETAILS_RE.finditer(text):
        if "Prompt" not in m.group("summary"):
            continue
        body = textwrap.dedent(m.group("body")).strip()
        if "Narrative" not in m.group("summary"):
            body = LABEL_RE.sub("", body, count=1)
        out.append((m.group("summary").strip(), body))
    return out


def blocks_in(text: str) -> list[str]:
    """Blank-line separated blocks outside prompt blocks and code."""
    text = DETAILS_RE.sub(lambda m: "" if "Prompt" in m.group("summary") else m.group(0), text)
    text = re.sub(r"^```.*?^```$", "", text, flags=re.S | re.M)
    return [b.strip("\n") for b in re.split(r"\n\s*\n", text) if b.strip()]


def plain(md_text: str) -> str:
    return " ".join(BeautifulSoup(markdown.markdown(md_text), "html.parser").get_text().split())


def squash(text: str) -> str:
    """Text without any whitespace: rendering moves spaces around tags, never words.
    Quotes and dashes are made straight: the site prints them curly (smarty)."""
    return re.sub(r"\s+", "", straight(text))



def norm(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- helpers

def new_project(base: Path) -> Project:
    """The mini project without its story, drawing small placeholders in-process (fast)."""
    proj = make_project(base)
    shutil.rmtree(proj.story)
    config_path = proj.root / "mkdocs.yml"
    config = yaml.safe_load(config_path.read_text("utf-8"))
    for i, entry in enumerate(config.get("plugins", [])):
        if entry == "graphic-novel" or (isinstance(entry, dict) and "graphic-novel" in entry):
            settings_ = (entry.get("graphic-novel") if isinstance(entry, dict) else None) or {}
            settings_.update(concurrency=1, panel_width=320, panel_height=180)
            config["plugins"][i] = {"graphic-novel": settings_}
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    return proj


def digest(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def page(stem: str) -> str:
    return f"chapters/{stem}/index.html"


@pytest.fixture(scope="module", params=NAMES)
def imported(request, tmp_path_factory):
    """A fixture answer imported into a fresh project and built (strict)."""
    name = request.param
    proj = new_project(tmp_path_factory.mktemp(name))
    notes: list[str] = []
    written = import_file(FIXTURES / f"{name}.md", proj.story, force=False, notes=notes)
    result = proj.build()
    assert result.ok, result.error + "\n" + result.log
    return name, proj, result, written, notes


# --------------------------------------------------------------------------- round trip

def test_import_writes_the_story_files_and_builds(imported):
    name, proj, result, written, _ = imported
    stems = [c[0] for c in CHAPTERS[name]]
    assert [p.relative_to(proj.story).as_posix() for p in written] == [
        "story.yaml", "image_prompts.yaml", "references.yaml",
        *[f"chapters/{s}.md" for s in stems]]
    assert "WARNING" not in result.log
    story = load_story(proj.story)
    assert [(c.slug, c.title, c.kind, c.custom_label) for c in story.chapters] == CHAPTERS[name]
    assert list(story.panels) == PANEL_IDS[name]
    for stem in stems:
        assert (proj.site / page(stem)).is_file()


def test_every_prompt_is_on_its_chapter_page_word_for_word(imported):
    name, proj, result, _, _ = imported
    _, sections, _ = split_fixture(read_fixture(name))
    assert len(sections) == len(CHAPTERS[name])
    for (stem, *_), section in zip(CHAPTERS[name], sections):
        soup = result.html(page(stem))
        shown = []
        for figure in soup.select("figure.gn-panel"):
            block = figure.find_next_sibling()
            assert block.name == "details" and "gn-prompt" in block["class"], stem
            shown.append(block.select_one("button.gn-copy")["data-clipboard-text"])
        # The copy button gives an image generator the shared style, then the
        # prompt as plain text (prompt_text.image_prompt).
        wanted = [plain_text(p) for _, p in prompts_in(section)]
        # Every prompt of the section, in order (a panel without one has a stand-in).
        it = iter(shown)
        assert all(any(s.endswith(w) for s in it) for w in wanted), (stem, wanted, shown)
        images = re.sub(r"^```.*?^```$", "", section, flags=re.S | re.M).count("![](")
        # One panel per image (not those in code), plus one per prompt with no image.
        assert len(shown) == images + (1 if stem == "03-two-lanterns" else 0), stem


def test_cover_and_narrative_prompts_are_on_the_cover_page(imported):
    name, proj, result, _, _ = imported
    preamble, _, _ = split_fixture(read_fixture(name))
    found = dict(prompts_in(preamble))
    soup = result.html("index.html")
    narrative = soup.select_one("details#narrative-prompt button.gn-copy")
    wanted = [v for k, v in found.items() if "Narrative" in k]
    shown = narrative["data-clipboard-text"] if narrative else None
    assert shown == (wanted[0] if wanted else None)
    cover = soup.select_one("details#prompt-cover button.gn-copy")
    wanted = [v for k, v in found.items() if "Cover" in k]
    assert (cover["data-clipboard-text"].endswith(plain_text(wanted[0])) if cover else None) \
        == (True if wanted else None)
    assert (soup.select_one("figure.gn-cover-panel") is not None) == bool(wanted)


def test_every_paragraph_list_quote_and_table_reaches_the_built_pages(imported):
    name, proj, result, _, _ = imported
    preamble, sections, _ = split_fixture(read_fixture(name))
    stems = [c[0] for c in CHAPTERS[name]]
    # Text before the first chapter (not title, cover, prompts) lands in the first one.
    extra = [b for b in blocks_in(preamble) if not b.startswith(("# ", "![", "<"))]
    for i, (stem, section) in enumerate(zip(stems, sections)):
        content = result.html(page(stem)).select_one(".md-content")
        text = squash(content.get_text())
        tables = [[[norm(c.get_text()) for c in tr.find_all(["th", "td"])]
                   for tr in t.find_all("tr")] for t in content.find_all("table")]
        blocks = (extra if i == 0 else []) + blocks_in(section)
        for block in blocks:
            if block.startswith("|"):
                rows = [[norm(c) for c in line.strip().strip("|").split("|")]
                        for line in block.splitlines() if not re.match(r"^\|[-| ]+\|$", line)]
                assert rows in tables, (stem, rows)
            elif block.startswith(("#", "![")):
                continue  # headings are checked in order below; images are panels
            else:
                assert squash(plain(block)) in text, (stem, block)


def test_headings_keep_their_order(imported):
    name, proj, result, _, _ = imported
    _, sections, _ = split_fixture(read_fixture(name))
    wanted, shown = [], []
    for (stem, title, *_), section in zip(CHAPTERS[name], sections):
        wanted.append(title)
        fence = False
        for line in section.splitlines():
            fence = fence != line.startswith("```")
            if not fence and re.match(r"^#{2,6} ", line):
                wanted.append(line.lstrip("#").strip())
        content = result.html(page(stem)).select_one(".md-content")
        shown += [norm(h.get_text()) for h in content.find_all(re.compile(r"^h[1-6]$"))]
    assert shown == wanted


def test_every_reference_keeps_its_title_link_and_trailing_text(imported):
    name, proj, result, _, _ = imported
    _, _, refs = split_fixture(read_fixture(name))
    items = result.html("references/index.html").select("ol.gn-references > li")
    got = []
    for li in items:
        link = li.select_one(".gn-ref-title a")
        note = li.select_one(".gn-ref-note")
        got.append((li.select_one(".gn-ref-title").get_text(), link["href"] if link else None,
                    note.get_text() if note else None))
    if name == "quirks":
        assert got == [
            ("The market's own page", "https://example.org/night-market", "run by volunteers"),
            ("A pamphlet handed out at the gate, 2022", None, None),
            ("https://example.org/council/minutes", "https://example.org/council/minutes", None),
            ("Write to the organisers", None, "for stall bookings"),  # mailto: dropped
            ("Council licence register", "https://example.org/licences", "updated monthly"),
        ]
        return
    wanted = []
    for line in refs.splitlines():
        m = re.match(r"^\s*(?:-|\d+\.)\s+\[(.+?)\]\((.+?)\)(.*)$", line)
        if m:
            note = re.sub(r"^\s*(?:- )?", "", m.group(3)).strip()
            wanted.append((m.group(1), m.group(2), note or None))
    assert len(wanted) >= 3 and got == wanted


# --------------------------------------------------------------------------- the mapping

def test_shape_a_title_labels_and_prompts():
    story = parse_answer(read_fixture("shape_a"), "shape_a.md")
    assert (story.title, story.subtitle) == ("The Beekeepers of Hollow Hill",
                                             "How a Village Kept Its Bees Alive")
    assert story.cover is None
    assert story.narrative_prompt.startswith("Title: a village that nursed its bees")
    assert story.narrative_prompt.endswith("soft watercolour wide-landscape drawing.")
    prompts = {p.id: p.prompt for p in story.panels}
    # "Image 1:" and "2:" labels are gone, the rest is intact.
    assert prompts["00-empty-hives"] == (
        "Create a soft watercolour wide-landscape drawing of a row of silent wooden hives on "
        "a frosty hillside at sunrise.")
    assert prompts["01-barn"].startswith("A soft watercolour wide-landscape drawing of forty")
    assert prompts["01-barn"].endswith('a chalkboard that reads "SAVE THE BEES".')
    # Indented prompt text and closing tag: the shared indent goes, line breaks stay.
    assert prompts["02-clover"] == (
        "A soft watercolour wide-landscape drawing of children scattering clover seed along a "
        "country lane.\nButterflies and a single bumblebee hover above them.")
    assert prompts["13-humming"].startswith("A soft watercolour wide-landscape drawing of Hollow")
    files = render_files(story)
    loaded = yaml.safe_load(files["image_prompts.yaml"])
    assert {p["id"]: p["prompt"] for p in loaded["panels"]} == prompts
    text = files["image_prompts.yaml"]
    assert "Image 1:" not in text and "Image 3:" not in text and "\n  13:" not in text
    assert "cover" not in yaml.safe_load(files["story.yaml"])
    # Readable alt text, with the "Create a ... drawing of" opening cut.
    alts = {p.id: p.alt for p in story.panels}
    assert alts["00-empty-hives"] == ("A row of silent wooden hives on a frosty hillside at "
                                      "sunrise.")
    assert alts["01-ledger"].startswith("A thick green ledger open on a kitchen table")
    assert [p.title for p in story.panels[1:3]] == ["The Meeting in the Barn",
                                                    "The Meeting in the Barn (2)"]
    # The section heading becomes front matter, not a "#" line in the body.
    barn = files["chapters/02-the-meeting-in-the-barn.md"]
    assert "Chapter 1" not in barn and "\n# " not in barn and "### What They Agreed" in barn
    assert yaml.safe_load(FRONT_MATTER_RE.match(barn).group(1))["summary"] == (
        "The whole village came, even the baker, who was allergic to bees.")
    assert story.chapters[0].body.startswith("This tale is told in the words")  # intro kept
    assert [n for n in story.notes if "alt text of 6 panels was written" not in n] == []


def test_shape_b_front_matter_cover_and_sections():
    story = parse_answer(read_fixture("shape_b"), "shape_b.md")
    assert story.title == "The Signal Girl"
    assert story.subtitle.startswith("A graphic-novel story of the telegraph operator")
    assert story.cover is not None and story.cover.id == "cover"
    assert story.cover.prompt.startswith('Please generate a wide-landscape 16:9 cover image')
    assert story.cover.prompt.endswith("muted blues with one warm lamp.")
    assert story.narrative_prompt.startswith("This is a 4-panel graphic novel about Ada Pell")
    assert "* End with what her courage teaches us." in story.narrative_prompt
    first = story.panels[0]
    assert first.prompt == (
        "I am about to ask you to generate a series of images for a graphic novel. Use an ink "
        "and wash style with muted blues throughout.\n\n"
        "Please generate a 16:9 image in an ink and wash style depicting panel 1 of 4. A "
        "telegraph hut on a cliff at night, the wire sagging under ice, a young woman pressing "
        "her ear to the sounder.\n"
        "Generate the image immediately without asking clarifying questions.")
    # The alt text skips the instructions to the chat model.
    assert first.alt == ("A telegraph hut on a cliff at night, the wire sagging under ice, a "
                         "young woman pressing her ear to the sounder.")
    files = render_files(story)
    meta = yaml.safe_load(files["story.yaml"])
    assert meta == {"title": "The Signal Girl", "subtitle": story.subtitle, "cover": "cover"}
    epilogue = files["chapters/06-what-made-her-different.md"]
    assert "| Her hands were frozen | She used her teeth | Use what you have |" in epilogue
    assert "Call to Action" not in epilogue
    refs = yaml.safe_load(files["references.yaml"])
    assert refs[0] == {"id": "ref-1", "title": "County Museum: The Cliff Station",
                       "url": "https://example.org/museum/cliff-station",
                       "note": "Exhibit on the telegraph hut and its operators"}


def test_shape_a_reference_spacing_and_tabs():
    refs = parse_answer(read_fixture("shape_a"), "a.md").references
    assert [(r.id, r.note) for r in refs] == [
        ("ref-1", ""), ("ref-2", "arXiv:2101.00001"), ("ref-3", "Example Gazette- Tue, Jun 4 2024"),
        ("ref-4", "Orchard Society, 2019"), ("ref-5", "Second edition")]
    assert refs[4].title == "A beekeeper's handbook"


def test_quirks_are_noted_for_the_author():
    story = parse_answer(read_fixture("quirks"), "quirks.md")
    notes = "\n".join(story.notes)
    assert "'01.setup.png' is not a usable panel id; the panel is '01-setup'" in notes
    assert "'03 closing.png' is not a usable panel id; the panel is '03-closing'" in notes
    assert "'lantern.png' is used by another image too; the panel is 'lantern-2'" in notes
    assert "has no prompt" in notes and "mailto:" in notes
    assert all(n.startswith("quirks.md:") for n in story.notes)
    setting_up = next(c for c in story.chapters if c.title == "Setting Up")
    assert "&#91;@not-a-citation]" in setting_up.body  # shown as written, not a citation
    assert "<summary>Behind the scenes</summary>" in setting_up.body  # other details kept
    assert "## Chapter 9: this is code, not a chapter" in setting_up.body
    assert "![](./not-a-panel.png)" in setting_up.body  # code left alone
    closing = next(p for p in story.panels if p.id == "03-closing")
    assert closing.prompt.endswith("\n\n   Second paragraph: keep the lines loose and sketchy.")


def test_crlf_and_bom_give_the_same_files(tmp_path):
    text = read_fixture("shape_a")
    lf, crlf = tmp_path / "lf.md", tmp_path / "crlf.md"
    lf.write_bytes(text.encode("utf-8"))
    crlf.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    import_file(lf, tmp_path / "a", force=False)
    import_file(crlf, tmp_path / "b", force=False)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    assert b"\r" not in (tmp_path / "b/image_prompts.yaml").read_bytes()


def test_awkward_prompt_text_survives_yaml_exactly(tmp_path):
    awkward = [
        "key: value # not a comment\n- not a list\n---\n...\n  indented line",
        "Trailing spaces   \nand a\ttab, 'single' \"double\" quotes, & < > and {braces}: [x]",
        "   \n\u00e9t\u00e9 \u2014 \u65e5\u672c \U0001f41d, a NEL\x85here and \u2028 too",
        "true", "1901", "- dash first", "@at sign", "| pipe", "> quote", "% percent",
    ]
    answer = "# Odd Prompts\n\n" + "".join(
        f"## Chapter {i}: Odd {i}\n\n![](./odd-{i}.png)\n<details><summary>Image Prompt"
        f"</summary>\n{p}\n</details>\n\nText {i}.\n\n" for i, p in enumerate(awkward, 1))
    story = parse_answer(answer, "odd.md")
    files = render_files(story)
    panels = yaml.safe_load(files["image_prompts.yaml"])["panels"]
    assert [p["prompt"] for p in panels] == [p.strip() for p in awkward]
    write_files(files, tmp_path / "story", force=False)
    loaded = load_story(tmp_path / "story")
    assert [p.prompt for p in loaded.panels.values()] == [p.strip() for p in awkward]


def test_a_prompt_cannot_be_empty_and_headings_without_titles_still_load(tmp_path):
    answer = ("# T\n\n## Chapter 1\n\n![](./a.png)\n<details><summary>Image Prompt</summary>\n"
              "3:\n</details>\n\n## Epilogue\n\nEnd.\n\n## Call to Action: Go outside\n\nNow.\n")
    story = parse_answer(answer, "t.md")
    assert [(c.title, c.kind, c.label) for c in story.chapters] == [
        ("Chapter 1", "chapter", ""), ("Epilogue", "epilogue", ""),
        ("Go outside", "appendix", "Call to Action")]
    assert story.panels[0].prompt  # a stand-in, noted
    assert any("has no prompt" in n for n in story.notes)
    write_files(render_files(story), tmp_path / "story", force=False)
    load_story(tmp_path / "story")


# --------------------------------------------------------------------------- writing

def test_second_import_refuses_without_force_and_replaces_with_it(tmp_path):
    src, story_dir = FIXTURES / "shape_b.md", tmp_path / "story"
    import_file(src, story_dir, force=False)
    before = digest(story_dir)
    with pytest.raises(StoryError) as info:
        import_file(src, story_dir, force=False)
    assert str(info.value).startswith(f"{story_dir}: this folder already holds a story "
                                      "(10 files, 7 chapters)") and "--force" in str(info.value)
    assert digest(story_dir) == before
    (story_dir / "story.yaml").write_text("title: Edited\n", "utf-8")
    (story_dir / "chapters/05-the-medal.md").write_text("changed", "utf-8")
    edited = digest(story_dir)
    written = import_file(src, story_dir, force=True)
    assert digest(story_dir) == before and len(written) == len(before)
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    backups = [p for p in tmp_path.iterdir() if p.name.startswith("story.backup-")]
    assert len(backups) == 1 and digest(backups[0]) == edited


def test_one_existing_file_blocks_everything(tmp_path):
    story_dir = tmp_path / "story"
    (story_dir / "chapters").mkdir(parents=True)
    clash = story_dir / "chapters/03-out-along-the-line.md"
    clash.write_text("mine", "utf-8")
    with pytest.raises(StoryError, match=r"already holds a story.*1 file, 1 chapter.*--force"):
        import_file(FIXTURES / "shape_b.md", story_dir, force=False)
    assert digest(story_dir) == {"chapters/03-out-along-the-line.md":
                                 hashlib.sha256(b"mine").hexdigest()}


def test_write_files_stays_inside_the_story_folder(tmp_path):
    for bad in ["../escape.md", "/abs.md", "a/../../b.md"]:
        with pytest.raises(StoryError):
            write_files({"story.yaml": "title: x\n", bad: "x"}, tmp_path / "story", force=True)
    assert not (tmp_path / "story").exists() and not (tmp_path / "escape.md").exists()


@pytest.mark.parametrize("content, expected", [
    (b"# T\n\n## Chapter 1: \xff\xfe broken\n", "not valid UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL"),
    (b"", "empty"),
    (b"\xef\xbb\xbf  \r\n\t\n", "empty"),
    (b"Just a paragraph of text, no headings at all.\n\nAnother one.\n", "no Markdown headings"),
    (b"# A Title Only\n\nSome words.\n\n## References\n\n- [a](https://example.org)\n",
     "no chapter sections"),
    # A folder of stories' own index page: a grid of cards, one per story.
    (b'# Our Stories\n\n<div class="grid cards" markdown>\n\n'
     b"- **[The Keeper](keeper/index.md)**\n\n    ![](keeper/cover.png)\n\n    A brave girl.\n\n"
     b"- **[Lens Makers](lens-makers/index.md)**\n\n    Glass, patience.\n\n"
     b"- **[Ice Bridge](ice-bridge/)**\n\n</div>\n\n## More soon\n\nMaybe.\n",
     "this is a list of 3 stories, not a story (it links to keeper/index.md, "
     "lens-makers/index.md ...)"),
])
def test_unusable_input_is_one_story_error_and_writes_nothing(tmp_path, content, expected):
    src = tmp_path / "answer.md"
    src.write_bytes(content)
    for story_dir, setup in [(tmp_path / "fresh", False), (tmp_path / "kept", True)]:
        if setup:
            (story_dir / "chapters").mkdir(parents=True)
            (story_dir / "story.yaml").write_text("title: Kept\n", "utf-8")
        before = digest(story_dir)
        with pytest.raises(StoryError) as info:
            import_file(src, story_dir, force=True)
        assert "answer.md" in str(info.value) and expected in str(info.value)
        assert "\n" not in str(info.value)
        assert digest(story_dir) == before
        assert story_dir.exists() == setup


def test_missing_input_file(tmp_path):
    with pytest.raises(StoryError, match=r"nope\.md: cannot read the file"):
        import_file(tmp_path / "nope.md", tmp_path / "story", force=False)
    assert not (tmp_path / "story").exists()


# --------------------------------------------------------------------------- any text at all

FRAGMENTS = [
    "# T", "## Chapter 1: x", "## Panel 2 - y", "## Prologue: p", "## Epilogue", "### Prologue – a",
    "### Epilogue - e", "### Call to Action", "### sub", "#### deeper", "## References",
    "## Sources", "![](./a.png)", "![](./a.png)", "![x](<./a b.png>)", "![](./.png)",
    "![](https://example.org/x.png)", "<details>", "</details>", " </details>",
    '<details class="show-prompt">', "<summary>Image Prompt</summary>",
    "  <summary>Show Narrative Prompt</summary>", "<details><summary>Image Prompt</summary>",
    "<details><summary>Cover Image Prompt</summary>", "<summary>Other</summary>",
    "- [a](b)", "1. [a](http://x) - y", "-    [t](mailto:x)\tnote", "* plain item", "```",
    "~~~", "---", "...", "title: x", "Image 1: a prompt", "3: b", "[@x]", "`[@y]`",
    "| a | b |", "|---|---|", "\t", " ", "", "text. More text.", "\ufeff", "\r", "\x85",
]
markdownish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)),
                       max_size=40).map("\n".join)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.one_of(st.text(), markdownish))
def test_any_text_gives_a_story_or_a_story_error(text):
    try:
        story = parse_answer(text, "answer.md")
    except StoryError as exc:
        assert str(exc).startswith("answer.md") and "\n" not in str(exc)
        return
    assert isinstance(story, ImportedStory) and story.chapters
    files = render_files(story)
    prompts = yaml.safe_load(files["image_prompts.yaml"])
    assert [p["prompt"] for p in prompts["panels"]] == \
        [p.prompt for p in ([story.cover] if story.cover else []) + story.panels]
    assert yaml.safe_load(files["story.yaml"])["title"] == story.title
    assert isinstance(yaml.safe_load(files["references.yaml"]), list)
    for chapter in story.chapters:
        front = yaml.safe_load(FRONT_MATTER_RE.match(files[chapter.file_name]).group(1))
        assert front["title"] == chapter.title
    # And the real loader takes what was written.
    with tempfile.TemporaryDirectory() as tmp:
        write_files(files, Path(tmp) / "story", force=False)
        load_story(Path(tmp) / "story")
