"""The plugin's settings, and what it adds to an author's mkdocs.yml.

Kept apart from the event glue (plugin.py), as Material's own plugins keep
their settings in a config module. Everything here reads or adjusts an
MkDocs configuration; nothing builds pages.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from . import offline, site_assets
from .offline import PRECACHE_BUDGET

# Material's default font (material/templates/mkdocs_theme.yml: theme.font),
# which it fetches from Google Fonts on every page.
MATERIAL_DEFAULT_FONT = {"text": "Roboto", "code": "Roboto Mono"}
# The standard Markdown extensions the generated pages use: attr_list for the
# one-page edition's heading ids, md_in_html, smarty for typographic quotes
# and dashes in the story's text (it leaves code alone).
NEEDED_EXTENSIONS = ("attr_list", "md_in_html", "smarty")
MIN_PANEL = (320, 180)


class StoryEntry(Config):
    """One story of a site with several: its folder, and where its pages go."""
    folder = c.Type(str)  # a complete story folder, relative to mkdocs.yml
    prefix = c.Optional(c.Type(str))  # its URL prefix; default stories/<folder name>/


class GraphicNovelConfig(Config):
    enabled = c.Type(bool, default=True)
    story_dir = c.Type(str, default="story")
    stories = c.ListOfItems(c.SubConfig(StoryEntry), default=[])  # several stories (see README)
    cache_dir = c.Type(str, default=".cache/graphic-novel")
    panel_width = c.Type(int, default=1600)
    panel_height = c.Type(int, default=900)
    image_format = c.Choice(("webp", "png"), default="webp")
    concurrency = c.Type(int, default=max(1, os.cpu_count() or 1))
    offline = c.Type(bool, default=True)  # the service worker (never under `mkdocs serve`)
    offline_whole_site_mb = c.Type(int, default=PRECACHE_BUDGET // 2**20)
    epub = c.Type(bool, default=True)  # the EPUB 3 edition (editions/epub.py; not under serve)
    pdf = c.Type(bool, default=False)  # the print edition (editions/pdf.py; needs WeasyPrint)
    paper = c.Choice(("a4", "letter"), default="a4")  # the print edition's page size


def settings_problem(settings: GraphicNovelConfig) -> str | None:
    """What is wrong with the plugin's own settings, in one line, or None."""
    if settings.panel_width < MIN_PANEL[0] or settings.panel_height < MIN_PANEL[1]:
        return (f"graphic-novel: panel_width and panel_height must be at least "
                f"{MIN_PANEL[0]} and {MIN_PANEL[1]} in mkdocs.yml.")
    return None


def project_paths(config, settings: GraphicNovelConfig) -> tuple[Path, Path]:
    """The (first) story folder and the image cache, both relative to mkdocs.yml."""
    base = project_root(config)
    first = settings.stories[0].folder if settings.stories else settings.story_dir
    return base / first, base / settings.cache_dir


def project_root(config) -> Path:
    """The folder holding mkdocs.yml, which the settings' paths are relative to."""
    return Path(config.config_file_path or ".").resolve().parent



@dataclass(frozen=True)
class StorySpec:
    name: str  # the folder's name: what `--story NAME` and messages call it
    folder: Path
    prefix: str  # "" for a story at the site root, else "stories/<name>/"
    setting: str  # how mkdocs.yml names it, for messages: "stories[2]" or "story_dir"


def site_stories(config, settings: GraphicNovelConfig) -> list[StorySpec]:
    """The site's stories in mkdocs.yml's order: the ``stories:`` list, else
    the one ``story_dir`` at the site root. Raises ValueError with a
    one-line message naming the setting when the list is wrong."""
    base = project_root(config)
    if not settings.stories:
        folder = base / settings.story_dir
        return [StorySpec(folder.name, folder, "", "story_dir")]
    if settings.story_dir != "story":
        raise ValueError("graphic-novel: set either 'story_dir' (one story) or 'stories' "
                         "(several) in mkdocs.yml, not both.")
    specs: list[StorySpec] = []
    for n, entry in enumerate(settings.stories):
        setting = f"stories[{n}]"
        folder = (base / entry.folder).resolve()
        name = folder.name
        prefix = _normal_prefix(entry.prefix, name, setting)
        if not folder.is_dir():
            raise ValueError(f"graphic-novel: {setting}: the story folder '{entry.folder}' "
                             "does not exist (folders are relative to mkdocs.yml).")
        for other in specs:
            if other.folder == folder:
                raise ValueError(f"graphic-novel: {setting}: the folder '{entry.folder}' is "
                                 f"listed twice (also {other.setting}).")
            if other.name == name:
                raise ValueError(f"graphic-novel: {setting}: two stories are named '{name}' "
                                 f"(also {other.setting}); rename one folder.")
            if other.prefix == prefix:
                raise ValueError(f"graphic-novel: {setting}: prefix '{prefix or '/'}' is "
                                 f"taken by {other.setting}; give each story its own.")
            if prefix.startswith(other.prefix) or other.prefix.startswith(prefix):
                raise ValueError(f"graphic-novel: {setting}: prefix '{prefix or '/'}' and "
                                 f"{other.setting}'s '{other.prefix or '/'}' overlap; one "
                                 "story's pages would be inside the other's.")
        specs.append(StorySpec(name, folder, prefix, setting))
    return specs


