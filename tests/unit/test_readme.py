"""The README stays true: every flag `python app.py --help` prints has a row in its settings table."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_flag_of_help_is_in_the_readme_settings_table() -> None:
    help_text = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "--help"], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    flags = set(re.findall(r"(--[a-z][a-z0-9-]+)", help_text)) - {"--help"}
    table = "\n".join(line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `--"))
    documented = set(re.findall(r"`(--[a-z][a-z0-9-]+)", table))
    assert len(flags) > 30  # the parse found the flags
    assert sorted(flags - documented) == []
