"""Periods named in a question ("today", "pichhle hafte", "इस महीने", "last 7 days",
"in november", "25/11") as date ranges relative to the shop's today. Pure.

`find_period` works on the normalised question (lower case, single spaces) and returns the
range with the span of text it used, so the caller can remove it before looking for names.
A week starts on Monday; "last month" is the previous calendar month; "last 7 days" ends today.
"""

import datetime as dt
import re
from dataclasses import dataclass

from app.ask.words import number_value


@dataclass(frozen=True, slots=True)
class Period:
    start: dt.date | None
    end: dt.date | None
    spans: tuple[tuple[int, int], ...]
    """Where in the question the period is written (to take it out before names)."""


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    month = day.year * 12 + day.month - 1 - back
    return dt.date(month // 12, month % 12 + 1, 1)


def _month_end(start: dt.date) -> dt.date:
    return _month_start(start, -1) - dt.timedelta(days=1)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


_MONTHS = {
    **{name: n for n, name in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"], start=1)},
    **{name: n for n, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1)},
    "sept": 9,
    **{name: n for n, name in enumerate(
        ["जनवरी", "फरवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर",
         "अक्टूबर", "नवंबर", "दिसंबर"], start=1)},
    "सितम्बर": 9, "नवम्बर": 11, "दिसम्बर": 12, "अक्तूबर": 10, "फ़रवरी": 2,
}  # fmt: skip
_WEEKDAYS = {
    **{name: n for n, name in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])},
    **{name: n for n, name in enumerate(
        ["somvar", "mangalvar", "budhvar", "guruvar", "shukravar", "shanivar", "ravivar"])},
    **{name: n for n, name in enumerate(
        ["सोमवार", "मंगलवार", "बुधवार", "गुरुवार", "शुक्रवार", "शनिवार", "रविवार"])},
    "itvar": 6, "इतवार": 6, "brihaspativar": 3, "बृहस्पतिवार": 3,
}  # fmt: skip

_THIS = r"(?:this|is|iss|ye|yeh|is\s+wale|इस|चालू|current)"
_LAST = r"(?:last|previous|prev|past|pichhle|pichle|pichhla|pichla|picchle|पिछले|पिछला|गत|beete|बीते)"
_WEEK = r"(?:week|weeks|wk|hafte|hafta|haftey|hafton|saptah|हफ्ते|हफ्ता|हफ़्ते|सप्ताह)"
_MONTH = r"(?:month|months|mahine|mahina|mahino|maheene|महीने|महीना|माह)"
_YEAR = r"(?:year|years|saal|sal|varsh|साल|वर्ष)"
_DAYS = r"(?:days|day|din|dino|दिन|दिनों)"
_NUMBER = r"(\d{1,3}|[a-z]+|[\u0900-\u097f]+)"
_MONTH_NAMES = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
_WEEKDAY_NAMES = "|".join(sorted(map(re.escape, _WEEKDAYS), key=len, reverse=True))
_B = r"(?<![\w\u0900-\u097f])"
_E = r"(?![\w\u0900-\u097f])"


def _rule(pattern: str) -> re.Pattern[str]:
    return re.compile(_B + pattern + _E)


_DAY_BEFORE = _rule(r"(?:day\s+before\s+yesterday|parso|parson|parsoon|परसों|परसो)")
_TODAY = _rule(r"(?:today'?s?|todays|tday|2day|aaj|aj|aaj\s+ka|आज)")
_YESTERDAY = _rule(r"(?:yesterday'?s?|yday|yesterdays|kal|kl|बीते\s+कल|कल)")
_LAST_N = _rule(rf"{_LAST}\s+{_NUMBER}\s+({_DAYS[3:-1]}|{_WEEK[3:-1]}|{_MONTH[3:-1]})")
_THIS_WEEK = _rule(rf"{_THIS}\s+{_WEEK}|week\s+to\s+date|wtd")
_LAST_WEEK = _rule(rf"{_LAST}\s+{_WEEK}")
_THIS_MONTH = _rule(rf"{_THIS}\s+{_MONTH}|month\s+to\s+date|mtd")
_LAST_MONTH = _rule(rf"{_LAST}\s+{_MONTH}")
_THIS_YEAR = _rule(rf"{_THIS}\s+{_YEAR}|year\s+to\s+date|ytd")
_LAST_YEAR = _rule(rf"{_LAST}\s+{_YEAR}")
_FINANCIAL_YEAR = _rule(
    r"(?:this\s+)?(?:financial|fiscal|f\.?y\.?)\s*(?:year)?|(?:इस\s+)?वित्त(?:ीय)?\s+वर्ष"
)
_NAMED_MONTH = _rule(rf"({_MONTH_NAMES})(?:\s+(\d{{4}}))?")
_NUMERIC_DATE = _rule(r"(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?")
_DAY_MONTH = _rule(rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_NAMES})(?:\s+(\d{{4}}))?")
_WEEKDAY = _rule(rf"(?:on\s+|last\s+|pichhle\s+|पिछले\s+)?({_WEEKDAY_NAMES})(?:\s+ko)?")


