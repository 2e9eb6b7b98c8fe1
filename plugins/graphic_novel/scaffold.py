"""The files of a new story project (for `graphic-novel new`)."""

from __future__ import annotations

import json
import re

from .project_makefile import makefile
from .rules import plural

# The theme every story site uses: `new` projects and the benchmark's plugin
# and plain-Material sites alike (the benchmark compares like with like).
THEME_YML = """\
theme:
  name: material
  font: false  # system fonts: no request leaves the site
  features:
    - navigation.footer
    - navigation.instant
    - navigation.instant.progress
    - search.highlight
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      primary: indigo
      accent: deep orange
      toggle:
        icon: material/weather-night
        name: Switch to dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      primary: indigo
      accent: amber
      toggle:
        icon: material/weather-sunny
        name: Switch to light mode

markdown_extensions:
  - tables
  - attr_list
  - md_in_html
  - admonition
  - pymdownx.details
  - pymdownx.superfences  # fenced code inside boxes, lists and ??? blocks
  - smarty

extra:
  generator: false
"""

PLUGINS_YML = """\
plugins:
  - search
  - glightbox:
      zoomable: true
      touchNavigation: true
      loop: false
  - graphic-novel:
      story_dir: story
      # The editions `mkdocs build` makes beside the site (never `mkdocs serve`;
      # drafts are left out), offered on the cover and in the feed.
      epub: true   # the EPUB 3 book
      pdf: true    # the print edition; needs WeasyPrint, else the build says so and goes on
      paper: a4    # the PDF's page size: a4 or letter
"""

MKDOCS_YML = "site_name: {title}\n{site_url}site_dir: site_build\ndocs_dir: docs\n\n" + \
    THEME_YML.replace("{", "{{").replace("}", "}}") + "\n" + PLUGINS_YML
NO_SITE_URL_YET = ("# site_url: https://example.org/story/  # where the site is published: share "
                   "previews,\n#   the feed and sitemap.xml need it "
                   "(graphic-novel new --site-url)\n")


def site_url_line(url: str | None) -> str:
    """mkdocs.yml's site_url line, or a comment saying what it is for."""
    return f"site_url: {json.dumps(url)}\n" if url else NO_SITE_URL_YET


def checked_site_url(url: str) -> str:
    """An http(s) address with a host, ending in '/' (MkDocs joins pages onto it)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or \
            parts.fragment:
        raise ValueError(f"--site-url {url!r}: give the published address, like "
                         "https://example.org/story/")
    return parts.geturl() if parts.path.endswith("/") else parts.geturl() + "/"


STORY_YML = """\
title: {title}
subtitle: A new graphic novel
cover: cover
"""

PROMPTS_YML = """\
style: >-
  Bright, colourful, wide-landscape (16:9) graphic-novel art with clean ink outlines.
narrative_prompt: |
  Describe here what you asked for when you started this story.
panels:
  - id: cover
    title: {title}
    alt: The cover of the story, its title over a bright illustrated scene.
    prompt: |
      A wide 16:9 cover illustration for a graphic novel titled {title_text}.
  - id: 01-opening
    title: The opening scene
    alt: Describe what the first picture shows, for readers who cannot see it.
    prompt: |
      Describe the first picture in detail: the place, the people, the light.
  - id: 01-left
    title: One moment
    alt: Describe the left-hand picture of the pair.
    prompt: |
      The first of two pictures shown side by side: one moment of a scene.
  - id: 01-right
    title: The next moment
    alt: Describe the right-hand picture of the pair.
    prompt: |
      The second of the pair: the same scene a moment later.
  - id: 02-turn
    title: The turn
    alt: Describe the picture that opens the second chapter.
    prompt: |
      The picture that opens chapter two, where the story turns.
"""

REFERENCES_YML = """\
- id: example
  title: An example source
  url: https://example.org/
  note: Replace with the sources your story cites, then cite them as [@example].
"""

CHAPTER = """\
---
title: The Beginning
summary: One sentence that makes a reader want to open this chapter.
---

![](01-opening.png)

Write the chapter here. Cite a source like this [@example].

Two panel lines with no blank line between them make a row: side by side on
a wide screen, one above the other on a phone.

