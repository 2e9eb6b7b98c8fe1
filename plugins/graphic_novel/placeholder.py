"""Placeholder panels drawn with Pillow: a comic-book page, not a grey box.

Deterministic: the same panel gives the same pixels (colours come from a
SHA-256 of the id, never from Python's salted ``hash``).
"""

from __future__ import annotations

import functools
import hashlib
import math
import unicodedata
from typing import Any

from PIL import Image, ImageChops, ImageDraw, ImageFont

from .lettering import (
    FONT_FILE,
    NO_FONT,
    SHIPPED,
    _covers,
    _fallbacks,
    _font_for,
    _prepare,
    _shipped,
)

# Bright palettes: background top, background bottom, burst, caption box.
PALETTES = [
    ("#33a1fd", "#7b5cff", "#ffd23f", "#ffe66d"),
    ("#ff6b6b", "#ff9f1c", "#ffe66d", "#fff3b0"),
    ("#06d6a0", "#118ab2", "#ffd166", "#fff1a8"),
    ("#f72585", "#7209b7", "#4cc9f0", "#ffe66d"),
    ("#ffbe0b", "#fb5607", "#ff006e", "#fff3b0"),
    ("#3a86ff", "#06d6a0", "#ffbe0b", "#ffe66d"),
    ("#ef476f", "#ffd166", "#06d6a0", "#fff3b0"),
    ("#00bbf9", "#00f5d4", "#fee440", "#fff6a0"),
]
INK = (20, 18, 40)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _seed(panel_id: str) -> bytes:
    return hashlib.sha256(panel_id.encode("utf-8")).digest()


def wrap(text: str, font, max_width: float, max_lines: int) -> list[str]:
    """Greedy word wrap by pixel width; long words are split; ellipsis at the end.

    Each word is measured once and lines are summed from word and space
    widths (a line with a word in a fallback font, whose spaces may be
    lettered in that font, is measured whole as it grows); a line that
    kerning pushes past the width is measured whole and shortened.
    """
    # Only the start can show: never measure more than fits in max_lines.
    words = text[: max_lines * 120].split()
    space = font.getlength(" ")
    lines: list[str] = []
    current: list[str] = []
    width = 0.0
    one_font = getattr(font, "one_font", lambda word: True)
    plain = True  # the line is in one font: its width is the sum of its words and spaces
    for word in words:
        size = font.getlength(word)
        while size > max_width and len(word) > 1:
            lo = _longest_prefix(word, font, max_width)
            if current:
                lines.append(" ".join(current))
                current, width, plain = [], 0.0, True
            lines.append(word[:lo])
            word = word[lo:]
            size = font.getlength(word)
        if current and width + space + size > max_width:
            lines.append(" ".join(current))
            current, width, plain = [], 0.0, True
        width = width + space + size if current else size
        current.append(word)
        plain = plain and one_font(word)
        if not plain and len(current) > 1:
            # A space may belong to a fallback font's run: measure the line.
            width = font.getlength(" ".join(current))
            if width > max_width:
                lines.append(" ".join(current[:-1]))
                current, width, plain = [word], size, one_font(word)
        if len(lines) > max_lines:
            break
    if current:
        lines.append(" ".join(current))
    lines = [_fit(line, font, max_width) for line in lines[:max_lines + 1]]
    return _cut(lines, font, max_width, max_lines)


def _longest_prefix(word: str, font, max_width: float) -> int:
    """How many of the word's first letters fit in ``max_width`` (at least one), by
    bisection."""
    lo, hi = 1, len(word)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if font.getlength(word[:mid]) <= max_width:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _cut(lines: list[str], font, max_width: float, max_lines: int) -> list[str]:
    """The first ``max_lines`` lines, the last ending in an ellipsis if any were left out."""
    if len(lines) <= max_lines:
        return lines
    lines = lines[:max_lines]
    last = lines[-1]
    while last and font.getlength(last + " …") > max_width:
        last = last[:-1]
    lines[-1] = last.rstrip() + " …"
    return lines


def _fit(line: str, font, max_width: float) -> str:
    while len(line) > 1 and font.getlength(line) > max_width:
        line = line[:-1]
    return line



@functools.lru_cache(maxsize=2048)
def _runs(text: str) -> tuple[tuple[int, str], ...]:
    """Split prepared text into (font key, run) by which font has each glyph.

    Letters take the first font that has them; marks, digits, punctuation
    and spaces stay in the run they follow when its font has them, so a line
    of Hebrew or Chinese is shaped as one run.
    """
    if _shipped().issuperset(text):
        return ((SHIPPED, text),)
    runs: list[tuple[int, str]] = []
    key, start = NO_FONT, 0
    for i, ch in enumerate(text):
        if key != NO_FONT and unicodedata.category(ch)[0] != "L" and _covers(key, ch):
            continue
        new = _font_for(ch)
        if new != key:
            if key != NO_FONT and i > start:
                runs.append((key, text[start:i]))
            key, start = new, i
    if key != NO_FONT and len(text) > start:
        runs.append((key, text[start:]))
    return tuple(runs)


