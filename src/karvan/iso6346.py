"""ISO 6346 container identification: owner code, category, serial number and check digit.

The check digit is the sum of each of the first ten characters' values times 2**position, modulo 11,
with 10 written as 0. Letters take the values 10..38 skipping multiples of 11 (A=10, B=12 ... Z=38).
"""

from __future__ import annotations

import re
import string

from karvan.errors import InputError

_FORMAT = re.compile(r"^[A-Z]{3}[UJZR]\d{6}\d$")


def _letter_values() -> dict[str, int]:
    values: dict[str, int] = {d: int(d) for d in string.digits}
    value = 10
    for letter in string.ascii_uppercase:
        if value % 11 == 0:
            value += 1
        values[letter] = value
        value += 1
    return values


_VALUES = _letter_values()


def check_digit(first_ten: str) -> int:
    """The check digit for an owner code, category identifier and serial number (10 characters)."""
    if len(first_ten) != 10:
        raise ValueError("the check digit is computed over exactly 10 characters")
    total = sum(_VALUES[ch] * (1 << i) for i, ch in enumerate(first_ten.upper()))
    return total % 11 % 10


def normalise(number: str) -> str:
    """Upper case without spaces, hyphens or slashes, as container numbers are often written."""
    return re.sub(r"[\s\-/]", "", number).upper()


def is_well_formed(number: str) -> bool:
    """Right shape (3 letters, category U/J/Z/R, 6 digits, 1 digit), whatever the check digit."""
    return bool(_FORMAT.match(normalise(number)))


def is_canonical(number: str) -> bool:
    """Valid and written as `validate` returns it (no spaces, upper case): a quick check for bulk work."""
    return bool(_FORMAT.match(number)) and check_digit(number[:10]) == int(number[10])


def is_valid(number: str) -> bool:
    n = normalise(number)
    return bool(_FORMAT.match(n)) and check_digit(n[:10]) == int(n[10])


def validate(number: str, field: str = "container") -> str:
    """The normalised number, or an InputError that says what is wrong and what would be right."""
    n = normalise(number)
    if not _FORMAT.match(n):
        raise InputError(
            f"{number!r} is not an ISO 6346 container number", field=field,
            fix="use 3-letter owner code, category U/J/Z/R, 6-digit serial and check digit, e.g. CSQU3054383")
    expected = check_digit(n[:10])
    if expected != int(n[10]):
        raise InputError(f"{n} has check digit {n[10]} but ISO 6346 gives {expected}", field=field,
                         fix=f"check the number; with this serial it would be {n[:10]}{expected}")
    return n
