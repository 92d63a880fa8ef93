"""The offline engine: a question in English, Hindi or Hinglish to an `Intent`, by rules.

Deterministic and pure (no database, no network): the question is normalised
(`app.ask.words.normalise`), a phone number and a period (`app.ask.periods`) are taken out,
then each word or phrase is looked up as a cue (`app.ask.words.CUES`, with one-letter typos
of the longer words forgiven) or dropped as a stopword; the words left over are a name, a
product's or a party's by the words around it. The cues then choose the metric, dimensions,
filters and sort. A question with no cue for a metric is not understood (None).
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from app.ask.intent import MAX_LIMIT, MAX_NAME, Dimension, Intent, Metric, Sort
from app.ask.periods import Period, find_period
from app.ask.words import (
    CUES,
    ENGLISH_NAMES,
    LONGEST_PHRASE,
    STOPWORDS,
    Cue,
    corrected,
    normalise,
    number_value,
)
from app.core.message_templates import Language

EXAMPLES: dict[Language, tuple[str, ...]] = {
    "en": (
        "How much did I sell today?",
        "Profit this month",
        "Top 5 products this week",
        "Slowest products this month",
        "Which items are low in stock?",
        "Who owes me the most?",
        "Overdue udhaar",
        "How much do I owe vendors?",
        "How much does Ramesh owe?",
        "Best customers this year",
        "Sales by payment mode today",
        "Sales by day this week",
    ),
    "hi": (
        "आज कितनी बिक्री हुई?",
        "इस महीने का मुनाफा",
        "सबसे ज्यादा बिकने वाले सामान",
        "कौन सा सामान खत्म हो रहा है?",
        "सबसे ज्यादा उधार किसका है?",
        "रमेश का कितना उधार है?",
        "aaj kitni bikri hui",
        "pichhle hafte ka munafa",
        "vendors ko kitna dena hai",
        "kal kitne bill bane",
    ),
}
"""Shown when a question is not understood; each is understood (tests ask them all)."""

_PHONE = re.compile(r"(?<!\d)(?:\+?91[\s-]?)?([6-9]\d{4}[\s-]?\d{5})(?!\d)")
_TOKEN = re.compile(r"[\w\u0900-\u097f]+")
_PARTY_METRICS = {Metric.UDHAAR_DUE, Metric.PAYABLE, Metric.PAYMENTS_RECEIVED, Metric.PURCHASES}
_TIME = {Dimension.DAY, Dimension.MONTH}
MAX_NAME_WORDS = 12
"""Words looked up in the books per question (a 500-character question costs no more)."""
_NAME_BEFORE = {"does", "did", "of", "to", "from", "for", "customer", "vendor"}
_NAME_AFTER = {"ka", "ki", "ke", "ne", "ko", "का", "की", "के", "ने", "को", "owes", "owe"}


@dataclass
class _Reading:
    """What the scan of a question found."""

    cues: set[Cue] = field(default_factory=set)
    cue_at: dict[int, frozenset[Cue]] = field(default_factory=dict)
    names: list[list[int]] = field(default_factory=list)
    """Runs of adjacent left-over word positions."""
    limit: int | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class Known:
    """Which words (normalised) occur in the shop's product names and in its parties' names."""

    products: frozenset[str] = frozenset()
    parties: frozenset[str] = frozenset()


@dataclass
class _Name:
    """A run of left-over words: a name, maybe."""

    run: list[int]
    original: list[str]
    words: list[str] = field(default_factory=list)
    party: bool | None = None

    def __post_init__(self) -> None:
        self.words = list(self.original)

    @property
    def text(self) -> str:
        return " ".join(self.words)

    def resolve(self, known: Known) -> None:
        """Keep the words the books contain (a Hindi grocery word as its English name when
        only that matches); decide product or party when only one of them matched."""
        kept: list[str] = []
        roles: set[bool] = set()
        for word in self.original:
            for variant in (word, ENGLISH_NAMES.get(normalise(word))):
                if variant is None:
                    continue
                key = normalise(variant)
                if key in known.products or key in known.parties:
                    kept.append(variant)
                    if (key in known.parties) != (key in known.products):
                        roles.add(key in known.parties)
                    break
        self.words = kept
        if len(roles) == 1:
            self.party = roles.pop()


def name_words(question: str, today: dt.date) -> list[str]:
    """The words of `question` that may be a name (and their English grocery names): what
    the service looks up in the shop's books before `parse`."""
    text, _, _ = _without_phone_and_period(normalise(question), today)
    words = [m[0] for m in _TOKEN.finditer(text)]
    found: list[str] = []
    for run in _scan(words).names:
        for position in run:
            found.append(words[position])
            english = ENGLISH_NAMES.get(words[position])
            if english is not None:
                found.append(english)
    return list(dict.fromkeys(found))[:MAX_NAME_WORDS]


