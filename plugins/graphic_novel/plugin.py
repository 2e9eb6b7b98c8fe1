"""Thin MkDocs glue: load the story, prepare panel images, hand pages to MkDocs.

The work happens in loader, images, pages, social and offline; this file
only calls them from MkDocs events and turns StoryError into a clean
PluginError. What one build knows is a state.SiteBuild (a BuildState per
story), made in on_pre_build and dropped when the build ends or fails. Generated files use
MkDocs' public File API only (File.generated and content_string).
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import get_relative_url, nest_paths

from . import (
    bookshelf,
    deferred_scripts,
    error_page,
    lightbox,
    offline,
    pages,
    prompt_text,
    resolved_stylesheets,
    site_assets,
    slots,
    social,
)
from . import config as settings
from . import images as img
from .config import GraphicNovelConfig
from .converted_pages import ConvertedPages
from .editions import shelf
from .errors import StoryError
from .loader import load_story
from .prompt_memo import PromptMemo
from .rules import ONE_PAGE_TAKEN, plural
from .state import BuildState, SiteBuild, panel_summary, unlettered_notes

log = get_plugin_logger("graphic-novel")

__all__ = ["GraphicNovelConfig", "GraphicNovelPlugin"]


class GraphicNovelPlugin(BasePlugin[GraphicNovelConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False  # for the whole `mkdocs serve` session (on_startup)
        self.theme_colour = offline.DEFAULT_THEME_COLOUR  # Material's primary (on_config)
        self.instant_navigation = False  # Material's feature is on (on_config)
        self._nav_generated = True  # mkdocs.yml names no nav: the plugin's, every build
        self.state: SiteBuild | None = None  # this build's; None between builds

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
        self.instant_navigation = "navigation.instant" in (config.theme.get("features") or [])
        # Whether the nav is the plugin's to make (mkdocs.yml names none). Read here, once
        # per configuration: MkDocs may hand a reloaded configuration to this same object.
        self._nav_generated = config.nav is None
        return config

    # ------------------------------------------------------------------ loading

    def on_pre_build(self, *, config) -> None:
        self._end_build()  # a build that never reached its end leaves nothing behind
        if not self.config.enabled:
            return
        if not config.site_url and not self.serving:  # serve sets its own address
            log.info(social.no_site_url(self.instant_navigation))
        try:
            specs = settings.site_stories(config, self.config)
        except ValueError as exc:
            raise PluginError(str(exc)) from None
        _, cache_dir = settings.project_paths(config, self.config)
        site = self.state = SiteBuild([BuildState(s.folder, cache_dir, s.prefix, s.name,
                                                  s.setting) for s in specs], cache_dir)
        try:
            img.check_cache_dir(cache_dir)
        except StoryError as exc:
            self._end_build()
            raise PluginError(str(exc)) from None
        site.memo = PromptMemo(cache_dir, pages.clean_prompt_html)
        renderer = img.Renderer(cache_dir, workers=self.config.concurrency)
        for book in site.books:
            book.renderer = renderer  # one pool of drawing workers for every story
            self._load(book, config)

    def _load(self, book: BuildState, config) -> None:
        """Load one story, start drawing its panels and plan its editions."""
        try:
            story = load_story(book.story_dir, include_drafts=self.serving,
                               default_title=config.site_name,
                               shown_from=settings.project_root(config) if book.prefix else None)
        except StoryError as exc:
            return self._stop(book, config, str(exc), error_page.lines_of(exc))
        warnings = story.warnings + pages.cite_warnings(story)
        for warning in warnings:
            log.warning(warning)
        if warnings and config.strict:
            return self._stop(book, config, f"{plural(len(warnings), 'story warning')} in "
                              "strict mode; fix them (see above). The last built site is left "
                              "as it was.", warnings)
        taken = next((c for c in story.chapters if c.src_uri == pages.ONE_PAGE_URI), None)
        if taken is not None:
            message = f"{_shown(book.story_dir, config)}/{taken.src_uri}: {ONE_PAGE_TAKEN}"
            return self._stop(book, config, message, [message])
        book.story = story
        try:
            book.shown = _shown(book.story_dir, config)
            self._start_images(book)
        except StoryError as exc:
            return self._stop(book, config, str(exc), error_page.lines_of(exc))
        if not self.serving:  # planned while the chapters have their text
            book.editions = shelf.plan(story, book.images, book.cache_dir,
                                       config.theme.get("language") or "en",
                                       _story_url(config.site_url, book.prefix),
                                       epub_on=self.config.epub, pdf_on=self.config.pdf,
                                       paper=self.config.paper)

    def _stop(self, book: BuildState, config, message: str, problems: list[str]) -> None:
        """A mistake in a story: the build stops with ``message``, or under
        `mkdocs serve` goes on to show ``problems`` in the browser on that
        story's pages (on_files)."""
        if not self.serving:
            self._end_build()
            raise PluginError(message)
        book.story, book.error = None, problems
        shown = f"{message}\n(shown in the browser until it is fixed)"
        if config.strict:  # an error logged under --strict would abort the build at its end
            log.info(shown)
        else:
            log.error(shown)

    def _start_images(self, book: BuildState) -> None:
        """Plan every panel (art headers and the cache folder are checked here,
        before MkDocs cleans site_dir, so a problem leaves the last good site in
        place); drawing runs on worker processes while MkDocs renders pages."""
        story = book.loaded
        assert book.renderer is not None  # made in on_pre_build
        art_folder = f"{book.shown}/art"  # what a placeholder tells the author
        jobs = []
        for panel in story.panels.values():
            art = story.art.get(panel.id)
            shown = str(art.relative_to(book.story_dir.parent)) if art else None
            jobs.append(img.make_job(panel, art, shown, self.config.panel_width,
                                     self.config.panel_height, self.config.image_format,
                                     prompt_text.placeholder_prompt(story, panel), art_folder))
        icons_from = _icon_panel(story)
        then = {icons_from: offline.cut_icons_after_drawing} if icons_from else {}
        book.images, book.pending = book.renderer.start(jobs, then)

    # ------------------------------------------------------------------ files

    def on_files(self, files: Files, *, config) -> Files:
        site = self.state
        if site is None:
            return files
        docs = [f for f in files.documentation_pages() if f.generated_by is None]
        for book in site.books:
            self._check_prefix(book, docs)
            if book.error is not None:
                for uri in error_page.page_uris(book.story_dir):
                    self._add(files, File.generated(config, book.site_uri(uri),
                                                    content=error_page.page_markdown(book.error)))
            else:
                self._add_story(book, files, config)
        contexts = [b.ctx for b in site.built if b.ctx is not None]
        if site.several and contexts:
            self._add_shelf(site, contexts, docs, files, config)
        for asset in site_assets.reader_assets().values():
            self._add(files, File.generated(config, asset.uri, content=asset.content))
        for font in site_assets.fonts():  # the display face
            self._add(files, File.generated(config, f"{site_assets.FONTS_URI}/{font.name}",
                                            abs_src_path=str(font)))
        self._set_nav(site, contexts, docs, config)
        return files

    def _add_shelf(self, site: SiteBuild, contexts: list[pages.Context], docs: list[File],
                   files: Files, config) -> None:
        """The page listing the stories: the home, or beside the site's own pages."""
        has_home = any(f.src_uri == bookshelf.SHELF_HOME for f in docs)
        uri = bookshelf.shelf_uri([c.prefix for c in contexts], has_home)
        if files.get_file_from_path(uri) is not None:  # an author's own page there is kept
            return
        site.shelf_uri = uri
        site.shelf_maker = functools.partial(bookshelf.shelf_page, contexts, uri,
                                             config.site_name, config.site_description or "",
                                             site.shelf_blocks)
        self._add(files, File.generated(config, uri, content=""))

    def _add_story(self, book: BuildState, files: Files, config) -> None:
        site = self.live
        ctx = book.ctx = pages.Context(book.loaded, book.images, config.use_directory_urls,
                                       config.site_url, memo=site.memo, prefix=book.prefix)
        book.editions, notes = shelf.offered(book.editions)
        for note in notes:  # the PDF without its engine: the rest of the site builds
            log.info(note)
        ctx.editions = tuple(made.file_name for made in book.editions)
        book.makers = pages.page_makers(ctx)
        for uri in book.makers:
            # The one-page edition is linked from the cover, not a step of the paging.
            inclusion = InclusionLevel.NOT_IN_NAV if uri == pages.ONE_PAGE_URI \
                else InclusionLevel.UNDEFINED
            # Empty until MkDocs reads it (on_pre_page): the build never holds
            # every page's Markdown at once.
            self._add(files, File.generated(config, book.site_uri(uri), content="",
                                            inclusion=inclusion))
            site.pages[book.site_uri(uri)] = (book, uri)
        # The feed and the contents list are written in on_env straight into the
        # site, where MkDocs finds them in place and copies nothing (File.copy_file
        # lets a plugin write into site_dir). Held as strings they would stay in
        # memory to the end of the build (2.3 MB at 1,000 chapters); written to a
        # folder of their own, each cost a write, a copy and a removal.
        for uri in (pages.FEED_PATH, pages.CONTENTS_PATH):
            self._add(files, File.generated(config, book.site_uri(uri),
                                            abs_src_path=_in_site(config, book.site_uri(uri))))

    def _check_prefix(self, book: BuildState, docs: list[File]) -> None:
        """A story under a prefix owns that folder of the site."""
        if not book.prefix:
            return
        clash = next((f for f in docs if f.src_uri.startswith(book.prefix)), None)
        if clash is not None:
            self._end_build()
            raise PluginError(f"graphic-novel: {book.setting}: prefix '{book.prefix}' is "
                              f"also where the docs page {clash.src_uri} is; give the story "
                              "another prefix or move that page.")

    def _set_nav(self, site: SiteBuild, contexts: list[pages.Context], docs: list[File],
                 config) -> None:
        """The stories in the nav: a lone story's reading order when mkdocs.yml names
        no nav; with several, the site's own pages first, then each story as a section;
        an author's own nav keeps its shape, each story's cover made its section."""
        generated = self._nav_generated
        if not site.several:
            if contexts and generated:
                config.nav = pages.nav(contexts[0].story)
            return
        if not generated:
            config.nav = bookshelf.fit_nav(config.nav, contexts)
            return
        own = [f.src_uri for f in docs]
        config.nav = bookshelf.site_nav(contexts, site.shelf_uri, nest_paths(own) if own
                                        else None)

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
    def live(self) -> SiteBuild:
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
        if not self.ours(page):
            return page
        site, uri = self.live, page.file.src_uri
        found = site.page(uri)
        make = found[0].makers.get(found[1]) if found else \
            site.shelf_maker if uri == site.shelf_uri else None
        if make is None:
            return page
        blocks = self._blocks(uri)
        assert blocks is not None  # every page with a maker has its story's blocks
        first = blocks.count
        text = make()
        if site.converted is not None:  # kept from an earlier build: its front matter alone
            text = site.converted.markdown(uri, text, blocks.nonce, first)
        page.file.content_string = text  # MkDocs reads it next (Page.read_source)
        return page

    def on_nav(self, nav, *, config, files):
        # Every file of the site is known now, and no page is read yet: whether this
        # build takes pages MkDocs converted before from the cache (converted_pages.py).
        site = self.state
        if site is not None and site.built:
            site.converted, why_not = ConvertedPages.for_build(config, files, site.cache_dir,
                                                               self)
            if why_not:
                log.debug(f"every page is converted this build: {why_not}")
        return nav

    @event_priority(-100)  # last: MkDocs converts the page next
    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        site = self.state
        if site is not None and site.converted is not None and self.ours(page):
            site.converted.watch(page.file.src_uri)
        return markdown

    def _blocks(self, src_uri: str) -> pages.Blocks | None:
        site = self.live
        found = site.page(src_uri)
        if found is not None:
            return found[0].ctx.blocks if found[0].ctx is not None else None
        return site.shelf_blocks if src_uri == site.shelf_uri else None

    @event_priority(100)  # first: before any plugin reads what MkDocs converted
    def _on_page_content_first(self, html: str, *, page, config, files) -> str:
        site = self.state
        if site is None or site.converted is None or not self.ours(page):
            return html
        return site.converted.content(page, html, files)

    @event_priority(-100)  # after every other plugin (glightbox adds its links first)
    def _on_page_content_last(self, html: str, *, page, config, files) -> str:
        if not self.ours(page):
            return html
        # The author's HTML and what other plugins added are sanitised; the
        # plugin's own blocks, made safe where they were written, go in after.
        html = pages.sanitize_page(html)
        blocks = self._blocks(page.file.src_uri)
        if blocks is not None:
            html = blocks.fill(html)
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

    on_page_content = CombinedEvent(_on_page_content_first, _on_page_content_last)

    def on_env(self, env, *, config, files):
        # Every page has been read and converted by now; MkDocs copies the
        # other files next.
        if self.state is not None:
            for book in self.state.built:
                if book.ctx is None:
                    continue
                book.release_page_inputs()
                assert book.ctx is not None
                _write_in_site(config, book.site_uri(pages.FEED_PATH), social.atom_feed(book.ctx))
                _write_in_site(config, book.site_uri(pages.CONTENTS_PATH),
                               pages.contents_json(book.ctx))
            self._keep_prompt_memo(self.state)
        return env

    @staticmethod
    def _keep_prompt_memo(site: SiteBuild) -> None:
        """Every page is made: the prompts shown go to the cache for the next build,
        and the memo is let go before the theme renders the pages (at 1,000 chapters
        its entries are 2.6 MB of the build's peak)."""
        if site.memo is not None:
            site.memo.save()
            site.memo = None

    @event_priority(100)  # before the search plugin reads `search: exclude`
    def on_page_context(self, context, *, page, config, nav):
        if self.ours(page) and page.file.src_uri in self.live.metas:
            page.meta = self.live.metas[page.file.src_uri]
        self._keep_paging_in_story(page)
        return context

    def _keep_paging_in_story(self, page) -> None:
        """Material's footer pages through the nav; on a story's page it stops at the
        story's ends (its cover and references), never stepping into another story or
        a docs page."""
        found = self.live.page(page.file.src_uri) if self.ours(page) else None
        if found is None or not found[0].prefix:
            return
        for side in ("previous_page", "next_page"):
            other = getattr(page, side)
            if other is not None and not other.file.src_uri.startswith(found[0].prefix):
                setattr(page, side, None)

    @event_priority(100)  # before mkdocs-glightbox's on_post_page
    def _on_post_page_first(self, output: str, *, page, config) -> str:
        """mkdocs-glightbox's tags, put in here: the page's `glightbox: false` then
        spares it parsing and writing out the whole page (lightbox.py)."""
        glightbox = config.plugins.get("glightbox")
        site = self.state
        if site is None or glightbox is None or page.meta.get("glightbox") is False:
            return output
        back = get_relative_url(".", page.url)  # the tags' links differ by this alone
        if back not in site.glightbox_tags:
            site.glightbox_tags[back] = lightbox.glightbox_additions(glightbox, page, config)
        made = site.glightbox_tags[back]
        with_tags = None if made is None else lightbox.add_at_the_ends(output, *made)
        if with_tags is None:  # left to mkdocs-glightbox itself
            return output
        page.meta["glightbox"] = False
        return with_tags

    @event_priority(-100)  # after every other plugin: glightbox reads the meta too
    def _on_post_page_last(self, output: str, *, page, config) -> str:
        site = self.state
        if site is None or not site.built:
            return output
        src_uri = page.file.src_uri
        found = site.page(src_uri) if self.ours(page) else None
        ctx = found[0].ctx if found else None
        if ctx is not None:
            output = ctx.blocks.fill_late(output)  # other plugins are done with the page
        font = get_relative_url(site_assets.DISPLAY_FONT, page.url)
        tags = [self._offline_tags(page.url), slots.preload_first_panel(output),
                site_assets.preload_display_font(output, font)]
        if ctx is not None or not site.several:  # the story's feed and share preview
            story_ctx = ctx or site.built[0].ctx
            assert story_ctx is not None
            tags.insert(0, social.head_tags(story_ctx, found[1] if found else src_uri,
                                            config.site_name))
        output = social.a11y_fixes(output.replace("</head>", "\n".join(tags) + "\n</head>", 1))
        output = lightbox.load_on_first_use(output)  # every page: docs pages have captions too
        output = self._theme_start_up(output)
        if not self.ours(page):
            return output
        page.meta = {}
        if src_uri == site.shelf_uri:
            return pages.mark_story_page(output, "shelf")
        return self._story_page_done(found, output, page) if found else output

    @staticmethod
    def _story_page_done(found: tuple[BuildState, str], output: str, page) -> str:
        """A story page, finished: its kind on the article; a chapter's body kept
        for the one-page edition, and that edition's own page kept for the end."""
        book, uri = found
        assert book.ctx is not None  # a page of a story that is being built
        kind = pages.page_kind(book.ctx, uri)
        if kind:
            output = pages.mark_story_page(output, kind)
        if uri in book.ctx.chapters_by_uri:
            body = pages.chapter_body_html(output)  # the one-page edition reuses it
            if body is not None:
                book.rendered.put(uri, body)
        elif uri == pages.ONE_PAGE_URI:
            # The chapters go into the one-page edition last of all: the theme,
            # the search index and other plugins handle a page of empty slots
            # instead of the whole story (at 1,000 chapters, 7 MB of HTML that
            # GLightbox alone took 58 MB to parse). on_post_build writes it; till then
            # the page waits with the chapters, on disk (1 MB at 1,000 chapters).
            book.rendered.put(uri, output)
            book.one_page = page.file.abs_dest_path
        return output

    def _offline_tags(self, page_url: str) -> str:
        """The manifest link, and where the service worker is (graphic-novel.js registers
        it; with no such tag it unregisters a worker left from a real build). Relative
        to the page's own URL: a docs page's README.md is its folder's index."""
        def link(path: str) -> str:
            return get_relative_url(path, page_url)

        tags = [f'<link rel="manifest" href="{link(offline.MANIFEST_PATH)}">',
                f'<meta name="theme-color" content="{self.theme_colour}">']
        if self.config.offline and not self.serving:
            tags.append(f'<meta name="graphic-novel:offline" content="{link(offline.SW_PATH)}">')
        return "\n".join(tags)

    def on_post_template(self, output_content: str, *, template_name: str, config) -> str:
        # 404.html and other theme pages: a lone story's feed link, no share preview.
        site = self.state
        if site is None or not site.built or not template_name.endswith(".html"):
            return output_content
        ctx = site.built[0].ctx
        if ctx is not None and not site.several:
            output_content = output_content.replace(
                "</head>", social.head_tags(ctx, None, config.site_name) + "\n</head>", 1)
        return self._theme_start_up(social.a11y_fixes(output_content))

    def _theme_start_up(self, html: str) -> str:
        """Material's scripts after the first frame; under instant navigation, the
        stylesheets' addresses resolved before it (resolved_stylesheets.py)."""
        html = deferred_scripts.defer_theme_scripts(html)
        if self.instant_navigation:
            html = resolved_stylesheets.resolve_stylesheets_first(html)
        return html

    def on_serve(self, server, *, config, builder):
        if self.config.enabled:
            try:
                folders = [s.folder for s in settings.site_stories(config, self.config)]
            except ValueError:
                folders = [settings.project_paths(config, self.config)[0]]
            for folder in folders:
                server.watch(str(folder))
        return server

    # ------------------------------------------------------------------ the end

    def _end_build(self) -> None:
        """Drop this build's state; close its drawing and print workers."""
        if self.state is not None:
            self.state.end()
            self.state = None

    def on_build_error(self, *, error: Exception) -> None:
        self._end_build()

    # Before the search plugin writes its index: what this build held for the
    # one-page edition is let go first, so the two never stack up in memory.
    @event_priority(100)
    def _on_post_build_first(self, *, config) -> None:
        site = self.state
        if site is None:
            return
        try:
            for book in site.built:
                self._finish_story(book, site, config)
        finally:
            site.stop_workers()
        if site.converted is not None:
            log.debug(site.converted.finish())
        site.metas = {}

    def _finish_story(self, book: BuildState, site: SiteBuild, config) -> None:
        """One story's panels into the site, its editions and its one-page edition."""
        story = book.loaded
        try:
            assert book.renderer is not None  # started in on_pre_build with the story
            book.renderer.finish(book.pending)
        except StoryError as exc:
            if not self.serving:
                raise PluginError(str(exc)) from None
            self._show_late_error(book, exc, config)
            return
        finally:
            book.pending = {}
        where = Path(config.site_dir) / book.prefix
        img.copy_into_site(book.cache_dir, book.images, where, social.share_panels(book.loaded))
        cover = pages.page_file(pages.COVER_URI, config.use_directory_urls)
        try:  # the EPUB and the PDF: made unless cached, sizes on the cover
            made = shelf.publish(book.editions, book.images, book.cache_dir, where, cover)
        except StoryError as exc:
            raise PluginError(str(exc)) from None
        for line in made:
            log.info(line)
        shell = book.rendered.get(pages.ONE_PAGE_URI)
        if book.one_page is not None and shell is not None:
            pages.write_one_page(story, shell, book.one_page, book.rendered)
            book.one_page = None
            book.rendered.close()
        for note in unlettered_notes(story, book.images):
            log.info(note)
        named = f"{book.name}: " if site.several else ""
        log.info(named + panel_summary(book.images))

    def _show_late_error(self, book: BuildState, exc: StoryError, config) -> None:
        """Under serve, a mistake found while drawing (the pages are written by
        now): every page of that story becomes the error page."""
        log.error(f"{exc}\n(shown in the browser until it is fixed)")
        page = error_page.standalone_html(error_page.lines_of(exc))
        for uri in [*pages.reading_order(book.loaded), pages.ONE_PAGE_URI]:
            dest = Path(config.site_dir) / pages.page_file(book.site_uri(uri),
                                                           config.use_directory_urls)
            if dest.is_file():
                dest.write_text(page, "utf-8")
        book.story, book.error = None, error_page.lines_of(exc)

    # Last of all (the search index written): the manifest, icons and service
    # worker, which lists every file the site now holds.
    @event_priority(-100)
    def _on_post_build_last(self, *, config) -> None:
        site = self.state
        try:
            if site is not None and site.built:
                self._write_offline_files(site, config)
        finally:
            self._end_build()

    def _write_offline_files(self, site: SiteBuild, config) -> None:
        where, first = Path(config.site_dir), site.built[0]
        icons = _copy_app_icons(first, where)
        if site.several:
            name, about = config.site_name, config.site_description or config.site_name
        else:
            story = first.loaded
            name = story.title
            about = story.subtitle or config.site_description or story.title
        (where / offline.MANIFEST_PATH).write_text(
            offline.web_manifest(name, about, self.theme_colour, icons), "utf-8")
        if not self.config.offline or self.serving:
            return
        files = offline.site_files(where, settings.lunr_files(config))
        home = [site.shelf_uri] if site.shelf_uri else []
        order = [pages.page_file(uri, config.use_directory_urls)
                 for uri in home + [b.site_uri(u) for b in site.built
                                    for u in pages.reading_order(b.loaded)]]
        plan = offline.plan(where, files, order, self.config.offline_whole_site_mb * 2**20)
        offline.write_service_worker(plan, where / offline.SW_PATH)
        size = sum(f.size for f in files) / 1e6
        log.info(f"offline reading: {plural(len(plan['precache']), 'file')} cached on first "
                 "visit" + ("" if plan["whole"] else f" (the site's {size:.0f} MB is over "
                            f"{self.config.offline_whole_site_mb} MB: other pages as they are "
                            "read)"))

    on_post_page = CombinedEvent(_on_post_page_first, _on_post_page_last)

    on_post_build = CombinedEvent(_on_post_build_first, _on_post_build_last)


