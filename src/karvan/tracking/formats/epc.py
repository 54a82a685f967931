"""The things an EPCIS event is about, read in any form the standard allows, to one canonical text.

EPCIS 2.0 names objects by EPC URN (`urn:epc:id:sscc:4012345.0000000011`), by GS1 Digital Link URI
(`https://id.gs1.org/00/340123450000000116`, any host) or by a compact URI (CURIE) whose prefix the
document's `@context` defines. Karvan keeps:

- shipping containers (`urn:epc:id:bic:CSQU3054383`) as ISO 6346 numbers (`CSQU3054383`);
- logistic units (SSCC) and serialised trade items (SGTIN) as canonical GS1 Digital Link URIs on
  `https://id.gs1.org/` (`.../00/<SSCC>`, `.../01/<GTIN-14>/21/<serial>`), because the URN form cannot be
  rebuilt from a Digital Link (the company prefix length is not in the digits) and the reverse always can;
- any other identifier (SGLN, GRAI, a company's own URI) exactly as given, after CURIE expansion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, unquote

BIC = "urn:epc:id:bic:"
DIGITAL_LINK = "https://id.gs1.org/"
STANDARD_PREFIXES: Mapping[str, str] = {
    "cbv": "https://ref.gs1.org/cbv/", "gs1": "https://gs1.org/voc/", "epcis": "https://ref.gs1.org/epcis/"}
"""Prefixes of the EPCIS 2.0 JSON-LD context that documents use in CURIEs."""
_SCHEMES = frozenset({"urn", "http", "https", "geo", "ni", "tag", "did", "mailto"})
_SSCC_URN = re.compile(r"^urn:epc:id:sscc:(\d+)\.(\d+)$")
_SGTIN_URN = re.compile(r"^urn:epc:id:sgtin:(\d+)\.(\d+)\.(.+)$")
_SSCC_LINK = re.compile(r"^https?://[^/?#]+(?:/[^?#]*)?/00/(\d{18})(?:[/?#].*)?$")
_SGTIN_LINK = re.compile(r"^https?://[^/?#]+(?:/[^?#]*)?/01/(\d{8,14})/21/([^/?#]+)(?:[/?#].*)?$")


def check_digit(digits: str) -> str:
    """The GS1 modulo-10 check digit of `digits` (weights 3, 1, 3... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def prefixes(contexts: Iterable[object]) -> dict[str, str]:
    """The CURIE prefixes defined by JSON-LD `@context` values (strings name remote contexts: skipped)."""
    found = dict(STANDARD_PREFIXES)
    for context in contexts:
        items = context if isinstance(context, list) else [context]
        for item in items:
            if isinstance(item, dict):
                found.update({k: v for k, v in item.items() if isinstance(v, str) and not k.startswith("@")})
    return found


def expand(text: str, known: Mapping[str, str]) -> str:
    """A CURIE written out in full; any other text unchanged."""
    prefix, colon, rest = text.partition(":")
    if colon and prefix not in _SCHEMES and prefix in known and not rest.startswith("//"):
        return known[prefix] + rest
    return text


def canonical(text: str, known: Mapping[str, str] = STANDARD_PREFIXES) -> str:
    """The canonical text of an identifier (see the module docstring); a BIC stays a `urn:epc:id:bic:` URN."""
    value = expand(text.strip(), known)
    if match := _SSCC_URN.match(value):
        company, serial = match.groups()
        digits = serial[:1] + company + serial[1:]
        if len(digits) == 17:
            return f"{DIGITAL_LINK}00/{digits}{check_digit(digits)}"
    elif match := _SGTIN_URN.match(value):
        company, item, serial = match.groups()
        digits = item[:1] + company + item[1:]
        if len(digits) == 13:
            return f"{DIGITAL_LINK}01/{digits}{check_digit(digits)}/21/{quote(unquote(serial), safe='')}"
    elif match := _SSCC_LINK.match(value):
        return f"{DIGITAL_LINK}00/{match.group(1)}"
    elif match := _SGTIN_LINK.match(value):
        gtin, serial = match.groups()
        return f"{DIGITAL_LINK}01/{gtin.zfill(14)}/21/{quote(unquote(serial), safe='')}"
    return value


def container_of(identifier: str) -> str | None:
    """The container number of a canonical BIC identifier, else None."""
    return identifier[len(BIC):] if identifier.startswith(BIC) else None


def lookup_key(text: str) -> str:
    """What a person types to find a unit (an 18-digit SSCC, `(00)` + SSCC, a URN or a Digital Link),
    as the canonical text stored for it."""
    value = text.strip()
    digits = value.removeprefix("(00)").replace(" ", "")
    if digits.isdigit() and len(digits) == 18:
        return f"{DIGITAL_LINK}00/{digits}"
    return canonical(value)
