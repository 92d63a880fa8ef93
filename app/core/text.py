"""Text normalisation for names and the keys that find duplicates. Pure functions, no I/O.

A name typed on a phone keyboard, pasted from WhatsApp or copied from a PDF can carry
full-width letters (`Salt` typed as U+FF33 U+FF41 ...), zero-width spaces and bidi controls
that draw nothing but make `Salt` + U+200B a different string from `Salt`. `clean_text` is
what we store and show; `text_key` is what we compare.

ZERO WIDTH NON-JOINER and JOINER (U+200C, U+200D) choose how Devanagari (and other Indic)
conjuncts are drawn, so inside a word they stay in the stored name; at a word's edge they
draw nothing and go. The key drops them everywhere: `क्` + ZWJ + `ष` and `क्ष` are one name.
"""

import re
import unicodedata

JOINERS = "\u200c\u200d"
"""ZWNJ and ZWJ: meaningful inside Indic words, so only the key drops them everywhere."""

INVISIBLE = (
    "\u00ad"  # soft hyphen
    "\u061c"  # arabic letter mark (bidi)
    "\u180e"  # mongolian vowel separator
    "\u200b"  # zero width space
    "\u200e\u200f"  # left-to-right / right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2060\u2061\u2062\u2063\u2064"  # word joiner, invisible operators
    "\u2066\u2067\u2068\u2069"  # bidi isolates
    "\ufeff"  # zero width no-break space (BOM)
)
"""Characters that draw nothing and are always removed (before and after NFKC)."""

INVISIBLE_PATTERN = "".join(f"\\u{ord(char):04x}" for char in INVISIBLE + JOINERS)
"""`INVISIBLE` plus the joiners as a regex character-class body (Python and ECMA-262 alike)."""

_REMOVE = {ord(char): None for char in INVISIBLE}
_REMOVE_WITH_JOINERS = _REMOVE | {ord(char): None for char in JOINERS}
# A run of joiners not between two visible characters: at the start or end of a word.
_EDGE_JOINERS = re.compile(rf"(?<!\S)[{JOINERS}]+|[{JOINERS}]+(?!\S)")


def clean_text(text: str) -> str:
    """The text to store: NFKC, invisible characters removed, whitespace collapsed.

    `'  Salt  1kg '` in full-width letters with a U+200B -> `'Salt 1kg'`. Joiners inside a
    word are kept.
    """
    text = unicodedata.normalize("NFKC", text.translate(_REMOVE)).translate(_REMOVE)
    return " ".join(_EDGE_JOINERS.sub(" ", text).split())


def text_key(text: str) -> str:
    """The comparison key: `clean_text` without joiners, case-folded.

    Full-width `Salt`, `Salt` + U+200B, `SALT` and `salt` share the key `salt`.
    """
    return clean_text(text).translate(_REMOVE_WITH_JOINERS).casefold()
