"""How long the start-up check of an existing database file takes (data/file_check.py):

    python -m bench.file_check --db PATH     # e.g. a file from `python -m bench.seed_history`

Prints the check's seconds (read-only open, every table streamed through) next to a baseline measured in
the same run: reading the file's bytes once, sequentially, from the page cache (both runs read it warm).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from time import perf_counter

from data.file_check import check_file

CHUNK = 8 * 1024 * 1024


def _read_bytes(path: Path) -> float:
    started = perf_counter()
    with open(path, "rb") as file:
        while file.read(CHUNK):
            pass
    return perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    _read_bytes(args.db)  # warm the page cache for both
    baseline = min(_read_bytes(args.db) for _ in range(args.repeat))
    checks = []
    for _ in range(args.repeat):
        started = perf_counter()
        check_file(args.db)
        checks.append(perf_counter() - started)
    check = min(checks)
    print(f"file_bytes            {args.db.stat().st_size:,}")
    print(f"read_bytes_seconds    {baseline:.3f}   (baseline)")
    print(f"check_seconds         {check:.3f}")
    print(f"ratio                 {check / baseline:.1f}x")


if __name__ == "__main__":
    main()
