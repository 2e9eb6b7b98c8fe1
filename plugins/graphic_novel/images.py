"""Panel images: placeholders drawn or art prepared, as cached renditions.

Every panel becomes one :class:`ImageJob`, keyed by a hash of everything that
changes its pixels. Its renditions live in ``cache_dir/<key>/``, written to a
temporary folder and renamed into place, so a build that dies half way, or
two builds at once, never leave a torn entry; an entry that is incomplete or
corrupt is noticed and made again.

The sizes of every rendition are known before anything is drawn
(:func:`plan` reads no more than an art file's header). Pages can therefore
be written while the drawing runs on a pool of worker processes; the build
collects the results at the end.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Collection, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import __version__ as PIL_VERSION  # the package alone: no image code loaded

from .errors import StoryError, StoryErrors

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

    from PIL import Image

# Pillow's image modules (4 MB), the placeholder drawing and the process pool
# are imported where they are used: a warm build, with every panel in the
# cache, never loads them.
DRAW_VERSION = "6"  # bump when placeholder.draw_placeholder draws differently

PIPELINE_VERSION = "8"
DEFAULT_ART_FOLDER = "story/art"
THUMB_WIDTH = 480
SOCIAL_WIDTH = 1200  # share previews as JPEG, which every link-preview crawler reads
FLAT_COLOURS = 64  # placeholders are stored in this many colours, losslessly
MAX_ART_PIXELS = 64_000_000  # refuse decompression bombs well before Pillow's own limit
EXIF_ORIENTATION = 0x0112


@dataclass(frozen=True)
class ImageJob:
    panel_id: str
    label: str  # the number drawn on a placeholder ("3.2"; "" for the cover)
    title: str
    prompt: str
    art_path: str | None  # None: draw a placeholder
    art_shown: str | None  # the art's path as the author knows it, for messages
    art_digest: str | None = None  # SHA-256 of the art file, computed once by make_job
    width: int = 1600  # largest rendition (placeholder size; art is capped to it)
    height: int = 900
    fmt: str = "webp"  # webp | png
    mid_width: int = 800
    art_size: tuple[int, int] | None = None  # upright art size, read by make_job
    art_folder: str = DEFAULT_ART_FOLDER  # where a placeholder says its art goes

    def key(self) -> str:
        h = hashlib.sha256()
        parts = [PIPELINE_VERSION, PIL_VERSION, self.fmt, str(self.width), str(self.height),
                 str(self.mid_width), str(THUMB_WIDTH), str(SOCIAL_WIDTH)]
        if self.art_path:
            parts += ["art", self.art_digest or _file_digest(Path(self.art_path))]
        else:
            parts += ["placeholder", DRAW_VERSION, self.panel_id, self.label, self.title,
                      self.prompt]
            if self.art_folder != DEFAULT_ART_FOLDER:  # (so the usual keys stay as they were)
                parts.append(self.art_folder)
        for part in parts:
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\x00")
        return h.hexdigest()[:32]


@dataclass(frozen=True)
class Rendition:
    name: str  # "full", "mid", "thumb", "social"
    file: str  # file name inside the cache entry
    width: int
    height: int


@dataclass(frozen=True)
class ImageSet:
    panel_id: str
    key: str
    is_art: bool
    renditions: tuple[Rendition, ...]
    drawn: bool  # made in this build (False: found in the cache)

    def get(self, name: str) -> Rendition:
        for r in self.renditions:
            if r.name == name:
                return r
        return self.renditions[0]

    def has(self, name: str) -> bool:
        return any(r.name == name for r in self.renditions)

    @property
    def srcset_renditions(self) -> list[Rendition]:
        return sorted((r for r in self.renditions if r.name in ("full", "mid", "thumb")),
                      key=lambda r: r.width)


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _scaled(size: tuple[int, int], width: int) -> tuple[int, int]:
    """The size after scaling down to ``width`` (never up)."""
    w, h = size
    if w <= width:
        return w, h
    return width, max(1, round(h * width / w))


def _social_width(job: ImageJob) -> int:
    # A placeholder's share preview is its 800 px rendition as JPEG: a link
    # card shows it small, and it costs one fast encode instead of a resize.
    return min(SOCIAL_WIDTH, job.mid_width) if job.art_path is None else SOCIAL_WIDTH


def plan(job: ImageJob) -> tuple[Rendition, ...]:
    """Every rendition's name, file and size, before anything is drawn.

    Each is scaled from the one above it, exactly as :func:`render` does.
    """
    flat = job.art_path is None
    base = (job.width, job.height) if flat else _scaled(job.art_size or (0, 0), job.width)
    out = [Rendition("full", f"full.{job.fmt}", *base)]
    above = base
    if base[0] > job.mid_width:
        above = _scaled(base, job.mid_width)
        out.append(Rendition("mid", f"mid.{job.fmt}", *above))
    out.append(Rendition("thumb", f"thumb.{job.fmt}", *_scaled(above, THUMB_WIDTH)))
    out.append(Rendition("social", "social.jpg", *_scaled(base, _social_width(job))))
    return tuple(out)


def _flat_palette(img: Image.Image) -> Image.Image:
    """The palette for a flat-colour image and its smaller renditions.

    Found on a quarter-size copy (a sixteenth of the pixels): a placeholder's
    colours are large flat areas, so the copy has them all, and mapping the
    full image onto a known palette is five times faster than quantising it.
    """
    from PIL import Image
    sample = img.reduce(4) if min(img.size) >= 64 else img
    return sample.quantize(colors=FLAT_COLOURS, method=Image.Quantize.FASTOCTREE,
                           dither=Image.Dither.NONE)


def _encode(img: Image.Image, fmt: str, palette: Image.Image | None = None) -> bytes:
    """Encode one rendition.

    With a ``palette`` (flat-colour placeholders) the image is mapped onto its
    colours and stored losslessly: a third of the size of lossy WebP, with
    crisp lettering. Art is lossy, unless it is flat enough to be smaller
    lossless. Share previews are baseline JPEG: crawlers gain nothing from
    progressive, which takes five times as long to encode.
    """
    # Registers the WebP encoder: without it, the first save in every worker
    # runs Image.init(), which imports all of Pillow's 45 format plugins
    # (126 M instructions, 15-20 ms a worker, every cold build).
    from PIL import (
        Image,
        WebPImagePlugin,  # noqa: F401
    )
    buf = io.BytesIO()
    if fmt == "jpg":
        img.save(buf, "JPEG", quality=82)
    elif palette is not None:
        paletted = img.quantize(palette=palette, dither=Image.Dither.NONE)
        if fmt == "png":
            paletted.save(buf, "PNG", compress_level=6)
        else:
            paletted.convert("RGB").save(buf, "WEBP", lossless=True, quality=10, method=1)
    elif fmt == "png":
        img.save(buf, "PNG", compress_level=6)
    else:
        img.save(buf, "WEBP", quality=80, method=4)
        if _few_colours(img):
            # Flat-colour art (line art, cel shading) is smaller lossless, and sharper.
            lossless = io.BytesIO()
            paletted = img.quantize(colors=256, method=Image.Quantize.FASTOCTREE,
                                    dither=Image.Dither.NONE)
            paletted.convert("RGB").save(lossless, "WEBP", lossless=True, quality=60, method=1)
            if lossless.tell() < buf.tell():
                return lossless.getvalue()
    return buf.getvalue()


def _few_colours(img: Image.Image) -> bool:
    """Whether art looks flat-coloured: at most 4,096 colours in a small copy."""
    from PIL import Image
    small = img.copy()
    small.thumbnail((200, 200), Image.Resampling.NEAREST)
    return small.getcolors(4096) is not None


ART_UNREADABLE = ("the art file cannot be read as an image (it is damaged, cut short or not "
                  "a picture)")


def _decode_small(path: Path, w: int, h: int) -> None:
    """Decode every byte of a JPEG at 1/8 size, refusing a file cut short even when another
    library in the process (WeasyPrint does, on import) has told Pillow to accept them."""
    from PIL import Image, ImageFile

    accepting = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(path) as im:
            im.draft("RGB", (max(1, w // 8), max(1, h // 8)))
            im.load()  # every byte decoded, 1/64 of the pixels made
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = accepting


def art_size(path: Path, shown: str) -> tuple[int, int]:
    """Upright size of an art file from its header; refuses junk and bombs early.

    Reads the whole file once more than the header: PNG and WebP checksums and
    structure, and JPEG decoded at 1/8 size (a JPEG cut short has a perfect
    header, and Pillow's ``verify`` does not look past it).
    """
    import warnings

    from PIL import Image

    too_large = "too large to process safely; scale it below 64 megapixels."
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                w, h = im.size
                fmt = im.format
                if w * h > MAX_ART_PIXELS:
                    raise StoryError(shown, f"the image is {w}x{h} pixels, {too_large}")
                if fmt not in ("PNG", "JPEG", "WEBP", "MPO"):
                    raise StoryError(shown, f"the file is {fmt or 'not an image'}, not PNG, "
                                            "JPEG or WebP; export it again in one of those.")
                orientation = im.getexif().get(EXIF_ORIENTATION, 1)
            with Image.open(path) as im:
                im.verify()  # reads the whole file: truncation and bad checksums show here
            if fmt in ("JPEG", "MPO"):
                _decode_small(path, w, h)
    except StoryError:
        raise
    except (Image.DecompressionBombError, MemoryError):
        raise StoryError(shown, f"the image is {too_large}") from None
    except Exception:
        # Which error Pillow raises for a damaged file varies with its plugins and the damage;
        # the author needs the same advice for all of them, not a Python class name.
        raise StoryError(shown, f"{ART_UNREADABLE}; export it again as PNG, JPEG or WebP.") \
            from None
    if not isinstance(orientation, int):
        orientation = 1
    return (h, w) if orientation in (5, 6, 7, 8) else (w, h)


def _open_art(job: ImageJob) -> Image.Image:
    import warnings

    from PIL import Image, ImageOps

    shown = job.art_shown or job.art_path
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            assert job.art_path is not None  # only jobs with art are opened
            with Image.open(job.art_path) as probe:
                probe.load()
                img = ImageOps.exif_transpose(probe)
                clear = img.mode == "P" and "transparency" in img.info
                if img.mode in ("RGBA", "LA", "PA") or clear:
                    rgba = img.convert("RGBA")
                    img = Image.new("RGB", rgba.size, "white")
                    img.paste(rgba, mask=rgba.getchannel("A"))
                return img.convert("RGB")
    except (Image.DecompressionBombError, MemoryError):
        raise StoryError(shown, "the image is too large to process safely; scale it below 64 "
                                "megapixels.") from None
    except Exception:
        # Which error Pillow raises for a damaged file varies with its plugins and the damage;
        # the author needs the same advice for all of them, not a Python class name.
        raise StoryError(shown, f"{ART_UNREADABLE}; export it again as PNG, JPEG or WebP.") \
            from None


def _resize(img: Image.Image, size: tuple[int, int],
            resample: Image.Resampling | None = None) -> Image.Image:
    from PIL import Image

    if img.size == size:
        return img
    if img.width == 2 * size[0] and img.height == 2 * size[1]:
        return img.reduce(2)  # exact halving: a box filter, several times faster
    return img.resize(size, resample or Image.Resampling.LANCZOS, reducing_gap=2.0)


def render(job: ImageJob, cache_dir: str) -> ImageSet:
    """Make (or find) the renditions of one panel. Runs in a worker process."""
    key = job.key()
    entry = Path(cache_dir) / key
    cached = read_entry(entry, job)
    if cached is not None:
        return cached
    from PIL import Image

    from .placeholder import draw_placeholder

    planned = plan(job)
    flat = job.art_path is None
    if flat:
        base = draw_placeholder(job.panel_id, job.label, job.title, job.prompt,
                                job.width, job.height, job.art_folder)
    else:
        base = _resize(_open_art(job), (planned[0].width, planned[0].height))
    palette = _flat_palette(base) if flat else None
    made = [base]  # renditions so far, largest first; each is scaled from the nearest larger
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=cache_dir))
    try:
        for r in planned:
            source = min((m for m in made if m.width >= r.width), key=lambda m: m.width)
            # Share previews are seen small, in a link card, and placeholders are
            # flat colour: a cheaper filter does as well for both.
            resample = Image.Resampling.BILINEAR if r.name == "social" or flat else \
                Image.Resampling.LANCZOS
            img = _resize(source, (r.width, r.height), resample)
            if img is not source:
                made.append(img)
            fmt = r.file.rsplit(".", 1)[-1]
            (tmp / r.file).write_bytes(_encode(img, fmt, palette if fmt != "jpg" else None))
        (tmp / "entry.json").write_text(json.dumps([asdict(r) for r in planned]))
        try:
            os.rename(tmp, entry)
        except OSError:
            # Another build finished the same entry first, or a broken entry is
            # in the way: keep a good one, replace a broken one.
            if read_entry(entry, job) is None:
                shutil.rmtree(entry, ignore_errors=True)
                os.rename(tmp, entry)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return ImageSet(job.panel_id, key, not flat, planned, drawn=True)


# What a worker does with a panel it has drawn: (its full rendition, cache folder, image key).
AfterDrawing = Callable[[Path, Path, str], None]


def render_then(job: ImageJob, cache_dir: str, then: AfterDrawing | None) -> None:
    """:func:`render`, then ``then`` with the panel's full rendition (in the worker).
    Nothing comes back: the build planned the same image set before the work began,
    and thousands of sets sent back would only be held in its memory (1.7 MB of
    pickled results at 1,000 chapters)."""
    made = render(job, cache_dir)
    if then is not None:
        then(file_of(cache_dir, made, made.get("full")), Path(cache_dir), made.key)


def read_entry(entry: Path, job: ImageJob) -> ImageSet | None:
    """A cache entry, or None if it is missing, partial or corrupt."""
    try:
        records = json.loads((entry / "entry.json").read_text())
        # Names and file names repeat in every entry: one string each, not
        # thousands (0.6 MB at 1,000 panels).
        renditions = tuple(Rendition(**{k: sys.intern(v) if isinstance(v, str) else v  # type: ignore[arg-type]
                                        for k, v in r.items()}) for r in records)
        if not renditions:
            return None
        for r in renditions:
            if (entry / r.file).stat().st_size == 0:
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
             fmt: str, prompt: str | None = None,
             art_folder: str = "story/art") -> ImageJob:
    """The job for one model Panel: art hashed once and its header checked. ``prompt``
    is what a placeholder shows (default: the panel's own prompt); ``art_folder``
    where it says the art goes."""
    size = art_size(art, art_shown or str(art)) if art else None  # refuse junk before hashing
    return ImageJob(panel_id=panel.id, label=panel.label, title=panel.title,
                    prompt=panel.prompt if prompt is None else prompt,
                    art_path=str(art) if art else None,
                    art_shown=art_shown, art_digest=_file_digest(art) if art else None,
                    width=width, height=height, fmt=fmt, mid_width=min(800, width),
                    art_size=size, art_folder=art_folder)


def _worker_init(parent: int) -> None:
    """Set up a drawing worker: keep image buffers in the heap, and exit
    when the build process is gone."""
    _keep_buffers()
    _watch_parent(parent)


def _keep_buffers() -> None:
    """Ask glibc to serve large allocations from the heap and keep them.

    A panel allocates and frees some 30 MB of buffers (Pillow's images,
    libwebp's encoder state). By default glibc maps each large one afresh
    and unmaps it when freed, so the kernel zeroes new pages every time:
    8,600 page faults and 19 ms of system time a panel, against 3 ms this
    way. Only in workers, which live for one build; elsewhere nothing changes.
    """
    import ctypes
    import ctypes.util

    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    mallopt(m_mmap_threshold, 64 << 20)
    mallopt(m_trim_threshold, 256 << 20)


def _watch_parent(parent: int) -> None:
    """In a worker: exit when the build process is gone (killed, not shut down),
    instead of waiting on its queue for ever."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def cache_write_problem(exc: OSError) -> str:
    """What to do when the image cache cannot be written, in one sentence."""
    return (f"the image cache cannot be written here ({exc.strerror or exc.__class__.__name__}); "
            "set cache_dir in mkdocs.yml to a folder that can be written to.")


def check_cache_dir(cache_dir: str | Path) -> None:
    """Refuse a cache folder that cannot be written, before anything is built.

    Checked before MkDocs cleans the site folder: drawing fails only once
    the pages are written, and the last good site would be gone by then.
    """
    path = Path(cache_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".write-test.", delete=True):
            pass
    except OSError as exc:
        raise StoryError(path, cache_write_problem(exc)) from None


class Renderer:
    """Runs jobs: cache hits answered at once, the rest on a process per core."""

    def __init__(self, cache_dir: str | Path, workers: int | None = None):
        self.cache_dir = str(cache_dir)
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._pool: Executor | None = None

    def _executor(self) -> Executor:
        if self._pool is None:
            # fork on Linux: fast, and the workers never re-import the caller's
            # __main__ (forkserver and spawn do, which breaks unguarded scripts).
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            method = "fork" if sys.platform.startswith("linux") else "spawn"
            self._pool = ProcessPoolExecutor(max_workers=self.workers,
                                             mp_context=multiprocessing.get_context(method),
                                             initializer=_worker_init, initargs=(os.getpid(),))
        return self._pool

    def start(self, jobs: list[ImageJob], then: Mapping[str, AfterDrawing] | None = None,
              ) -> tuple[dict[str, ImageSet], dict[str, Future]]:
        """Plan every job; start the missing ones. Returns (image sets, pending work).

        The image sets are complete (sizes and file names) even for panels still
        being drawn; ``finish`` waits for those. ``then``: by panel id, what the
        worker that draws that panel does next with its full rendition (the app
        icons from the cover), while the picture is fresh and the pages are built.
        """
        then = then or {}
        sets: dict[str, ImageSet] = {}
        pending: dict[str, Future] = {}
        missing = []
        for job in jobs:
            key = job.key()
            hit = read_entry(Path(self.cache_dir) / key, job)
            if hit is not None:
                sets[job.panel_id] = hit
            else:
                sets[job.panel_id] = ImageSet(job.panel_id, key, bool(job.art_path), plan(job),
                                              drawn=True)
                missing.append(job)
        if missing and self.workers == 1:  # concurrency: 1 asks for no worker processes
            for job in missing:
                from concurrent.futures import Future

                future: Future = Future()
                try:
                    render_then(job, self.cache_dir, then.get(job.panel_id))
                    future.set_result(None)
                except Exception as exc:  # reported by finish()
                    future.set_exception(exc)
                pending[job.panel_id] = future
        elif missing:
            pool = self._executor()
            for job in missing:
                pending[job.panel_id] = pool.submit(render_then, job, self.cache_dir,
                                                    then.get(job.panel_id))
        return sets, pending

    def finish(self, pending: dict[str, Future]) -> None:
        if not pending:  # every panel from the cache: no process pool was started
            return
        from concurrent.futures.process import BrokenProcessPool

        errors: list[StoryError] = []
        for future in pending.values():
            try:
                future.result()
            except StoryError as exc:
                errors.append(exc)
            except OSError as exc:  # the cache could not be written (disk full, say)
                raise StoryError(exc.filename or self.cache_dir, cache_write_problem(exc)) \
                    from None
            except BrokenProcessPool:
                self._pool = None
                raise StoryError(None, "the image workers stopped unexpectedly (out of memory?); "
                                       "run the build again, or set `concurrency: 1`.") from None
        if errors:
            raise StoryErrors(errors)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def copy_into_site(cache_dir: str | Path, sets: dict[str, ImageSet], site_dir: str | Path,
                   shared: Collection[str]) -> int:
    """Put the renditions into the built site. Returns the bytes placed.

    The share-preview JPEG goes only for the panels in ``shared``: the others'
    would be files no page or feed names. Cache entries
    never change once written (their name is their content's hash), so a hard
    link serves as well as a copy at a fraction of the cost; across file
    systems, or where links are refused, the file is copied.
    """
    total = 0
    made: set[Path] = set()
    for images in sets.values():
        for r in images.renditions:
            if r.name == "social" and images.panel_id not in shared:
                continue
            src = file_of(cache_dir, images, r)
            dest = Path(site_dir) / site_path(images, r)
            if dest.parent not in made:
                dest.parent.mkdir(parents=True, exist_ok=True)
                made.add(dest.parent)
            try:
                os.link(src, dest)
            except FileExistsError:
                dest.unlink()
                shutil.copyfile(src, dest)
            except OSError:
                shutil.copyfile(src, dest)
            total += src.stat().st_size
    return total
