"""Photos for the journey book: cleaned of every scrap of metadata, upright, resized, stored privately.

A phone photo can say where a young person lives (GPS in EXIF or XMP), and an upload may not be a photo
at all, so we keep only pixels we decoded and encoded again, never the bytes we were sent:

1. Read at most ``MAX_UPLOAD_BYTES`` + 1 bytes: a huge upload is refused without filling memory.
2. Refuse more than ``MAX_PIXELS`` from the header alone (ours and Pillow's bomb check), before any
   pixel is decoded: a 50 KB PNG can claim 20000×20000 and need gigabytes.
3. Open, ``verify()``, open again, and allow by *decoded* format only: JPEG (and MPO, the JPEG many
   phones write), PNG, WEBP, HEIF/HEIC. Names and content types mean nothing; HTML renamed .jpg is refused.
4. ``exif_transpose``: the saved file has no EXIF orientation, so turn the pixels upright first.
5. RGB with transparency flattened onto white; then fit within ``LONG_EDGE``, plenty for a phone.
6. Paste into a brand-new image so no ``info`` (EXIF, XMP, ICC, comment) can reach the saved JPEG.
7. Save to a temporary file beside the photos, then rename to a random name (mode 0o600): a half-written
   photo never has a real name, and the name says nothing about the upload.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pillow_heif
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps

MAX_UPLOAD_BYTES = 12 * 1024 * 1024  # per photo
MAX_PIXELS = 40_000_000
LONG_EDGE = 2048
ACCEPTED_TYPES = "image/jpeg,image/png,image/webp,image/heic,image/heif"  # for <input accept=...>

_OPENERS = ("JPEG", "PNG", "WEBP", "HEIF")  # the only decoders Pillow may even try
_ALLOWED = {"JPEG", "MPO", "PNG", "WEBP", "HEIF"}
_NAME = re.compile(r"[0-9a-f]{32}\.jpg")

Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow warns above this and refuses above twice this
pillow_heif.register_heif_opener()

_MESSAGES = {
    "too_big": _l(
        "That photo is too big. Please choose one under %(megabytes)d MB.",
        megabytes=MAX_UPLOAD_BYTES // (1024 * 1024),
    ),
    "not_a_photo": _l("We couldn't open that as a photo. Please choose a JPG, PNG, WEBP or HEIC photo."),
    "too_many_pixels": _l("That photo is too large for us to use. Please choose a smaller photo."),
}


class PhotoRefused(ValueError):
    """Why an upload was not kept: ``code`` for the program, ``message`` for the young person."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code
        self.message = _MESSAGES[code]


@dataclass(frozen=True)
class StoredPhoto:
    storage_name: str
    width: int
    height: int
    size_bytes: int


def photo_dir(config: Mapping) -> Path:
    directory = Path(config["UPLOAD_DIR"]) / "photos"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def clean_and_store(upload: IO[bytes] | bytes, directory: Path) -> StoredPhoto:
    return _store(_clean(_read_capped(upload)), directory)


def path_of(directory: Path, storage_name: str) -> Path:
    if not isinstance(storage_name, str) or not _NAME.fullmatch(storage_name):
        raise ValueError("not the name of a stored photo")
    return directory / storage_name


def remove(directory: Path, storage_name: str) -> None:
    path_of(directory, storage_name).unlink(missing_ok=True)


def _read_capped(upload: IO[bytes] | bytes) -> bytes:
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        chunks: list[bytes] = []
        left = MAX_UPLOAD_BYTES + 1
        while left > 0 and (chunk := upload.read(left)):
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoRefused("too_big")
    return data


def _check_pixels(image: Image.Image) -> None:
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise PhotoRefused("too_many_pixels")


def _decode(data: bytes) -> Image.Image:
    try:
        with Image.open(io.BytesIO(data), formats=_OPENERS) as probe:
            _check_pixels(probe)
            probe.verify()
        with Image.open(io.BytesIO(data), formats=_OPENERS) as image:
            _check_pixels(image)
            if image.format not in _ALLOWED:
                raise PhotoRefused("not_a_photo")
            image.load()  # a truncated or corrupt file fails here
            return ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRefused("too_many_pixels") from exc
    except PhotoRefused:
        raise
    except Exception as exc:  # untrusted bytes: any decoder failure means "not a photo we can use"
        raise PhotoRefused("not_a_photo") from exc


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode.startswith("I"):  # 16-bit grey: scale down, or every pixel turns white
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("RGB")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _clean(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a camera's odd EXIF is no reason to refuse a photo…
        warnings.simplefilter("error", Image.DecompressionBombWarning)  # …but too many pixels is
        flat = _flatten(_decode(data))
    flat.thumbnail((LONG_EDGE, LONG_EDGE), Image.Resampling.LANCZOS)
    clean = Image.new("RGB", flat.size)
    clean.paste(flat)
    return clean


def _store(clean: Image.Image, directory: Path) -> StoredPhoto:
    name = secrets.token_hex(16) + ".jpg"
    handle, temp = tempfile.mkstemp(dir=directory, prefix=".incoming-", suffix=".tmp")  # mode 0o600
    try:
        with os.fdopen(handle, "wb") as out:
            clean.save(out, "JPEG", quality=85, optimize=True)
        os.replace(temp, directory / name)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    width, height = clean.size
    return StoredPhoto(name, width, height, (directory / name).stat().st_size)
