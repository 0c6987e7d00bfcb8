"""Phone numbers as people type them — a mobile (139 1234 5678, +86 139…) or a landline with its area code
(025-8456 1234, (025)84561234, …转12) — checked with libphonenumber's rules for China and stored one way:
13912345678, 025-84561234, 025-84561234转12; a number abroad in its international form."""

import re
import unicodedata

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

CHINA = 86
INVALID = "电话号码“{}”无法识别：请填写 11 位手机号，或带区号的固定电话（如 025-84561234）。"
# How people write an extension: 转 12, 分机 12.
EXTENSION = re.compile(r"\s*(?:转|分机)\s*")
# An extension is a few digits; a longer run is a second number run on (13912345678;13812345678).
EXTENSION_DIGITS = 6


def normalised_phone(value: str) -> str:
    """The number written one way; "" for a blank one. ValueError, with a message in Chinese, when it is
    not a number that could be dialled."""
    typed = unicodedata.normalize("NFKC", value or "").strip()
    if not typed:
        return ""
    try:
        number = phonenumbers.parse(EXTENSION.sub(" ext. ", typed), "CN")
    except NumberParseException:
        number = None
    if (
        number is None
        or not phonenumbers.is_valid_number(number)
        or len(number.extension or "") > EXTENSION_DIGITS
    ):
        raise ValueError(INVALID.format(typed))
    if number.country_code != CHINA:
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    digits = str(number.national_number)
    area = phonenumbers.length_of_geographical_area_code(number)
    if phonenumbers.number_type(number) == PhoneNumberType.MOBILE or not area:
        written = digits
    else:
        written = f"0{digits[:area]}-{digits[area:]}"
    return f"{written}转{number.extension}" if number.extension else written
