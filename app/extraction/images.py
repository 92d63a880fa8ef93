"""Upload checks and image preparation: the bytes decide what a file is, never its name.

Order matters for memory: the upload is read with a byte cap (413 as soon as it is passed),
the format is sniffed from the first bytes (415 for anything else), the pixel count is read
from the header *before* decoding (a 30,000 x 30,000 PNG of a few hundred KB would otherwise
expand to gigabytes), JPEGs are decoded at a reduced scale when they are big, and only then is
the image turned upright (EXIF orientation) and shrunk to `MAX_SIDE`.
"""

import io
import math
from functools import cache

from fastapi import UploadFile
from PIL import Image, ImageOps, UnidentifiedImageError

from app.core.errors import InvalidInput, PayloadTooLarge, UnsupportedMedia
from app.extraction.reading import PreparedImage

MAX_SIDE = 2000
"""Engines never see more than this on the long side: enough for print, cheap to read."""

MAX_DECLARED_PIXELS = 80_000_000
"""Above this the header alone gets a 413 (Pillow's own bomb limit is ~89 MP)."""

MAX_DECODED_PIXELS = 40_000_000
"""What we are willing to hold decoded at once (~120 MB as RGB), after JPEG draft scaling."""

_CHUNK = 64 * 1024
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "HEIF": "image/heic"}
ACCEPTED = "JPEG, PNG or WebP"


@cache
def heif_supported() -> bool:
    """HEIC photos (iPhones) are accepted only when `pillow-heif` is installed."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return False
    register_heif_opener()
    return True


def sniff(head: bytes) -> str | None:
    """The Pillow format name the leading bytes announce, or None for anything we refuse."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS and heif_supported():
        return "HEIF"
    return None


async def read_upload(upload: UploadFile, limit: int) -> bytes:
    """The file's bytes, read in chunks and refused (413) the moment they pass `limit`."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await upload.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"The image is larger than {limit} bytes ({limit // 1048576} MB)")
        chunks.append(chunk)
    if size == 0:
        raise InvalidInput("The image file is empty", loc=("body", "image"))
    return b"".join(chunks)


def check_kind(data: bytes) -> str:
    """The sniffed format, or a 415 naming what we accept."""
    kind = sniff(data[:32])
    if kind is None:
        accepted = ACCEPTED + (" or HEIC" if heif_supported() else "")
        raise UnsupportedMedia(f"The file is not a {accepted} image")
    return kind


def _draft_size(width: int, height: int) -> tuple[int, int]:
    """The size to ask a JPEG decoder for so that its long side lands near `MAX_SIDE`."""
    scale = MAX_SIDE / max(width, height)
    return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white: transparent areas of a PNG must not turn black for the OCR."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def prepare(data: bytes) -> PreparedImage:
    """Decode safely, apply EXIF orientation, shrink to `MAX_SIDE`. CPU-bound: run in a thread."""
    kind = check_kind(data)
    try:
        image = Image.open(io.BytesIO(data), formats=[kind])
        width, height = image.size
        if width * height > MAX_DECLARED_PIXELS:
            raise PayloadTooLarge(
                f"The image is {width} x {height} pixels; at most "
                f"{MAX_DECLARED_PIXELS // 1_000_000} megapixels are accepted"
            )
        if kind == "JPEG" and max(width, height) > MAX_SIDE:
            image.draft("RGB", _draft_size(width, height))
        if image.size[0] * image.size[1] > MAX_DECODED_PIXELS:
            raise PayloadTooLarge(
                f"The image is {width} x {height} pixels; send a smaller photo "
                f"(at most {MAX_DECODED_PIXELS // 1_000_000} megapixels)"
            )
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        prepared = _flatten(upright)
    except Image.DecompressionBombError as exc:
        raise PayloadTooLarge("The image has too many pixels to process") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UnsupportedMedia(f"The file looks like {kind} but could not be decoded") from exc
    return PreparedImage(image=prepared, original=data, original_type=_MIME[kind])
