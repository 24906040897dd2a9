"""`python app.py salvage SRC DEST`: copy what can still be read of a damaged database into a new file.

Exit status 0 when every row was copied, 1 when some could not be read, 2 when nothing could (or DEST exists)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from data.file_check import DatabaseFileError
from data.salvage import TableSalvage, salvage


def _line(result: TableSalvage) -> str:
    total = "an unreadable number of" if result.total is None else f"{result.total}"
    text = f"{result.table}: {result.copied} of {total} rows copied"
    return text + (f"; stopped where the file {result.problem}" if result.problem else "")


def salvage_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="app.py salvage",
        description="Copy every readable row of a damaged database into a new file, table by table (SRC is only read).",
    )
    parser.add_argument("src", type=Path, help="the damaged DuckDB file")
    parser.add_argument("dest", type=Path, help="the new file to write (must not exist)")
    args = parser.parse_args(list(argv))
    try:
        results = salvage(args.src, args.dest)
    except DatabaseFileError as exc:
        print(f"predwatch salvage: {exc}", file=sys.stderr)
        return 2
    for result in results:
        print(_line(result))
    lost = [r for r in results if r.problem]
    copied = sum(r.copied for r in results)
    print(
        f"salvaged {copied} rows of {len(results)} tables into {args.dest}"
        + (f"; {len(lost)} tables could not be read whole" if lost else "; nothing was lost")
    )
    return 1 if lost else 0