def _font(key: int, size: int) -> ImageFont.FreeTypeFont:
    if key == SHIPPED:
        return _truetype(str(FONT_FILE), 0, size)
    path, index = _fallbacks()[key - 1][:2]
    return _truetype(path, index, size)


@functools.lru_cache(maxsize=64)
def _truetype(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index)


WORDS_KEPT = 2048  # word widths remembered per face: a quarter of a megabyte at most


class _Face:
    """The lettering at one size: the shipped font, with fallbacks where it lacks a glyph.

    ``getlength`` measures as :func:`wrap` needs; ``text`` draws on a common
    baseline. Both take prepared text (see :func:`_prepare`).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.main = _font(SHIPPED, size)
        self.ascent, self.descent = self.main.getmetrics()
        self.cap = -self.main.getbbox("H", anchor="ls")[1]  # cap height, in pixels
        # Runs of several fonts go left to right: inside each, right-to-left
        # words still read right to left, but spaces and punctuation follow
        # the line. A line of one font finds its own direction.
        raqm = self.main.layout_engine == ImageFont.Layout.RAQM
        self.ltr: dict[str, Any] = {"direction": "ltr"} if raqm else {}
        self._lengths: dict[str, float] = {}  # word -> its width

    @staticmethod
    def one_font(text: str) -> bool:
        """Whether the shipped font letters all of ``text`` (and :func:`wrap` may sum widths)."""
        return text.isascii() or _shipped().issuperset(text)

    def getlength(self, text: str) -> float:
        # Words recur from panel to panel (two measures in three, in the
        # benchmark's story), and every measure is a HarfBuzz shaping; whole
        # lines hardly ever recur, and are not kept.
        length = self._lengths.get(text)
        if length is not None:
            return length
        if text.isascii():
            length = self.main.getlength(text)
        else:
            runs = _runs(text)
            direction: dict[str, Any] = self.ltr if len(runs) > 1 else {}
            length = sum(_font(key, self.size).getlength(run, **direction) for key, run in runs)
        if " " not in text:
            if len(self._lengths) >= WORDS_KEPT:
                self._lengths.clear()
            self._lengths[text] = length
        return length

    def text(self, draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str,
             anchor: str = "ls", **kwargs) -> None:
        """Draw at ``xy``; anchor as Pillow's: l/m/r, then a (ascender), m or s (baseline)."""
        x, y = xy
        horizontal, vertical = anchor[0], anchor[1]
        if vertical == "a":
            y += self.ascent
        elif vertical == "m":
            y += (self.ascent - self.descent) / 2
        runs = ((SHIPPED, text),) if text.isascii() else _runs(text)
        if len(runs) == 1:
            draw.text((x, y), runs[0][1], font=_font(runs[0][0], self.size),
                      anchor=horizontal + "s", **kwargs)
            return
        kwargs.update(self.ltr)
        fonts = [_font(key, self.size) for key, _ in runs]
        widths = [font.getlength(run, **self.ltr) for font, (_, run) in zip(fonts, runs)]
        x -= {"l": 0, "m": sum(widths) / 2, "r": sum(widths)}[horizontal]
        for font, (_, run), width in zip(fonts, runs, widths):
            draw.text((x, y), run, font=font, anchor="ls", **kwargs)
            x += width


@functools.lru_cache(maxsize=16)
def _face(size: int) -> _Face:
    return _Face(max(1, size))


LEVELS = 32  # gradient steps; the site stores placeholders in 64 colours anyway
DOT, RAY = LEVELS, 2 * LEVELS  # added to the step: which white wash lies over it
RAY_WASH, DOT_WASH = 46, 70  # how much white, of 255


