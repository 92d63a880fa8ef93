"""Matching a line as read to the shop's own products, with rapidfuzz.

Names are normalised first (case, spacing, `1 kg`/`1kg`/`1 KGS`, `pkt`/`pack`, common
abbreviations), and compared both word by word and with the spaces removed, because the offline
OCR model often drops spaces ('TataSalt1kg'). Two guards keep a wrong match from looking right:
a different pack size ('Tata Salt 500g' for 'Tata Salt 1kg') is penalised, and a tie between two
products is no match at all - the line gets suggestions instead.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from rapidfuzz import fuzz, process

from app.extraction.numbers import UNITS, fix_sizes

_WORDS = {
    "bisc": "biscuit",
    "biscuits": "biscuit",
    "bisk": "biscuit",
    "choc": "chocolate",
    "choco": "chocolate",
    "pwdr": "powder",
    "pdr": "powder",
    "pwd": "powder",
    "det": "detergent",
    "ref": "refined",
    "rfnd": "refined",
    "sftn": "soft",
    "org": "organic",
    "tooth paste": "toothpaste",
    "&": "and",
    "g.nut": "groundnut",
    "gnut": "groundnut",
    "suji": "sooji",
    "rawa": "rava",
    "daal": "dal",
    "aata": "atta",
    "chini": "sugar",
    "cheeni": "sugar",
    "zeera": "jeera",
    "masur": "masoor",
    "gud": "jaggery",
    "agarbathi": "agarbatti",
    "agarbati": "agarbatti",
    "paste": "toothpaste",
}
"""Shorthand seen on wholesale bills -> the word a catalogue uses."""

_SIZE = re.compile(r"^\d+(?:\.\d+)?(?:kg|g|l|ml|pcs|pack|m|dozen)$")
_CANDIDATES = 8
_PARTIAL_MIN = 5  # shorter names are in too many others
_TIE_MARGIN = 2
_SIZE_PENALTY = 75  # percent kept when both names carry a size and the sizes differ


def normalise(name: str) -> str:
    """'Tata  SALT 1 KGS' -> 'tata salt 1kg'; 'Fortune Oil 1Ltr.' -> 'fortune oil 1l'."""
    text = fix_sizes(name).casefold().replace("&", " and ")
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text)
    text = re.sub(r"[^a-z0-9. ]+", " ", text)
    tokens = [token.strip(".") for token in text.split()]
    words: list[str] = []
    for token in tokens:
        if not token:
            continue
        if token in UNITS and words and re.fullmatch(r"\d+(?:\.\d+)?", words[-1]):
            words[-1] = f"{words[-1]}{UNITS[token]}"
            continue
        words.append(_WORDS.get(token, token))
    return " ".join(words)


def _sizes(normalised: str) -> set[str]:
    return {word for word in normalised.split() if _SIZE.match(word)}


@dataclass(frozen=True, slots=True)
class Candidate:
    product_id: int
    product_name: str
    score: int


@dataclass(frozen=True, slots=True)
class Match:
    """`product_id` is set only for a confident, unambiguous match."""

    product_id: int | None
    product_name: str | None
    score: int
    suggestions: list[Candidate]
    unit: str | None = None
    """The matched product's unit (`kg`, `pcs`...), when the catalogue knows it."""


@dataclass(frozen=True, slots=True)
class _Entry:
    product_id: int
    name: str
    spaced: str
    compact: str
    sizes: frozenset[str]


class Catalogue:
    """The shop's products, normalised once per request and matched many times."""

    def __init__(
        self,
        products: Sequence[tuple[int, str]],
        units: Mapping[int, str] | None = None,
        prices: Mapping[int, Decimal] | None = None,
    ) -> None:
        self._units = dict(units or {})
        self._prices = dict(prices or {})
        self._entries = []
        for product_id, name in products:
            spaced = normalise(name)
            self._entries.append(
                _Entry(product_id, name, spaced, spaced.replace(" ", ""), frozenset(_sizes(spaced)))
            )
        self._spaced = [entry.spaced for entry in self._entries]
        self._compact = [entry.compact for entry in self._entries]

    def __len__(self) -> int:
        return len(self._entries)

    def price(self, product_id: int) -> Decimal | None:
        """What the shop pays for the product (its purchase price), when known."""
        return self._prices.get(product_id)

    def _score(self, spaced: str, compact: str, sizes: set[str], entry: _Entry) -> int:
        score = max(
            fuzz.token_sort_ratio(spaced, entry.spaced),
            fuzz.ratio(compact, entry.compact),
            fuzz.token_set_ratio(spaced, entry.spaced) * 0.9,
            # words run together with one more ('COCONUTFRESH' for 'Coconut'), or a name cut
            # short on a receipt; a tie between products still matches none
            self._partial(compact, entry.compact),
        )
        if sizes and entry.sizes and not sizes & entry.sizes:
            score = score * _SIZE_PENALTY / 100
        return round(score)

    @staticmethod
    def _partial(compact: str, other: str) -> int:
        """Similarity of the best-matching stretch, in tenths kept as a whole score (0-90)."""
        if min(len(compact), len(other)) < _PARTIAL_MIN:
            return 0
        return round(fuzz.partial_ratio(compact, other) * 9 / 10)

    def candidates(self, name: str, limit: int = 3) -> list[Candidate]:
        """The best products for `name`, best first (a shortlist by C-speed scorers, then ours)."""
        spaced = normalise(name)
        if not spaced or not self._entries:
            return []
        compact = spaced.replace(" ", "")
        shortlist = {
            index
            for choices, query, scorer in (
                (self._spaced, spaced, fuzz.token_sort_ratio),
                (self._compact, compact, fuzz.ratio),
                (self._spaced, spaced, fuzz.token_set_ratio),
            )
            for _, _, index in process.extract(query, choices, scorer=scorer, limit=_CANDIDATES)
        }
        sizes = _sizes(spaced)
        scored = [
            Candidate(
                self._entries[index].product_id,
                self._entries[index].name,
                self._score(spaced, compact, sizes, self._entries[index]),
            )
            for index in shortlist
        ]
        scored.sort(key=lambda c: (-c.score, c.product_name))
        return scored[:limit]

    def match(self, name: str, threshold: int) -> Match:
        best = self.candidates(name, limit=3)
        if not best:
            return Match(None, None, 0, [])
        top = best[0]
        tied = len(best) > 1 and best[1].score >= top.score - _TIE_MARGIN and top.score < 100
        if top.score >= threshold and not tied:
            return Match(
                top.product_id, top.product_name, top.score, [], self._units.get(top.product_id)
            )
        return Match(None, None, top.score, best)
