"""A page to draw a bill on, and the photo-like finish: paper, rotation, shear, scale, blur,
sensor noise and JPEG compression - each seeded, so the same bill gives the same bytes."""

import io
import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

PAPERS = {
    "white": ((250, 250, 248), (255, 255, 255)),
    "cream": ((243, 236, 215), (250, 244, 226)),
    "grey": ((214, 214, 210), (232, 232, 228)),
}
INK = (25, 25, 30)


def paper(rng: random.Random, choices: tuple[str, ...] = tuple(PAPERS)) -> tuple[str, str]:
    """(paper kind, '#rrggbb') drawn from the kinds allowed."""
    kind = rng.choice(choices)
    low, high = PAPERS[kind]
    colour = tuple(rng.randint(a, b) for a, b in zip(low, high, strict=True))
    return kind, "#{:02x}{:02x}{:02x}".format(*colour)


class Page:
    """A tall canvas; `crop()` keeps what was drawn plus a margin."""

    def __init__(self, width: int, colour: str, height: int = 4000) -> None:
        self.image = Image.new("RGB", (width, height), colour)
        self.draw = ImageDraw.Draw(self.image)
        self.width = width
        self.bottom = 0
        self.ink = INK

    def text(
        self,
        x: float,
        y: float,
        text: str,
        font: ImageFont.FreeTypeFont,
        align: str = "left",
        fill: tuple[int, int, int] | None = None,
    ) -> float:
        """Draws `text` with its left (or right, or centre) at x; returns its width."""
        width = self.draw.textlength(text, font=font)
        left = x - width if align == "right" else x - width / 2 if align == "center" else x
        self.draw.text((left, y), text, font=font, fill=fill or self.ink)
        self.bottom = max(self.bottom, int(y + font.size * 1.4))
        return width

    def rule(self, y: float, x0: float, x1: float, width: int = 2, colour: object = None) -> None:
        self.draw.line([(x0, y), (x1, y)], fill=colour or self.ink, width=width)  # type: ignore[arg-type]
        self.bottom = max(self.bottom, int(y + width))

    def crop(self, margin: int = 40) -> Image.Image:
        return self.image.crop((0, 0, self.width, min(self.image.height, self.bottom + margin)))


@dataclass(frozen=True)
class Finish:
    rotate: float = 0.0  # degrees
    shear: float = 0.0  # x shift per y pixel (slanted handwriting)
    scale: float = 1.0  # a phone photo of a small receipt is bigger than the receipt's pixels
    blur: float = 0.0
    noise: int = 0
    jpeg: int | None = 75  # None: PNG

    def describe(self) -> str:
        parts = [f"rot={self.rotate:+.1f}", f"blur={self.blur:.1f}", f"noise={self.noise}"]
        if self.shear:
            parts.append(f"shear={self.shear:+.2f}")
        if self.scale != 1.0:
            parts.append(f"scale={self.scale:.2f}")
        parts.append(f"jpeg={self.jpeg}" if self.jpeg else "png")
        return " ".join(parts)


def random_finish(
    rng: random.Random,
    *,
    rotate: float = 3.0,
    blur: float = 1.0,
    noise: int = 14,
    shear: float = 0.0,
    scale: tuple[float, float] = (1.0, 1.0),
    png_share: float = 0.2,
) -> Finish:
    return Finish(
        rotate=round(rng.uniform(-rotate, rotate), 1),
        shear=round(rng.uniform(-shear, shear), 2) if shear else 0.0,
        scale=round(rng.uniform(*scale), 2),
        blur=round(rng.uniform(0, blur), 1),
        noise=rng.randint(0, noise),
        jpeg=None if rng.random() < png_share else rng.randint(45, 90),
    )


def finish(image: Image.Image, paper_colour: str, how: Finish, seed: int) -> tuple[bytes, str]:
    """The photo as uploaded: (bytes, content type). Shear, rotation and blur work on the page's
    own pixels and only then is it scaled up (a small receipt photographed close): the same look
    at a fraction of the cost; the sensor noise is added at the final size."""
    if how.shear or how.rotate:
        image = _slant_and_turn(image, how.shear, how.rotate, paper_colour)
    if how.blur:
        image = image.filter(ImageFilter.GaussianBlur(how.blur / how.scale))
    if how.scale != 1.0:
        size = (round(image.width * how.scale), round(image.height * how.scale))
        image = image.resize(size, Image.Resampling.BILINEAR)
    if how.noise:
        generator = np.random.default_rng(seed)
        grain = generator.standard_normal((image.height, image.width), dtype=np.float32)
        grain = (grain * how.noise).astype(np.int16)[:, :, None]
        pixels = np.asarray(image, dtype=np.int16) + grain
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    if how.jpeg:
        image.save(buffer, "JPEG", quality=how.jpeg)
        return buffer.getvalue(), "image/jpeg"
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue(), "image/png"


def _slant_and_turn(image: Image.Image, shear: float, degrees: float, fill: str) -> Image.Image:
    """Shear (x += shear * y) then rotate counter-clockwise by `degrees`, as one resampling,
    on a canvas grown to hold the result (like `rotate(expand=True)`)."""
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    # forward map: page (x, y) -> photo (x', y'), y pointing down, counter-clockwise turn
    a, b = cos, cos * shear + sin
    d, e = -sin, -sin * shear + cos
    corners = [(0, 0), (image.width, 0), (0, image.height), (image.width, image.height)]
    xs = [a * x + b * y for x, y in corners]
    ys = [d * x + e * y for x, y in corners]
    left, top = min(xs), min(ys)
    size = (math.ceil(max(xs) - left), math.ceil(max(ys) - top))
    determinant = a * e - b * d
    ia, ib, id_, ie = e / determinant, -b / determinant, -d / determinant, a / determinant
    # inverse map for Pillow: photo (x', y') -> page (x, y)
    matrix = (ia, ib, ia * left + ib * top, id_, ie, id_ * left + ie * top)
    return image.transform(
        size, Image.Transform.AFFINE, matrix, resample=Image.Resampling.BILINEAR, fillcolor=fill
    )
