"""Panel pictures for the EPUB: JPEG or PNG, about 1600 px on the long side.

Made from the panel's largest site rendition (never the author's original),
because e-readers show JPEG and PNG and many do not show WebP: art becomes a
JPEG, a placeholder (flat colour and lettering) a paletted PNG, which is
smaller and sharper for it. Each is cached beside the renditions, named by
the panel's image key, so a warm build converts nothing.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from ..images import ImageSet, file_of
from .epub import IMAGES_VERSION as VERSION

LONG_SIDE = 1600
JPEG_QUALITY = 85
FOLDER = "epub-images"


@dataclass(frozen=True)
class BookImage:
    name: str  # file name inside the book's image folder
    media_type: str
    width: int
    height: int
    path: Path  # the cached file


def cached_path(cache_dir: Path, images: ImageSet) -> Path:
    ext = "jpg" if images.is_art else "png"
    return Path(cache_dir) / FOLDER / f"{images.key}-{VERSION}.{ext}"


def _missing(cache_dir: Path, images: ImageSet) -> bool:
    path = cached_path(cache_dir, images)
    return not path.is_file() or path.stat().st_size == 0


def convert_missing(cache_dir: Path, sets: list[ImageSet]) -> int:
    """Convert every picture the cache lacks; returns how many were made.

    On worker processes, one per core: decoding a lossless WebP and
    quantising it takes some 35 MB for a moment, which would otherwise stay
    in the build process's peak.
    """
    todo = [images for images in sets if _missing(cache_dir, images)]
    if not todo:
        return 0
    import multiprocessing
    import sys
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if sys.platform.startswith("linux") else "spawn"
    workers = max(1, min(len(todo), os.cpu_count() or 1))
    with ProcessPoolExecutor(max_workers=workers,
                             mp_context=multiprocessing.get_context(method)) as pool:
        list(pool.map(_convert_one, [str(cache_dir)] * len(todo), todo))
    return len(todo)


def _convert_one(cache_dir: str, images: ImageSet) -> None:
    path = cached_path(Path(cache_dir), images)
    data = _convert(file_of(cache_dir, images, images.get("full")), images.is_art)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def book_image(cache_dir: Path, images: ImageSet) -> BookImage:
    """The panel's picture for the book, converted once and then read from the cache."""
    path = cached_path(cache_dir, images)
    if _missing(cache_dir, images):
        _convert_one(str(cache_dir), images)
    width, height = _fitted((images.get("full").width, images.get("full").height))
    ext = path.suffix[1:]
    return BookImage(f"{images.panel_id}.{ext}",
                     "image/jpeg" if ext == "jpg" else "image/png", width, height, path)


def _fitted(size: tuple[int, int]) -> tuple[int, int]:
    """``size`` scaled down so its long side is at most LONG_SIDE (never up)."""
    w, h = size
    scale = min(1.0, LONG_SIDE / max(w, h))
    return max(1, round(w * scale)), max(1, round(h * scale))


def _convert(source: Path, is_art: bool) -> bytes:
    from PIL import Image

    with Image.open(source) as im:
        im.load()
        picture = im.convert("RGB")
    size = _fitted(picture.size)
    if size != picture.size:
        picture = picture.resize(size, Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    if is_art:
        picture.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        paletted = picture.quantize(colors=64, method=Image.Quantize.FASTOCTREE,
                                    dither=Image.Dither.NONE)
        paletted.save(buf, "PNG", compress_level=6)
    return buf.getvalue()
