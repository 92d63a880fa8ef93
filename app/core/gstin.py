"""GSTINs and the state codes of Indian GST: pure checks, no I/O.

A GSTIN is 15 characters: the state code (2 digits), the holder's PAN (10), the entity number,
`Z` by default, and a check character (a Luhn mod 36 over the first 14, computed by
python-stdnum). stdnum's own `gstin.validate` rejects the state codes 38 (Ladakh) and 97
(other territory), which GSTN issues, so the pattern and the state come from here.
"""

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints
from stdnum import luhn

STATE_NAMES: dict[str, str] = {
    "01": "Jammu and Kashmir",
    "02": "Himachal Pradesh",
    "03": "Punjab",
    "04": "Chandigarh",
    "05": "Uttarakhand",
    "06": "Haryana",
    "07": "Delhi",
    "08": "Rajasthan",
    "09": "Uttar Pradesh",
    "10": "Bihar",
    "11": "Sikkim",
    "12": "Arunachal Pradesh",
    "13": "Nagaland",
    "14": "Manipur",
    "15": "Mizoram",
    "16": "Tripura",
    "17": "Meghalaya",
    "18": "Assam",
    "19": "West Bengal",
    "20": "Jharkhand",
    "21": "Odisha",
    "22": "Chhattisgarh",
    "23": "Madhya Pradesh",
    "24": "Gujarat",
    "25": "Daman and Diu",
    "26": "Dadra and Nagar Haveli and Daman and Diu",
    "27": "Maharashtra",
    "28": "Andhra Pradesh (before 2014)",
    "29": "Karnataka",
    "30": "Goa",
    "31": "Lakshadweep",
    "32": "Kerala",
    "33": "Tamil Nadu",
    "34": "Puducherry",
    "35": "Andaman and Nicobar Islands",
    "36": "Telangana",
    "37": "Andhra Pradesh",
    "38": "Ladakh",
    "97": "Other Territory",
}
"""GST state codes 01-38 and 97; 25 (Daman and Diu) was merged into 26 in 2020 but old
GSTINs keep it."""

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_PATTERN = re.compile(r"[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][1-9A-Z][Z1-9ABD-J][0-9A-Z]")


def state_problem(code: str) -> str | None:
    """Why `code` is not a GST state code, or None."""
    if code not in STATE_NAMES:
        return f"'{code}' is not a GST state code (01-38 or 97)"
    return None


def gstin_problem(value: str) -> str | None:
    """Why `value` (already upper-cased and stripped) is not a GSTIN, or None."""
    if len(value) != 15:
        return f"a GSTIN has 15 characters, not {len(value)}"
    if not _PATTERN.fullmatch(value):
        return "a GSTIN is 2 digits (state), a 10-character PAN, an entity code, Z and a check"
    if value[:2] not in STATE_NAMES:
        return f"a GSTIN starts with a state code (01-38 or 97), not '{value[:2]}'"
    if not luhn.is_valid(value, alphabet=_ALPHABET):
        return "the GSTIN's check character does not match; is a character mistyped?"
    return None


def state_of(gstin: str) -> str:
    """The state code of a valid GSTIN."""
    return gstin[:2]


def _gstin(value: str) -> str:
    value = value.strip().upper()
    problem = gstin_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _state_code(value: str) -> str:
    value = value.strip()
    problem = state_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


GstinIn = Annotated[
    str,
    StringConstraints(max_length=32),
    AfterValidator(_gstin),
    Field(
        description="A GSTIN (15 characters, check character verified)",
        examples=["27AAPFU0939F1ZV"],
    ),
]
"""A GSTIN in a request body: spaces stripped, upper-cased, checked (422 naming the field)."""
StateCodeIn = Annotated[
    str,
    StringConstraints(max_length=2),
    AfterValidator(_state_code),
    Field(description="GST state code, two digits (01-38, 97)", examples=["27"]),
]
