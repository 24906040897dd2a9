"""`python app.py compact [--db PATH]`: shrink the database file after retention freed space in it.

Like export, it needs the file to itself: run it while no server holds it (exit status 2 otherwise)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from cli.common import with_database
from data.compact import compact
from settings import Settings


def compact_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="app.py compact", description="Rewrite the database file without the space retention freed."
    )
    parser.add_argument("--db", type=Path, default=Settings.db, help=f"DuckDB database file (default {Settings.db})")
    args = parser.parse_args(list(argv))
    return with_database(args.db, "compact", lambda: _compact(args.db))


def _compact(db: Path) -> int:
    result = compact(db)
    mb = 1024 * 1024
    print(f"compacted {db}: {result.bytes_before / mb:.1f} MB -> {result.bytes_after / mb:.1f} MB")
    return 0
