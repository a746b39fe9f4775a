"""Easy-read pictures: the symbol index, high-contrast copies and checks for uploaded images.

No Flask here, so the same code serves the web app, the CLI and the PDF builder. Symbols come
from ``easyread_assets/symbols`` (see its README.md for where they come from and their licence).
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

ENV_SYMBOLS_DIR = "EASYVOICE_SYMBOLS_DIR"
SYMBOLS_DIR = Path(__file__).resolve().parents[2] / "easyread_assets" / "symbols"

ReasonCode = Literal["empty", "too_big", "not_image", "format", "too_many_pixels", "corrupt"]
REASON_CODES: frozenset[str] = frozenset(
    {"empty", "too_big", "not_image", "format", "too_many_pixels", "corrupt"}
)

# Formats we recognise only to say "wrong kind of picture" rather than "not a picture".
# Everything else is never handed to a Pillow parser, which keeps the parsing surface small.
_RECOGNISED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF", "ICO", "AVIF", "PSD")
_SAFE_FILE = re.compile(r"^[a-z0-9_]+\.svg$")
_SAFE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
SYMBOL_KINDS = ("control", "notice", "picture")
_JPEG_QUALITY = 88
_WEBP_QUALITY = 88
#: Decoding is bounded by memory, not only by the pixel count: a 154 KB PNG can claim 6300x6300
#: pixels. Pillow keeps every multi-band pixel in 4 bytes, and a picture may become RGBA here.
MAX_DECODED_BYTES = 96 * 1024 * 1024
#: Pictures are stored no bigger than this on their longest side: a tablet never shows more.
MAX_STORED_SIDE = 2048


@dataclass(frozen=True)
class Symbol:
    """One picture of the symbol index: ``file`` is a bare file name inside svg/ and black/."""

    name: str
    file: str
    label: str
    keywords: tuple[str, ...]
    #: the one idea this picture stands for everywhere in the product (a short phrase)
    meaning: str = ""
    #: "control" (works the page: back, next, stop ...), "notice" (marks a kind of message) or
    #: "picture" (a question's, answer's or line's picture). Controls and notices are never a
    #: question's or an answer's picture.
    kind: str = "picture"

    @property
    def png_file(self) -> str:
        """File name of the 256x256 raster copy inside png/."""
        return self.file.removesuffix(".svg") + ".png"


@dataclass(frozen=True)
class CheckedImage:
    """What :func:`check_image` found out about an image that passed."""

    format: str
    width: int
    height: int


class BadImage(ValueError):
    """An image was refused. ``reason_code`` is stable (for messages); ``message`` is for logs."""

    def __init__(self, reason_code: ReasonCode, message: str) -> None:
        if reason_code not in REASON_CODES:
            raise ValueError(f"unknown reason code {reason_code!r}")
        super().__init__(f"{reason_code}: {message}")
        self.reason_code: ReasonCode = reason_code
        self.message = message


# -- the symbol index ---------------------------------------------------------------------------
def symbols_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The symbols folder: ``override``, else $EASYVOICE_SYMBOLS_DIR, else the one in the repo."""
    if override is not None:
        return Path(override)
    from_env = os.environ.get(ENV_SYMBOLS_DIR)
    return Path(from_env) if from_env else SYMBOLS_DIR


@functools.lru_cache(maxsize=8)
def load_symbol_index(path: str | os.PathLike[str] | None = None) -> dict[str, Symbol]:
    """Read ``index.json`` (default: the one in :func:`symbols_dir`) into name -> Symbol.

    Cached per path, so the dict is shared: treat it as read-only. Call
    ``load_symbol_index.cache_clear()`` after changing the file. Raises ValueError if an
    entry is malformed; file names are checked so they can be joined to a folder safely.
    """
    index_path = Path(path) if path is not None else symbols_dir() / "index.json"
    raw = json.loads(index_path.read_text(encoding="utf-8"))
    entries = raw.get("symbols") if isinstance(raw, dict) else None
    if not isinstance(entries, dict):
        raise ValueError(f"{index_path}: no 'symbols' object")
    index: dict[str, Symbol] = {}
    for name, entry in entries.items():
        if not _SAFE_NAME.match(name) or not isinstance(entry, dict):
            raise ValueError(f"{index_path}: bad symbol entry {name!r}")
        file, label, keywords = entry.get("file"), entry.get("label"), entry.get("keywords", [])
        if not isinstance(file, str) or not _SAFE_FILE.match(file):
            raise ValueError(f"{index_path}: {name}: file must be a plain .svg name, got {file!r}")
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"{index_path}: {name}: label (alt text) is missing")
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            raise ValueError(f"{index_path}: {name}: keywords must be a list of strings")
        meaning, kind = entry.get("meaning", ""), entry.get("kind", "picture")
        if not isinstance(meaning, str) or kind not in SYMBOL_KINDS:
            raise ValueError(f"{index_path}: {name}: bad meaning or kind")
        index[name] = Symbol(name, file, label, tuple(k.lower() for k in keywords), meaning.strip(), kind)
    return index


