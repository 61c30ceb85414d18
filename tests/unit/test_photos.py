"""Photos (app/domain/photos.py): what we keep of an upload is only clean, upright pixels.

Jay uploads photos from a phone. Every test image is made here with Pillow; the metadata ones carry
GPS for Nan's street, an XMP packet and a description, and each test first checks the upload really
had them, so a pipeline that saved the upload bytes as they came would fail.
"""

from __future__ import annotations

import io
import re
import stat
import struct
import time
import zlib

import pytest
from PIL import ExifTags, Image, ImageFile, PngImagePlugin

from app.domain import photos
from app.domain.photos import (
    LONG_EDGE,
    MAX_UPLOAD_BYTES,
    PhotoRefused,
    StoredPhoto,
    clean_and_store,
    path_of,
    photo_dir,
    remove,
)

RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)
DESCRIPTION = "Jay at Nan's house, 14 Elm Road"
XMP = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:exif="http://ns.adobe.com/exif/1.0/"'
    ' exif:GPSLatitude="51,30.44N" exif:GPSLongitude="0,7.65W" xmp:CreatorTool="Phone"/>'
    '</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
).encode()
# 51° 30′ 26″ N, 0° 7′ 39″ W as the EXIF rationals (numerator, denominator) a camera writes.
GPS_NUMBERS = [struct.pack(f"{order}6I", 51, 1, 30, 1, 26, 1) for order in "<>"] + [
    struct.pack(f"{order}6I", 0, 1, 7, 1, 39, 1) for order in "<>"
]
NAME = re.compile(r"[0-9a-f]{32}\.jpg")
# What a clean baseline or progressive JPEG holds before its scan: JFIF, tables, frame header.
PLAIN_JPEG_MARKERS = {0xE0, 0xDB, 0xC0, 0xC1, 0xC2, 0xC4, 0xDD, 0xDA}


def picture(size=(64, 48), mode="RGB") -> Image.Image:
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return image.convert(mode)


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.ImageDescription] = DESCRIPTION
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 30.0, 26.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
    }
    return exif


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def with_metadata(fmt: str) -> bytes:
    if fmt == "JPEG":
        return encode(picture(), "JPEG", exif=gps_exif(), xmp=XMP, comment=DESCRIPTION)
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
        info.add_text("Comment", DESCRIPTION)
        return encode(picture(), "PNG", exif=gps_exif(), pnginfo=info)
    return encode(picture(), fmt, exif=gps_exif(), xmp=XMP)


