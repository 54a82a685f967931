"""Label sets of the printed note: one data file per language under data/documents/labels/."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from karvan.errors import InputError

LANGUAGES = ("en", "ru", "zh", "kk", "az", "ka", "tr")
"""English, Russian, Chinese, Kazakh, Azerbaijani, Georgian, Turkish (ISO 639-1)."""


@cache
def labels(language: str) -> dict[str, str]:
    """The captions of the note's boxes in one language; every set has the English set's keys."""
    if language not in LANGUAGES:
        raise InputError(f"no label set for {language!r}", field="language",
                         fix="use one of " + ", ".join(LANGUAGES))
    path = resources.files("karvan.data").joinpath(f"documents/labels/{language}.yaml")
    data: dict[str, str] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data
