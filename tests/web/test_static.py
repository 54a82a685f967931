"""The committed pages are built from the committed sources (so `make` needs no Node)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import karvan.web

FRONTEND = Path(karvan.web.__file__).parent / "frontend"
SOURCES = ("index.html", "package-lock.json", "vite.config.js", "src")


def source_hash() -> str:
    """The hash vite.config.js writes to static/source-hash.txt: each file's path and bytes, in path order."""
    paths = sorted(
        p.relative_to(FRONTEND).as_posix()
        for name in SOURCES
        for p in ([FRONTEND / name] if (FRONTEND / name).is_file() else (FRONTEND / name).rglob("*"))
        if p.is_file())
    digest = hashlib.sha256()
    for path in paths:
        digest.update(f"{path}\0".encode())
        digest.update((FRONTEND / path).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def test_static_assets_are_built_from_the_current_sources() -> None:
    if not FRONTEND.is_dir():
        pytest.skip("the frontend sources are not installed (a wheel carries only the built pages)")
    built = (karvan.web.STATIC_DIR / "source-hash.txt").read_text().strip()
    assert built == source_hash(), (
        "src/karvan/web/static is out of date: run `npm ci && npm run build` in src/karvan/web/frontend "
        "and commit src/karvan/web/static")


def test_every_asset_the_page_names_is_there() -> None:
    index = (karvan.web.STATIC_DIR / "index.html").read_text()
    names = [part.split('"')[0] for part in index.split('"/assets/')[1:]]
    assert names
    for name in names:
        assert (karvan.web.STATIC_DIR / "assets" / name).is_file()
