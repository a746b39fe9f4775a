"""Symbols shipped in easyread_assets/symbols and the picture service (real Pillow, no mocks)."""

from __future__ import annotations

import io
import json
import struct
import xml.etree.ElementTree as ET  # noqa: S405 - parses only the repo's own SVG files
import zlib
from pathlib import Path

import pytest
from PIL import Image

from app.easyread.pictures import (
    SYMBOLS_DIR,
    BadImage,
    CheckedImage,
    check_image,
    find_symbols,
    high_contrast,
    load_symbol_index,
    strip_metadata,
    write_high_contrast_png,
)

INDEX_PATH = SYMBOLS_DIR / "index.json"
CORE_NAMES = {
    "happy",
    "ok",
    "sad",
    "yes",
    "no",
    "not_sure",
    "dont_know",
    "dont_want_to_say",
    "skip",
    "speaker",
    "back",
    "stop",
    "home",
    "safe",
    "thank_you",
}
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def noisy_rgb(size: tuple[int, int]) -> Image.Image:
    """Noise compresses badly, so the encoded data is long enough to cut in half."""
    return Image.merge("RGB", [Image.effect_noise(size, 64) for _ in range(3)])


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` with almost no pixel data behind it."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def rgba_pixels(image: Image.Image) -> list[tuple[int, int, int, int]]:
    """Pixels as tuples; tobytes() works on every Pillow (getdata() is deprecated in 13)."""
    data = image.convert("RGBA").tobytes()
    return list(zip(data[0::4], data[1::4], data[2::4], data[3::4], strict=True))


def assert_pure_black_white(image: Image.Image) -> None:
    assert image.mode == "RGBA"
    opaque = 0
    for r, g, b, a in rgba_pixels(image):
        assert a in (0, 255), a
        if a == 255:
            opaque += 1
            assert (r, g, b) in ((0, 0, 0), (255, 255, 255)), (r, g, b)
    assert opaque > 0


# -- the shipped symbols ------------------------------------------------------------------------
def test_index_has_core_names_and_enough_symbols() -> None:
    index = load_symbol_index(INDEX_PATH)
    assert len(index) >= 80
    assert CORE_NAMES <= set(index), CORE_NAMES - set(index)
    for symbol in index.values():
        assert symbol.label.strip() and symbol.keywords, symbol.name
        assert symbol.file == f"{symbol.name}.svg"


def test_index_credits_openmoji_and_licence_file_is_there() -> None:
    raw = json.loads(INDEX_PATH.read_text(encoding="utf-8"))
    assert raw["source"] == "OpenMoji 17.0.0"
    assert raw["licence"] == "CC BY-SA 4.0"
    assert raw["credit"] == "Symbols: OpenMoji (openmoji.org), CC BY-SA 4.0"
    assert "Attribution-ShareAlike 4.0" in (SYMBOLS_DIR / "LICENSE.txt").read_text(encoding="utf-8")
    assert raw["credit"] in (SYMBOLS_DIR / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("variant", ["svg", "black"])
def test_every_svg_exists_parses_and_has_viewbox(variant: str) -> None:
    for symbol in load_symbol_index(INDEX_PATH).values():
        path = SYMBOLS_DIR / variant / symbol.file
        text = path.read_text(encoding="utf-8")
        assert "<!--" not in text and "<metadata" not in text, path
        root = ET.fromstring(text)  # noqa: S314 - our own checked-in files
        assert root.tag == "{http://www.w3.org/2000/svg}svg", path
        assert len(root.get("viewBox", "").split()) == 4, path


def test_every_png_is_256_square_with_transparent_background() -> None:
    for symbol in load_symbol_index(INDEX_PATH).values():
        with Image.open(SYMBOLS_DIR / "png" / symbol.png_file) as image:
            assert image.format == "PNG"
            assert image.size == (256, 256), symbol.name
            assert image.mode == "RGBA", symbol.name
            assert image.getpixel((0, 0))[3] == 0, symbol.name  # corner is see-through


def test_answer_faces_are_different_pictures() -> None:
    index = load_symbol_index(INDEX_PATH)
    faces = {(SYMBOLS_DIR / "svg" / index[name].file).read_bytes() for name in ("happy", "ok", "sad")}
    assert len(faces) == 3


def test_bad_file_name_in_index_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "index.json"
    bad.write_text(json.dumps({"symbols": {"x": {"file": "../../secret.svg", "label": "X"}}}))
    with pytest.raises(ValueError, match="plain .svg name"):
        load_symbol_index(bad)


def test_find_symbols_by_name_keyword_and_prefix() -> None:
    index = load_symbol_index(INDEX_PATH)
    assert find_symbols("Happy", index)[0].name == "happy"
    assert "happy" in [s.name for s in find_symbols("smile", index)]
    assert find_symbols("thank you", index)[0].name == "thank_you"
    assert find_symbols("not-sure", index)[0].name == "not_sure"
    assert "doctor" in [s.name for s in find_symbols("doc", index)]
    assert find_symbols("", index) == []
    assert find_symbols("qqqzzz", index) == []


# -- high contrast ------------------------------------------------------------------------------
def test_high_contrast_of_a_symbol_is_black_white_and_keeps_transparency() -> None:
    with Image.open(SYMBOLS_DIR / "png" / "happy.png") as image:
        result = high_contrast(image)
    assert_pure_black_white(result)
    assert result.getpixel((0, 0))[3] == 0
    colours = {p[:3] for p in rgba_pixels(result) if p[3] == 255}
    assert colours == {(0, 0, 0), (255, 255, 255)}  # lines black, yellow fill white


def test_high_contrast_of_grey_and_half_transparent_pixels() -> None:
    gradient = Image.linear_gradient("L").convert("RGBA")
    gradient.putalpha(Image.linear_gradient("L").rotate(90))
    assert_pure_black_white(high_contrast(gradient))
    on_white = high_contrast(gradient, background="white")
    assert_pure_black_white(on_white)
    assert {p[3] for p in rgba_pixels(on_white)} == {255}


def test_write_high_contrast_png(tmp_path: Path) -> None:
    dest = tmp_path / "sad_hc.png"
    write_high_contrast_png(SYMBOLS_DIR / "png" / "sad.png", dest)
    with Image.open(dest) as image:
        assert image.size == (256, 256)
        assert_pure_black_white(image.convert("RGBA"))


# -- checking uploads ---------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_check_image_accepts_good_images(fmt: str) -> None:
    assert check_image(encode(noisy_rgb((30, 20)), fmt)) == CheckedImage(fmt, 30, 20)


def refused(data: bytes, **limits: object) -> str:
    with pytest.raises(BadImage) as info:
        check_image(data, **limits)  # type: ignore[arg-type]
    return info.value.reason_code


def test_check_image_refuses_empty_and_too_big() -> None:
    assert refused(b"") == "empty"
    assert refused(encode(noisy_rgb((30, 20)), "PNG"), max_bytes=100) == "too_big"


def test_check_image_refuses_text_and_gif() -> None:
    assert refused(b"name,answer\nSam,happy\n" * 20) == "not_image"
    assert refused(encode(Image.new("P", (10, 10)), "GIF")) == "format"


def test_check_image_refuses_pixel_bomb_from_its_header() -> None:
    bomb = encode(Image.new("1", (8000, 6000)), "PNG")  # 48 million pixels, a few KiB on disk
    assert len(bomb) < 100_000
    assert refused(bomb) == "too_many_pixels"


def test_check_image_refuses_header_past_pillows_own_bomb_limits() -> None:
    # 10 billion pixels: Pillow raises DecompressionBombError while reading the header.
    assert refused(png_header_only(100_000, 100_000), max_pixels=10**12) == "too_many_pixels"
    # Between Pillow's warning and error limits: the warning must not let it through.
    over_warning = Image.MAX_IMAGE_PIXELS + 1_000_000  # type: ignore[operator]
    assert refused(png_header_only(over_warning // 1000 + 1, 1000), max_pixels=10**12) == "too_many_pixels"


def test_check_image_refuses_truncated_and_damaged_data() -> None:
    jpeg = encode(noisy_rgb((200, 200)), "JPEG", quality=95)
    assert refused(jpeg[: len(jpeg) // 2]) == "corrupt"
    png = bytearray(encode(noisy_rgb((64, 64)), "PNG"))
    png[100:140] = b"\xff" * 40  # inside the compressed pixel data
    assert refused(bytes(png)) == "corrupt"


def test_damaged_images_are_refused_also_after_the_pdf_library_was_loaded() -> None:
    """Importing WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process (seen in CI:
    the truncated JPEG above was accepted after a browser test had made a PDF)."""
    import weasyprint  # noqa: F401  (its import is what sets the flag)
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # as WeasyPrint leaves it, whatever ran before this
    try:
        jpeg = encode(noisy_rgb((200, 200)), "JPEG", quality=95)
        assert refused(jpeg[: len(jpeg) // 2]) == "corrupt"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False


# -- stripping metadata -------------------------------------------------------------------------
def photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # stored sideways: turn 90 degrees clockwise to show
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2], gps[3], gps[4] = "N", (51.0, 30.0, 12.5), "W", (0.0, 7.0, 39.0)
    return encode(noisy_rgb((40, 20)), "JPEG", exif=exif, comment=b"home address")


def test_strip_metadata_removes_exif_and_gps_and_applies_orientation() -> None:
    original = photo_with_gps()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(GPS_IFD)  # the test photo really has GPS
    cleaned = strip_metadata(original)
    with Image.open(io.BytesIO(cleaned)) as after:
        assert after.format == "JPEG"
        assert after.size == (20, 40)  # orientation applied to the pixels
        exif = after.getexif()
        assert len(exif) == 0 and not exif.get_ifd(GPS_IFD)
        assert "exif" not in after.info and "comment" not in after.info
    assert b"Exif" not in cleaned and b"home address" not in cleaned and b"PhoneMaker" not in cleaned


def test_strip_metadata_keeps_png_and_its_transparency_but_drops_text() -> None:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Sam Smith")
    image = Image.new("RGBA", (12, 12), (0, 0, 0, 0))
    image.putpixel((3, 3), (255, 0, 0, 255))
    cleaned = strip_metadata(encode(image, "PNG", pnginfo=info))
    with Image.open(io.BytesIO(cleaned)) as after:
        assert after.format == "PNG" and after.mode == "RGBA"
        assert after.getpixel((0, 0))[3] == 0 and after.getpixel((3, 3)) == (255, 0, 0, 255)
        assert "Author" not in after.info
    assert b"Sam Smith" not in cleaned


def test_strip_metadata_refuses_what_check_image_refuses() -> None:
    with pytest.raises(BadImage) as info:
        strip_metadata(b"not a picture at all")
    assert info.value.reason_code == "not_image"
