"""Place search forgives case, diacritics, punctuation, word order and typos; resolve refuses guesses."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from network_fixture import SOURCE, build, doc

from karvan.errors import UnknownPlaceError
from karvan.network.network import Network
from karvan.network.search import normalize, resolve_place, search_places


def _network() -> Network:
    d = doc()
    d["places"] += [
        {"code": "AZBAK", "name": "Baku", "country": "AZ", "lat": 40.37, "lon": 49.95,
         "timezone": "Asia/Baku", "kinds": ["rail_terminal", "city"], "source": SOURCE},
        {"code": "TMTMZ", "name": "Türkmenbaşy", "alt_names": ["Turkmenbashi", "Krasnovodsk"],
         "country": "TM", "lat": 40.02, "lon": 52.97, "timezone": "Asia/Ashgabat", "kinds": ["sea_port"],
         "source": SOURCE},
        {"code": "GEPTI", "name": "Poti", "country": "GE", "lat": 42.15, "lon": 41.67,
         "timezone": "Asia/Tbilisi", "kinds": ["sea_port"], "source": SOURCE},
    ]
    return build(d)


NETWORK = _network()


def top(query: str) -> str:
    results = search_places(NETWORK, query)
    assert results, f"nothing found for {query!r}"
    return results[0].code


@pytest.mark.parametrize("query", ["xian", "Xi'an", "XIAN", "xi-an", "Xi’an", " xi an ", "cnxia", "CNXIA"])
def test_xian_variants_find_xian(query: str) -> None:
    assert top(query) == "CNXIA"
    assert resolve_place(NETWORK, query).code == "CNXIA"


def test_multi_word_query_finds_the_port_of_baku() -> None:
    assert top("Baku port") == "AZALA"
    assert top("port baku") == "AZALA"
    assert resolve_place(NETWORK, "Baku port").code == "AZALA"


def test_an_exact_name_beats_a_word_inside_another_name() -> None:
    assert [m.code for m in search_places(NETWORK, "Baku")][:2] == ["AZBAK", "AZALA"]
    assert resolve_place(NETWORK, "baku").code == "AZBAK"


@pytest.mark.parametrize(("query", "code"), [("turkmenbasy", "TMTMZ"), ("Turkmenbashi", "TMTMZ"),
                                             ("krasnovodsk", "TMTMZ"), ("tbilsi", "GETBS"),
                                             ("Aktua", "KZAAU"), ("altyn", "KZ-ALTYN"),
                                             ("kz-altyn", "KZ-ALTYN"), ("KZALTYN", "KZ-ALTYN")])
def test_alternative_names_prefixes_typos_and_local_codes(query: str, code: str) -> None:
    assert top(query) == code
    assert resolve_place(NETWORK, query).code == code


def test_results_are_ranked_with_scores_and_country() -> None:
    results = search_places(NETWORK, "port")
    assert len(results) >= 3
    assert [m.score for m in results] == sorted((m.score for m in results), reverse=True)
    assert all(0 < m.score <= 100 and m.country == m.place.country for m in results)
    assert {m.code for m in results} >= {"KZAAU", "AZALA", "GEPTI", "TMTMZ"}


def test_limit_and_empty_queries() -> None:
    assert len(search_places(NETWORK, "port", limit=2)) == 2
    assert search_places(NETWORK, "") == []
    assert search_places(NETWORK, " '-. ") == []


def test_ambiguous_query_is_refused_with_suggestions() -> None:
    with pytest.raises(UnknownPlaceError) as raised:
        resolve_place(NETWORK, "port")
    assert len(raised.value.suggestions) >= 2
    assert any("KZAAU" in s for s in raised.value.suggestions)


def test_unknown_place_suggests_the_closest_or_nothing() -> None:
    with pytest.raises(UnknownPlaceError) as raised:
        resolve_place(NETWORK, "Alta")
    assert raised.value.suggestions and raised.value.query == "Alta"
    with pytest.raises(UnknownPlaceError) as nothing:
        resolve_place(NETWORK, "qqqqqqq")
    assert nothing.value.suggestions == []


def test_normalize() -> None:
    assert normalize("Xi'an") == normalize("XIAN") == "xian"
    assert normalize("İstanbul") == normalize("Istanbul") == "istanbul"
    assert normalize("Türkmenbaşy-Port (new)") == "turkmenbasy port new"
    assert normalize("Łódź") == "lodz"


_NAMES = ["Xi'an", "Türkmenbaşy", "Altynkol", "Tbilisi", "Aktau", "Alat"]
_CODES = {"Xi'an": "CNXIA", "Türkmenbaşy": "TMTMZ", "Altynkol": "KZ-ALTYN", "Tbilisi": "GETBS",
          "Aktau": "KZAAU", "Alat": "AZALA"}


@st.composite
def spelling(draw: st.DrawFn) -> tuple[str, str]:
    """A place name respelt: random case, diacritics added or dropped, punctuation sprinkled in."""
    name = draw(st.sampled_from(_NAMES))
    out = []
    for ch in unicodedata.normalize("NFKD", name):
        if unicodedata.combining(ch) and draw(st.booleans()):
            continue  # drop a diacritic
        if ch == "'" and draw(st.booleans()):
            continue
        out.append(ch.upper() if draw(st.booleans()) else ch.lower())
        if ch.isalpha() and draw(st.integers(0, 9)) == 0:
            out.append(draw(st.sampled_from(["\u0301", "\u0308", "\u0327"])))  # add one
        if draw(st.integers(0, 9)) == 0:
            out.append(draw(st.sampled_from(["'", "-", ".", "’", " "])))
    return name, "".join(out)


@given(spelling())
def test_any_case_diacritic_or_punctuation_variant_finds_the_place(pair: tuple[str, str]) -> None:
    name, query = pair
    results = search_places(NETWORK, query)
    assert results and results[0].code == _CODES[name], (query, results[:2])
    assert results[0].score == 100