def _without_phone_and_period(
    text: str, today: dt.date
) -> tuple[str, re.Match[str] | None, Period | None]:
    """`text` with its phone number and period blanked out (same length: the positions of
    the other words still index the question as typed), and what was taken."""
    phone = _PHONE.search(text)
    if phone is not None:
        text = _blank(text, phone.span())
    period = find_period(text, today)
    for span in period.spans if period is not None else ():
        text = _blank(text, span)
    return text, phone, period


def _blank(text: str, span: tuple[int, int]) -> str:
    return text[: span[0]] + " " * (span[1] - span[0]) + text[span[1] :]


def _scan(words: list[str]) -> _Reading:
    reading = _Reading()
    position = 0
    last_cue: frozenset[Cue] = frozenset()
    while position < len(words):
        for size in range(min(LONGEST_PHRASE, len(words) - position), 0, -1):
            phrase = " ".join(words[position : position + size])
            cues = CUES.get(phrase)
            if cues is not None:
                break
        else:
            size, word = 1, words[position]
            fixed = None if word in STOPWORDS else corrected(word)
            cues = CUES[fixed] if fixed is not None else None
        word = words[position]
        if cues is not None:
            reading.cues |= cues
            reading.cue_at[position] = cues
            last_cue = cues
        elif (last_cue & {Cue.TOP, Cue.BOTTOM}) and number_value(word) is not None:
            reading.limit = number_value(word)
        elif word.isdigit():
            if len(word) >= 4:
                reading.phone = word
            elif position + 1 < len(words) and _is_dimension(words[position + 1]):
                reading.limit = int(word)
        elif word not in STOPWORDS:
            if reading.names and reading.names[-1][-1] == position - 1:
                reading.names[-1].append(position)
            else:
                reading.names.append([position])
        position += size
        if cues is None:
            last_cue = frozenset()
    return reading


def _is_dimension(word: str) -> bool:
    return bool(CUES.get(word, frozenset()) & {Cue.PRODUCT, Cue.CUSTOMER, Cue.VENDOR})


def _near(reading: _Reading, run: list[int], before: set[Cue], after: set[Cue]) -> bool:
    return bool(reading.cue_at.get(run[0] - 1, frozenset()) & before) or bool(
        reading.cue_at.get(run[-1] + 1, frozenset()) & after
    )


def _is_party(reading: _Reading, run: list[int], words: list[str]) -> bool:
    """Whether the name in `run` is a customer's or vendor's by the words around it."""
    people = {Cue.CUSTOMER, Cue.VENDOR}
    if _near(reading, run, people, people | {Cue.SUBJECT}):
        return True
    before = words[run[0] - 1] if run[0] > 0 else ""
    after = words[run[-1] + 1] if run[-1] + 1 < len(words) else ""
    return before in ("to", "did", "does") or after in ("ko", "को", "ne", "ने")


def _is_subject(reading: _Reading, run: list[int], words: list[str]) -> bool:
    """Whether the party in `run` did the buying: `ramesh ne kharida`, `did ramesh buy`."""
    before = words[run[0] - 1] if run[0] > 0 else ""
    return before in ("did", "does") or _near(reading, run, set(), {Cue.SUBJECT})


def _anchored(run: list[int], original: list[str], words: list[str]) -> bool:
    """Whether left-over words are written as a name although the books know none such:
    capitalised (`Suresh`), or with a word that marks a name (`suresh ka`, `of suresh`)."""
    before = words[run[0] - 1] if run[0] > 0 else ""
    after = words[run[-1] + 1] if run[-1] + 1 < len(words) else ""
    capitalised = run[0] > 0 and original[0][:1].isupper()  # not a sentence's first word
    return capitalised or before in _NAME_BEFORE or after in _NAME_AFTER


