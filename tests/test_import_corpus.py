"""A corpus of made-up chat-model answers, one per shape and variation seen in
published stories (tests/fixtures/import-corpus/, expected.yaml says what
each must give). Each is imported with `graphic-novel new DIR --from` and
built strict with no edit; every prompt in it must be on the built site word
for word, and no two panels may share alt text or have alt text that is an
instruction to the model.

The prompts a case holds are found here by a small reader of its own (a
``<details>`` block whose summary mentions a prompt, or is empty), not by the
importer's code.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import Project, straight
from graphic_novel.cli import main
from graphic_novel.prompt_text import plain_text

CORPUS = Path(__file__).parent / "fixtures" / "import-corpus"
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text("utf-8"))
CASES = sorted(EXPECTED)

DETAILS_RE = re.compile(r"<details[^>]*>\s*<summary>(?P<summary>[^<]*)(?:</summary>|<summary>)"
                        r"(?P<body>(?:(?!<details).)*?)</details>", re.S | re.I)
LABEL_RE = re.compile(r"^(?:(?:cover\s+)?image\s*\d*\s*:?|panel\s+\d+\s*:|\d+\s*:)[ \t]*", re.I)
INSTRUCTION_RE = re.compile(r"^\W*(?:please|generate|create|draw|make|do not|don't|this is "
                            r"panel|i am|i'm|i want|you are|a graphic novel\.?$)", re.I)
COUNTS_RE = re.compile(r"^Found (\d+) chapters?, (\d+) panels?, (\d+) prompts? and "
                       r"(\d+) references? in ", re.M)


def prompts_in(text: str) -> list[tuple[str, str]]:
    """(summary, text as it should be kept, a leading label aside) of every
    prompt block."""
    found = []
    for m in DETAILS_RE.finditer(text):
        summary = m.group("summary").strip().lower()
        if summary and "prompt" not in summary:
            continue
        body = textwrap.dedent(m.group("body").strip("\n"))
        if "narrative" not in summary and "references" not in summary:
            body = LABEL_RE.sub("", body, count=1)
        found.append((summary, body.strip()))
    return found


def squash(text: str) -> str:
    return re.sub(r"\s+", "", straight(text))


def site_text(site: Path) -> tuple[str, str, str]:
    """(every copy button's text, every page's text, the text in code), squashed."""
    buttons, pages, code = [], [], []
    for page in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        buttons += [b.get("data-clipboard-text", "") for b in soup.select("button.gn-copy")]
        code += [c.get_text() for c in soup.select("article code")]
        pages.append(soup.get_text(" "))
    return squash("\n".join(buttons)), squash("\n".join(pages)), squash("\n".join(code))


def _import(name: str, tmp: Path, capsys) -> tuple[Path, str]:
    root = tmp / "novel"
    code = main(["new", str(root), "--from", str(CORPUS / name)])
    out = capsys.readouterr().out
    assert code == 0, out
    return root, out


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 30
    assert all((CORPUS / name).is_file() for name in CASES)


@pytest.mark.parametrize("name", CASES)
def test_case_imports_builds_and_keeps_every_prompt(name, tmp_path, capsys):
    want = EXPECTED[name]
    root, out = _import(name, tmp_path, capsys)
    counts = COUNTS_RE.search(out)
    assert counts, out
    assert [int(n) for n in counts.groups()] == [want["chapters"], want["panels"],
                                                 want["prompts"], want["references"]], out
    notes = [line for line in out.splitlines() if line.startswith("note: ")]
    for expected in want.get("notes", []):
        assert any(expected in note for note in notes), (expected, notes)
    assert len(notes) == want.get("note_count", len(notes)), notes
    result = Project(root).build()
    assert result.ok, result.error + "\n" + result.log
    assert "WARNING" not in result.log, result.log
    buttons, pages, code = site_text(root / "site_build")
    for summary, prompt in prompts_in((CORPUS / name).read_text("utf-8")):
        # A panel's or the narrative prompt is behind a copy button, as plain
        # text; the references prompt is folded on a page, rendered.
        hay = pages if "references" in summary else buttons
        wanted = (squash(plain_text(prompt)), squash(prompt))
        assert any(w in hay for w in wanted), (name, prompt[:80])
    for text in want.get("in_code", []):
        assert squash(text) in code, (name, text)
    for text in want.get("on_site", []):
        assert squash(text) in pages, (name, text)
    for text in want.get("not_on_site", []):
        assert squash(text) not in pages, (name, text)


@pytest.mark.parametrize("name", CASES)
def test_alt_text_is_unique_and_describes_the_picture(name, tmp_path, capsys):
    root, _ = _import(name, tmp_path, capsys)
    panels = yaml.safe_load((root / "story/image_prompts.yaml").read_text("utf-8"))["panels"]
    alts = [p["alt"] for p in panels]
    assert len(set(alts)) == len(alts), alts
    for alt in alts:
        assert not INSTRUCTION_RE.match(alt), alt
        assert len(alt) <= 150, alt
