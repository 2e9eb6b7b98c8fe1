"""Thin MkDocs glue: load the story, prepare panel images, hand pages to MkDocs.

The work happens in loader, images and pages; this file only calls them
from MkDocs events and turns StoryError into a clean PluginError.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
from pathlib import Path
from typing import Callable

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from . import images as img
from . import lightbox, offline, pages, site_assets, slots, social
from .errors import StoryError
from .loader import load_story
from .model import Story
from .offline import PRECACHE_BUDGET

log = get_plugin_logger("graphic-novel")
MATERIAL_DEFAULT_FONT = {"text": "Roboto", "code": "Roboto Mono"}


class _MadeOnRead(File):
    """A generated file whose text is made each time MkDocs reads it.

    MkDocs keeps every page's Markdown once it has read it; a File holding
    its own copy from on_files on would keep a second one for the whole build.
    """

    _make: Callable[[], str] | None = None

    @classmethod
    def make(cls, config, uri: str, make: Callable[[], str],
             inclusion: InclusionLevel = InclusionLevel.UNDEFINED) -> File:
        file = cls.generated(config, uri, content="", inclusion=inclusion)
        file._make = make
        return file

    def is_modified(self) -> bool:
        # MkDocs asks before copying a generated file (files.py, File.is_modified),
        # and asking through _content would make the feed and the contents
        # list twice a build. Generated content is always new.
        return True

    def seal(self) -> None:
        """The page has been read and converted; reading it again is a bug."""
        if self._make is not None:
            self._make = functools.partial(_read_after_seal, self.src_uri)

    @property  # type: ignore[override]
    def _content(self) -> str | bytes | None:
        return self._make() if self._make is not None else self.__dict__.get("_value")

    @_content.setter
    def _content(self, value: str | bytes | None) -> None:
        self._make = None  # set by MkDocs or a plugin: that is the content now
        self.__dict__["_value"] = value


def _read_after_seal(uri: str) -> str:
    raise PluginError(f"graphic-novel: the page '{uri}' was read again after every page had "
                      "been converted; another plugin re-reads generated pages late, which "
                      "graphic-novel does not support.")


class GraphicNovelConfig(Config):
    enabled = c.Type(bool, default=True)
    story_dir = c.Type(str, default="story")
    cache_dir = c.Type(str, default=".cache/graphic-novel")
    panel_width = c.Type(int, default=1600)
    panel_height = c.Type(int, default=900)
    image_format = c.Choice(("webp", "png"), default="webp")
    concurrency = c.Type(int, default=max(1, os.cpu_count() or 1))
    offline = c.Type(bool, default=True)  # the service worker (never under `mkdocs serve`)
    offline_whole_site_mb = c.Type(int, default=PRECACHE_BUDGET // 2**20)


class GraphicNovelPlugin(BasePlugin[GraphicNovelConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.renderer: img.Renderer | None = None
        self.story: Story | None = None
        self.images: dict[str, img.ImageSet] = {}
        self.ctx: pages.Context | None = None
        self.pending: dict = {}
        self.rendered: dict[str, str] = {}
        self.metas: dict[str, dict] = {}
        self.one_page: tuple[str, str] | None = None  # (page with empty slots, where it goes)
        self.theme_colour = offline.DEFAULT_THEME_COLOUR  # Material's primary (on_config)

    # Defining on_startup keeps this object (and what it learned) across serve rebuilds.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_shutdown(self) -> None:
        if self.renderer:
            self.renderer.close()
            self.renderer = None

    def _paths(self, config) -> tuple[Path, Path]:
        base = Path(config.config_file_path or ".").resolve().parent
        return base / self.config.story_dir, base / self.config.cache_dir

    def on_config(self, config):
        if not self.config.enabled:
            return config
        if self.config.panel_width < 320 or self.config.panel_height < 180:
            raise PluginError("graphic-novel: panel_width and panel_height must be at least "
                              "320 and 180 in mkdocs.yml.")
        # The generated pages use these standard extensions (the one-page
        # edition's heading ids; curly quotes, apostrophes and dashes in the
        # story's text, which smarty leaves alone in code); add them if missing.
        for ext in ("attr_list", "md_in_html", "smarty"):
            if ext not in config.markdown_extensions:
                config.markdown_extensions.append(ext)
        # A long story's nav comes in sections (pages.nav); pruned, each page
        # carries its own section's links only. A flat nav is left as it is.
        features = config.theme.get("features")
        if isinstance(features, list) and "navigation.prune" not in features \
                and "navigation.expand" not in features:  # the two exclude each other
            features.append("navigation.prune")
        self._keep_fonts_on_the_site(config)
        self._link_reader_assets(config)
        self.theme_colour = _material_primary_colour(config)
        return config

    @staticmethod
    def _link_reader_assets(config) -> None:
        """The reader's stylesheet and script on every page, by their current names."""
        for kind, asset in site_assets.reader_assets().items():
            target = config.extra_css if kind == "css" else config.extra_javascript
            target[:] = [x for x in target
                         if not str(x).startswith(f"{site_assets.FOLDER}/graphic-novel.")]
            target.append(asset.uri)

    @staticmethod
    def _keep_fonts_on_the_site(config) -> None:
        """No font from another host. Material's default (Roboto, when
        mkdocs.yml names no font; material/templates/mkdocs_theme.yml) is
        fetched from Google Fonts on every page, which fails offline and
        tells a third party who reads the story; it becomes the system's
        fonts. A font the author names is kept, and the log says where it
        comes from."""
        font = config.theme.get("font")
        if font == MATERIAL_DEFAULT_FONT:
            config.theme["font"] = False
        elif font:
            log.info(f"theme.font {font} is fetched from Google Fonts on every page; set "
                     "'font: false' in mkdocs.yml to keep every request on the site.")

    def on_pre_build(self, *, config) -> None:
        if not self.config.enabled:
            return
        if not config.site_url and not self.serving:  # serve sets its own address
            log.info(social.NO_SITE_URL)
        story_dir, cache_dir = self._paths(config)
        try:
            story = load_story(story_dir, include_drafts=self.serving,
                               default_title=config.site_name)
        except StoryError as exc:
            raise PluginError(str(exc)) from None
        for warning in story.warnings:
            log.warning(warning)
        if story.warnings and config.strict:
            raise PluginError(f"{len(story.warnings)} story warning(s) in strict mode; "
                              "fix them (see above). The last built site is left as it was.")
        if config.nav is None or getattr(self, "_nav_generated", False):
            config.nav = pages.nav(story)
            self._nav_generated = True

        # Plan every panel (art headers are checked here, before MkDocs cleans
        # site_dir, so a broken art file leaves the last good site in place);
        # drawing runs on worker processes while MkDocs renders the pages.
        if self.renderer is None:
            self.renderer = img.Renderer(cache_dir, workers=self.config.concurrency)
        try:
            jobs = []
            for panel in story.panels.values():
                art = story.art.get(panel.id)
                shown = str(art.relative_to(story_dir.parent)) if art else None
                jobs.append(img.make_job(panel, art, shown, self.config.panel_width,
                                         self.config.panel_height, self.config.image_format))
            self.images, self.pending = self.renderer.start(jobs)
        except StoryError as exc:
            self._stop_workers()
            raise PluginError(str(exc)) from None
        self.story = story

    def on_files(self, files: Files, *, config) -> Files:
        if not self.config.enabled or self.story is None:
            return files
        ctx = pages.Context(self.story, self.images, config.use_directory_urls, config.site_url)
        self.ctx = ctx
        self.rendered = {}
        self.metas = {}
        self.one_page = None
        if any(c.src_uri == pages.ONE_PAGE_URI for c in self.story.chapters):
            raise PluginError(f"{self.config.story_dir}/chapters/all.md: this name is taken by "
                              "the one-page edition of the story; rename the chapter file.")
        for uri, make in pages.page_makers(ctx).items():
            # The one-page edition is linked from the cover, not a step of the paging.
            inclusion = InclusionLevel.NOT_IN_NAV if uri == pages.ONE_PAGE_URI \
                else InclusionLevel.UNDEFINED
            self._add(files, _MadeOnRead.make(config, uri, make, inclusion))
        self._add(files, _MadeOnRead.make(config, pages.FEED_PATH,
                                          functools.partial(social.atom_feed, ctx)))
        self._add(files, _MadeOnRead.make(config, pages.CONTENTS_PATH,
                                          functools.partial(pages.contents_json, ctx)))
        for asset in site_assets.reader_assets().values():
            self._add(files, File.generated(config, asset.uri, content=asset.content))
        for font in site_assets.fonts():  # the display face
            self._add(files, File.generated(config, f"{site_assets.FONTS_URI}/{font.name}",
                                            abs_src_path=str(font)))
        return files

    @staticmethod
    def _add(files: Files, file: File) -> None:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None and existing.generated_by is None:
            raise PluginError(f"{existing.abs_src_path}: this file would be replaced by the page "
                              f"graphic-novel generates at '{file.src_uri}'; rename or remove it.")
        if existing is not None:
            files.remove(existing)
        files.append(file)

    @event_priority(-100)  # after every other plugin (glightbox adds its links first)
    def on_page_content(self, html: str, *, page, config, files) -> str:
        if not self.enabled_for(page):
            return html
        html = pages.sanitize_page(self.ctx.blocks.fill(html))
        self._hide_meta(page)
        # Converted: MkDocs would keep the page's Markdown to the end of the
        # build, and nothing reads it after this event (3.4 MB at 1,000 chapters).
        page.markdown = ""
        uri = page.file.src_uri
        if uri != pages.ONE_PAGE_URI:
            self.rendered[uri] = html  # the one-page edition reuses it (see on_post_page)
        return html

    # A generated page's front matter is visible only while that page itself is
    # rendered. Material looks for an icon, subtitle and status in the meta of
    # every nav item on every page: with front matter on 1,000 chapters that is
    # 4 million template look-ups, a quarter of the build. Pages without meta
    # skip them, as a plain site's pages do.
    def _hide_meta(self, page) -> None:
        if page.meta:
            page.title = page.title  # keep what it is now (nav title, else meta title)
            self.metas[page.file.src_uri] = page.meta
            page.meta = {}

    def on_env(self, env, *, config, files):
        # Every page has been read and converted by now. MkDocs keeps each
        # page's Markdown; the story's own copy of the chapter texts (3 MB at
        # 1,000 chapters) is not needed again this build, so it goes.
        if self.config.enabled and self.story is not None:
            for file in files:
                if isinstance(file, _MadeOnRead) and file.is_documentation_page():
                    file.seal()
            for chapter in self.story.chapters:
                chapter.body = ""
        return env

    @event_priority(100)  # before the search plugin reads `search: exclude`
    def on_page_context(self, context, *, page, config, nav):
        if self.enabled_for(page) and page.file.src_uri in self.metas:
            page.meta = self.metas[page.file.src_uri]
        return context

    def enabled_for(self, page) -> bool:
        return (self.config.enabled and page.file.generated_by is not None
                and page.file.generated_by.startswith("graphic-novel"))

    @event_priority(-100)  # after every other plugin: glightbox reads the meta too
    def on_post_page(self, output: str, *, page, config) -> str:
        if not self.config.enabled or self.ctx is None:
            return output
        uri = page.file.src_uri
        tags = "\n".join((social.head_tags(self.ctx, uri, config.site_name),
                          self._offline_tags(uri), slots.preload_first_panel(output)))
        output = social.a11y_fixes(output.replace("</head>", tags + "\n</head>", 1))
        output = lightbox.load_on_first_use(output)  # every page: docs pages have captions too
        if not self.enabled_for(page):
            return output
        kind = pages.page_kind(self.ctx, uri)
        if kind:
            output = pages.mark_story_page(output, kind)
        page.meta = {}
        if uri in self.rendered:
            # The search plugin rewrote page.content; keep one copy, not two.
            self.rendered[uri] = page.content
        elif uri == pages.ONE_PAGE_URI:
            # The chapters go into the one-page edition last of all: the theme,
            # the search index and other plugins handle a page of empty slots
            # instead of the whole story (at 1,000 chapters, 7 MB of HTML that
            # GLightbox alone took 58 MB to parse). on_post_build writes it.
            self.one_page = (output, page.file.abs_dest_path)
        return output

    def _offline_tags(self, uri: str) -> str:
        """The manifest link, and where the service worker is (graphic-novel.js registers
        it; with no such tag it unregisters a worker left from a real build)."""
        manifest = self.ctx.link(uri, offline.MANIFEST_PATH)
        tags = [f'<link rel="manifest" href="{manifest}">',
                f'<meta name="theme-color" content="{self.theme_colour}">']
        if self.config.offline and not self.serving:
            tags.append(f'<meta name="graphic-novel:offline" '
                        f'content="{self.ctx.link(uri, offline.SW_PATH)}">')
        return "\n".join(tags)

    def on_post_template(self, output_content: str, *, template_name: str, config) -> str:
        # 404.html and other theme pages: the feed link, no share preview.
        if not self.config.enabled or self.ctx is None or not template_name.endswith(".html"):
            return output_content
        tags = social.head_tags(self.ctx, None, config.site_name)
        return social.a11y_fixes(output_content.replace("</head>", tags + "\n</head>", 1))

    def on_serve(self, server, *, config, builder):
        if self.config.enabled:
            story_dir, _ = self._paths(config)
            server.watch(str(story_dir))
        return server

    def _stop_workers(self) -> None:
        # After every build, serve included: idle workers would outlive a killed
        # `mkdocs serve`, and a fresh fork costs milliseconds.
        if self.renderer is not None:
            self.renderer.close()
            self.renderer = None

    def on_build_error(self, *, error: Exception) -> None:
        self._stop_workers()

    # Before the search plugin writes its index: what this build held for the
    # one-page edition is let go first, so the two never stack up in memory.
    @event_priority(100)
    def _on_post_build_first(self, *, config) -> None:
        if not self.config.enabled or self.story is None:
            return
        _, cache_dir = self._paths(config)
        try:
            self.renderer.finish(self.pending)
        except StoryError as exc:
            raise PluginError(str(exc)) from None
        finally:
            self._stop_workers()
            self.pending = {}
        img.copy_into_site(cache_dir, self.images, config.site_dir)
        if self.one_page is not None:
            self._write_one_page(*self.one_page)
        self.metas = {}
        self._report_lettering()
        total = len(self.images)
        art = sum(1 for i in self.images.values() if i.is_art)
        drawn = sum(1 for i in self.images.values() if i.drawn)
        log.info(f"{total} panels, {art} with art, {total - art} placeholders "
                 f"({drawn} made this build, {total - drawn} from cache)")

    # Last of all (the search index written): the manifest, icons and service
    # worker, which lists every file the site now holds.
    @event_priority(-100)
    def _on_post_build_last(self, *, config) -> None:
        if not self.config.enabled or self.story is None:
            return
        site = Path(config.site_dir)
        _, cache_dir = self._paths(config)
        icons = self._copy_app_icons(cache_dir, site)
        story = self.story
        manifest = offline.web_manifest(story.title, story.subtitle or config.site_description
                                        or story.title, self.theme_colour, icons)
        (site / offline.MANIFEST_PATH).write_text(manifest, "utf-8")
        if not self.config.offline or self.serving:
            return
        files = offline.site_files(site, _lunr_files(config))
        order = [_page_file(uri, config.use_directory_urls) for uri in pages.reading_order(story)]
        plan = offline.plan(site, files, order, self.config.offline_whole_site_mb * 2**20)
        tmp = site / (offline.SW_PATH + ".partial")
        tmp.write_text(offline.service_worker(plan), "utf-8")
        os.replace(tmp, site / offline.SW_PATH)
        size = sum(f.size for f in files) / 1e6
        log.info(f"offline reading: {len(plan['precache'])} files cached on first visit"
                 + ("" if plan["whole"] else f" (the site's {size:.0f} MB is over "
                    f"{self.config.offline_whole_site_mb} MB: other pages as they are read)"))

    on_post_build = CombinedEvent(_on_post_build_first, _on_post_build_last)

    def _copy_app_icons(self, cache_dir: Path, site: Path) -> list[tuple[str, int]]:
        """Icons cut from the cover panel (else the first panel); none without panels."""
        pid = self.story.cover_id or next(iter(self.story.panels), None)
        if pid is None or pid not in self.images:
            return []
        images = self.images[pid]
        picture = img.file_of(cache_dir, images, images.get("full"))
        out = []
        for made, size in offline.app_icons(picture, cache_dir, images.key[:16]):
            rel = f"{site_assets.FOLDER}/icon-{size}-{images.key[:10]}.png"
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(made, site / rel)
            out.append((rel, size))
        return out

    def _report_lettering(self) -> None:
        """Name each placeholder drawn this build whose text some character
        was left out of: no shipped or system font has it (CJK without a CJK
        font installed, say)."""
        from .lettering import unlettered

        for pid, images in self.images.items():
            if images.drawn and not images.is_art:
                panel = self.story.panels[pid]
                missing = unlettered(f"{panel.label} {panel.title} {panel.prompt}")
                if missing:
                    codes = " ".join(f"U+{ord(ch):04X}" for ch in missing)
                    log.info(f"placeholder for panel '{pid}' could not letter {codes}: no "
                             "font here has those characters (install a font that does, e.g. "
                             "Debian's fonts-noto-cjk, to see them; the art will replace it).")

    def _write_one_page(self, shell: str, dest: str) -> None:
        """Write the one-page edition chapter by chapter, never as one string
        (which, with its encoded copy, would be the build's peak memory)."""
        tmp = dest + ".partial"
        with open(tmp, "w", encoding="utf-8", errors="xmlcharrefreplace") as fh:
            fh.writelines(pages.one_page_parts(self.story, shell, self.rendered))
        os.replace(tmp, dest)
        self.one_page, self.rendered = None, {}


def _page_file(uri: str, directory_urls: bool) -> str:
    url = pages.page_url(uri, directory_urls)
    return url + "index.html" if url.endswith("/") or not url else url


def _lunr_files(config) -> tuple[str, ...]:
    """The search-language files Material's search worker loads for the site's languages."""
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


def _material_primary_colour(config) -> str:
    """The theme's primary colour as Material's palette stylesheet defines it
    (templates/assets/stylesheets/palette.*.css), for the browser's toolbar."""
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