def _metric(
    reading: _Reading, party_subject: bool, has_period: bool, product: bool
) -> Metric | None:
    cues = reading.cues
    if Cue.LOW in cues and cues & {Cue.STOCK, Cue.PRODUCT} and not cues & {Cue.SALES, Cue.SOLD}:
        cues.add(Cue.LOW_STOCK)
    if Cue.LOW_STOCK in cues:
        return Metric.STOCK
    if Cue.RECEIVED in cues and Cue.I_OWE not in cues:
        return Metric.PAYMENTS_RECEIVED
    if cues & {Cue.UDHAAR, Cue.I_OWE, Cue.OWED_TO_ME} or (
        Cue.OVERDUE in cues and not cues & {Cue.SALES, Cue.PROFIT, Cue.PURCHASES}
    ):
        vendors_side = bool(cues & {Cue.I_OWE, Cue.VENDOR}) and Cue.OWED_TO_ME not in cues
        return Metric.PAYABLE if vendors_side else Metric.UDHAAR_DUE
    if Cue.PROFIT in cues:
        return Metric.PROFIT
    if Cue.BILLS in cues and (Cue.HOW_MANY in cues or not cues & {Cue.SALES, Cue.HOW_MUCH}):
        return Metric.BILLS
    if Cue.PURCHASES in cues:
        return Metric.SALES if party_subject else Metric.PURCHASES
    if Cue.HOW_MANY in cues and Cue.CUSTOMER in cues and not cues & {Cue.SALES, Cue.PROFIT}:
        return Metric.BILLS  # "aaj kitne customer aaye": a bill per visit
    asked = bool(cues & {Cue.HOW_MANY, Cue.HOW_MUCH}) and Cue.SOLD in cues
    # "Most sold", "bikne wale", "slowest": ranked by what moves off the shelf (units);
    # "top products by sales" names the money.
    moved = (Cue.BOTTOM in cues or (Cue.TOP in cues and Cue.SOLD in cues)) and (
        Cue.MONEY not in cues
    )
    if Cue.QUANTITY in cues or (Cue.HOW_MANY in cues and Cue.SALES in cues) or (product and asked):
        return Metric.QUANTITY_SOLD
    if moved and Cue.PROFIT not in cues:
        return Metric.QUANTITY_SOLD
    if Cue.SALES in cues:
        return Metric.SALES
    if Cue.STOCK in cues:
        return Metric.STOCK
    if has_period or (cues & {Cue.TOP, Cue.BOTTOM} and cues & {Cue.PRODUCT, Cue.CUSTOMER}):
        return Metric.SALES
    return None


def _listed(cues: set[Cue]) -> bool:
    """Udhaar as a list of parties (who owes what) rather than one total: asked who or
    which, or for a list or a ranking, or with no word asking how much in all."""
    if cues & {Cue.WHO, Cue.WHICH, Cue.LIST, Cue.TOP, Cue.BOTTOM}:
        return not (Cue.TOTAL in cues and Cue.WHO not in cues)
    return not cues & {Cue.TOTAL, Cue.HOW_MUCH}


def _dimensions(metric: Metric, reading: _Reading, party: str | None) -> list[Dimension]:
    cues = reading.cues
    found: list[Dimension] = []
    if Cue.MONTHLY in cues:
        found.append(Dimension.MONTH)
    elif Cue.DAILY in cues:
        found.append(Dimension.DAY)
    if metric is Metric.STOCK:
        return [Dimension.PRODUCT]
    if metric in (Metric.UDHAAR_DUE, Metric.PAYABLE):
        people = Dimension.VENDOR if metric is Metric.PAYABLE else Dimension.CUSTOMER
        listed = party is None and _listed(cues)
        return [people] if listed else []
    if Cue.MODE in cues:
        found.append(Dimension.PAYMENT_MODE)
    if metric is Metric.PURCHASES:
        if party is None and cues & {Cue.VENDOR, Cue.WHO, Cue.WHICH, Cue.TOP, Cue.LIST}:
            found.append(Dimension.VENDOR)
        if Cue.PRODUCT in cues and cues & {Cue.WHICH, Cue.TOP, Cue.BOTTOM}:
            found.append(Dimension.PRODUCT)  # not kept per product: answered as such
        return found[:2]
    ranked = bool(cues & {Cue.TOP, Cue.BOTTOM, Cue.WHICH, Cue.LIST})
    counted = metric is Metric.BILLS and Cue.HOW_MANY in cues
    if party is None and not counted and cues & {Cue.WHO, Cue.CUSTOMER}:
        found.append(Dimension.CUSTOMER)
    elif (Cue.PRODUCT in cues and (ranked or not (found or Cue.HOW_MANY in cues))) or (
        ranked and not found and metric is not Metric.PAYMENTS_RECEIVED
    ):
        found.append(Dimension.PRODUCT)
    elif ranked and not found:
        found.append(Dimension.CUSTOMER)
    return found[:2]