def _past_year(month: int, day: int, today: dt.date) -> int:
    """The year in which `day month` last happened on or before today."""
    try:
        return today.year if dt.date(today.year, month, day) <= today else today.year - 1
    except ValueError:
        return today.year - 1


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _full_year(text: str | None) -> int | None:
    if text is None:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _exact(match: re.Match[str], today: dt.date) -> tuple[dt.date | None, dt.date | None] | None:
    """A single calendar day written as digits or with a month's name."""
    if match.re is _DAY_MONTH:
        day, month = int(match[1]), _MONTHS[match[2]]
    else:
        day, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            return None
    year = _full_year(match[3]) or _past_year(month, min(day, 28), today)
    found = _date(year, month, day)
    return (found, found) if found else None


def _ranges(today: dt.date) -> list[tuple[re.Pattern[str], object]]:
    yesterday = today - dt.timedelta(days=1)
    fy_start = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    return [
        (_DAY_BEFORE, (today - dt.timedelta(days=2),) * 2),
        (_LAST_N, None),
        (_THIS_WEEK, (_monday(today), today)),
        (
            _LAST_WEEK,
            (_monday(today) - dt.timedelta(days=7), _monday(today) - dt.timedelta(days=1)),
        ),
        (_THIS_MONTH, (_month_start(today), today)),
        (_LAST_MONTH, (_month_start(today, 1), _month_end(_month_start(today, 1)))),
        (_THIS_YEAR, (dt.date(today.year, 1, 1), today)),
        (_LAST_YEAR, (dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31))),
        (_FINANCIAL_YEAR, (fy_start, today)),
        (_DAY_MONTH, None),
        (_NUMERIC_DATE, None),
        (_NAMED_MONTH, None),
        (_WEEKDAY, None),
        (_TODAY, (today, today)),
        (_YESTERDAY, (yesterday, yesterday)),
    ]


def _last_n(match: re.Match[str], today: dt.date) -> tuple[dt.date, dt.date] | None:
    count = number_value(match[1])
    if count is None or not 1 <= count <= 3660:
        return None
    unit = match[2]
    if re.fullmatch(_DAYS, unit):
        return today - dt.timedelta(days=count - 1), today
    if re.fullmatch(_WEEK, unit):
        return today - dt.timedelta(days=7 * count - 1), today
    return _month_start(today, count - 1), today


def _named_month(match: re.Match[str], today: dt.date) -> tuple[dt.date, dt.date] | None:
    before = match.string[: match.start()].split()[-1:]
    if match[1] == "may" and not match[2] and before not in (["in"], ["of"], ["during"]):
        return None  # "may I know ..." is not about May
    month = _MONTHS[match[1]]
    year = int(match[2]) if match[2] else _past_year(month, 1, today)
    start = dt.date(year, month, 1)
    return start, min(_month_end(start), today) if start <= today else _month_end(start)


def _weekday(match: re.Match[str], today: dt.date) -> tuple[dt.date, dt.date]:
    back = (today.weekday() - _WEEKDAYS[match[1]]) % 7
    if back == 0 and match[0].startswith(("last", "pichhle", "पिछले")):
        back = 7
    day = today - dt.timedelta(days=back)
    return day, day


def _dates(
    pattern: re.Pattern[str], fixed: object, match: re.Match[str], today: dt.date
) -> tuple[dt.date | None, dt.date | None] | None:
    if pattern is _LAST_N:
        return _last_n(match, today)
    if pattern in (_DAY_MONTH, _NUMERIC_DATE):
        return _exact(match, today)
    if pattern is _NAMED_MONTH:
        return _named_month(match, today)
    if pattern is _WEEKDAY:
        return _weekday(match, today)
    return fixed  # type: ignore[return-value]


def find_period(text: str, today: dt.date) -> Period | None:
    """The period the question names, by the most specific rules that match; several
    ("kal aur aaj", "november and december") make one range from the first day to the last."""
    found: list[tuple[dt.date, dt.date, tuple[int, int]]] = []
    for pattern, fixed in _ranges(today):
        for match in pattern.finditer(text):
            span = match.span()
            if any(span[0] < end and start < span[1] for _, _, (start, end) in found):
                continue
            dates = _dates(pattern, fixed, match, today)
            if dates is not None and dates[0] is not None and dates[1] is not None:
                found.append((dates[0], dates[1], span))
    if not found:
        return None
    spans = tuple(span for _, _, span in found)
    return Period(min(f[0] for f in found), max(f[1] for f in found), spans)
