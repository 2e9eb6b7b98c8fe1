"""A synthetic story of any length, the same text at every size: the
benchmark's input, and the tests' whenever they need a long story.

``make_story(n)`` gives n chapters (one panel each, prose with dialogue, a
heading and two or three citations, prompts of 100-150 words); the first k
chapters are identical whatever n is. ``write_plugin_project`` writes it as a
graphic-novel project, ``write_plain_project`` as a hand-made Material site
with the same text and pictures.

This module lives outside the runtime package: nothing a story site needs
imports it.
"""

from __future__ import annotations

import json
import random
import shutil
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from graphic_novel.scaffold import MKDOCS_YML, THEME_YML

NAMES = ["Priya", "Marcus", "Sofia", "Kenji", "Amara", "Tomas", "Lena", "Ravi"]
PLACES = ["harbour", "data hall", "rooftop garden", "night market", "lighthouse", "archive",
          "train depot", "observatory", "workshop", "canteen", "server aisle", "boardroom",
          "library", "greenhouse", "loading dock", "bridge", "museum", "ferry terminal"]
THINGS = ["lantern", "ledger", "compass", "prototype", "map", "signal", "engine", "telescope",
          "notebook", "clock", "kite", "radio", "blueprint", "circuit", "parcel", "key",
          "banner", "drone", "satchel", "whiteboard", "cable", "tablet", "crate", "model"]
ADJS = ["bright", "quiet", "restless", "golden", "patient", "enormous", "fragile", "stubborn",
        "humming", "crowded", "careful", "sudden", "electric", "faded", "brave", "curious",
        "hidden", "tangled", "polished", "distant", "warm", "cold", "sleepy", "urgent"]
VERBS = ["studied", "carried", "unfolded", "tested", "repaired", "measured", "sketched",
         "counted", "followed", "questioned", "rebuilt", "watched", "opened", "traced",
         "weighed", "balanced", "sorted", "polished", "checked", "launched"]
TIMES = ["By noon", "Just after dawn", "Later that evening", "Before anyone noticed",
         "Within the hour", "On the third morning", "By the time the rain stopped",
         "Somewhere past midnight", "At the end of the week", "For a long moment"]
SAYS = ["said", "asked", "muttered", "replied", "laughed", "whispered", "added", "called"]
UTTERANCES = [
    "We have one chance to get the {thing} right, so let's not waste it",
    "If the {thing} fails tonight, the whole {place} will know by breakfast",
    "I measured it twice and the numbers still don't agree",
    "Nobody said it would be easy, only that it would be worth it",
    "Bring the {adj} {thing}, and bring the spare one too",
    "That is either brilliant or the worst idea I've heard this year",
    "Give me ten minutes and a clean whiteboard",
    "The {place} was never built for this many people",
    "How much does a {thing} like that cost, roughly",
    "We should write this down before we forget how we did it",
    "Is it supposed to make that noise",
    "Trust the process, and check the process, and then check it again",
]
NARRATION = [
    "{Name} {verb} the {adj} {thing} by the window of the {place}",
    "The {place} smelled of coffee, warm dust and something {adj}",
    "{Time}, the {thing} had become the most talked-about object in the {place}",
    "Every few minutes someone stopped to look at the {thing}, then walked on a little faster",
    "{Name} and {Name2} had argued about the {thing} for most of the afternoon",
    "Outside, the {place} was {adj} in a way that made everyone lower their voices",
    "The plan needed a {adj} {thing}, three signatures and more patience than anyone had",
    "{Name} wrote the numbers on the back of a receipt and pushed it across the table",
    "Nobody in the {place} had seen a {thing} quite so {adj} before",
    "{Time}, {Name} {verb} the {thing} one last time and pronounced it ready",
    "The {adj} light of the {place} fell across the desks in long stripes",
    "It was not the first {thing} the team had built, but it was the first that worked",
    "{Name2} kept a list of everything that could go wrong, and the list kept growing",
    "Somewhere behind the {place}, a {thing} was beeping with {adj} persistence",
    "The cost, when it finally arrived, had more zeros than {Name} had expected",
]
PROMPT_BITS = [
    "{Name}, in the foreground, {verb} a {adj} {thing} with both hands",
    "behind them the {place} stretches into the distance under a {adj} sky",
    "{Name2} leans on a railing, grinning, a {thing} tucked under one arm",
    "warm rim light from the left, soft gradients, clean confident ink outlines",
    "a small glowing llama made of blue-violet light peeks out from behind a {thing}",
    "a row of {adj} screens shows charts climbing from left to right",
    "paper notes and sticky labels cover every surface",
    "the composition leaves the upper third open for a caption box",
    "expressive faces, a touch of humour, flat cel-shaded colour",
    "the palette is sky blue, coral, sunny yellow and mint green with deep indigo shadows",
    "small details reward a second look: a mug, a {thing}, a half-eaten sandwich",
    "seen from a low angle so the {place} feels grand and a little absurd",
]