def png_of_size(width: int, height: int) -> bytes:
    """A real, complete 1-bit PNG: tiny on disk however many pixels it claims."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the bits of one row
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def jpeg_header(data: bytes) -> tuple[set[int], bytes]:
    """The markers and bytes of every segment before the first scan."""
    assert data[:2] == b"\xff\xd8"
    markers, header, position = set(), b"", 2
    while True:
        assert data[position] == 0xFF
        marker = data[position + 1]
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        markers.add(marker)
        header += data[position + 4 : position + 2 + length]
        if marker == 0xDA:
            return markers, header
        position += 2 + length


def stored_bytes(directory, stored: StoredPhoto) -> bytes:
    return path_of(directory, stored.storage_name).read_bytes()


def near(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def assert_clean(data: bytes) -> None:
    for secret in [b"Exif", b"EXIF", b"xmpmeta", b"http://ns.adobe.com/xap", b"Elm Road", b"51,30.44N"]:
        assert secret not in data, secret
    for numbers in GPS_NUMBERS:
        assert numbers not in data
    markers, header = jpeg_header(data)
    assert markers <= PLAIN_JPEG_MARKERS  # no APP1 (EXIF/XMP), no APP2 (ICC), no COM
    assert b"\x88\x25" not in header and b"\x25\x88" not in header  # the GPS IFD tag, either byte order
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)


# Metadata


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_gps_xmp_and_description_are_gone(tmp_path, fmt):
    upload = with_metadata(fmt)
    with Image.open(io.BytesIO(upload)) as original:
        assert original.format == fmt
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert b"xmpmeta" in upload and b"http://ns.adobe.com/xap" in upload and b"Elm Road" in upload
    assert any(numbers in upload for numbers in GPS_NUMBERS)

    stored = clean_and_store(upload, tmp_path)

    data = stored_bytes(tmp_path, stored)
    assert_clean(data)
    assert (stored.width, stored.height, stored.size_bytes) == (64, 48, len(data))
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (64, 48)
        assert near(image.getpixel((5, 24)), RED) and near(image.getpixel((58, 24)), BLUE)


def test_heic_from_a_phone_is_kept_as_a_clean_jpeg(tmp_path):
    upload = encode(picture(), "HEIF", quality=80, exif=gps_exif().tobytes())
    with Image.open(io.BytesIO(upload)) as original:
        assert original.format == "HEIF"
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"

    stored = clean_and_store(upload, tmp_path)

    assert_clean(stored_bytes(tmp_path, stored))
    assert (stored.width, stored.height) == (64, 48)


def test_a_multi_picture_jpeg_is_a_jpeg(tmp_path):
    upload = encode(picture(), "MPO", save_all=True, append_images=[picture()], exif=gps_exif())
    with Image.open(io.BytesIO(upload)) as original:
        assert original.format == "MPO"

    assert_clean(stored_bytes(tmp_path, clean_and_store(upload, tmp_path)))


def test_a_file_that_is_a_jpeg_and_a_web_page_keeps_only_the_picture(tmp_path):
    upload = encode(picture(), "JPEG") + b"<html><script>alert('hello')</script></html>"

    data = stored_bytes(tmp_path, clean_and_store(upload, tmp_path))

    assert b"<script" not in data and b"<html" not in data


# Orientation, size, colour


def test_a_sideways_photo_is_stored_upright(tmp_path):
    sideways = picture(size=(40, 20))  # red left half, blue right half
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # "turn 90° clockwise to view"
    upload = encode(sideways, "JPEG", quality=95, exif=exif)

    stored = clean_and_store(upload, tmp_path)

    with Image.open(io.BytesIO(stored_bytes(tmp_path, stored))) as image:
        assert image.size == (stored.width, stored.height) == (20, 40)
        assert len(image.getexif()) == 0  # no Orientation left to turn it a second time
        assert near(image.getpixel((10, 5)), RED)  # the left half is now the top
        assert near(image.getpixel((10, 35)), BLUE)


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((5000, 3000), (2048, 1229)),
        ((3000, 5000), (1229, 2048)),
        ((2048, 1000), (2048, 1000)),
        ((300, 200), (300, 200)),  # small photos are not blown up
    ],
)
def test_big_photos_are_fitted_within_the_long_edge(tmp_path, size, expected):
    upload = encode(Image.new("RGB", size, BLUE), "JPEG")

    stored = clean_and_store(upload, tmp_path)

    assert max(stored.width, stored.height) <= LONG_EDGE
    assert abs(stored.width - expected[0]) <= 1 and abs(stored.height - expected[1]) <= 1
    with Image.open(io.BytesIO(stored_bytes(tmp_path, stored))) as image:
        assert image.size == (stored.width, stored.height)


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P"])
def test_transparent_parts_become_white(tmp_path, mode):
    image = Image.new("RGBA", (40, 20), (0, 0, 0, 0))  # see-through black
    image.paste(Image.new("RGBA", (20, 20), (*RED, 255)), (0, 0))
    if mode == "LA":
        image = image.convert("LA")
    elif mode == "P":
        image = image.convert("P")
        image.info["transparency"] = image.getpixel((30, 10))
    upload = encode(image, "PNG", transparency=image.info.get("transparency"))
    with Image.open(io.BytesIO(upload)) as original:
        assert original.mode == mode

    stored = clean_and_store(upload, tmp_path)

    with Image.open(io.BytesIO(stored_bytes(tmp_path, stored))) as cleaned:
        assert cleaned.mode == "RGB"
        assert near(cleaned.getpixel((30, 10)), WHITE)
        assert not near(cleaned.getpixel((5, 10)), WHITE)


def test_sixteen_bit_grey_keeps_its_shade(tmp_path):
    upload = encode(Image.new("I;16", (8, 8), 0x8080), "PNG")

    stored = clean_and_store(upload, tmp_path)

    with Image.open(io.BytesIO(stored_bytes(tmp_path, stored))) as image:
        assert near(image.getpixel((4, 4)), (128, 128, 128), tolerance=3)


# Refusals


def test_a_pixel_bomb_is_refused_before_it_is_decoded(tmp_path, monkeypatch):
    upload = png_of_size(20_000, 20_000)  # 400 million pixels in a file of about 50 KB
    assert len(upload) < 100_000
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append("load"))
    monkeypatch.setattr(PngImagePlugin.PngImageFile, "verify", lambda self: decoded.append("verify"))

    started = time.perf_counter()
    with pytest.raises(PhotoRefused) as refused:
        clean_and_store(upload, tmp_path)

    assert time.perf_counter() - started < 2  # a guard, not a benchmark
    assert refused.value.code == "too_many_pixels"
    assert decoded == []


def test_just_over_the_pixel_limit_is_refused(tmp_path):
    with pytest.raises(PhotoRefused) as refused:
        clean_and_store(png_of_size(8000, 6000), tmp_path)  # 48 million: Pillow only warns
    assert refused.value.code == "too_many_pixels"


def test_our_own_pixel_check_holds_if_pillows_is_switched_off(tmp_path, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    with pytest.raises(PhotoRefused) as refused:
        clean_and_store(png_of_size(7000, 6000), tmp_path)
    assert refused.value.code == "too_many_pixels"


def test_the_pixel_limit_is_inclusive(tmp_path, monkeypatch):
    monkeypatch.setattr(photos, "MAX_PIXELS", 100)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    assert clean_and_store(encode(picture((10, 10)), "PNG"), tmp_path).width == 10
    with pytest.raises(PhotoRefused) as refused:
        clean_and_store(encode(picture((10, 11)), "PNG"), tmp_path)
    assert refused.value.code == "too_many_pixels"


def truncated(fmt: str) -> bytes:
    noise = Image.effect_noise((128, 128), 80).convert("RGB")
    data = encode(noise, fmt)
    return data[: len(data) // 2]


NOT_PHOTOS = {
    "html renamed .jpg": lambda: b"<!DOCTYPE html><html><body><script>alert('hi')</script></body></html>",
    "svg": lambda: (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
    ),
    "gif": lambda: encode(picture(mode="P"), "GIF"),
    "bmp": lambda: encode(picture(), "BMP"),
    "tiff": lambda: encode(picture(), "TIFF"),
    "pdf": lambda: encode(picture(), "PDF"),
    "empty": lambda: b"",
    "random bytes": lambda: bytes(range(256)) * 4,
    "jpeg start only": lambda: b"\xff\xd8\xff",
    "truncated jpeg": lambda: truncated("JPEG"),
    "truncated png": lambda: truncated("PNG"),
}


@pytest.mark.parametrize("kind", NOT_PHOTOS)
def test_what_is_not_a_photo_is_refused(tmp_path, kind):
    with pytest.raises(PhotoRefused) as refused:
        clean_and_store(NOT_PHOTOS[kind](), tmp_path)
    assert refused.value.code == "not_a_photo"
    assert list(tmp_path.iterdir()) == []


def test_too_many_bytes_are_refused_before_anything_else(tmp_path):
    for upload in (bytes(MAX_UPLOAD_BYTES + 1), io.BytesIO(bytes(MAX_UPLOAD_BYTES + 1))):
        with pytest.raises(PhotoRefused) as refused:
            clean_and_store(upload, tmp_path)
        assert refused.value.code == "too_big"
    assert list(tmp_path.iterdir()) == []


def test_an_endless_upload_is_read_only_just_past_the_limit(tmp_path):
    class Endless:
        given = 0

        def read(self, size=-1):
            assert size > 0
            self.given += min(size, 65536)
            return b"\xff" * min(size, 65536)

    endless = Endless()
    with pytest.raises(PhotoRefused) as refused:
        clean_and_store(endless, tmp_path)
    assert refused.value.code == "too_big"
    assert endless.given == MAX_UPLOAD_BYTES + 1


def test_exactly_the_byte_limit_is_accepted(tmp_path):
    photo = encode(picture(), "JPEG")
    upload = io.BytesIO(photo + bytes(MAX_UPLOAD_BYTES - len(photo)))

    assert clean_and_store(upload, tmp_path).width == 64


def test_refusals_have_a_kind_message():
    for code in ("too_big", "not_a_photo", "too_many_pixels"):
        refused = PhotoRefused(code)
        assert refused.code == code and isinstance(refused, ValueError)
        assert str(refused.message)
    assert "12 MB" in str(PhotoRefused("too_big").message)


# Where and how photos are kept


def test_photo_dir_is_private_and_created_once(tmp_path):
    directory = photo_dir({"UPLOAD_DIR": str(tmp_path / "uploads")})

    assert directory == tmp_path / "uploads" / "photos"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert photo_dir({"UPLOAD_DIR": str(tmp_path / "uploads")}) == directory


def test_names_are_random_private_and_the_only_file_left(tmp_path):
    upload = with_metadata("JPEG")

    first = clean_and_store(upload, tmp_path)
    second = clean_and_store(io.BytesIO(upload), tmp_path)

    assert first.storage_name != second.storage_name
    for stored in (first, second):
        assert NAME.fullmatch(stored.storage_name) and len(stored.storage_name) <= 80
        assert stat.S_IMODE(path_of(tmp_path, stored.storage_name).stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.storage_name, second.storage_name])


def test_a_failed_save_leaves_nothing_behind(tmp_path, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(Image.Image, "save", disk_full)
    with pytest.raises(OSError, match="No space"):
        clean_and_store(encode(picture(), "PNG"), tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "name",
    [
        "",
        "../x",
        "..",
        "a/b.jpg",
        "/etc/passwd",
        "x.jpg",
        "0" * 32 + ".png",
        "0" * 32 + ".jpg\n",
        "0" * 32 + ".jpg/../x",
        "../" + "0" * 32 + ".jpg",
        "A" * 32 + ".jpg",
        "0" * 33 + ".jpg",
        None,
    ],
)
def test_path_of_refuses_anything_but_our_names(tmp_path, name):
    with pytest.raises(ValueError, match="not the name of a stored photo"):
        path_of(tmp_path, name)
    with pytest.raises(ValueError, match="not the name of a stored photo"):
        remove(tmp_path, name)


def test_remove_deletes_and_a_second_remove_is_fine(tmp_path):
    stored = clean_and_store(encode(picture(), "PNG"), tmp_path)
    assert path_of(tmp_path, stored.storage_name) == tmp_path / stored.storage_name

    remove(tmp_path, stored.storage_name)
    remove(tmp_path, stored.storage_name)

    assert list(tmp_path.iterdir()) == []
