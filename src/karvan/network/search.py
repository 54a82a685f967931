"""Forgiving place search: find a place by code, name or alternative name the way people type them.

Users write "xian", "Xi'an" or "XIAN" for CNXIA, "Baku port" for the Alat port of Baku, and make
typos. Text is compared after folding case, diacritics and punctuation; each query word is matched
against the words of a place's names (and the words of its kinds, so "port" means a sea port), with
rapidfuzz's edit-distance ratio for typos. Scores are 0-100: an exact code or name is 100, a prefix
of a name up to 95, a match word by word up to 90, a typo-tolerant whole-name match lower still.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from karvan.errors import UnknownPlaceError
from karvan.network.model import Place
from karvan.network.network import Network

MIN_SCORE = 65.0
"""Matches below this score are noise, not results."""
SUGGEST_SCORE = 45.0
"""When nothing reaches MIN_SCORE, `resolve_place` still suggests places down to this score."""
RESOLVE_RULES = ((85.0, 5.0), (70.0, 10.0))
"""`resolve_place` accepts a name match scoring at least the first figure when the runner-up scores at
least the second figure lower: a near-exact match needs a small lead, a typo-level match a clear one."""

ALT_NAME_FACTOR = 0.98
"""An alternative name matching as well as the main name ranks just below it."""
WORD_MATCH_CAP = 90.0
"""Word-by-word matches rank below exact and prefix matches of the whole name."""

# Letters that Unicode decomposition leaves alone but that people type without their marks.
_FOLD = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ß": "ss",
                       "æ": "ae", "œ": "oe", "ʼ": "", "’": "", "'": "", "`": "", "ʻ": ""})
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalize(text: str) -> str:
    """Lower-case words without diacritics or punctuation, single-spaced: "Xi'an" -> "xian"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_FOLD)
    return _NON_WORD.sub(" ", bare).strip()


def _compact(text: str) -> str:
    return text.replace(" ", "")


@dataclass(frozen=True)
class PlaceMatch:
    """One search result: the place, its score (0-100) and the code or name that matched best."""

    place: Place
    score: float
    matched: str

    @property
    def code(self) -> str:
        return self.place.code

    @property
    def country(self) -> str:
        return self.place.country

    def label(self) -> str:
        return f"{self.place.code} ({self.place.name})"


def _word_score(word: str, words: Iterable[str]) -> float:
    best = 0.0
    for candidate in words:
        if candidate == word:
            return 100.0
        if len(word) >= 2 and candidate.startswith(word):
            best = max(best, 90.0)
        else:
            best = max(best, fuzz.ratio(word, candidate))
    return best


def _name_score(query: str, name: str, words: set[str]) -> float:
    """How well a normalised query matches one normalised name; `words` are all the place's words."""
    q, n = _compact(query), _compact(name)
    if not q or not n:
        return 0.0
    if q == n:
        return 100.0
    if n.startswith(q) and len(q) >= 3:
        return 85.0 + 10.0 * len(q) / len(n)
    query_words = query.split()
    by_word = sum(_word_score(w, words) for w in query_words) / len(query_words)
    return max(by_word * WORD_MATCH_CAP / 100.0, fuzz.ratio(q, n) * 0.85)


def _place_words(place: Place) -> set[str]:
    words: set[str] = set()
    for text in (place.name, *place.alt_names, place.code, *(k.value for k in place.kinds)):
        words.update(normalize(text).split())
    return words


def score_place(place: Place, query: str) -> PlaceMatch:
    """Score one place against a query (already normalised or not)."""
    q = normalize(query)
    if _compact(q) == _compact(normalize(place.code)):
        return PlaceMatch(place, 100.0, place.code)
    words = _place_words(place)
    best = PlaceMatch(place, 0.0, place.name)
    for text, factor in ((place.name, 1.0), *((alt, ALT_NAME_FACTOR) for alt in place.alt_names)):
        score = _name_score(q, normalize(text), words) * factor
        if score > best.score:
            best = PlaceMatch(place, round(score, 1), text)
    return best


def search_places(network: Network, query: str, *, limit: int = 10,
                  min_score: float = MIN_SCORE) -> list[PlaceMatch]:
    """Places matching `query`, best first (ties by code), at most `limit`, none below `min_score`."""
    if not normalize(query):
        return []
    matches = [score_place(place, query) for place in network.places.values()]
    kept = [m for m in matches if m.score >= min_score]
    kept.sort(key=lambda m: (-m.score, m.place.code))
    return kept[:limit]


def resolve_place(network: Network, query: str) -> Place:
    """The place a user means: an exact code, or the clear best name match.

    Raises UnknownPlaceError with the closest matches as suggestions when nothing matches well
    enough or two places match about equally well.
    """
    code = query.strip().upper()
    if code in network.places:
        return network.places[code]
    matches = search_places(network, query, limit=5)
    if matches:
        lead = matches[0].score - (matches[1].score if len(matches) > 1 else 0.0)
        if any(matches[0].score >= score and lead >= margin for score, margin in RESOLVE_RULES):
            return matches[0].place
    suggestions = matches or search_places(network, query, limit=3, min_score=SUGGEST_SCORE)
    raise UnknownPlaceError(query, [m.label() for m in suggestions[:5]])
