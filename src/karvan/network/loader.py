"""Reading network files: the bundled corridor network and users' overlays on top of it.

A network file is YAML with any of the top-level lists `places`, `links`, `services`, `dwell` and
`operators`. A directory is every `*.yaml` file in it, read in name order. Overlays are applied in the
order given: a record with the code or id of an existing one replaces it; a new one is added.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from karvan.errors import NetworkValidationError, first_problem
from karvan.network.model import Dwell, Link, Operator, Place, Service
from karvan.network.network import Network

NETWORK_ENV = "KARVAN_NETWORK"
"""Environment variable: overlay files or directories, separated by the OS path separator."""

_SECTIONS: dict[str, tuple[type[BaseModel], str]] = {
    "places": (Place, "code"),
    "links": (Link, "id"),
    "services": (Service, "id"),
    "dwell": (Dwell, "place+kind"),
    "operators": (Operator, "code"),
}

_R = TypeVar("_R", bound=BaseModel)

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it: several times faster on the bundled files."""


def bundled_network_dir() -> Path:
    return Path(str(resources.files("karvan") / "data" / "network"))


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
    if path.is_file():
        return [path]
    raise NetworkValidationError(f"no such network file or directory: {path}", field="network",
                                 fix="give an existing .yaml file or a directory of them")


def _key(record: BaseModel, section: str) -> str:
    if section == "dwell":
        assert isinstance(record, Dwell)
        return f"{record.place}/{record.kind.value}"
    return str(getattr(record, _SECTIONS[section][1]))


def _parse(section: str, raw: Any, path: Path, index: int) -> BaseModel:
    model, key_field = _SECTIONS[section]
    label = raw.get(key_field, f"#{index + 1}") if isinstance(raw, dict) else f"#{index + 1}"
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        field, message = first_problem(exc)
        raise NetworkValidationError(
            message, record=f"{path.name}: {section} {label}", field=field,
            fix=f"correct {field or 'the record'} in {path}") from None


def read_records(paths: Iterable[Path]) -> dict[str, dict[str, BaseModel]]:
    """Every record of the given files or directories, later files replacing earlier ones by key."""
    merged: dict[str, dict[str, BaseModel]] = {section: {} for section in _SECTIONS}
    for root in paths:
        for path in _files(Path(root)):
            try:
                document = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
            except yaml.YAMLError as exc:
                raise NetworkValidationError(f"not valid YAML: {exc}", record=str(path),
                                             fix="fix the YAML syntax") from None
            if not isinstance(document, dict):
                raise NetworkValidationError("the top level must be a mapping", record=str(path),
                                             fix=f"use the keys {', '.join(_SECTIONS)}")
            unknown = set(document) - set(_SECTIONS) - {"meta"}
            if unknown:
                raise NetworkValidationError(
                    f"unknown section(s) {', '.join(sorted(unknown))}", record=str(path),
                    fix=f"use only {', '.join(_SECTIONS)} (and meta)")
            for section in _SECTIONS:
                for index, raw in enumerate(document.get(section) or []):
                    record = _parse(section, raw, path, index)
                    merged[section][_key(record, section)] = record
    return merged


def _typed(records: dict[str, BaseModel], kind: type[_R]) -> list[_R]:
    return [r for r in records.values() if isinstance(r, kind)]


def overlays_from_env() -> list[Path]:
    value = os.environ.get(NETWORK_ENV, "").strip()
    return [Path(p) for p in value.split(os.pathsep) if p]


def load_network(overlays: Sequence[Path | str] = (), *, use_env: bool = True,
                 include_bundled: bool = True) -> Network:
    """The bundled network with overlays applied: `overlays`, then those named in $KARVAN_NETWORK."""
    paths: list[Path] = [bundled_network_dir()] if include_bundled else []
    paths += [Path(p) for p in overlays]
    if use_env:
        paths += overlays_from_env()
    return _load_cached(tuple(paths), tuple(_mtime(p) for p in paths))


def _mtime(path: Path) -> float:
    try:
        return max((f.stat().st_mtime for f in _files(path)), default=0.0)
    except NetworkValidationError:
        return -1.0


@lru_cache(maxsize=8)
def _load_cached(paths: tuple[Path, ...], _mtimes: tuple[float, ...]) -> Network:
    records = read_records(paths)
    return Network.from_records(
        places=_typed(records["places"], Place),
        links=_typed(records["links"], Link),
        services=_typed(records["services"], Service),
        dwells=_typed(records["dwell"], Dwell),
        operators=_typed(records["operators"], Operator),
    )