def _steps(width: int, height: int, direction: int) -> Image.Image:
    """A diagonal ramp of gradient steps 0..LEVELS-1; ``direction`` 1 turns it the other way."""
    ramp = Image.linear_gradient("L").rotate(45 if direction else -45, expand=True)
    return ramp.resize((width, height)).point(lambda v: v * LEVELS // 256)


@functools.lru_cache(maxsize=4)
def _halftone(width: int, height: int) -> Image.Image:
    """Halftone dots growing toward the lower-left corner, valued DOT.

    The same for every panel of a size, so drawn once per process.
    """
    mask = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(mask)
    step = int(36 * width / 1600) or 1
    for y in range(step // 2, height, step):
        for x in range(step // 2, int(width * 0.55), step):
            t = max(0.0, 1 - (x / (width * 0.55)) * 0.9 - (1 - y / height) * 0.9)
            r = t * step * 0.42
            if r > 1.2:
                draw.ellipse([x - r, y - r, x + r, y + r], fill=DOT)
    return mask


_GROUNDS: dict[tuple[int, int, int], Image.Image] = {}  # (width, height, direction)


def _ground(width: int, height: int, direction: int) -> Image.Image:
    """Gradient steps plus the halftone dots, valued step + DOT: what every
    panel of a size and direction shares, made once per process.

    The ramp turned one way is the other one mirrored, pixel for pixel: the
    gradient is symmetric about its vertical axis, and so are the rotation
    and the resize. Once one direction is made, the other is a flip of it
    instead of a second resize, the dearest step of a worker's first panels.
    No sum passes 255, so subtracting the dots gives the steps back exactly,
    and adding the rays afterwards gives the same bytes as adding all three
    at once.
    """
    ground = _GROUNDS.get((width, height, direction))
    if ground is None:
        dots = _halftone(width, height)
        other = _GROUNDS.get((width, height, 1 - direction))
        if other is None:
            steps = _steps(width, height, direction)
        else:
            steps = ImageChops.subtract(other, dots).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        if len(_GROUNDS) >= 4:
            _GROUNDS.clear()
        ground = _GROUNDS[width, height, direction] = ImageChops.add(steps, dots)
    return ground


def _wash(colour: tuple[int, int, int], amount: int) -> tuple[int, int, int]:
    return tuple(c + (255 - c) * amount // 255 for c in colour)  # type: ignore[return-value]


@functools.lru_cache(maxsize=16)
def _palette(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> list[int]:
    """Colours for step + DOT/RAY: the gradient, washed with white where rays and dots lie."""
    out: list[int] = []
    for wash in range(4):  # none, dot, ray, ray and dot
        for level in range(LEVELS):
            t = (level + 0.5) / LEVELS
            r, g, b = (round(a + (z - a) * t) for a, z in zip(top, bottom))
            colour = (r, g, b)
            if wash & 2:
                colour = _wash(colour, RAY_WASH)
            if wash & 1:
                colour = _wash(colour, DOT_WASH)
            out.extend(colour)
    return out


def _burst_centre(width: int, height: int, seed: bytes) -> tuple[float, float]:
    """Where the speed lines and the burst meet, chosen by the seed."""
    return width * (0.55 + (seed[2] / 255) * 0.35), height * (0.25 + (seed[3] / 255) * 0.4)


def _background(width: int, height: int, seed: bytes, top, bottom) -> Image.Image:
    """Gradient, speed lines from a point chosen by the seed, and halftone dots.

    Drawn as one byte per pixel (gradient step + which washes apply) and
    coloured through a palette: a fifth of the cost of blending full-colour
    layers, and no more colours than the stored image keeps.
    """
    rays_mask = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(rays_mask)
    cx, cy = _burst_centre(width, height, seed)
    rays = 18
    reach = math.hypot(width, height)
    for i in range(rays):
        a0 = (2 * math.pi * i / rays) + seed[4] / 40
        a1 = a0 + math.pi / rays * 0.8
        draw.polygon([(cx, cy), (cx + reach * math.cos(a0), cy + reach * math.sin(a0)),
                      (cx + reach * math.cos(a1), cy + reach * math.sin(a1))], fill=RAY)
    index = ImageChops.add(_ground(width, height, seed[1] % 2), rays_mask)
    index.putpalette(_palette(top, bottom))  # L becomes P
    return index.convert("RGB")


def _starburst(cx: float, cy: float, r_out: float, r_in: float, points: int, turn: float):
    pts = []
    for i in range(points * 2):
        r = r_out if i % 2 == 0 else r_in
        a = turn + math.pi * i / points
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


def _badge(draw, bx: float, by: float, s: float, label: str, fill, seed: bytes) -> None:
    """The panel's label ("5.1", "12.10") in a starburst; long labels are lettered smaller."""
    turn = seed[5] / 80
    draw.polygon(_starburst(bx + 8 * s, by + 8 * s, 130 * s, 96 * s, 12, turn), fill=INK)
    draw.polygon(_starburst(bx, by, 130 * s, 96 * s, 12, turn), fill=fill, outline=INK,
                 width=max(1, int(6 * s)))
    face = _face(int(110 * s))
    width, room = face.getlength(label), 160 * s  # the burst's inner circle is 192 * s across
    if width > room:
        face = _face(int(face.size * room / width))
    face.text(draw, (bx, by + face.cap / 2), label, anchor="ms", fill=INK,
              stroke_width=max(1, int(3 * s)), stroke_fill="white")


def draw_placeholder(panel_id: str, label: str, title: str, prompt: str,
                     width: int = 1600, height: int = 900,
                     art_folder: str = "story/art") -> Image.Image:
    """Draw one placeholder panel and return it as an RGB image.

    ``label`` is the panel's number as shown ("5.1", "2"); "" (the cover)
    draws no badge. The picture runs to its edges, framed by a heavy ink
    border, and sits on a dark page or a light one alike.
    """
    label = _prepare(str(label)) if label else ""
    seed = _seed(panel_id)
    top, bottom, burst, caption = (_rgb(c) for c in PALETTES[seed[0] % len(PALETTES)])
    s = width / 1600  # scale every measure from the 1600-px design

    img = _background(width, height, seed, top, bottom)
    cx, cy = _burst_centre(width, height, seed)
    ImageDraw.Draw(img, "RGBA").ellipse([cx - 150 * s, cy - 150 * s, cx + 150 * s, cy + 150 * s],
                                        fill=burst + (200,))
    draw = ImageDraw.Draw(img)  # everything else is opaque: no blending needed

    # Title caption box across the top.
    title_face = _face(int(64 * s))
    box_x0, box_y0 = (250 if label else 90) * s, 70 * s
    box_w = width - box_x0 - 90 * s
    title_lines = wrap(_prepare(title[:1000].upper()), title_face, box_w - 60 * s, 2)
    line_h = 76 * s
    box_y1 = box_y0 + 40 * s + line_h * len(title_lines)
    draw.rectangle([box_x0 + 10 * s, box_y0 + 10 * s, box_x0 + box_w + 10 * s, box_y1 + 10 * s],
                   fill=INK)
    draw.rectangle([box_x0, box_y0, box_x0 + box_w, box_y1], fill=caption, outline=INK,
                   width=max(1, int(6 * s)))
    for i, line in enumerate(title_lines):  # capitals centred in each line
        baseline = box_y0 + 20 * s + i * line_h + (line_h + title_face.cap) / 2
        title_face.text(draw, (box_x0 + 30 * s, baseline), line, fill=INK,
                        stroke_width=max(1, int(2 * s)), stroke_fill=INK)

    # Panel label in a starburst badge, top left (the cover has none).
    if label:
        _badge(draw, 150 * s, 150 * s, s, label, burst, seed)

    # Speech balloon with the start of the prompt.
    body_face = _face(int(42 * s))
    bal_x0, bal_x1 = 110 * s, width - 110 * s
    excerpt = " ".join(prompt[:4000].replace("#", " ").replace("*", "").split())
    body_lines = wrap(_prepare(excerpt[:1000]), body_face, bal_x1 - bal_x0 - 80 * s, 4)
    body_h = 54 * s
    bal_y1 = height - 120 * s
    bal_y0 = bal_y1 - 50 * s - body_h * len(body_lines)
    tail = [(bal_x0 + 180 * s, bal_y0 + 4 * s), (bal_x0 + 260 * s, bal_y0 + 4 * s),
            (bal_x0 + 150 * s, bal_y0 - 70 * s)]
    draw.rounded_rectangle([bal_x0 + 10 * s, bal_y0 + 10 * s, bal_x1 + 10 * s, bal_y1 + 10 * s],
                           radius=40 * s, fill=INK)
    draw.polygon(tail, fill="white", outline=INK, width=max(1, int(6 * s)))
    draw.rounded_rectangle([bal_x0, bal_y0, bal_x1, bal_y1], radius=40 * s, fill="white",
                           outline=INK, width=max(1, int(6 * s)))
    draw.line([tail[0], tail[1]], fill="white", width=max(1, int(10 * s)))
    for i, line in enumerate(body_lines):
        baseline = bal_y0 + 25 * s + i * body_h + (body_h + body_face.cap) / 2
        body_face.text(draw, (bal_x0 + 40 * s, baseline), line, fill=INK)

    # Footer tag: what the author does next.
    tag = _prepare(f"placeholder · add {art_folder[:200]}/{panel_id[:200]}.png")
    _face(int(30 * s)).text(draw, (width - 60 * s, height - 50 * s), tag, anchor="rs",
                            fill="white", stroke_width=max(1, int(3 * s)), stroke_fill=INK)

    # The page: a heavy ink border at the very edge, no white margin, so the
    # panel frames itself on a dark page as on a white one.
    draw.rectangle([0, 0, width - 1, height - 1], outline=INK, width=max(2, int(16 * s)))
    return img
