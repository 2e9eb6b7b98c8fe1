"""Placeholder panels drawn with Pillow: a comic-book page, not a grey box.

Deterministic: the same panel gives the same pixels (colours come from a
SHA-256 of the id, never from Python's salted ``hash``).
"""

from __future__ import annotations

import functools
import hashlib
import math

from PIL import Image, ImageChops, ImageDraw, ImageFont


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
    widths; a line that kerning pushes past the width is measured whole and
    shortened.
    """
    # Only the start can show: never measure more than fits in max_lines.
    words = text[: max_lines * 120].split()
    space = font.getlength(" ")
    lines: list[str] = []
    current: list[str] = []
    width = 0.0
    for word in words:
        size = font.getlength(word)
        while size > max_width and len(word) > 1:
            lo, hi = 1, len(word)  # longest prefix that fits, by bisection
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if font.getlength(word[:mid]) <= max_width:
                    lo = mid
                else:
                    hi = mid - 1
            if current:
                lines.append(" ".join(current))
                current, width = [], 0.0
            lines.append(word[:lo])
            word = word[lo:]
            size = font.getlength(word)
        if current and width + space + size > max_width:
            lines.append(" ".join(current))
            current, width = [], 0.0
        width = width + space + size if current else size
        current.append(word)
        if len(lines) > max_lines:
            break
    if current:
        lines.append(" ".join(current))
    lines = [_fit(line, font, max_width) for line in lines[:max_lines + 1]]
    if len(lines) > max_lines:
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


@functools.lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


LEVELS = 32  # gradient steps; the site stores placeholders in 64 colours anyway
DOT, RAY = LEVELS, 2 * LEVELS  # added to the step: which white wash lies over it
RAY_WASH, DOT_WASH = 46, 70  # how much white, of 255


@functools.lru_cache(maxsize=4)
def _steps(width: int, height: int, direction: int) -> Image.Image:
    """A diagonal ramp of gradient steps 0..LEVELS-1; drawn once per process."""
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


def _wash(colour: tuple[int, int, int], amount: int) -> tuple[int, int, int]:
    return tuple(c + (255 - c) * amount // 255 for c in colour)  # type: ignore[return-value]


@functools.lru_cache(maxsize=16)
def _palette(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> list[int]:
    """Colours for step + DOT/RAY: the gradient, washed with white where rays and dots lie."""
    out: list[int] = []
    for wash in range(4):  # none, dot, ray, ray and dot
        for level in range(LEVELS):
            t = (level + 0.5) / LEVELS
            colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom))
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
    index = ImageChops.add(ImageChops.add(_steps(width, height, seed[1] % 2), rays_mask),
                           _halftone(width, height))
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
    turn = seed[5] / 80
    draw.polygon(_starburst(bx + 8 * s, by + 8 * s, 130 * s, 96 * s, 12, turn), fill=INK)
    draw.polygon(_starburst(bx, by, 130 * s, 96 * s, 12, turn), fill=fill, outline=INK,
                 width=max(1, int(6 * s)))
    num_font = _font(int((110 if len(label) < 3 else 80) * s))
    draw.text((bx, by), label, font=num_font, fill=INK, anchor="mm",
              stroke_width=max(1, int(3 * s)), stroke_fill="white")


def draw_placeholder(panel_id: str, number: int, title: str, prompt: str,
                     width: int = 1600, height: int = 900) -> Image.Image:
    """Draw one placeholder panel and return it as an RGB image."""
    seed = _seed(panel_id)
    top, bottom, burst, caption = (_rgb(c) for c in PALETTES[seed[0] % len(PALETTES)])
    s = width / 1600  # scale every measure from the 1600-px design

    img = _background(width, height, seed, top, bottom)
    cx, cy = _burst_centre(width, height, seed)
    ImageDraw.Draw(img, "RGBA").ellipse([cx - 150 * s, cy - 150 * s, cx + 150 * s, cy + 150 * s],
                                        fill=burst + (200,))
    draw = ImageDraw.Draw(img)  # everything else is opaque: no blending needed

    # Title caption box across the top.
    title_font = _font(int(64 * s))
    box_x0, box_y0 = (250 if number else 90) * s, 70 * s
    box_w = width - box_x0 - 90 * s
    title_lines = wrap(title.upper(), title_font, box_w - 60 * s, 2)
    line_h = 76 * s
    box_y1 = box_y0 + 40 * s + line_h * len(title_lines)
    draw.rectangle([box_x0 + 10 * s, box_y0 + 10 * s, box_x0 + box_w + 10 * s, box_y1 + 10 * s],
                   fill=INK)
    draw.rectangle([box_x0, box_y0, box_x0 + box_w, box_y1], fill=caption, outline=INK,
                   width=max(1, int(6 * s)))
    for i, line in enumerate(title_lines):
        draw.text((box_x0 + 30 * s, box_y0 + 22 * s + i * line_h), line, font=title_font,
                  fill=INK, stroke_width=max(1, int(2 * s)), stroke_fill=INK)

    # Panel number in a starburst badge, top left (the cover has none).
    bx, by = 150 * s, 150 * s
    if number:
        _badge(draw, bx, by, s, str(number), burst, seed)

    # Speech balloon with the start of the prompt.
    body_font = _font(int(42 * s))
    bal_x0, bal_x1 = 110 * s, width - 110 * s
    excerpt = " ".join(prompt.replace("#", " ").replace("*", "").split())
    body_lines = wrap(excerpt, body_font, bal_x1 - bal_x0 - 80 * s, 4)
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
        draw.text((bal_x0 + 40 * s, bal_y0 + 25 * s + i * body_h), line, font=body_font, fill=INK)

    # Footer tag: what the author does next.
    tag_font = _font(int(30 * s))
    tag = f"placeholder · add story/art/{panel_id}.png"
    draw.text((width - 60 * s, height - 50 * s), tag, font=tag_font, fill="white", anchor="rs",
              stroke_width=max(1, int(3 * s)), stroke_fill=INK)

    # The page: a heavy ink border inside a white gutter.
    border = max(2, int(14 * s))
    gutter = max(2, int(18 * s))
    draw.rectangle([0, 0, width - 1, height - 1], outline="white", width=gutter)
    draw.rectangle([gutter, gutter, width - 1 - gutter, height - 1 - gutter], outline=INK,
                   width=border)
    return img
