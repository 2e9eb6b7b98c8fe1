"""Thin MkDocs glue: load the story, prepare panel images, hand pages to MkDocs.

The work happens in loader, images, pages, social and offline; this file
only calls them from MkDocs events and turns StoryError into a clean
PluginError. What one build knows is a state.BuildState, made in
on_pre_build and dropped when the build ends or fails. Generated files use
MkDocs' public File API only (File.generated and content_string).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel

from . import config as settings
from . import (
    deferred_scripts,
    error_page,
    lightbox,
    offline,
    pages,
    prompt_text,
    site_assets,
    slots,
    social,
)
from . import images as img
from .config import GraphicNovelConfig
from .editions import shelf
from .errors import StoryError
from .loader import load_story
from .prompt_memo import PromptMemo
from .rules import ONE_PAGE_TAKEN, plural
from .state import BuildState, panel_summary, unlettered_notes

log = get_plugin_logger("graphic-novel")

__all__ = ["GraphicNovelConfig", "GraphicNovelPlugin"]


class GraphicNovelPlugin(BasePlugin[GraphicNovelConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False  # for the whole `mkdocs serve` session (on_startup)
        self.theme_colour = offline.DEFAULT_THEME_COLOUR  # Material's primary (on_config)
        self._nav_generated = False  # mkdocs.yml names no nav: the story's, every build
        self.state: BuildState | None = None  # this build's; None between builds

    # Defining on_startup keeps this object across serve rebuilds; each build
    # still gets a fresh BuildState.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_shutdown(self) -> None:
        self._end_build()

    def on_config(self, config):
        if not self.config.enabled:
            return config
        problem = settings.settings_problem(self.config)
        if problem:
            raise PluginError(problem)
        for line in settings.add_what_pages_need(config):
            log.info(line)
        self.theme_colour = settings.material_primary_colour(config)
        return config

    # ------------------------------------------------------------------ loading

    def on_pre_build(self, *, config) -> None:
        self._end_build()  # a build that never reached its end leaves nothing behind
        if not self.config.enabled:
            return
        if not config.site_url and not self.serving:  # serve sets its own address
            log.info(social.NO_SITE_URL)
        state = self.state = BuildState(*settings.project_paths(config, self.config))
        try:
            story = load_story(state.story_dir, include_drafts=self.serving,
                               default_title=config.site_name)
        except StoryError as exc:
            return self._stop(config, str(exc), error_page.lines_of(exc))
        warnings = story.warnings + pages.cite_warnings(story)
        for warning in warnings:
            log.warning(warning)
        if warnings and config.strict:
            return self._stop(config, f"{plural(len(warnings), 'story warning')} in strict "
                              "mode; fix them (see above). The last built site is left as it "
                              "was.", warnings)
        taken = next((c for c in story.chapters if c.src_uri == pages.ONE_PAGE_URI), None)
        if taken is not None:
            message = f"{self.config.story_dir}/{taken.src_uri}: {ONE_PAGE_TAKEN}"
            return self._stop(config, message, [message])
        if config.nav is None or self._nav_generated:
            config.nav = pages.nav(story)
            self._nav_generated = True
        state.story = story
        try:
            self._start_images(state)
        except StoryError as exc:
            return self._stop(config, str(exc), error_page.lines_of(exc))
        if not self.serving:  # planned while the chapters have their text
            state.editions = shelf.plan(story, state.images, state.cache_dir,
                                        config.theme.get("language") or "en", config.site_url,
                                        epub_on=self.config.epub, pdf_on=self.config.pdf,
                                        paper=self.config.paper)

    def _stop(self, config, message: str, problems: list[str]) -> None:
        """A mistake in the story: the build stops with ``message``, or under
        `mkdocs serve` goes on to show ``problems`` in the browser (on_files)."""
        state = self.live
        state.stop_workers()
        if not self.serving:
            self.state = None
            raise PluginError(message)
        state.story, state.error = None, problems
        shown = f"{message}\n(shown in the browser until it is fixed)"
        if config.strict:  # an error logged under --strict would abort the build at its end
            log.info(shown)
        else:
            log.error(shown)

    def _start_images(self, state: BuildState) -> None:
        """Plan every panel (art headers and the cache folder are checked here,
        before MkDocs cleans site_dir, so a problem leaves the last good site in
        place); drawing runs on worker processes while MkDocs renders pages."""
        story = state.loaded
        img.check_cache_dir(state.cache_dir)
        state.renderer = img.Renderer(state.cache_dir, workers=self.config.concurrency)
        jobs = []
        for panel in story.panels.values():
            art = story.art.get(panel.id)
            shown = str(art.relative_to(state.story_dir.parent)) if art else None
            jobs.append(img.make_job(panel, art, shown, self.config.panel_width,
                                     self.config.panel_height, self.config.image_format,
                                     prompt_text.placeholder_prompt(story, panel)))
        state.images, state.pending = state.renderer.start(jobs)

    # ------------------------------------------------------------------ files

    def on_files(self, files: Files, *, config) -> Files:
        state = self.state
        if state is None:
            return files
        if state.error is not None:
            for uri in error_page.page_uris(state.story_dir):
                self._add(files, File.generated(config, uri, content=error_page.page_markdown(
                    state.error)))
            return files
        ctx = state.ctx = pages.Context(state.loaded, state.images, config.use_directory_urls,
                                        config.site_url, memo=PromptMemo(state.cache_dir,
                                                                         pages.clean_prompt_html))
        state.editions, notes = shelf.offered(state.editions)
        for note in notes:  # the PDF without its engine: the rest of the site builds
            log.info(note)
        ctx.editions = tuple(made.file_name for made in state.editions)
        state.makers = pages.page_makers(ctx)
        for uri in state.makers:
            # The one-page edition is linked from the cover, not a step of the paging.
            inclusion = InclusionLevel.NOT_IN_NAV if uri == pages.ONE_PAGE_URI \
                else InclusionLevel.UNDEFINED
            # Empty until MkDocs reads it (on_pre_page): the build never holds
            # every page's Markdown at once.
            self._add(files, File.generated(config, uri, content="", inclusion=inclusion))
        # The feed and the contents list are files MkDocs copies, written in
        # on_env to this build's own folder: held as strings they would stay
        # in memory to the end of the build (2.3 MB at 1,000 chapters).
        for uri in (pages.FEED_PATH, pages.CONTENTS_PATH):
            path = state.made_file(uri)
            self._add(files, File.generated(config, uri, abs_src_path=str(path)))
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

    @property
    def live(self) -> BuildState:
        """This build's state, in events that run only once on_pre_build has made it."""
        if self.state is None:
            raise RuntimeError("graphic-novel: a build event ran before on_pre_build")
        return self.state

    def ours(self, page) -> bool:
        """Whether ``page`` is one this plugin generated, in this build."""
        return (self.state is not None and page.file.generated_by is not None
                and page.file.generated_by.startswith("graphic-novel"))

    # ------------------------------------------------------------------ pages

    @event_priority(100)  # before other plugins look at the page
    def on_pre_page(self, page, *, config, files):
        make = self.live.makers.get(page.file.src_uri) if self.ours(page) else None
        if make is not None:
            page.file.content_string = make()  # MkDocs reads it next (Page.read_source)
        return page

    @event_priority(-100)  # after every other plugin (glightbox adds its links first)
    def on_page_content(self, html: str, *, page, config, files) -> str:
        if not self.ours(page):
            return html
        state = self.live
        # The author's HTML and what other plugins added are sanitised; the
        # plugin's own blocks, made safe where they were written, go in after.
        html = pages.sanitize_page(html)
        if state.ctx is not None:
            html = state.ctx.blocks.fill(html)
        self._hide_meta(page)
        # Converted: nothing reads the Markdown after this event, and MkDocs
        # would keep both copies to the end of the build (3.4 MB at 1,000 chapters).
        page.markdown = ""
        page.file.content_string = ""
        return html

    # A generated page's front matter is visible only while that page itself is
    # rendered. Material looks for an icon, subtitle and status in the meta of
    # every nav item on every page (material/templates/partials/nav-item.html):
    # with front matter on 1,000 chapters that is 4 million template look-ups,
    # a quarter of the build. Pages without meta skip them, as a plain site's do.
    def _hide_meta(self, page) -> None:
        if page.meta:
            page.title = page.title  # keep what it is now (nav title, else meta title)
            self.live.metas[page.file.src_uri] = page.meta
            page.meta = {}

    def on_env(self, env, *, config, files):
        # Every page has been read and converted by now; MkDocs copies the
        # other files next.
        state = self.state
        if state is not None and state.ctx is not None:
            state.release_chapter_texts()
            state.made_file(pages.FEED_PATH).write_text(social.atom_feed(state.ctx), "utf-8")
            state.made_file(pages.CONTENTS_PATH).write_text(pages.contents_json(state.ctx),
                                                            "utf-8")
        return env

    @event_priority(100)  # before the search plugin reads `search: exclude`
    def on_page_context(self, context, *, page, config, nav):
        if self.ours(page) and page.file.src_uri in self.live.metas:
            page.meta = self.live.metas[page.file.src_uri]
        return context

    @event_priority(-100)  # after every other plugin: glightbox reads the meta too
    def on_post_page(self, output: str, *, page, config) -> str:
        state = self.state
        if state is None or state.ctx is None:
            return output
        ctx, uri = state.ctx, page.file.src_uri
        output = ctx.blocks.fill_late(output)  # other plugins are done with the page
        tags = "\n".join((social.head_tags(ctx, uri, config.site_name),
                          self._offline_tags(uri), slots.preload_first_panel(output)))
        output = social.a11y_fixes(output.replace("</head>", tags + "\n</head>", 1))
        output = lightbox.load_on_first_use(output)  # every page: docs pages have captions too
        output = deferred_scripts.defer_theme_scripts(output)
        if not self.ours(page):
            return output
        kind = pages.page_kind(ctx, uri)
        if kind:
            output = pages.mark_story_page(output, kind)
        page.meta = {}
        if uri in ctx.chapters_by_uri:
            body = pages.chapter_body_html(output)  # the one-page edition reuses it
            if body is not None:
                state.rendered[uri] = body
        elif uri == pages.ONE_PAGE_URI:
            # The chapters go into the one-page edition last of all: the theme,
            # the search index and other plugins handle a page of empty slots
            # instead of the whole story (at 1,000 chapters, 7 MB of HTML that
            # GLightbox alone took 58 MB to parse). on_post_build writes it.
            state.one_page = (output, page.file.abs_dest_path)
        return output

    def _offline_tags(self, uri: str) -> str:
        """The manifest link, and where the service worker is (graphic-novel.js registers
        it; with no such tag it unregisters a worker left from a real build)."""
        ctx = self.live.ctx
        assert ctx is not None, "on_post_page returns early without a context"
        tags = [f'<link rel="manifest" href="{ctx.link(uri, offline.MANIFEST_PATH)}">',
                f'<meta name="theme-color" content="{self.theme_colour}">']
        if self.config.offline and not self.serving:
            tags.append(f'<meta name="graphic-novel:offline" '
                        f'content="{ctx.link(uri, offline.SW_PATH)}">')
        return "\n".join(tags)

    def on_post_template(self, output_content: str, *, template_name: str, config) -> str:
        # 404.html and other theme pages: the feed link, no share preview.
        state = self.state
        if state is None or state.ctx is None or not template_name.endswith(".html"):
            return output_content
        tags = social.head_tags(state.ctx, None, config.site_name)
        output = social.a11y_fixes(output_content.replace("</head>", tags + "\n</head>", 1))
        return deferred_scripts.defer_theme_scripts(output)

    def on_serve(self, server, *, config, builder):
        if self.config.enabled:
            story_dir, _ = settings.project_paths(config, self.config)
            server.watch(str(story_dir))
        return server

    # ------------------------------------------------------------------ the end

    def _end_build(self) -> None:
        """Drop this build's state; close its drawing and print workers."""
        if self.state is not None:
            self.state.stop_workers()
            self.state.stop_printer()
            self.state.remove_made_files()
            self.state = None

    def on_build_error(self, *, error: Exception) -> None:
        self._end_build()

    # Before the search plugin writes its index: what this build held for the
    # one-page edition is let go first, so the two never stack up in memory.
    @event_priority(100)
    def _on_post_build_first(self, *, config) -> None:
        state = self.state
        if state is None or state.story is None:
            return
        try:
            assert state.renderer is not None  # started in on_pre_build with the story
            state.renderer.finish(state.pending)
        except StoryError as exc:
            if not self.serving:
                raise PluginError(str(exc)) from None
            self._show_late_error(state, exc, config)
            return
        finally:
            state.stop_workers()
            state.pending = {}
        img.copy_into_site(state.cache_dir, state.images, config.site_dir)
        if state.ctx is not None and state.ctx.memo is not None:
            state.ctx.memo.save()
        cover = pages.page_file(pages.COVER_URI, config.use_directory_urls)
        try:  # the EPUB and the PDF: made unless cached, sizes on the cover
            made = shelf.publish(state.editions, state.images, state.cache_dir,
                                 config.site_dir, cover)
        except StoryError as exc:
            raise PluginError(str(exc)) from None
        for line in made:
            log.info(line)
        if state.one_page is not None:
            pages.write_one_page(state.story, *state.one_page, state.rendered)
            state.one_page, state.rendered = None, {}
        state.metas = {}
        for note in unlettered_notes(state.story, state.images):
            log.info(note)
        log.info(panel_summary(state.images))

    def _show_late_error(self, state: BuildState, exc: StoryError, config) -> None:
        """Under serve, a mistake found while drawing (the pages are written by
        now): every story page becomes the error page."""
        log.error(f"{exc}\n(shown in the browser until it is fixed)")
        page = error_page.standalone_html(error_page.lines_of(exc))
        for uri in [*pages.reading_order(state.loaded), pages.ONE_PAGE_URI]:
            dest = Path(config.site_dir) / pages.page_file(uri, config.use_directory_urls)
            if dest.is_file():
                dest.write_text(page, "utf-8")
        state.story, state.error = None, error_page.lines_of(exc)

    # Last of all (the search index written): the manifest, icons and service
    # worker, which lists every file the site now holds.
    @event_priority(-100)
    def _on_post_build_last(self, *, config) -> None:
        state = self.state
        try:
            if state is not None and state.story is not None:
                self._write_offline_files(state, config)
        finally:
            self._end_build()

    def _write_offline_files(self, state: BuildState, config) -> None:
        site, story = Path(config.site_dir), state.loaded
        icons = _copy_app_icons(state, site)
        manifest = offline.web_manifest(story.title, story.subtitle or config.site_description
                                        or story.title, self.theme_colour, icons)
        (site / offline.MANIFEST_PATH).write_text(manifest, "utf-8")
        if not self.config.offline or self.serving:
            return
        files = offline.site_files(site, settings.lunr_files(config))
        order = [pages.page_file(uri, config.use_directory_urls)
                 for uri in pages.reading_order(story)]
        plan = offline.plan(site, files, order, self.config.offline_whole_site_mb * 2**20)
        tmp = site / (offline.SW_PATH + ".partial")
        tmp.write_text(offline.service_worker(plan), "utf-8")
        os.replace(tmp, site / offline.SW_PATH)
        size = sum(f.size for f in files) / 1e6
        log.info(f"offline reading: {plural(len(plan['precache']), 'file')} cached on first "
                 "visit" + ("" if plan["whole"] else f" (the site's {size:.0f} MB is over "
                            f"{self.config.offline_whole_site_mb} MB: other pages as they are "
                            "read)"))

    on_post_build = CombinedEvent(_on_post_build_first, _on_post_build_last)


def _copy_app_icons(state: BuildState, site: Path) -> list[tuple[str, int]]:
    """Icons cut from the cover panel (else the first panel); none without panels."""
    story = state.loaded
    pid = story.cover_id or next(iter(story.panels), None)
    if pid is None or pid not in state.images:
        return []
    images = state.images[pid]
    picture = img.file_of(state.cache_dir, images, images.get("full"))
    out = []
    for made, size in offline.app_icons(picture, state.cache_dir, images.key[:16]):
        rel = f"{site_assets.FOLDER}/icon-{size}-{images.key[:10]}.png"
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(made, site / rel)
        out.append((rel, size))
    return out
