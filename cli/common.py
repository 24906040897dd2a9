"""What the offline subcommands share."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from data.connection import StoreLockedError
from data.file_check import DatabaseFileError


def with_database(db: Path, command: str, action: Callable[[], int]) -> int:
    """Run an offline command's `action` on a database file it needs to itself: exit status 2 and a clear
    message when the file is missing or a server holds it."""
    if not db.exists():
        print(f"predwatch: database {db} does not exist", file=sys.stderr)
        return 2
    try:
        return action()
    except StoreLockedError as exc:
        print(f"predwatch: {exc}; stop that server first ({command} needs the file to itself)", file=sys.stderr)
        return 2
    except DatabaseFileError as exc:
        print(f"predwatch: {exc}", file=sys.stderr)
        return 2