![](01-left.png)
![](01-right.png)
"""

CHAPTER_2 = """\
---
title: What Happens Next
summary: Each chapter is one page; readers turn them with the arrows or a swipe.
---

![](02-turn.png)

A new chapter is a new file in `story/chapters/`, in file-name order.
"""

README = """\
# {title}

A graphic novel built with graphic-novel.

- Preview: `make serve` (or `mkdocs serve`), then open http://127.0.0.1:8000
- Before publishing: `make test` (the story checked, then a strict build)
- Build: `make build` (the site goes to `site_build/`)
- Check the story: `make check` (or `graphic-novel check`)
- Prompts for your image tool: `graphic-novel prompts --format md --missing`
- Which panels still need art: `make status`

Chapters are in `story/chapters/`, one prompt per panel in
`story/image_prompts.yaml`, sources in `story/references.yaml`. Drop finished
art into `story/art/`, named by panel id (`01-opening.png`).
"""

README_STORIES = """\
# {title}

A site of graphic novels built with graphic-novel: {count}, one folder each
in `stories/`, listed under `stories:` in `mkdocs.yml`.

- Preview: `make serve` (or `mkdocs serve`), then open http://127.0.0.1:8000
- Before publishing: `make test` (every story checked, then a strict build)
- Check the stories: `make check` (one of them: `graphic-novel check --story NAME`)
- Which panels still need art: `make status`

Each story folder holds its chapters in `chapters/`, one prompt per panel in
`image_prompts.yaml` and its sources in `references.yaml`. Drop finished art
into the story's `art/`, named by panel id (`panel-01.png`).
"""

GITIGNORE = "site_build/\n.cache/\n"
_PLAIN_YAML_PATH_RE = re.compile(r"^[a-z0-9][a-z0-9/_-]*$")


def stories_yml(folders: list[str]) -> str:
    """The plugin's ``stories:`` list, one ``- folder:`` entry per story folder
    (relative to mkdocs.yml); each keeps the default prefix, stories/<name>/."""
    entries = "".join(f"        - folder: {_yaml_path(folder)}\n" for folder in folders)
    return "      stories:\n" + entries


def _yaml_path(path: str) -> str:
    return path if _PLAIN_YAML_PATH_RE.match(path) else json.dumps(path, ensure_ascii=False)


def support_files(title: str, site_url: str | None = None, story_dir: str = "story",
                  stories: list[str] | None = None) -> dict[str, str]:
    """Relative path -> text for the project around a story: mkdocs.yml (the
    plugin reading ``story_dir``), docs/, .gitignore, a README and the
    Makefile. With ``stories`` (story folders, relative to the project) the
    plugin reads those instead, as one site of several stories."""
    quoted = json.dumps(title, ensure_ascii=False)  # JSON strings are valid YAML
    mkdocs_yml = MKDOCS_YML.format(title=quoted, site_url=site_url_line(site_url))
    readme = README.format(title=title)
    if stories:
        mkdocs_yml = mkdocs_yml.replace("      story_dir: story\n", stories_yml(stories))
        readme = README_STORIES.format(title=title, count=plural(len(stories), "story",
                                                                 "stories"))
    elif story_dir != "story":
        mkdocs_yml = mkdocs_yml.replace("story_dir: story\n",
                                        f"story_dir: {json.dumps(story_dir)}\n")
    return {
        "mkdocs.yml": mkdocs_yml,
        "docs/.gitkeep": "",
        ".gitignore": GITIGNORE,
        "README.md": readme,
        "Makefile": makefile(several=bool(stories)),
    }


def project_files(title: str, site_url: str | None = None) -> dict[str, str]:
    """Relative path -> text for a project that `mkdocs serve` previews at once."""
    quoted = json.dumps(title, ensure_ascii=False)  # JSON strings are valid YAML
    return {
        **support_files(title, site_url),
        "story/story.yaml": STORY_YML.format(title=quoted),
        "story/image_prompts.yaml": PROMPTS_YML.format(title=quoted,
                                                       title_text=title.replace("\n", " ")),
        "story/references.yaml": REFERENCES_YML,
        "story/chapters/01-beginning.md": CHAPTER,
        "story/chapters/02-what-happens-next.md": CHAPTER_2,
    }