def _fill(rng: random.Random, template: str) -> str:
    names = rng.sample(NAMES, 2)
    return template.format(Name=names[0], Name2=names[1], place=rng.choice(PLACES),
                           thing=rng.choice(THINGS), adj=rng.choice(ADJS),
                           verb=rng.choice(VERBS), Time=rng.choice(TIMES))


def _sentence(rng: random.Random) -> str:
    return _fill(rng, rng.choice(NARRATION)) + "."


def _dialogue(rng: random.Random) -> str:
    first = _fill(rng, rng.choice(UTTERANCES))
    who = rng.choice(NAMES)
    mark = "?" if first.startswith(("How", "Is")) else ","
    line = f'"{first}{mark}" {rng.choice(SAYS)} {who}.'
    if rng.random() < 0.6:
        line += f' "{_fill(rng, rng.choice(UTTERANCES))}."'
    return line


def word_count(text: str) -> int:
    return len(text.split())


@dataclass
class ChapterSpec:
    slug: str
    title: str
    summary: str
    panel_id: str
    panel_title: str
    alt: str
    prompt: str
    body: str  # the text after the panel line, with [@id] citations


@dataclass
class StorySpec:
    title: str
    subtitle: str
    author: str
    style: str
    narrative: str
    cover_prompt: str
    cover_alt: str
    references: list[dict]
    chapters: list[ChapterSpec] = field(default_factory=list)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _prompt(rng: random.Random, low: int = 100, high: int = 150) -> str:
    target = rng.randint(low, high)
    bits = ["A bright, colourful wide-landscape (16:9) graphic-novel drawing of the "
            f"{rng.choice(PLACES)} at a {rng.choice(ADJS)} moment"]
    pool: list[str] = []
    while word_count(". ".join(bits)) < target:
        if not pool:
            pool = rng.sample(PROMPT_BITS, len(PROMPT_BITS))
        bits.append(_fill(rng, pool.pop()))
    text = ". ".join(_cap(b) for b in bits) + "."
    words = text.split()
    if len(words) > high:
        text = " ".join(words[:high]).rstrip(".,") + "."
    # A little Markdown, as authors write it.
    return text.replace(" glowing llama", " *glowing* llama", 1)


def _chapter_text(rng: random.Random, ref_ids: list[str]) -> str:
    target = rng.randint(450, 600)
    paragraphs: list[str] = []
    heading_done = False
    while word_count("\n".join(paragraphs)) < target:
        if paragraphs and not heading_done and word_count("\n".join(paragraphs)) > target / 2:
            paragraphs.append(f"## The {rng.choice(ADJS)} {rng.choice(THINGS)}")
            heading_done = True
            continue
        kind = rng.random()
        if kind < 0.45:
            paragraphs.append(" ".join(_sentence(rng) for _ in range(rng.randint(3, 5))))
        elif kind < 0.9:
            paragraphs.append(_dialogue(rng))
        else:
            paragraphs.append(_sentence(rng))
    # Two or three citations, one of them sometimes a pair.
    prose = [i for i, p in enumerate(paragraphs) if not p.startswith("#")]
    for i in sorted(rng.sample(prose, min(len(prose), rng.randint(2, 3)))):
        if rng.random() < 0.3:
            a, b = rng.sample(ref_ids, 2)
            cite = f"[@{a}; @{b}]"
        else:
            cite = f"[@{rng.choice(ref_ids)}]"
        text = paragraphs[i]
        cut = text.find(". ")
        cut = cut if cut > 0 else len(text) - 1
        paragraphs[i] = text[:cut] + f" {cite}" + text[cut:]
    return "\n\n".join(paragraphs)


REFERENCES = 15  # a story's reference list


