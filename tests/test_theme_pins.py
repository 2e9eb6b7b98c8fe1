"""The theme markup the plugin relies on is still what the installed Material ships.

graphic_novel/theme.py lists each reliance with its upstream template; these
tests fail when a Material upgrade changes one, naming the file and what
depends on it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import material

from graphic_novel import theme

MATERIAL = Path(material.__file__).parent


def test_every_reliance_on_materials_markup_still_holds():
    assert theme.RELIANCES
    assert theme.missing(MATERIAL) == []


def test_a_changed_template_is_named_with_what_depends_on_it(tmp_path):
    copy = tmp_path / "material"
    shutil.copytree(MATERIAL / "templates", copy / "templates")
    shutil.copytree(MATERIAL / "plugins" / "search", copy / "plugins" / "search")
    footer = copy / "templates/partials/footer.html"
    footer.write_text(footer.read_text("utf-8").replace("title | e", "title"), "utf-8")
    found = theme.missing(copy)
    assert found and all(line.startswith("material/templates/partials/footer.html: ")
                         for line in found)
    assert any("pages.nav_markup" in line for line in found)


def test_the_article_the_page_kind_goes_on_is_in_every_built_story_page(built_mini):
    """pages.ARTICLE_OPEN as the built site has it, marked with each page's kind."""
    from graphic_novel import pages

    _, result = built_mini
    for path, kind in (("index.html", "cover"), ("chapters/01-storm/index.html", "chapter"),
                       ("references/index.html", "references"),
                       ("chapters/all/index.html", "onepage")):
        html = (result.site / path).read_text("utf-8")
        assert pages.mark_story_page(pages.ARTICLE_OPEN, kind) in html, path
