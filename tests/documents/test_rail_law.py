"""The regime of each rail section: allowed in its country, and changed only where it must be."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from karvan.documents import rail_law
from karvan.documents.model import RailLaw
from karvan.errors import InputError

COUNTRIES = sorted(rail_law.regimes())


@given(st.lists(st.sampled_from(COUNTRIES), min_size=1, max_size=8))
def test_each_section_gets_a_law_its_country_applies(countries: list[str]) -> None:
    laws = rail_law.assign(countries)
    assert all(law in rail_law.regimes()[c] for law, c in zip(laws, countries, strict=True))


@given(st.lists(st.sampled_from(COUNTRIES), min_size=2, max_size=8))
def test_law_changes_only_where_the_next_country_does_not_apply_it(countries: list[str]) -> None:
    laws = rail_law.assign(countries)
    for previous, law, country in zip(laws, laws[1:], countries[1:], strict=False):
        if law != previous:
            assert previous not in rail_law.regimes()[country]


def test_a_dual_regime_country_follows_the_consignment() -> None:
    assert rail_law.assign(["KZ", "AZ", "GE", "TR"]) == [RailLaw.SMGS] * 3 + [RailLaw.CIM]
    assert rail_law.assign(["AZ", "TR"]) == [RailLaw.CIM, RailLaw.CIM]


def test_an_unknown_country_is_named() -> None:
    with pytest.raises(InputError, match="XX"):
        rail_law.assign(["KZ", "XX"])