def parse(question: str, today: dt.date, known: Known | None = None) -> Intent | None:
    """The intent of `question` asked on the shop's `today`, or None if not understood.

    With `known` (which of the question's `name_words` the shop's products and parties
    contain), words that name nothing in the books are dropped and a name is a product's or
    a party's by what it matched; without it, by the words around it."""
    cased = normalise(question, lower=False)
    text = cased.lower()
    if len(text) != len(cased):  # a letter whose lower case is longer: names lose case
        cased = text
    text, phone, period = _without_phone_and_period(text, today)
    matches = list(_TOKEN.finditer(text))
    words = [m[0] for m in matches]
    reading = _scan(words)
    if phone is not None:
        reading.phone = re.sub(r"\D", "", phone[1])
    runs = [_Name(run, [cased[matches[i].start() : matches[i].end()] for i in run])
            for run in reading.names]  # fmt: skip
    if known is not None:
        for name in runs:
            name.resolve(known)
    found = [name for name in runs if name.words]
    for name in found:
        name.party = name.party if name.party is not None else _is_party(reading, name.run, words)
    party_runs = [name.text for name in found if name.party]
    product_runs = [name.text for name in found if not name.party]
    party_subject = Cue.FIRST_PERSON not in reading.cues and any(
        name.party and _is_subject(reading, name.run, words) for name in found
    )
    metric = _metric(reading, party_subject, period is not None, bool(product_runs))
    if metric is None and (reading.phone or (runs and Cue.ACCOUNT in reading.cues)):
        metric = Metric.UDHAAR_DUE  # "<name or phone> ka hisaab": the party's balance
        if not party_runs and not reading.phone:
            party_runs = [" ".join(runs[0].original)]
    if metric is None:
        return None
    party = reading.phone or (party_runs[0] if party_runs else None)
    product = product_runs[0] if product_runs else None
    if metric in _PARTY_METRICS and product is not None:
        party, product = party or product, None
    if metric is Metric.STOCK and party is not None and product is None:
        party, product = None, party
    unknown = [
        name for name in runs if not name.words and _anchored(name.run, name.original, words)
    ]
    if unknown and party is None and product is None:
        # Written as a name, yet no product or party in the books has it: filter by the
        # name as typed (an honest "nothing") rather than answer for everyone.
        text = " ".join(unknown[0].original)
        if metric in _PARTY_METRICS or _is_party(reading, unknown[0].run, words):
            party = text
        else:
            product = text
    cues = reading.cues
    dimensions = _dimensions(metric, reading, party)
    overdue = metric in (Metric.UDHAAR_DUE, Metric.PAYABLE) and Cue.OVERDUE in cues
    low_stock = metric is Metric.STOCK and Cue.LOW_STOCK in cues
    timed = bool(dimensions) and all(d in _TIME for d in dimensions)
    if timed and not cues & {Cue.TOP, Cue.BOTTOM}:
        sort = Sort.TIME
    elif Cue.BOTTOM in cues or low_stock:
        sort = Sort.ASC
    else:
        sort = Sort.DESC
    limit = reading.limit or (MAX_LIMIT if timed or low_stock else 10)
    return Intent(
        metric=metric,
        dimensions=tuple(dimensions),
        date_from=period.start if period else None,
        date_to=period.end if period else None,
        product=product[:MAX_NAME] if product else None,
        party=party[:MAX_NAME] if party else None,
        overdue=overdue,
        low_stock=low_stock,
        sort=sort,
        limit=max(1, min(limit, MAX_LIMIT)),
    )
