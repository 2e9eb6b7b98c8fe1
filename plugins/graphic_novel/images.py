"""Panel images: placeholders drawn or art prepared, as cached WebP renditions.

Every panel becomes one :class:`ImageJob`. Its key is a hash of everything
that changes the pixels, and its renditions live in ``cache_dir/<key>/``,
written to a temporary folder and renamed into place, so a build that dies
half way, or two builds at once, never leave a torn entry. A warm build
finds every key and draws nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError, __version__ as PIL_VERSION

from .errors import StoryError
from .placeholder import DRAW_VERSION, draw_placeholder

PIPELINE_VERSION = "3"
THUMB_WIDTH = 480
SOCIAL_WIDTH = 1200  # share previews: PNG or JPEG, which every link-preview crawler reads
MAX_ART_PIXELS = 64_000_000  # refuse decompression bombs well before Pillow's own limit


@dataclass(frozen=True)
class ImageJob:
    panel_id: str
    number: int
    title: str
    prompt: str
    art_path: str | None  # None: draw a placeholder
    art_shown: str | None  # the art's path as the author knows it, for messages
    art_digest: str | None = None  # SHA-256 of the art file, computed once by make_job
    width: int = 1600  # largest rendition (placeholder size; art is capped to it)
    height: int = 900
    fmt: str = "webp"  # webp | png
    mid_width: int = 800

    def key(self) -> str:
        h = hashlib.sha256()
        parts = [PIPELINE_VERSION, PIL_VERSION, self.fmt, str(self.width), str(self.height),
                 str(self.mid_width), str(THUMB_WIDTH)]
        if self.art_path:
            parts += ["art", self.art_digest or _file_digest(Path(self.art_path))]
        else:
            parts += ["placeholder", DRAW_VERSION, self.panel_id, str(self.number), self.title,
                      self.prompt]
        for part in parts:
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\x00")
        return h.hexdigest()[:32]


@dataclass(frozen=True)
class Rendition:
    name: str  # "full", "mid", "thumb"
    file: str  # path inside the cache entry
    width: int
    height: int


@dataclass(frozen=True)
class ImageSet:
    panel_id: str
    key: str
    is_art: bool
    renditions: tuple[Rendition, ...]
    drawn: bool  # made in this build (False: from cache)

    def get(self, name: str) -> Rendition:
        for r in self.renditions:
            if r.name == name:
                return r
        return self.renditions[0]

    @property
    def srcset_renditions(self) -> list[Rendition]:
        return sorted((r for r in self.renditions if r.name in ("full", "mid")),
                      key=lambda r: r.width)


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _encode(img: Image.Image, fmt: str, flat: bool) -> bytes:
    buf = io.BytesIO()
    if flat:
        # Placeholders are flat colour: a 64-colour palette, stored losslessly,
        # is a third of the size of lossy WebP and keeps the lettering crisp.
        img = img.quantize(colors=64, method=Image.Quantize.FASTOCTREE,
                           dither=Image.Dither.NONE)
        if fmt == "png":
            img.save(buf, "PNG", optimize=True)
        else:
            img.convert("RGB").save(buf, "WEBP", lossless=True, quality=100, method=4)
    elif fmt == "png":
        img.save(buf, "PNG", optimize=True)
    elif fmt == "jpg":
        img.save(buf, "JPEG", quality=82, optimize=True, progressive=True)
    else:
        img.save(buf, "WEBP", quality=80, method=4)
    return buf.getvalue()


def _open_art(job: ImageJob) -> Image.Image:
    shown = job.art_shown or job.art_path
    try:
        with Image.open(job.art_path) as probe:
            w, h = probe.size
            if w * h > MAX_ART_PIXELS:
                raise StoryError(shown, f"the image is {w}x{h} pixels, too large to process "
                                        "safely; scale it below 64 megapixels.")
            probe.load()
            img = ImageOps.exif_transpose(probe)
            img = img.convert("RGBA" if img.mode in ("RGBA", "LA", "P") else "RGB")
            if img.mode == "RGBA":
                background = Image.new("RGB", img.size, "white")
                background.paste(img, mask=img.getchannel("A"))
                img = background
            return img
    except StoryError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as exc:
        raise StoryError(shown, f"the art file cannot be read as an image ({exc.__class__.__name__}"
                                "); export it again as PNG, JPEG or WebP.") from None


def _resize(img: Image.Image, width: int) -> Image.Image:
    if img.width <= width:
        return img
    height = max(1, round(img.height * width / img.width))
    return img.resize((width, height), Image.Resampling.LANCZOS)


def render(job: ImageJob, cache_dir: str) -> ImageSet:
    """Make (or find) the renditions of one panel. Runs in a worker process."""
    key = job.key()
    entry = Path(cache_dir) / key
    cached = read_entry(entry, job)
    if cached is not None:
        return cached
    if job.art_path:
        base = _open_art(job)
        base = _resize(base, job.width)
    else:
        base = draw_placeholder(job.panel_id, job.number, job.title, job.prompt,
                                job.width, job.height)
    flat = job.art_path is None
    sizes = [("full", base, job.fmt)]
    if base.width > job.mid_width:
        sizes.append(("mid", _resize(base, job.mid_width), job.fmt))
    sizes.append(("thumb", _resize(base, THUMB_WIDTH), job.fmt))
    sizes.append(("social", _resize(base, SOCIAL_WIDTH), "png" if flat else "jpg"))
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=cache_dir))
    renditions = []
    try:
        for name, img, fmt in sizes:
            filename = f"{name}.{fmt}"
            (tmp / filename).write_bytes(_encode(img, fmt, flat))
            renditions.append(Rendition(name, filename, img.width, img.height))
        result = ImageSet(job.panel_id, key, bool(job.art_path), tuple(renditions), drawn=True)
        (tmp / "entry.json").write_text(json.dumps([asdict(r) for r in renditions]))
        try:
            os.rename(tmp, entry)
        except OSError:
            # Another build finished the same entry first, or a broken entry
            # is in the way: replace a broken one, keep a good one.
            if read_entry(entry, job) is None:
                shutil.rmtree(entry, ignore_errors=True)
                os.rename(tmp, entry)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return result


def read_entry(entry: Path, job: ImageJob) -> ImageSet | None:
    """A cache entry, or None if it is missing, partial or corrupt."""
    try:
        records = json.loads((entry / "entry.json").read_text())
        renditions = tuple(Rendition(**r) for r in records)
        for r in renditions:
            path = entry / r.file
            if not path.is_file() or path.stat().st_size == 0:
                return None
        if not renditions:
            return None
    except (OSError, ValueError, TypeError):
        return None
    return ImageSet(job.panel_id, entry.name, bool(job.art_path), renditions, drawn=False)


def file_of(cache_dir: str | Path, images: ImageSet, rendition: Rendition) -> Path:
    """Where a rendition lies in the cache."""
    return Path(cache_dir) / images.key / rendition.file


def site_path(images: ImageSet, rendition: Rendition) -> str:
    """Where a rendition goes in the site; the key in the name busts browser caches."""
    ext = rendition.file.rsplit(".", 1)[-1]
    return f"assets/panels/{images.panel_id}-{rendition.name}-{images.key[:10]}.{ext}"


def make_job(panel, art: Path | None, art_shown: str | None, width: int, height: int,
             fmt: str) -> ImageJob:
    """The job for one model Panel, with the art hashed once."""
    return ImageJob(panel_id=panel.id, number=panel.number, title=panel.title,
                    prompt=panel.prompt, art_path=str(art) if art else None,
                    art_shown=art_shown, art_digest=_file_digest(art) if art else None,
                    width=width, height=height, fmt=fmt, mid_width=min(800, width))


class Renderer:
    """Runs jobs: cached ones inline, the rest on a process pool of every core."""

    def __init__(self, cache_dir: str | Path, workers: int | None = None):
        self.cache_dir = str(cache_dir)
        self.workers = workers or os.cpu_count() or 1
        self._pool: Executor | None = None

    def _executor(self) -> Executor:
        if self._pool is None:
            method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() \
                else "spawn"
            ctx = multiprocessing.get_context(method)
            if method == "forkserver":
                ctx.set_forkserver_preload(["graphic_novel.images"])
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)
        return self._pool

    def submit(self, jobs: list[ImageJob]) -> dict[str, "Future[ImageSet] | ImageSet"]:
        """Start every job; cache hits are answered at once, without a worker."""
        out: dict[str, Future[ImageSet] | ImageSet] = {}
        missing = []
        for job in jobs:
            key = job.key()
            hit = read_entry(Path(self.cache_dir) / key, job)
            if hit is not None:
                out[job.panel_id] = hit
            else:
                missing.append(job)
        if len(missing) == 1 or (missing and self.workers == 1):
            for job in missing:
                future: Future[ImageSet] = Future()
                try:
                    future.set_result(render(job, self.cache_dir))
                except Exception as exc:  # surfaced by collect()
                    future.set_exception(exc)
                out[job.panel_id] = future
        elif missing:
            pool = self._executor()
            for job in missing:
                out[job.panel_id] = pool.submit(render, job, self.cache_dir)
        return out

    @staticmethod
    def collect(pending: dict[str, "Future[ImageSet] | ImageSet"]) -> dict[str, ImageSet]:
        results: dict[str, ImageSet] = {}
        errors: list[StoryError] = []
        for pid, item in pending.items():
            if isinstance(item, ImageSet):
                results[pid] = item
                continue
            try:
                results[pid] = item.result()
            except StoryError as exc:
                errors.append(exc)
        if errors:
            from .errors import StoryErrors
            raise StoryErrors(errors)
        return results

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
