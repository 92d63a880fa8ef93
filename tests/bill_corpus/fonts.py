"""Fonts by family name: fontconfig's list (Debian packages, `make fonts`) plus the PyPI font
wheels of the `dev` extras (`font_xxx/files/*.ttf`, found through importlib.resources).

A family asks for fonts in order of preference; whatever this machine lacks is skipped, so the
corpus still builds (with fewer fonts) where a Debian font package is missing.
"""

import subprocess
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from PIL import ImageFont

_WHEELS = {
    "Amatic SC": ("font_amatic_sc", "AmaticSC-Bold.ttf"),
    "Source Sans Pro": ("font_source_sans_pro", "SourceSansPro-Regular.ttf"),
    "Source Sans Pro Bold": ("font_source_sans_pro", "SourceSansPro-Bold.ttf"),
    "Intuitive": ("font_intuitive", "Intuitive.ttf"),
}
"""Family name -> (package, file) of the pip-installed font wheels."""

_REGULAR = ("regular", "book", "roman", "normal", "medium")


@dataclass(frozen=True)
class Font:
    """A font file found on this machine, and the scale at which it reads like the others."""

    name: str
    path: Path
    scale: float = 1.0

    def at(self, size: int) -> ImageFont.FreeTypeFont:
        return _load(str(self.path), max(8, round(size * self.scale)))

    def has(self, text: str) -> bool:
        """Whether the font draws every character of `text` (the rupee sign is often missing)."""
        cmap = _cmap(str(self.path))
        return all(ord(char) in cmap for char in text)


@cache
def _load(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@cache
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # fpdf2's dependency

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


@cache
def _fontconfig() -> dict[str, Path]:
    """Lower-case family name -> the file of its regular (else first) style, from `fc-list`."""
    try:
        listing = subprocess.run(
            ["fc-list", ":", "family", "style", "file"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        listing = ""
    found: dict[str, tuple[int, Path]] = {}
    for line in sorted(listing.splitlines()):
        path, _, rest = line.partition(":")
        families, _, style = rest.partition(":style=")
        if not path.strip().endswith((".ttf", ".otf")):
            continue
        styles = [word.strip().lower() for word in style.split(",")]
        # 'Regular' first beats 'Light,Regular'; 'Condensed,Book' is the condensed regular
        rank = 2 if styles[0] in _REGULAR else 1 if set(styles) & set(_REGULAR) else 0
        for family in families.split(","):
            key = family.strip().lower()
            names = [(key, rank)]
            if styles[0] == "bold":
                names.append((f"{key} bold", 2))
            for name, score in names:
                if name and (name not in found or score > found[name][0]):
                    found[name] = (score, Path(path.strip()))
    return {key: path for key, (_, path) in found.items()}


def _wheel(name: str) -> Path | None:
    if name not in _WHEELS:
        return None
    package, filename = _WHEELS[name]
    try:
        path = Path(str(resources.files(package) / "files" / filename))
    except ModuleNotFoundError:
        return None
    return path if path.is_file() else None


@cache
def find(name: str) -> Path | None:
    """The file of a font family by name, or None when this machine lacks it."""
    return _wheel(name) or _fontconfig().get(name.lower())


def available(wanted: tuple[tuple[str, float], ...]) -> tuple[Font, ...]:
    """The fonts of `wanted` (name, size scale) this machine has, in order; never empty:
    DejaVu Sans (always present with Pillow's usual Debian setup) is the last resort."""
    fonts = tuple(Font(name, path, scale) for name, scale in wanted if (path := find(name)))
    if fonts:
        return fonts
    fallback = find("DejaVu Sans") or Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    return (Font("DejaVu Sans", fallback),)