def _shown(folder: Path, config) -> str:
    """A story folder as mkdocs.yml names it (relative to it)."""
    try:
        return str(folder.relative_to(settings.project_root(config)))
    except ValueError:
        return str(folder)


def _story_url(site_url: str | None, prefix: str) -> str | None:
    """The story's own address (its editions' identifier is made from it)."""
    return site_url.rstrip("/") + "/" + prefix if site_url and prefix else site_url


def _icon_panel(story) -> str | None:
    """The panel the app icons are cut from: the cover, else the first; None without panels."""
    return story.cover_id or next(iter(story.panels), None)


def _copy_app_icons(state: BuildState, site: Path) -> list[tuple[str, int]]:
    """The app icons into the site (cut when the panel was drawn, else now)."""
    pid = _icon_panel(state.loaded)
    if pid is None or pid not in state.images:
        return []
    images = state.images[pid]
    picture = img.file_of(state.cache_dir, images, images.get("full"))
    out = []
    for made, size in offline.app_icons(picture, state.cache_dir, images.key):
        rel = f"{site_assets.FOLDER}/icon-{size}-{images.key[:10]}.png"
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(made, site / rel)
        out.append((rel, size))
    return out


def _in_site(config, uri: str) -> str:
    """Where the site file ``uri`` goes (a file that is not a page keeps its path)."""
    return str(Path(config.site_dir, uri))


def _write_in_site(config, uri: str, text: str) -> None:
    """The site file ``uri`` written in place, before MkDocs copies the site's files."""
    path = Path(_in_site(config, uri))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
