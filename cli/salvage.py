"""`python app.py salvage SRC DEST`: copy what can still be read of a damaged database into a new file.
`python app.py salvage --from-backup COPY DEST`: the same from a pair of copies kept before a WAL was replayed
(data/wal_copy.py): COPY names either copy of the pair, or the database itself for its newest pair.

A WAL that DuckDB refuses to replay leaves the file as of its last checkpoint: that is what is copied, and said.
Exit status 0 when every row was copied, 1 when some could not be read, 2 when nothing could (or DEST exists)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from data.file_check import WAL_PROBLEM, DatabaseFileError
from data.salvage import TableSalvage, salvage
from data.wal_copy import pair_of, wal_path


def _line(result: TableSalvage) -> str:
    total = "an unreadable number of" if result.total is None else f"{result.total}"
    text = f"{result.table}: {result.copied} of {total} rows copied"
    return text + (f"; stopped where the file {result.problem}" if result.problem else "")


def _link(src: Path, dest: Path) -> None:
    try:
        os.link(src, dest)  # DuckDB follows a symbolic link to its target and then misses the WAL beside it
    except OSError:
        shutil.copyfile(src, dest)


@contextmanager
def _staged(db: Path, wal: Path | None) -> Iterator[Path]:
    """`db` (and `wal` as its WAL) under one name beside `db`, as DuckDB must find them; removed after."""
    src = db.with_name(f".{db.name}.salvage-{os.getpid()}")
    staged = [src, *([wal_path(src)] if wal else [])]
    try:
        _link(db, src)
        if wal:
            _link(wal, wal_path(src))
        yield src
    finally:
        for path in staged:
            path.unlink(missing_ok=True)


def _salvage(src: Path, dest: Path, wal: Path) -> tuple[list[TableSalvage], str | None]:
    """Salvage `src` with its WAL; when DuckDB refuses the WAL, the file alone, and a note saying so."""
    try:
        return salvage(src, dest), None
    except DatabaseFileError as exc:
        if not exc.problem.startswith(WAL_PROBLEM) or not src.is_file():
            raise
        detail = exc.problem.removeprefix(WAL_PROBLEM).split(": DuckDB can read nothing")[0].strip()
        with _staged(src, None) as alone:
            results = salvage(alone, dest)
        return (
            results,
            f"the WAL {wal} cannot be replayed {detail}: copied the file as of its last checkpoint, without the WAL's writes",
        )


def _from_backup(given: Path, dest: Path) -> tuple[list[TableSalvage], str | None]:
    db_copy, wal_copy = pair_of(given)
    if db_copy is None:
        raise FileNotFoundError(f"{wal_copy} has no copy of its database file beside it: nothing to replay it onto")
    with _staged(db_copy, wal_copy) as src:
        try:
            return _salvage(src, dest, wal_copy)
        except DatabaseFileError as exc:
            raise DatabaseFileError(db_copy, exc.problem) from exc


def salvage_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="app.py salvage",
        description="Copy every readable row of a damaged database into a new file, table by table (SRC is only read).",
    )
    parser.add_argument("paths", type=Path, nargs="+", metavar="SRC DEST", help="the damaged DuckDB file, the new file to write")
    parser.add_argument(
        "--from-backup",
        type=Path,
        metavar="COPY",
        help="read the copies kept before a WAL was replayed (either copy's path, or the database's for its newest pair)",
    )
    args = parser.parse_args(list(argv))
    if len(args.paths) != (1 if args.from_backup else 2):
        parser.error("give DEST after --from-backup COPY" if args.from_backup else "give SRC and DEST")
    dest = args.paths[-1]
    try:
        if args.from_backup:
            results, note = _from_backup(args.from_backup, dest)
        else:
            results, note = _salvage(args.paths[0], dest, wal_path(args.paths[0]))
    except (FileNotFoundError, DatabaseFileError) as exc:
        print(f"predwatch salvage: {exc}", file=sys.stderr)
        return 2
    for result in results:
        print(_line(result))
    if note:
        print(note)
    lost = [r for r in results if r.problem]
    copied = sum(r.copied for r in results)
    print(
        f"salvaged {copied} rows of {len(results)} tables into {dest}"
        + (f"; {len(lost)} tables could not be read whole" if lost else "; nothing was lost" if not note else "")
    )
    return 1 if lost or note else 0
