"""Which characters the placeholder lettering can draw, and in which font.

Plain Python (no Pillow until a fallback font is opened), so the build can
say which panels could not be lettered fully without importing Pillow.
"""

from __future__ import annotations

import bisect
import functools
import shutil
import struct
import subprocess
import unicodedata
from pathlib import Path

# Lettering
# ---------
# Every word is lettered in the shipped Noto Sans Bold (OFL; licence beside
# it in assets/fonts/NotoSans-OFL.txt), cut down to Latin, Greek and Cyrillic
# with fontTools, a maintainer's tool that nothing here imports:
#
#   U=U+0020-007E,U+00A0-00FF,U+0100-017F,U+0218-021B,U+0259,U+0192,U+02C6-02DD
#   U=$U,U+0300-036F,U+0370-03FF,U+0400-04FF,U+2000-206F,U+20AC,U+20B4,U+20BD
#   U=$U,U+2116,U+2122,U+2212
#   pyftsubset NotoSans-Bold.ttf --unicodes=$U --no-hinting --desubroutinize \
#     --drop-tables+=DSIG --name-IDs='*' --name-languages='*' \
#     --output-file=NotoSans-Bold-subset.ttf
#
# (NotoSans-Bold.ttf 2.004 from Debian's fonts-noto-core; the subset is 104 KB.)
#
# A character it lacks (CJK, Arabic, Hebrew, Devanagari...) is lettered in the
# system font fontconfig names first for it, when fontconfig is installed. A
# character no font has is left out, never drawn as a box, and reported by
# unlettered(). What a font covers is read from its character map once per
# process: the shipped font's 'cmap' table, fontconfig's charset for the rest.

FONT_FILE = Path(__file__).with_name("assets") / "fonts" / "NotoSans-Bold-subset.ttf"
FALLBACK_PATTERN = "sans-serif:weight=bold"  # fontconfig's list of fallbacks, best first
SHIPPED, NO_FONT = 0, -1  # font keys; fallback fonts are 1, 2, ...


def _cmap(data: bytes, index: int = 0) -> frozenset[int]:
    """The code points a TrueType/OpenType font maps to a glyph other than .notdef.

    Reads the Unicode subtable of the 'cmap' table: format 12 (all planes)
    when there is one, else format 4 (the BMP). ``index`` picks the font of a
    collection (.ttc).
    """
    base = 0
    if data[:4] == b"ttcf":
        base = struct.unpack_from(">I", data, 12 + 4 * index)[0]
    (num_tables,) = struct.unpack_from(">H", data, base + 4)
    for i in range(num_tables):
        tag, _, start, _ = struct.unpack_from(">4sIII", data, base + 12 + 16 * i)
        if tag == b"cmap":
            break
    else:
        raise ValueError("font has no cmap table")
    subtables: dict[tuple[int, int, int], int] = {}
    for i in range(struct.unpack_from(">H", data, start + 2)[0]):
        platform, encoding, offset = struct.unpack_from(">HHI", data, start + 4 + 8 * i)
        (fmt,) = struct.unpack_from(">H", data, start + offset)
        subtables.setdefault((platform, encoding, fmt), start + offset)
    for key in ((3, 10, 12), (0, 6, 12), (0, 4, 12), (3, 1, 4), (0, 3, 4), (0, 2, 4),
                (0, 1, 4), (0, 0, 4)):
        if key in subtables:
            at = subtables[key]
            return _cmap12(data, at) if key[2] == 12 else _cmap4(data, at)
    raise ValueError("font has no Unicode cmap of format 4 or 12")


