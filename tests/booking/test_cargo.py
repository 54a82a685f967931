"""Container declarations: what a terminal would refuse is refused here, with the field named."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from karvan import iso6346
from karvan.booking.cargo import MAX_GROSS_KG, UN_HAZARD_CLASSES, CargoLine, Container
from karvan.network.model import ContainerType

GOOD: dict[str, Any] = {"number": "CSQU3054383", "container_type": "40HC", "gross_kg": 18_500,
                        "cargo_description": "laptop computers", "hs_code": "847130"}


def _error(**changes: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        Container.model_validate({**GOOD, **changes})
    error = caught.value.errors()[0]
    return f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"


def test_a_well_formed_declaration_is_normalised() -> None:
    container = Container.model_validate({**GOOD, "number": "csqu 305438-3", "hs_code": "8471.30"})
    assert container.number == "CSQU3054383"
    assert container.hs_code == "847130"


def test_wrong_check_digit_names_the_right_one() -> None:
    message = _error(number="CSQU3054384")
    assert message.startswith("number:") and "CSQU3054383" in message


@given(owner=st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3),
       serial=st.integers(0, 999_999), wrong=st.integers(1, 9))
def test_only_the_iso6346_check_digit_is_accepted(owner: str, serial: int, wrong: int) -> None:
    first_ten = f"{owner}U{serial:06d}"
    digit = iso6346.check_digit(first_ten)
    assert Container.model_validate({**GOOD, "number": f"{first_ten}{digit}"}).number == f"{first_ten}{digit}"
    with pytest.raises(ValidationError):
        Container.model_validate({**GOOD, "number": f"{first_ten}{(digit + wrong) % 10}"})


@pytest.mark.parametrize("hs_code", ["8471", "84713012345", "84A130", ""])
def test_hs_code_must_have_six_to_ten_digits(hs_code: str) -> None:
    assert _error(hs_code=hs_code).startswith("hs_code:")


@pytest.mark.parametrize("un_class", sorted(UN_HAZARD_CLASSES))
def test_every_un_class_and_division_is_accepted(un_class: str) -> None:
    container = Container.model_validate({**GOOD, "dangerous_goods_class": un_class})
    assert container.dangerous_goods_class == un_class


@pytest.mark.parametrize("un_class", ["0", "10", "1.7", "2.4", "3.1", "explosive"])
def test_unknown_un_classes_are_refused(un_class: str) -> None:
    assert _error(dangerous_goods_class=un_class).startswith("dangerous_goods_class:")


def test_set_point_only_for_reefers_and_in_range() -> None:
    assert "reefer" in _error(reefer_set_point_c=-18)
    reefer = {"container_type": "40RF", "number": "CSQU3054383"}
    assert Container.model_validate({**GOOD, **reefer, "reefer_set_point_c": -18}).reefer_set_point_c == -18
    assert "outside" in _error(**reefer, reefer_set_point_c=-60)


def test_gross_mass_is_capped_at_the_iso668_rating() -> None:
    assert _error(gross_kg=MAX_GROSS_KG + 1).startswith("gross_kg:")
    assert _error(gross_kg=0).startswith("gross_kg:")


@given(st.sampled_from(list(ContainerType)), st.integers(1, 200))
def test_cargo_line_slots(container_type: ContainerType, count: int) -> None:
    line = CargoLine(container_type=container_type, count=count)
    assert line.teu == count * (2 if container_type.value.startswith("40") else 1)
    assert line.reefer_plugs == (count if container_type.value.endswith("RF") else 0)
