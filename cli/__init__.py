"""`python app.py NAME ...`: the subcommands that run instead of the server."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cli import compact, export, export_rules, import_file, salvage

# NAME -> function(args) -> exit code
COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "export-rules": export_rules.export_rules,
    "export": export.export_command,
    "import": import_file.main,
    "compact": compact.compact_command,
    "salvage": salvage.salvage_command,
}
