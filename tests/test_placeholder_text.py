"""Lettering on placeholders: the shipped font, system fallbacks, nothing drawn as a box."""

from __future__ import annotations

import io
import math
import struct
import subprocess
import sys

import pytest
from PIL import Image, ImageDraw, ImageFont

from graphic_novel import lettering, placeholder
from graphic_novel.lettering import unlettered
from graphic_novel.placeholder import draw_placeholder, wrap

WORDS = ["São Paulo", "Ελληνικά", "Кириллица", "Łódź ŽŠČ"]
# U+0378 is unassigned and U+FDD0 a noncharacter: no font can have them.
IMPOSSIBLE = "\u0378\ufdd0"


def _bytes(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def no_fontconfig(monkeypatch):
    """As on a machine without fontconfig: the shipped font alone."""
    caches = [lettering._fallbacks, lettering._font_for, lettering._letter,
              placeholder._runs, lettering._loads]
    for cache in caches:
        cache.cache_clear()
    monkeypatch.setattr(lettering.shutil, "which", lambda name: None)
    yield
    monkeypatch.undo()
    for cache in caches:
        cache.cache_clear()


def test_shipped_font_is_small_and_licensed():
    font = lettering.FONT_FILE
    assert font.is_file() and font.stat().st_size < 200_000
    licence = (font.parent / "NotoSans-OFL.txt").read_text("utf-8")
    assert "Noto Sans" in licence and "Google LLC" in licence
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence


@pytest.mark.parametrize("word", WORDS)
def test_latin_greek_cyrillic_are_lettered(word):
    assert unlettered(word) == ""
    assert unlettered(word.upper()) == ""  # titles are drawn in capitals
    shipped = lettering._shipped()
    assert all(ch in shipped for ch in word.replace(" ", ""))
    # Drawn in the shipped font, each glyph unlike its missing-glyph box.
    font = ImageFont.truetype(str(lettering.FONT_FILE), 48)
    notdef = font.getmask("\ufdd0")
    box = (notdef.size, bytes(notdef))
    for ch in word.upper() + word.lower():
        if ch != " ":
            mask = font.getmask(ch)
            assert (mask.size, bytes(mask)) != box, ch


@pytest.mark.parametrize("word", WORDS)
def test_shipped_scripts_need_no_fontconfig(no_fontconfig, word):
    assert lettering._fallbacks() == ()
    assert unlettered(word) == ""
    assert placeholder._runs(lettering._prepare(word)) == ((lettering.SHIPPED, word),)


def test_decomposed_accents_are_lettered():
    # Vietnamese letters outside the subset are drawn as letter and marks.
    assert unlettered("Tiếng Việt") == ""
    assert unlettered("Sa\u0303o") == ""


def test_impossible_characters_are_reported_once_in_order():
    assert unlettered(f"a{IMPOSSIBLE[1]}b{IMPOSSIBLE[0]}c{IMPOSSIBLE[1]}") == \
        IMPOSSIBLE[1] + IMPOSSIBLE[0]
    assert "\ue000" in unlettered("private \ue000 use") or lettering._font_for("\ue000") > 0


def test_whitespace_and_controls_never_count():
    assert unlettered("\t\n\r\x00\x07\u00a0\u2003\u200b\u200d\u2028\ufeff\ufe0f \x7f") == ""


def test_unletterable_characters_are_left_out_not_boxed():
    a = draw_placeholder("p", "1.1", f"A{IMPOSSIBLE}B", f"one{IMPOSSIBLE[0]} two")
    b = draw_placeholder("p", "1.1", "AB", "one two")
    assert _bytes(a) == _bytes(b)


def test_without_fontconfig_other_scripts_are_left_out(no_fontconfig):
    assert unlettered("東京 and שלום") == "東京שלום"
    img = draw_placeholder("p", "2", "東京の夜", "שלום עולם مرحبا")
    assert img.size == (1600, 900)


def test_fontconfig_fallback_letters_what_the_system_has():
    if not lettering._fallbacks():
        pytest.skip("no fontconfig here")
    for ch in "ש東म":
        key = lettering._font_for(ch)
        if key == lettering.NO_FONT:
            assert ch in unlettered(ch)
            continue
        assert unlettered(ch) == ""
        path, index = lettering._fallbacks()[key - 1][:2]
        # The font fontconfig named has the glyph: its own cmap says so.
        with open(path, "rb") as f:
            assert ord(ch) in lettering._cmap(f.read(), index)


def test_wrap_in_fallback_fonts_loses_no_letter():
    text = lettering._prepare("שלום עולם אחד שתיים שלוש ארבע חמש שש שבע שמונה תשע עשר "
                                "Latin words among them, 東京 Tower and more words")
    face = placeholder._face(42)
    lines = wrap(text, face, 600, 20)
    assert " ".join(lines).split() == text.split()
    assert all(face.getlength(line) <= 600 for line in lines)


def test_no_white_gutter():
    img = draw_placeholder("01-storm", "1.1", "The storm", "A storm at sea.")
    w, h = img.size
    frame = [(x, y) for x in range(0, w, 7) for y in (0, 5, 12, h - 13, h - 6, h - 1)]
    frame += [(x, y) for y in range(0, h, 7) for x in (0, 5, 12, w - 13, w - 6, w - 1)]
    for xy in frame:
        assert sum(img.getpixel(xy)) < 3 * 80, xy  # dark ink to the very edge


def test_badge_shows_the_whole_label():
    a = draw_placeholder("p", "5.1", "Title", "Prompt.")
    b = draw_placeholder("p", "5.2", "Title", "Prompt.")
    c = draw_placeholder("p", "", "Title", "Prompt.")
    assert len({_bytes(a), _bytes(b), _bytes(c)}) == 3


@pytest.mark.parametrize("label,width",
                         [("12.10", 1600), ("5.1", 1600), ("99.99", 480), ("2", 800)])
def test_label_fits_inside_the_burst(label, width):
    s = width / 1600
    img = Image.new("RGB", (int(300 * s), int(300 * s)), (0, 160, 0))
    centre = 150 * s
    placeholder._badge(ImageDraw.Draw(img), centre, centre, s, label, (200, 0, 0), bytes(32))
    white = [(x, y) for x in range(img.width) for y in range(img.height)
             if min(img.getpixel((x, y))) > 200]
    assert white  # the label's white outline is drawn
    assert max(math.hypot(x - centre, y - centre) for x, y in white) < 96 * s


def test_deterministic_bytes():
    args = ("07-lens", "12.3", "São Paulo — Ελληνικά — Кириллица", "Łódź ŽŠČ; שלום 東京 🦙")
    assert _bytes(draw_placeholder(*args)) == _bytes(draw_placeholder(*args))


def test_cmap_reader_formats_4_and_12():
    def font(subtables: list[tuple[int, int, bytes]]) -> bytes:
        header = struct.pack(">HH", 0, len(subtables))
        records, body, at = b"", b"", 4 + 8 * len(subtables)
        for platform, encoding, data in subtables:
            records += struct.pack(">HHI", platform, encoding, at + len(body))
            body += data
        cmap = header + records + body
        return struct.pack(">IHHHH", 0x00010000, 1, 16, 0, 0) + \
            struct.pack(">4sIII", b"cmap", 0, 28, len(cmap)) + cmap

    # Format 4: 'A'-'C' by delta, 'a'-'c' through glyph ids (b maps to .notdef).
    ends, starts, deltas = [0x43, 0x63, 0xFFFF], [0x41, 0x61, 0xFFFF], [-0x40, 0, 1]
    glyphs = [7, 0, 9]
    offsets = [0, 4, 0]  # from the 2nd idRangeOffset entry: skip 2 entries to glyphs[]
    n = len(ends)
    fmt4 = struct.pack(f">HHHHHHH{n}HH{n}H{n}h{n}H{len(glyphs)}H", 4, 0, 0, 2 * n, 0, 0, 0,
                       *ends, 0, *starts, *deltas, *offsets, *glyphs)
    assert lettering._cmap(font([(3, 1, fmt4)])) == {0x41, 0x42, 0x43, 0x61, 0x63}
    # Format 12 wins over format 4; a group starting at glyph 0 skips its first code.
    fmt12 = struct.pack(">HHIII", 12, 0, 16 + 24, 0, 2) + \
        struct.pack(">III", 0x1F600, 0x1F602, 5) + struct.pack(">III", 0x20, 0x21, 0)
    assert lettering._cmap(font([(3, 1, fmt4), (3, 10, fmt12)])) == \
        {0x1F600, 0x1F601, 0x1F602, 0x21}


def test_cmap_reader_agrees_with_fonttools():
    ttlib = pytest.importorskip("fontTools.ttLib")
    ft = ttlib.TTFont(str(lettering.FONT_FILE))
    expected = {c for c, g in ft.getBestCmap().items() if ft.getGlyphID(g) != 0}
    assert {ord(c) for c in lettering._shipped()} == expected


def test_fonttools_is_not_needed_at_run_time():
    code = ("import sys; from graphic_novel.placeholder import draw_placeholder; "
            "from graphic_novel.lettering import unlettered; "
            "draw_placeholder('p', '1.1', 'São 東京', 'x'); unlettered('Ω'); "
            "print('fontTools' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_word_widths_are_remembered_and_lines_are_not():
    face = placeholder._Face(42)  # a face of its own, not the shared one
    for word in ["lighthouse", "Łódź", "東京"]:
        first = face.getlength(word)
        assert word in face._lengths and face.getlength(word) == first
    assert face.getlength("lighthouse") == face.main.getlength("lighthouse")
    face.getlength("a whole line")
    assert "a whole line" not in face._lengths
    for i in range(placeholder.WORDS_KEPT + 10):
        face.getlength(f"w{i}")
    assert len(face._lengths) <= placeholder.WORDS_KEPT
