"""ISO 6346 container numbers: the check digit is what a typo breaks."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from karvan.errors import InputError
from karvan.iso6346 import check_digit, is_valid, is_well_formed, normalise, validate

# Numbers printed on real containers and in the standard's own worked example.
PUBLISHED = ["CSQU3054383", "MSKU9070323"]

owner = st.text(alphabet=string.ascii_uppercase, min_size=3, max_size=3)
category = st.sampled_from("UJZR")
serial = st.text(alphabet=string.digits, min_size=6, max_size=6)


@pytest.mark.parametrize("number", PUBLISHED)
def test_published_numbers_are_valid(number: str) -> None:
    assert is_valid(number)


def test_letter_values_skip_multiples_of_eleven() -> None:
    """A=10, B=12 (11 is skipped), ... U=32: A,A,A,U weigh 1,2,4,8, so 70 + 256 = 326 = 29*11 + 7."""
    assert check_digit("AAAU000000") == 7
    assert check_digit("BAAU000000") == (12 + 20 + 40 + 256) % 11


@given(owner, category, serial)
def test_a_number_with_its_computed_digit_is_valid(o: str, c: str, s: str) -> None:
    body = o + c + s
    assert is_valid(body + str(check_digit(body)))


@given(owner, category, serial, st.integers(0, 9))
def test_any_other_digit_is_refused(o: str, c: str, s: str, digit: int) -> None:
    body = o + c + s
    if digit != check_digit(body):
        with pytest.raises(InputError, match="check digit"):
            validate(body + str(digit))


def test_written_forms_are_normalised() -> None:
    assert normalise("csqu 305438-3") == "CSQU3054383"
    assert validate("csqu 305438 3") == "CSQU3054383"


def test_malformed_number_names_the_field_and_the_fix() -> None:
    with pytest.raises(InputError) as info:
        validate("CSQ3054383", field="containers[0].number")
    assert info.value.field == "containers[0].number"
    assert "owner code" in (info.value.fix or "")
    assert not is_well_formed("CSQ3054383")
