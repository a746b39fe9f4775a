"""An organisation's own pictures (issue 12, item 2): checked as visit photos are (type, size,
pixels, by Pillow), stored without their metadata (EXIF, GPS) at a tablet's size, with a
high-contrast copy; named for use in its questionnaires as ``symbol: own:<name>``.

Files live in the photo folder, ``own/<organisation id>/``, never under static/: the app serves
them only to the organisation's own staff and tablets. No Flask here.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from pathlib import Path

from PIL import Image, ImageOps
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..models import OwnPicture, OwnQuestionnaire
from .pictures import BadImage, check_image, strip_metadata

#: ``symbol: own:<name>`` in a questionnaire file names an own picture
PREFIX = "own:"
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
#: stored no bigger than this on its longest side (a question's picture is under 200 px on a tablet)
STORED_SIDE = 600
VARIANTS = ("plain", "contrast")
#: why a picture was refused, in easy read (for the person who uploaded it)
REASONS = {
    "empty": "No picture was sent. Choose the file, then press Add the picture.",
    "too_big": "The file is too big. Use a picture under 10 MB.",
    "too_many_pixels": "The picture has too many pixels. Make it smaller, then try again.",
    "format": "Use a photo or picture saved as JPEG, PNG or WebP.",
    "not_image": "That file is not a picture. Use a JPEG, PNG or WebP file.",
    "corrupt": "The picture is damaged. Save it again, then try again.",
}


class PictureRefused(ValueError):
    """A picture not kept; the message says why and what to do (easy read)."""


def is_own(symbol: str | None) -> bool:
    return bool(symbol) and str(symbol).startswith(PREFIX)


def picture_name(symbol: str) -> str:
    return symbol[len(PREFIX) :]


def folder_of(photo_dir: str | Path, organisation_id: int) -> Path:
    return Path(photo_dir) / "own" / str(organisation_id)


def file_of(photo_dir: str | Path, picture: OwnPicture, variant: str) -> Path:
    return folder_of(photo_dir, picture.organisation_id) / f"{picture.name}-{picture.digest}-{variant}.png"


def pictures_of(db: Session, organisation_id: int) -> list[OwnPicture]:
    return list(
        db.scalars(
            select(OwnPicture).where(OwnPicture.organisation_id == organisation_id).order_by(OwnPicture.name)
        )
    )


def picture_names(db: Session, organisation_id: int | None) -> frozenset[str]:
    if organisation_id is None:
        return frozenset()
    return frozenset(db.scalars(select(OwnPicture.name).where(OwnPicture.organisation_id == organisation_id)))


def find(db: Session, organisation_id: int, name: str) -> OwnPicture | None:
    return db.scalar(
        select(OwnPicture).where(OwnPicture.organisation_id == organisation_id, OwnPicture.name == name)
    )


def _stored(data: bytes) -> tuple[bytes, bytes, int, int]:
    """The plain and high-contrast PNGs of a checked picture, at most STORED_SIDE on a side."""
    with Image.open(io.BytesIO(strip_metadata(data))) as image:
        image.load()
        picture = image.convert("RGBA")
    picture.thumbnail((STORED_SIDE, STORED_SIDE))
    plain = io.BytesIO()
    picture.save(plain, format="PNG", optimize=True)
    # High contrast: grey, its darkest and lightest stretched to black and white, edges kept.
    grey = ImageOps.autocontrast(picture.convert("L"), cutoff=2)
    contrast = Image.merge("RGBA", (grey, grey, grey, picture.getchannel("A")))
    strong = io.BytesIO()
    contrast.save(strong, format="PNG", optimize=True)
    return plain.getvalue(), strong.getvalue(), picture.width, picture.height


def save_picture(
    db: Session,
    actor: audit.Actor,
    organisation_id: int,
    name: str,
    alt_text: str,
    data: bytes,
    photo_dir: str | Path,
) -> OwnPicture:
    """Check, clean and keep a picture under its name; a name used already gets the new picture
    (questionnaires that use it show the new one). Refused: PictureRefused, and nothing kept."""
    name = (name or "").strip().lower()
    alt_text = " ".join((alt_text or "").split())
    if not NAME.match(name):
        raise PictureRefused(
            "Give the picture a short name: small letters, numbers and dashes, like 'front-door'."
        )
    if not alt_text:
        raise PictureRefused("Say what the picture shows, for people who cannot see it.")
    if len(alt_text) > 150:
        raise PictureRefused("Say what the picture shows in 150 letters or fewer.")
    try:
        check_image(data, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS)
        plain, contrast, width, height = _stored(data)
    except BadImage as exc:
        raise PictureRefused(REASONS.get(exc.reason_code, REASONS["corrupt"])) from exc
    digest = hashlib.sha256(plain).hexdigest()[:16]
    picture = find(db, organisation_id, name)
    created = picture is None
    if picture is None:
        picture = OwnPicture(organisation_id=organisation_id, name=name, created_by_id=actor.user_id)
        db.add(picture)
    stale = (
        [file_of(photo_dir, picture, v) for v in VARIANTS] if not created and picture.digest != digest else []
    )
    picture.alt_text, picture.digest, picture.width, picture.height = alt_text, digest, width, height
    for variant, content in (("plain", plain), ("contrast", contrast)):
        target = file_of(photo_dir, picture, variant)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        partial.write_bytes(content)
        os.replace(partial, target)  # never a half-written picture under its real name
    db.flush()
    for old_file in stale:  # the picture it replaces
        old_file.unlink(missing_ok=True)
    audit.record(
        db,
        actor,
        "own_picture.added" if created else "own_picture.replaced",
        organisation_id=organisation_id,
        object_type="own_picture",
        object_id=picture.id,
        name=name,
        digest=digest,
    )
    return picture


def used_by(db: Session, picture: OwnPicture) -> list[str]:
    """The titles of the organisation's own questionnaires whose draft or published version uses it."""
    mark = re.compile(rf"(?m)symbol:\s*['\"]?{re.escape(PREFIX + picture.name)}['\"]?\s*$")
    symbol = PREFIX + picture.name
    rows = db.scalars(
        select(OwnQuestionnaire).where(OwnQuestionnaire.organisation_id == picture.organisation_id)
    )
    return [
        row.title
        for row in rows
        if mark.search(row.source or "")
        or (row.version is not None and _uses(row.version.definition, symbol))
    ]


def _uses(node: object, symbol: str) -> bool:
    """True when a published definition names the picture anywhere."""
    if isinstance(node, dict):
        return node.get("symbol") == symbol or any(_uses(value, symbol) for value in node.values())
    if isinstance(node, list):
        return any(_uses(value, symbol) for value in node)
    return False


def remove_picture(db: Session, actor: audit.Actor, picture: OwnPicture, photo_dir: str | Path) -> None:
    """Remove a picture no draft uses (published versions keep their words; the picture is gone)."""
    users = used_by(db, picture)
    if users:
        raise PictureRefused(f"'{users[0]}' uses this picture. Choose another picture there first.")
    audit.record(
        db,
        actor,
        "own_picture.removed",
        organisation_id=picture.organisation_id,
        object_type="own_picture",
        object_id=picture.id,
        name=picture.name,
    )
    for variant in VARIANTS:
        file_of(photo_dir, picture, variant).unlink(missing_ok=True)
    db.delete(picture)
    db.flush()