def find_symbols(word: str, index: dict[str, Symbol] | None = None) -> list[Symbol]:
    """Symbols for ``word``, best first: name match, then keyword match, then prefix matches.

    Matching ignores case, and spaces, hyphens and underscores count as the same.
    """
    query = _normalise(word)
    if not query:
        return []
    symbols = load_symbol_index() if index is None else index
    ranked: list[tuple[int, str, Symbol]] = []
    for symbol in symbols.values():
        name = _normalise(symbol.name)
        keywords = [_normalise(k) for k in symbol.keywords]
        if name == query:
            rank = 0
        elif query in keywords:
            rank = 1
        # Prefixes only for 3+ letters, so "a" or "ok" do not match half the index.
        elif len(query) >= 3 and (name.startswith(query) or any(k.startswith(query) for k in keywords)):
            rank = 2
        else:
            continue
        ranked.append((rank, symbol.name, symbol))
    return [symbol for _, _, symbol in sorted(ranked, key=lambda item: item[:2])]


def _normalise(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.strip().lower())


# -- high contrast ------------------------------------------------------------------------------
def high_contrast(
    image: Image.Image, *, threshold: int = 128, background: Literal["transparent", "white"] = "transparent"
) -> Image.Image:
    """A black-and-white copy of a symbol for people who need high contrast.

    Light colours (the yellow of a face) become white and dark lines black; pixels that are
    mostly transparent become fully transparent (or white with ``background="white"``), so
    every pixel of the result is pure black, pure white or invisible.
    """
    rgba = image.convert("RGBA")
    alpha = rgba.getchannel("A").point(lambda a: 255 if a >= 128 else 0)
    grey = rgba.convert("L").point(lambda v: 255 if v >= threshold else 0)
    if background == "white":
        white = Image.new("L", rgba.size, 255)
        grey = Image.composite(grey, white, alpha)
        alpha = Image.new("L", rgba.size, 255)
    return Image.merge("RGBA", (grey, grey, grey, alpha))


def write_high_contrast_png(src_png: str | os.PathLike[str], dest_png: str | os.PathLike[str]) -> None:
    """Write the :func:`high_contrast` version of a (trusted) PNG symbol to ``dest_png``."""
    with Image.open(src_png) as image:
        result = high_contrast(image)
    result.save(dest_png, format="PNG", optimize=True)


