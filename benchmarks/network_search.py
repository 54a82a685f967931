"""How long place search, UN/LOCODE checks and network validation take on the bundled network.

Baselines measured in the same run: a plain case-insensitive substring scan over the same names
(what search would cost without folding and fuzzy matching), and a membership test on a Python set
of the same size as the UN/LOCODE list.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from karvan.network import unlocode
from karvan.network.loader import load_network
from karvan.network.search import search_places
from karvan.network.validate import validate

QUERIES = ["xian", "Baku port", "Dostyk", "khorgos", "duisberg", "Constanța", "port", "malasevichi"]


def per_call_us(function: Callable[[], object], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - start) / repeat * 1e6


def main() -> None:
    network = load_network(use_env=False)
    names = [(p.code, [p.name.lower(), *(a.lower() for a in p.alt_names)]) for p in network.places.values()]

    def substring_scan() -> None:
        for query in QUERIES:
            q = query.lower()
            [code for code, texts in names if any(q in t for t in texts)]

    def search_all() -> None:
        for query in QUERIES:
            search_places(network, query)

    repeat = 20
    search_us = per_call_us(search_all, repeat) / len(QUERIES)
    scan_us = per_call_us(substring_scan, repeat) / len(QUERIES)
    print(f"places: {len(network.places)}")
    print(f"search_places: {search_us:,.0f} us/query; baseline substring scan: {scan_us:,.1f} us/query")

    start = time.perf_counter()
    unlocode.exists("KZAAU")
    load_ms = (time.perf_counter() - start) * 1e3
    codes = {f"C{i:06d}" for i in range(unlocode.count())}
    exists_us = per_call_us(lambda: unlocode.exists("KZAAU"), 100_000)
    set_us = per_call_us(lambda: "C000123" in codes, 100_000)
    print(f"UN/LOCODE first load: {load_ms:,.0f} ms for {unlocode.count():,} codes")
    print(f"unlocode.exists: {exists_us:.2f} us/call; baseline set membership: {set_us:.2f} us/call")

    start = time.perf_counter()
    problems = validate(network)
    first_ms = (time.perf_counter() - start) * 1e3
    again_ms = per_call_us(lambda: validate(network), 5) / 1e3
    print(f"validate: {first_ms:,.0f} ms first run (loads per-country UN/LOCODE entries), "
          f"{again_ms:,.1f} ms after; {len(problems)} problem(s)")


if __name__ == "__main__":
    main()
