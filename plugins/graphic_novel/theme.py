"""Every place the plugin relies on Material for MkDocs' own markup, listed once.

Each entry names the upstream file (inside the installed ``material``
package), the text the plugin counts on finding there, and the code that
depends on it. tests/test_theme_pins.py reads each file of the installed
Material and fails when one of these texts is gone, so a theme upgrade
that changes them fails the tests instead of quietly breaking the site.
(mkdocs-glightbox's markup is pinned the same way by the lightbox tests in
tests/test_site.py.)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .pages import ARTICLE_OPEN, NOT_SEARCHED
from .social import A11Y_FIXES


@dataclass(frozen=True)
class Reliance:
    upstream: str  # a file inside the material package
    markup: str  # text that file must hold
    why: str  # what in this package depends on it


RELIANCES: tuple[Reliance, ...] = (
    Reliance("templates/base.html", ARTICLE_OPEN,
             "pages.mark_story_page puts the page kind on the article"),
    Reliance("templates/base.html", "<title>{{ page.meta.title }} - {{ config.site_name }}</title>",
             "pages.front_matter escapes titles: Material prints them as they are"),
    Reliance("templates/base.html",
             '<meta name="description" content="{{ page.meta.description }}">',
             "pages.front_matter escapes descriptions for the same reason"),
    Reliance("templates/base.html", '{% set hidden = "hidden" if "navigation" in page.meta.hide %}',
             "pages.READING_HIDE: story pages without the nav sidebar"),
    Reliance("templates/base.html", '{% set hidden = "hidden" if "toc" in page.meta.hide %}',
             "pages.READING_HIDE: story pages without the table of contents"),
    Reliance("templates/partials/header.html", "{{ page.meta.title }}",
             "pages.front_matter: the header prints the meta title unescaped"),
    Reliance("templates/partials/nav-item.html", "{{ nav_item.title }}",
             "pages.nav escapes nav titles: the nav prints them unescaped"),
    Reliance("templates/partials/nav-item.html", "nav_item.meta.subtitle",
             "plugin._hide_meta: nav items read every page's meta on every page"),
    Reliance("templates/partials/footer.html", "{{ page.next_page.title | e }}",
             "pages.nav_markup: the footer's aria-label escapes the title again"),
    Reliance("templates/partials/footer.html", "{{ page.next_page.title }}",
             "pages.nav_markup: the footer's visible title is printed as it is"),
    Reliance("templates/partials/footer.html", "page.previous_page.title | e",
             "pages.nav_markup, for the previous page's link"),
    Reliance("plugins/search/plugin.py", '"data-search-exclude" in self.attrs',
             f"pages.NOT_SEARCHED ({NOT_SEARCHED}) keeps paging and prompts out of search"),
    Reliance("plugins/search/plugin.py", 'search.get("exclude")',
             "pages.one_page: front matter `search: exclude` for the one-page edition"),
    Reliance("templates/mkdocs_theme.yml", "text: Roboto",
             "config.MATERIAL_DEFAULT_FONT: the Google font turned off when none is named"),
    *(Reliance("templates/partials/search.html" if "search" in old
               else "templates/partials/progress.html", old,
               "social.A11Y_FIXES rewrites it for axe-core")
      for old, _ in A11Y_FIXES),
    Reliance("templates/base.html", "<script src=\"{{ 'assets/javascripts/bundle.",
             "deferred_scripts: Material's bundle, a plain script tag, gets defer"),
    Reliance("templates/partials/palette.html", 'data-md-component="palette"',
             "deferred_scripts: the loader sets the palette component's mark where it is"),
)


def missing(material_root: Path, reliances: tuple[Reliance, ...] = RELIANCES) -> list[str]:
    """Each reliance whose text ``material_root`` (the installed material
    package) no longer holds, as "file: what depends on it"."""
    out = []
    for item in reliances:
        try:
            text = (material_root / item.upstream).read_text("utf-8")
        except OSError:
            text = ""
        if item.markup not in text:
            out.append(f"material/{item.upstream}: {item.why} (looks for {item.markup!r})")
    return out
