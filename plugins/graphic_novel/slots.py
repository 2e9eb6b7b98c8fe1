"""How wide each picture is shown (`sizes`, for the browser's pick from `srcset`), and the
first panel's preload.

The numbers are the reading layout's (graphic-novel.css over Material's grid), and a
browser test measures every picture against what its `sizes` says at several widths:
- Material's root font size is 20 px, 22 px from 100em and 24 px from 125em; its grid is
  61rem wide with a 0.8rem gutter each side, so the column is 1188, 1307 or 1426 px wide
  from 76.25em, and the screen less two gutters (32 px) below;
- under 45em panels run edge to edge (the whole screen) and rows stack;
- a row's panels share the column less a 0.8rem gap between each two;
- gallery cards fill columns of at least 14rem with 1rem gaps.
"""

from __future__ import annotations

import re

ROOT_PX = 20
# (from this width, column px, root font px), widest first
WIDE = ((125, 1426, 24), (100, 1307, 22), (76.25, 1188, 20))
GUTTERS_PX = 2 * 0.8 * ROOT_PX
EDGE_TO_EDGE_BELOW_EM = 45
CARD_MIN_REM = 14
CARD_GAP_REM = 1
PANEL_GAP_REM = 0.8


def _px(value: float) -> str:
    return f"{int(value)}px"


def panel_sizes(in_row: int = 1) -> str:
    """`sizes` for a panel alone (in_row=1) or one of ``in_row`` panels side by side."""
    n = max(1, in_row)
    out = [f"(min-width: {em}em) {_px((col - (n - 1) * PANEL_GAP_REM * root) / n)}"
           for em, col, root in WIDE]
    gaps = (n - 1) * PANEL_GAP_REM * ROOT_PX
    fluid = f"calc(100vw - {_px(GUTTERS_PX + gaps)})" if n == 1 else \
        f"calc((100vw - {_px(GUTTERS_PX + gaps)}) / {n})"
    out.append(f"(min-width: {EDGE_TO_EDGE_BELOW_EM}em) {fluid}")
    out.append("100vw")
    return ", ".join(out)


def _cards_per_line(column: float, root: float) -> int:
    card, gap = CARD_MIN_REM * root, CARD_GAP_REM * root
    return max(1, int((column + gap) // (card + gap)))


def card_sizes() -> str:
    """`sizes` for a chapter card of the cover's gallery."""
    out = []
    for em, col, root in WIDE:
        n = _cards_per_line(col, root)
        out.append(f"(min-width: {em}em) {_px((col - (n - 1) * CARD_GAP_REM * root) / n)}")
    # Below the widest step the column is the screen less the gutters; each
    # further card on a line needs 14rem and a gap more.
    card, gap = CARD_MIN_REM * ROOT_PX, CARD_GAP_REM * ROOT_PX
    n = _cards_per_line(WIDE[-1][1] - 1, ROOT_PX)
    while n > 1:
        screen = GUTTERS_PX + n * card + (n - 1) * gap
        out.append(f"(min-width: {screen / 16:.4g}em) "
                   f"calc((100vw - {_px(GUTTERS_PX + (n - 1) * gap)}) / {n})")
        n -= 1
    out.append(f"calc(100vw - {_px(GUTTERS_PX)})")
    return ", ".join(out)


_EAGER_IMG = re.compile(r'<img src="(?P<src>[^"]*)" srcset="(?P<srcset>[^"]*)" '
                        r'sizes="(?P<sizes>[^"]*)"[^>]*fetchpriority="high"')


def preload_first_panel(html_page: str) -> str:
    """A <link rel=preload> for the page's high-priority panel, with its srcset and sizes
    (the largest paint on a chapter or the cover): fetched while the stylesheets load
    instead of after. Empty when the page has none."""
    found = _EAGER_IMG.search(html_page)
    if found is None:
        return ""
    return (f'<link rel="preload" as="image" href="{found["src"]}" '
            f'imagesrcset="{found["srcset"]}" imagesizes="{found["sizes"]}" '
            'fetchpriority="high">')
