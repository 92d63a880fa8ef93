"""Phone numbers: accept what people type, store and return E.164."""

import phonenumbers

from app.core.errors import InvalidInput


class InvalidPhone(ValueError):
    pass


def to_e164(raw: str, region: str = "IN") -> str:
    """`098123-45678` or `+91 98123 45678` -> `+919812345678`; raises `InvalidPhone`."""
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(f"'{raw}' is not a phone number") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone(f"'{raw}' is not a valid phone number for region {region}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def phone_in_region(
    raw: str, region: str, *, loc: tuple[str | int, ...] = ("body", "phone_no")
) -> str:
    """A phone as typed -> E.164 in `region` (the shop's); an invalid one is a 422 naming `loc`."""
    try:
        return to_e164(raw, region)
    except InvalidPhone as exc:
        where = ".".join(str(part) for part in loc)
        raise InvalidInput(f"Invalid input - {where}: {exc}", loc=loc) from exc