def _cmap4(data: bytes, at: int) -> frozenset[int]:
    segments = struct.unpack_from(">H", data, at + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", data, at + 14)
    starts = struct.unpack_from(f">{segments}H", data, at + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", data, at + 16 + 4 * segments)
    range_at = at + 16 + 6 * segments
    offsets = struct.unpack_from(f">{segments}H", data, range_at)
    out: set[int] = set()
    for i, (start, end, delta, offset) in enumerate(zip(starts, ends, deltas, offsets)):
        if start > end:
            continue
        if offset == 0:
            out.update(c for c in range(start, end + 1) if (c + delta) & 0xFFFF)
            continue
        glyphs = struct.unpack_from(f">{end - start + 1}H", data, range_at + 2 * i + offset)
        out.update(c for c, g in zip(range(start, end + 1), glyphs) if g and (g + delta) & 0xFFFF)
    out.discard(0xFFFF)
    return frozenset(out)


def _cmap12(data: bytes, at: int) -> frozenset[int]:
    (groups,) = struct.unpack_from(">I", data, at + 12)
    out: set[int] = set()
    for g in range(groups):
        start, end, glyph = struct.unpack_from(">III", data, at + 16 + 12 * g)
        out.update(range(start + (glyph == 0), end + 1))
    return frozenset(out)


@functools.lru_cache(maxsize=1)
def _shipped() -> frozenset[str]:
    """The characters the shipped font draws."""
    return frozenset(map(chr, _cmap(FONT_FILE.read_bytes())))


@functools.lru_cache(maxsize=1)
def _fallbacks() -> tuple[tuple[str, int, list[int], list[int]], ...]:
    """Fontconfig's fallback fonts, best first: (file, index, range starts, range ends).

    One ``fc-match`` per process, and only once some character is missing
    from the shipped font; no fallbacks without fontconfig. Colour (emoji)
    and bitmap fonts are left out: Pillow draws them at one size only.
    """
    exe = shutil.which("fc-match")
    if exe is None:
        return ()
    try:
        out = subprocess.run(
            [exe, "-s", "-f", "%{file}\t%{index}\t%{scalable}\t%{color}\t%{charset}\n",
             FALLBACK_PATTERN], capture_output=True, text=True, errors="replace",
            timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    fonts = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 5 or parts[2] != "True" or parts[3] == "True":
            continue
        try:
            starts, ends = [], []
            for token in parts[4].split():
                lo, _, hi = token.partition("-")
                starts.append(int(lo, 16))
                ends.append(int(hi or lo, 16))
            fonts.append((parts[0], int(parts[1] or 0), starts, ends))
        except ValueError:
            continue
    return tuple(fonts)


@functools.cache
def _loads(key: int) -> bool:
    """Whether Pillow can open fallback font ``key`` at any size."""
    from PIL import ImageFont

    path, index = _fallbacks()[key - 1][:2]
    try:
        ImageFont.truetype(path, 24, index=index)
    except (OSError, ValueError):
        return False
    return True


def _covers(key: int, ch: str) -> bool:
    if key == SHIPPED:
        return ch in _shipped()
    starts, ends = _fallbacks()[key - 1][2:]
    cp = ord(ch)
    i = bisect.bisect_right(starts, cp) - 1
    return i >= 0 and cp <= ends[i]


@functools.cache
def _font_for(ch: str) -> int:
    """The key of the first font that draws ``ch``: SHIPPED, a fallback, or NO_FONT."""
    if ch in _shipped():
        return SHIPPED
    for key in range(1, len(_fallbacks()) + 1):
        if _covers(key, ch) and _loads(key):
            return key
    return NO_FONT


def _invisible(ch: str) -> bool:
    """Controls, format characters, surrogates and variation selectors: nothing to draw."""
    cp = ord(ch)
    return (unicodedata.category(ch) in ("Cc", "Cf", "Cs")
            or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF)


@functools.lru_cache(maxsize=8192)
def _letter(ch: str) -> str:
    """What to draw for one character: itself, its parts, a space, or nothing."""
    if ch in _shipped():
        return ch
    if ch.isspace():
        return " "
    if _invisible(ch):
        return ""
    parts = unicodedata.normalize("NFD", ch)  # ệ: e and two marks the shipped font has
    if parts != ch and _shipped().issuperset(parts):
        return parts
    return ch if _font_for(ch) != NO_FONT else ""


def _prepare(text: str) -> str:
    """The text as it will be lettered: every character left has a font."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(map(_letter, text))


def unlettered(text: str) -> str:
    """The characters of ``text`` that no font can draw, each once, in order of first appearance.

    Neither the shipped font nor any font fontconfig knows has them: the
    placeholder leaves them out. Whitespace and control characters never count.
    """
    missing: dict[str, None] = {}
    for ch in text:
        if ch not in missing and not ch.isspace() and not _invisible(ch) and not _letter(ch):
            missing[ch] = None
    return "".join(missing)
