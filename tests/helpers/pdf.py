"""Reading a PDF the way its readers do: its text (pdftotext), its facts (pdfinfo), each word's
place and size (pdftotext -bbox), its pages as pictures (pdftoppm), and its raw objects."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is missing: apt-get install poppler-utils"
    return found


def _file(pdf: bytes, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.pdf"
    path.write_bytes(pdf)
    return path


def pdf_pages_text(pdf: bytes, folder: Path) -> list[str]:
    """Each page's text as pdftotext gives it."""
    out = subprocess.run(
        [_tool("pdftotext"), str(_file(pdf, folder)), "-"], check=True, capture_output=True, text=True
    ).stdout
    return out.split("\f")[:-1] if out.endswith("\f") else out.split("\f")


def flat(text: str) -> str:
    """Text with every run of white space (line ends too) made one space."""
    return re.sub(r"\s+", " ", text).strip()


def pdf_info(pdf: bytes, folder: Path) -> dict[str, str]:
    out = subprocess.run(
        [_tool("pdfinfo"), str(_file(pdf, folder))], check=True, capture_output=True, text=True
    ).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


@dataclass
class Word:
    page: int
    x_min: float
    y_min: float
    x_max: float
    y_max: float
    text: str

    @property
    def height(self) -> float:
        return self.y_max - self.y_min


def pdf_words(pdf: bytes, folder: Path) -> list[Word]:
    out = subprocess.run(
        [_tool("pdftotext"), "-bbox", str(_file(pdf, folder)), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    words, page = [], 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        found = re.search(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line
        )
        if found:
            box = [float(v) for v in found.groups()[:4]]
            words.append(Word(page, *box, html.unescape(found.group(5))))
    return words


def page_pictures(pdf: bytes, folder: Path, dpi: int = 50) -> list[Path]:
    source = _file(pdf, folder)
    subprocess.run([_tool("pdftoppm"), "-r", str(dpi), "-png", str(source), str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"))


def inked_share(path: Path) -> float:
    with Image.open(path) as page:
        pixels = np.asarray(page.convert("RGB")).astype(int)
    return float((pixels.sum(axis=-1) < 600).mean())


def count_near(path: Path, colour: tuple[int, int, int], slack: int = 40) -> int:
    with Image.open(path) as page:
        pixels = np.asarray(page.convert("RGB")).astype(int)
    return int((np.abs(pixels - np.array(colour)) <= slack).all(axis=-1).sum())


def raw_objects(pdf: bytes) -> bytes:
    """The PDF's bytes with every Flate stream unpacked (object streams hold /Lang, /Alt, ...)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        start = match.end()
        end = pdf.find(b"endstream", start)
        try:
            parts.append(zlib.decompressobj().decompress(pdf[start:end]))
        except zlib.error:
            continue
    return b"\n".join(parts)
