"""Before a WAL left by an unclean stop is replayed, keep a copy of it and of the database file beside them.

Replaying rewrites both: DuckDB applies what it can read of `<db>.wal`, checkpoints it into the file and
starts a new WAL over the old one at the first write. What it cannot read (a torn or damaged end, a WAL of
noise or zeros) it skips without a word (DuckDB 2.0), so the copy is the only place those bytes still exist.
The file is copied too: a WAL replays only onto the file as it was when the WAL was written (the copy costs
the file's size in disk and about the time to read it once, on each start after an unclean stop). Each copy
is written under a temporary name and renamed when whole; the newest KEEP pairs are kept.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

KEEP = 3  # pairs of copies kept per database; older ones are removed as a new one is made
_STAMP = r"\d{8}T\d{6}\.\d{3}Z"


@dataclass(frozen=True)
class WalCopies:
    wal: Path
    db: Path | None  # None when the WAL had no database file beside it
    removed: int = 0  # older pairs removed to keep KEEP


def wal_path(path: Path) -> Path:
    return Path(str(path) + ".wal")


def pending_wal_bytes(path: Path) -> int:
    """Size of the WAL a start would replay; 0 when there is none."""
    wal = wal_path(path)
    return wal.stat().st_size if wal.is_file() else 0


def copy_names(path: Path, stamp: str) -> tuple[Path, Path]:
    """(copy of the file, copy of the WAL) for one start: `<name>.<stamp>.bak`, `<name>.wal.<stamp>.bak`."""
    return path.with_name(f"{path.name}.{stamp}.bak"), path.with_name(f"{path.name}.wal.{stamp}.bak")


def _copy(src: Path, dest: Path) -> None:
    partial = dest.with_name(dest.name + ".partial")
    try:
        shutil.copyfile(src, partial)
        with open(partial, "rb") as file:
            os.fsync(file.fileno())
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def stamps(path: Path) -> list[str]:
    """Stamps of the WAL copies kept for `path`, oldest first."""
    pattern = re.compile(re.escape(path.name) + rf"\.wal\.({_STAMP})\.bak")
    found = (pattern.fullmatch(p.name) for p in path.parent.iterdir())
    return sorted(m.group(1) for m in found if m)


def _prune(path: Path) -> int:
    old = stamps(path)[:-KEEP]
    for stamp in old:
        for copy in copy_names(path, stamp):
            copy.unlink(missing_ok=True)
    return len(old)


def keep_copies(path: Path, now: datetime | None = None) -> WalCopies:
    """Copy `path`'s WAL and the file itself; raises OSError (and leaves no partial copy) when it cannot."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    stamp = moment.strftime("%Y%m%dT%H%M%S.%f")[:-3] + "Z"
    db_copy, wal_copy = copy_names(path, stamp)
    try:
        _copy(wal_path(path), wal_copy)
        if path.is_file():
            _copy(path, db_copy)
        _sync_folder(path.parent)
    except OSError:
        wal_copy.unlink(missing_ok=True)
        db_copy.unlink(missing_ok=True)
        raise
    return WalCopies(wal_copy, db_copy if db_copy.exists() else None, _prune(path))


def pair_of(given: Path) -> tuple[Path | None, Path]:
    """(file copy, WAL copy) named by either copy of a pair, or the newest pair of the database `given`;
    raises FileNotFoundError when there is none."""
    match = re.fullmatch(rf"(.+?)(\.wal)?\.({_STAMP})\.bak", given.name)
    if match:
        db_copy, wal_copy = copy_names(given.with_name(match.group(1)), match.group(3))
    else:
        kept = stamps(given) if given.parent.is_dir() else []
        if not kept:
            raise FileNotFoundError(f"no copy of {given}'s WAL is kept beside it")
        db_copy, wal_copy = copy_names(given, kept[-1])
    if not wal_copy.is_file():
        raise FileNotFoundError(f"{wal_copy} does not exist")
    return (db_copy if db_copy.is_file() else None), wal_copy