# -- uploaded images ----------------------------------------------------------------------------
def check_image(
    data: bytes,
    *,
    max_bytes: int = 10 * 1024 * 1024,
    max_pixels: int = 40_000_000,
    allowed_formats: tuple[str, ...] = ("JPEG", "PNG", "WEBP"),
    max_decoded_bytes: int = MAX_DECODED_BYTES,
) -> CheckedImage:
    """Check that ``data`` is a whole, reasonably sized image of an allowed format.

    The size is read from the header and refused *before* any pixel is decoded, so a
    decompression bomb costs nothing. Raises :class:`BadImage`.

    Truncated data must fail to decode: WeasyPrint (the PDF report) sets Pillow's process-wide
    ``ImageFile.LOAD_TRUNCATED_IMAGES = True`` when it is imported, which would let a damaged photo
    through in any worker that had made a PDF. So it is set back here, every time.
    """
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    if not data:
        raise BadImage("empty", "no data")
    if len(data) > max_bytes:
        raise BadImage("too_big", f"{len(data)} bytes, limit {max_bytes}")
    allowed = tuple(f.upper() for f in allowed_formats)
    Image.init()  # registers every plugin, so the names below can be looked up
    formats = [f for f in dict.fromkeys(allowed + _RECOGNISED_FORMATS) if f in Image.OPEN]
    with warnings.catch_warnings():
        # Pillow warns (not raises) between MAX_IMAGE_PIXELS and twice that: make it an error.
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=formats) as image:
                # Some cameras write JPEGs with a multi-picture extension, which Pillow calls MPO.
                fmt = "JPEG" if image.format == "MPO" else str(image.format)
                if fmt not in allowed:
                    raise BadImage("format", f"{fmt} is not one of {', '.join(allowed)}")
                width, height = image.size
                if width <= 0 or height <= 0:
                    raise BadImage("corrupt", f"impossible size {width}x{height}")
                if width * height > max_pixels:
                    raise BadImage("too_many_pixels", f"{width}x{height}, limit {max_pixels} pixels")
                _bounded_decode(image, max_decoded_bytes)
                image.load()  # decodes: truncated or broken data fails here
                return CheckedImage(fmt, width, height)
        except BadImage:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise BadImage("too_many_pixels", str(exc)) from exc
        except UnidentifiedImageError as exc:
            raise BadImage("not_image", "not a picture Pillow can read") from exc
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, struct.error) as exc:
            # Pillow's decoders raise all of these for malformed data.
            raise BadImage("corrupt", f"{type(exc).__name__}: {exc}") from exc


def _bounded_decode(image: Image.Image, max_decoded_bytes: int) -> None:
    """Ask JPEG to decode at a reduced scale where the stored size allows, then refuse any image
    whose decoded pixels would still take more than ``max_decoded_bytes`` (before decoding)."""
    if image.format in ("JPEG", "MPO"):
        image.draft(image.mode if image.mode in ("L", "RGB") else "RGB", (MAX_STORED_SIDE, MAX_STORED_SIDE))
    width, height = image.size
    if width * height * 4 > max_decoded_bytes:
        raise BadImage(
            "too_many_pixels",
            f"{width}x{height} would take {width * height * 4} bytes to decode, limit {max_decoded_bytes}",
        )


def strip_metadata(data: bytes) -> bytes:
    """Re-encode a checked image without EXIF (GPS included), XMP, ICC profile or comments.

    EXIF orientation is applied to the pixels first, so the picture stays the right way up.
    The format is kept (JPEG at quality 88). Only the first frame of an animation is kept.
    Raises :class:`BadImage` as :func:`check_image` does.
    """
    checked = check_image(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(io.BytesIO(data), formats=[checked.format]) as image:
            _bounded_decode(image, MAX_DECODED_BYTES)
            image.load()
            try:
                upright = ImageOps.exif_transpose(image)
            except (OSError, SyntaxError, ValueError, KeyError, TypeError):
                # Unreadable EXIF: keep the pixels as stored rather than refuse a good photo.
                upright = image.copy()
    upright.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE))  # smaller before any further copy
    # A brand-new image carries no info dict, so no writer can fall back to the old metadata.
    mode = _output_mode(upright, checked.format)
    source = upright.convert(mode) if upright.mode != mode else upright
    clean = Image.new(mode, source.size)
    clean.paste(source, (0, 0))
    out = io.BytesIO()
    if checked.format == "JPEG":
        clean.save(out, format="JPEG", quality=_JPEG_QUALITY, optimize=True)
    elif checked.format == "WEBP":
        clean.save(out, format="WEBP", quality=_WEBP_QUALITY)
    else:
        clean.save(out, format=checked.format, optimize=True)
    return out.getvalue()


def _output_mode(image: Image.Image, fmt: str) -> str:
    """A mode the writer takes without palette or transparency info (which lives in .info)."""
    if fmt == "JPEG":
        return image.mode if image.mode in ("L", "RGB") else "RGB"
    if "transparency" in image.info or image.mode in ("RGBA", "LA", "PA"):
        # Palette or tRNS transparency would be lost with .info, so make it a real alpha channel.
        return "LA" if fmt == "PNG" and image.mode == "LA" else "RGBA"
    if fmt == "PNG" and image.mode in ("1", "L", "RGB", "I;16"):
        return image.mode
    return "RGB"
