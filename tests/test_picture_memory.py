"""Uploaded pictures cost bounded memory to check and store (issue 9, item 9).

A 154 KB PNG that claims 6300 x 6300 pixels passed the 40-megapixel check, and decoding it took
the server from 129 MB to 567 MB. Each check here runs in a fresh interpreter, so its peak
resident memory (``ru_maxrss``) belongs to that one picture.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from PIL import Image

from app.easyread.pictures import MAX_STORED_SIDE

PROBE = """
import json, resource, sys
from pathlib import Path
from app.easyread.pictures import BadImage, check_image, strip_metadata
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
data = Path(sys.argv[1]).read_bytes()
try:
    check_image(data)
    clean = strip_metadata(data)
    outcome = {"stored": len(clean)}
    from PIL import Image
    import io
    outcome["size"] = Image.open(io.BytesIO(clean)).size
except BadImage as exc:
    outcome = {"refused": exc.reason_code}
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({**outcome, "grew_mb": (peak - base) / 1024}))
"""


def _probe(path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_small_file_claiming_6300_by_6300_pixels_is_refused_cheaply(tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("RGB", (6300, 6300), (200, 120, 40)).save(out, format="PNG", optimize=True)
    assert len(out.getvalue()) < 300_000  # a small file: its size is not what protects us
    path = tmp_path / "wide.png"
    path.write_bytes(out.getvalue())
    result = _probe(path)
    assert result.get("refused") == "too_many_pixels", result
    assert result["grew_mb"] < 60, result


def test_a_big_camera_photo_is_stored_smaller_within_bounded_memory(tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("RGB", (6000, 4000), (90, 140, 200)).save(out, format="JPEG", quality=90)
    path = tmp_path / "camera.jpg"
    path.write_bytes(out.getvalue())
    result = _probe(path)
    assert "stored" in result, result
    assert max(result["size"]) <= MAX_STORED_SIDE
    assert result["grew_mb"] < 150, result