def _normal_prefix(prefix: str | None, name: str, setting: str) -> str:
    """"stories/<name>/" by default; an author's prefix with one trailing "/"."""
    from .project import default_prefix, normal_prefix  # (a site of several stories only)

    normal = normal_prefix(default_prefix(name) if prefix is None else prefix)
    if normal is None:
        raise ValueError(f"graphic-novel: {setting}: prefix '{prefix}' must be lower-case "
                         "letters, digits, '-', '_' and '.', in parts split by '/' "
                         "(like stories/my-story/).")
    return normal


def add_what_pages_need(config) -> list[str]:
    """Extensions, Material features, fonts and the reader's files the
    generated pages need. Returns log lines for the author (may be empty).

    In a docs site (docs_dir has pages of its own), its pages are left as they
    render without the plugin: only attr_list and md_in_html, which the
    generated pages cannot do without, are added; not smarty (it would change
    the docs' quotes), nor Material's navigation.prune, nor the font."""
    docs_site = has_own_pages(config)
    for ext in NEEDED_EXTENSIONS:
        if ext not in config.markdown_extensions and not (docs_site and ext == "smarty"):
            config.markdown_extensions.append(ext)
    link_reader_assets(config)
    if docs_site:
        return []
    _prune_long_navs(config)
    return keep_fonts_on_the_site(config)


def has_own_pages(config) -> bool:
    """Whether docs_dir holds Markdown pages of the author's own."""
    docs = Path(config.docs_dir)
    try:
        return any(p.suffix == ".md" for p in docs.rglob("*.md") if p.is_file())
    except OSError:
        return False


def _prune_long_navs(config) -> None:
    """A long story's nav comes in sections (pages.nav); with Material's
    navigation.prune each page carries its own section's links only. A flat
    nav is left as it is. navigation.expand excludes pruning."""
    features = config.theme.get("features")
    if isinstance(features, list) and "navigation.prune" not in features \
            and "navigation.expand" not in features:
        features.append("navigation.prune")


def link_reader_assets(config) -> None:
    """The reader's stylesheet and script on every page, by their current names."""
    for kind, asset in site_assets.reader_assets().items():
        target = config.extra_css if kind == "css" else config.extra_javascript
        target[:] = [x for x in target
                     if not str(x).startswith(f"{site_assets.FOLDER}/graphic-novel.")]
        target.append(asset.uri)


def keep_fonts_on_the_site(config) -> list[str]:
    """No font from another host. Material's default (Roboto, when
    mkdocs.yml names no font) is fetched from Google Fonts on every page,
    which fails offline and tells a third party who reads the story; it
    becomes the system's fonts. A font the author names is kept, and the
    returned line says where it comes from."""
    font = config.theme.get("font")
    if font == MATERIAL_DEFAULT_FONT:
        config.theme["font"] = False
    elif font:
        return [f"theme.font {font} is fetched from Google Fonts on every page; set "
                "'font: false' in mkdocs.yml to keep every request on the site."]
    return []


def material_primary_colour(config) -> str:
    """The theme's primary colour as Material's palette stylesheet defines it
    (material/templates/assets/stylesheets/palette.*.min.css), for the
    browser's toolbar."""
    palette = config.theme.get("palette")
    first = palette[0] if isinstance(palette, list) and palette else palette
    name = (first or {}).get("primary", "indigo") if isinstance(first, dict) else "indigo"
    name = str(name).replace(" ", "-").lower()
    for css in Path(config.theme.dirs[-1] if config.theme.dirs else ".").glob(
            "assets/stylesheets/palette.*.min.css"):
        found = re.search(r"\[data-md-color-primary=" + re.escape(name)
                          + r"\]\{--md-primary-fg-color:(#[0-9a-fA-F]{3,8})", css.read_text())
        if found:
            return found.group(1)
    return offline.DEFAULT_THEME_COLOUR


def lunr_files(config) -> tuple[str, ...]:
    """The search-language files Material's search worker loads for the
    site's languages (material/plugins/search: lang)."""
    search = config.plugins.get("search") or config.plugins.get("material/search")
    langs = [x for x in (getattr(search, "config", {}).get("lang") or []) if x != "en"]
    if not langs:
        return ()
    base = "assets/javascripts/lunr/"
    out = [base + "min/lunr.stemmer.support.min.js", base + "min/lunr.multi.min.js"]
    out += [f"{base}min/lunr.{lang}.min.js" for lang in langs]
    out += [base + extra for lang, extra in (("ja", "tinyseg.js"), ("th", "wordcut.js"))
            if lang in langs]
    return tuple(out)
