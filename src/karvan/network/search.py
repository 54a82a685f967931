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
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

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
    if text.isascii():
        return _NON_WORD.sub(" ", text.lower().translate(_FOLD)).strip()
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


def _word_score(word: str, words: frozenset[str]) -> float:
    """One query word against a place's best word: equal 100, a prefix at least 90, else the edit ratio."""
    if word in words:
        return 100.0
    closest = process.extractOne(word, words, scorer=fuzz.ratio)
    score = float(closest[1]) if closest else 0.0
    if len(word) >= 2 and any(candidate.startswith(word) for candidate in words):
        score = max(score, 90.0)
    return score


def _name_score(query: str, name: str, by_word: float) -> float:
    """A compacted query against one compacted name; `by_word` is the query's word-by-word score."""
    if not query or not name:
        return 0.0
    if query == name:
        return 100.0
    if name.startswith(query) and len(query) >= 3:
        return 85.0 + 10.0 * len(query) / len(name)
    return max(by_word * WORD_MATCH_CAP / 100.0, fuzz.ratio(query, name) * 0.85)


@dataclass(frozen=True)
class _Searchable:
    """A place's texts, normalised once: (original, compacted, weight) per name, and all its words."""

    code: str
    names: tuple[tuple[str, str, float], ...]
    words: frozenset[str]


@lru_cache(maxsize=4096)
def _searchable(place: Place) -> _Searchable:
    texts = [(place.name, normalize(place.name), 1.0),
             *((alt, normalize(alt), ALT_NAME_FACTOR) for alt in place.alt_names)]
    words = {word for _, text, _ in texts for word in text.split()}
    for text in (place.code, *(kind.value for kind in place.kinds)):
        words.update(normalize(text).split())
    names = tuple((original, _compact(text), weight) for original, text, weight in texts)
    return _Searchable(_compact(normalize(place.code)), names, frozenset(words))


def score_place(place: Place, query: str) -> PlaceMatch:
    """Score one place against a query (normalised here)."""
    return _score(place, normalize(query))


def _score(place: Place, q: str) -> PlaceMatch:
    searchable = _searchable(place)
    compact = _compact(q)
    if compact == searchable.code:
        return PlaceMatch(place, 100.0, place.code)
    query_words = q.split()
    by_word = sum(_word_score(w, searchable.words) for w in query_words) / len(query_words)
    best = PlaceMatch(place, 0.0, place.name)
    for original, text, weight in searchable.names:
        score = _name_score(compact, text, by_word) * weight
        if score > best.score:
            best = PlaceMatch(place, round(score, 1), original)
    return best


def search_places(network: Network, query: str, *, limit: int = 10,
                  min_score: float = MIN_SCORE) -> list[PlaceMatch]:
    """Places matching `query`, best first (ties by code), at most `limit`, none below `min_score`."""
    q = normalize(query)
    if not q:
        return []
    matches = [_score(place, q) for place in network.places.values()]
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
