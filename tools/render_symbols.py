"""Render every easy-read symbol SVG to a 256x256 PNG (dev only).

Usage::

    python tools/render_symbols.py [--size 256]

Reads easyread_assets/symbols/svg/<name>.svg and writes
easyread_assets/symbols/png/<name>.png with a transparent background. The PNGs
exist so PDF output does not need an SVG renderer at run time. Rendering uses
resvg_py (MIT licence; it wraps resvg, Apache-2.0 OR MIT), a dev dependency only.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import resvg_py
from PIL import Image

REPO_ROOT = Path(__file__).resolve().parent.parent
SYMBOLS_DIR = REPO_ROOT / "easyread_assets" / "symbols"
DEFAULT_SIZE = 256


def render_one(svg_path: Path, png_path: Path, size: int = DEFAULT_SIZE) -> int:
    """Render one SVG to an optimised RGBA PNG of ``size`` x ``size``; return bytes written."""
    # No background argument: resvg then leaves the canvas transparent.
    raw = bytes(resvg_py.svg_to_bytes(svg_path=str(svg_path), width=size, height=size))
    with Image.open(io.BytesIO(raw)) as image:
        image.load()
        if image.size != (size, size):
            raise ValueError(f"{svg_path.name}: rendered {image.size}, expected {size}x{size}")
        rgba = image.convert("RGBA")
    out = io.BytesIO()
    # optimize=True makes zlib try harder; it is lossless and roughly halves the files.
    rgba.save(out, format="PNG", optimize=True)
    png_path.write_bytes(out.getvalue())
    return len(out.getvalue())


def render_all(symbols_dir: Path = SYMBOLS_DIR, size: int = DEFAULT_SIZE) -> tuple[int, int]:
    """Render every SVG in ``symbols_dir/svg``; remove PNGs with no SVG. Return (count, bytes)."""
    svg_dir = symbols_dir / "svg"
    png_dir = symbols_dir / "png"
    png_dir.mkdir(parents=True, exist_ok=True)
    names = sorted(p.stem for p in svg_dir.glob("*.svg"))
    total = 0
    for name in names:
        total += render_one(svg_dir / f"{name}.svg", png_dir / f"{name}.png", size)
    for stale in png_dir.glob("*.png"):
        if stale.stem not in names:
            stale.unlink()
    return len(names), total


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="width and height in pixels")
    args = parser.parse_args(argv)
    count, total = render_all(size=args.size)
    print(f"rendered {count} PNGs, {total / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