def make_story(chapters: int, parts: int = 1) -> StorySpec:
    """A deterministic story; the first N chapters are the same at every size.

    With ``parts``, the story carries what ``parts`` stories of chapters/parts chapters
    would together: REFERENCES for each part (copies of the first list under ids of
    their own), each part's chapters citing its own. The bench's shelf compares ten
    stories with one such story, so both carry the same content."""
    rng = random.Random("graphic-novel-bench")
    references = []
    for n in range(1, REFERENCES + 1):
        ref = {"id": f"ref-{n:02d}-{rng.choice(THINGS)}",
               "title": f"The {rng.choice(ADJS)} {rng.choice(THINGS)}: a report on the "
                        f"{rng.choice(PLACES)}",
               "url": f"https://example.org/reports/{n}",
               "publisher": rng.choice(["Example Press", "arXiv", "The Daily Ledger",
                                        "Harbour Review"]),
               "date": f"20{rng.randint(15, 24)}-{rng.randint(1, 12):02d}"}
        if n % 3:
            ref["note"] = _sentence(rng)
        references.append(ref)
    blocks = [[r["id"] for r in references]]
    for part in range(2, parts + 1):
        copies = [dict(r, id=f"{r['id']}-{part}") for r in references[:REFERENCES]]
        references += copies
        blocks.append([r["id"] for r in copies])
    spec = StorySpec(
        title="The Benchmark Lighthouse",
        subtitle="A synthetic story for measuring builds",
        author="graphic-novel bench",
        style=" ".join(_cap(_fill(rng, b)) + "." for b in rng.sample(PROMPT_BITS, 8)),
        narrative="\n\n".join(_prompt(rng, 60, 90) for _ in range(3)),
        cover_prompt=_prompt(rng),
        cover_alt="The whole cast in front of the lighthouse at dusk, its lamp just lit.",
        references=references)
    width = max(2, len(str(chapters)))
    for i in range(1, chapters + 1):
        crng = random.Random(f"chapter-{i}")  # independent of the size
        thing, adj = crng.choice(THINGS), crng.choice(ADJS)
        title = f"The {adj.capitalize()} {thing.capitalize()}"
        slug = f"{i:0{width}d}-the-{adj}-{thing}"
        panel = f"{i:0{width}d}-{thing}"
        spec.chapters.append(ChapterSpec(
            slug=slug, title=title,
            summary=_sentence(crng),
            panel_id=panel,
            panel_title=f"{crng.choice(NAMES)} and the {adj} {thing}",
            alt=f"{_fill(crng, crng.choice(PROMPT_BITS)).capitalize()}.",
            prompt=_prompt(crng),
            body=_chapter_text(crng, blocks[(i - 1) * parts // chapters])))
    return spec


def _block(text: str, indent: int) -> str:
    pad = " " * indent
    out = []
    for para in text.split("\n\n"):
        out.extend(pad + line for line in textwrap.wrap(para, 78))
        out.append("")
    return "\n".join(out[:-1]) + "\n"


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON strings are valid YAML


def write_prompts(root: Path, spec: StorySpec) -> None:
    lines = ["style: >-", _block(spec.style, 2).rstrip("\n"),
             "narrative_prompt: |", _block(spec.narrative, 2).rstrip("\n"), "panels:",
             "  - id: cover", f"    title: {_q(spec.title)}", f"    alt: {_q(spec.cover_alt)}",
             "    prompt: |", _block(spec.cover_prompt, 6).rstrip("\n")]
    for ch in spec.chapters:
        lines += [f"  - id: {ch.panel_id}", f"    title: {_q(ch.panel_title)}",
                  f"    alt: {_q(ch.alt)}", "    prompt: |", _block(ch.prompt, 6).rstrip("\n")]
    (root / "story" / "image_prompts.yaml").write_text("\n".join(lines) + "\n", "utf-8")


def chapter_file(root: Path, ch: ChapterSpec) -> Path:
    return root / "story" / "chapters" / f"{ch.slug}.md"


def write_chapter(root: Path, ch: ChapterSpec) -> None:
    text = (f"---\ntitle: {_q(ch.title)}\nsummary: {_q(ch.summary)}\n---\n\n"
            f"![]({ch.panel_id}.png)\n\n{ch.body}\n")
    chapter_file(root, ch).write_text(text, "utf-8")


def write_plugin_project(root: Path, spec: StorySpec, pdf: bool = True) -> None:
    """The story as `graphic-novel new` would set it up; ``pdf`` False turns
    the print edition off (`new` turns it on)."""
    story = root / "story"
    (story / "chapters").mkdir(parents=True)
    (root / "docs").mkdir()
    config = MKDOCS_YML.format(title=_q(spec.title), site_url="")
    if not pdf:
        assert "      pdf: true " in config, "the scaffold's mkdocs.yml names the PDF setting"
        config = config.replace("      pdf: true ", "      pdf: false", 1)
    (root / "mkdocs.yml").write_text(config, "utf-8")
    (story / "story.yaml").write_text(
        f"title: {_q(spec.title)}\nsubtitle: {_q(spec.subtitle)}\n"
        f"author: {_q(spec.author)}\ncover: cover\n", "utf-8")
    refs = []
    for ref in spec.references:
        refs.append(f"- id: {ref['id']}")
        refs += [f"  {k}: {_q(v)}" for k, v in ref.items() if k != "id"]
        refs.append("")
    (story / "references.yaml").write_text("\n".join(refs), "utf-8")
    write_prompts(root, spec)
    for ch in spec.chapters:
        write_chapter(root, ch)


def write_shelf_project(root: Path, specs: list[StorySpec]) -> None:
    """Several stories in one site, as `graphic-novel import FOLDER` sets one up:
    each story in stories/story-NN/, listed under ``stories:`` (no PDF: the
    comparison is of the site's build)."""
    folders = []
    for n, spec in enumerate(specs, start=1):
        one = root / f".one-{n:02d}"
        write_plugin_project(one, spec, pdf=False)
        (root / "stories").mkdir(parents=True, exist_ok=True)
        (one / "story").rename(root / "stories" / f"story-{n:02d}")
        shutil.rmtree(one)
        folders.append(f"stories/story-{n:02d}")
    config = MKDOCS_YML.format(title=_q("A shelf of stories"), site_url="")
    config = config.replace("      pdf: true ", "      pdf: false", 1)
    listed = "".join(f"\n        - folder: {f}" for f in folders)
    assert "      story_dir: story\n" in config, "the scaffold's mkdocs.yml names story_dir"
    config = config.replace("      story_dir: story\n", f"      stories:{listed}\n", 1)
    (root / "docs").mkdir(exist_ok=True)
    (root / "mkdocs.yml").write_text(config, "utf-8")


def write_plain_project(root: Path, spec: StorySpec, site: Path) -> None:
    """The same text and pictures as a hand-made Material site, without the plugin.

    The pictures are the plugin's own 1600 px placeholders, from ``site``.
    """
    docs = root / "docs"
    (docs / "images").mkdir(parents=True)
    panels = site / "assets" / "panels"

    def copy_full(panel_id: str) -> None:
        found = sorted(panels.glob(f"{panel_id}-full-*.*"))
        if not found:
            raise SystemExit(f"bench: no full rendition of panel {panel_id} in {panels}")
        shutil.copyfile(found[0], docs / "images" / f"{panel_id}{found[0].suffix}")

    copy_full("cover")
    ext = sorted(panels.glob("cover-full-*.*"))[0].suffix
    (docs / "index.md").write_text(
        f"# {spec.title}\n\n{spec.subtitle}\n\n![{spec.cover_alt}](images/cover{ext})\n\n"
        f"[Start reading]({spec.chapters[0].slug}.md)\n", "utf-8")
    nav = ["nav:", "  - Cover: index.md"]
    for n, ch in enumerate(spec.chapters, start=1):
        copy_full(ch.panel_id)
        (docs / f"{ch.slug}.md").write_text(
            f"# {ch.title}\n\n![{ch.alt}](images/{ch.panel_id}{ext})\n\n{ch.body}\n", "utf-8")
        nav.append(f"  - {_q(f'{n}. {ch.title}')}: {ch.slug}.md")
    (root / "mkdocs.yml").write_text(
        f"site_name: {_q(spec.title)}\nsite_dir: site_build\ndocs_dir: docs\n\n{THEME_YML}\n"
        "plugins:\n  - search\n  - glightbox:\n      zoomable: true\n"
        "      touchNavigation: false\n      loop: false\n\n" + "\n".join(nav) + "\n", "utf-8")
