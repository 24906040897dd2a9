"""Schemathesis against /api/openapi.json on a live server with all its checks, with and without the
token: no server error, no response outside the document. Fast: 20 examples per operation;
`make reliability`: 100."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import LiveServer
from tests.reliability.helpers import LONG, TOKEN

EXAMPLES = 100 if LONG else 20
# The fast run skips the coverage phase (boundary values of every parameter: most of the run's time).
PHASES = "examples,coverage,fuzzing,stateful" if LONG else "examples,fuzzing"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
pytestmark = pytest.mark.skipif(
    not SCHEMATHESIS.exists() and shutil.which("schemathesis") is None,
    reason="schemathesis is not installed (requirements-dev.txt)",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory, models_dir):
    live = LiveServer(
        tmp_path_factory.mktemp("fuzz") / "live.duckdb",
        "--no-demo",
        "--models-dir",
        str(models_dir),
        "--api-token",
        TOKEN,
        "--writer-flush-interval",
        "0.2",
    )
    try:
        yield live.wait_ready()
    finally:
        live.stop()


def _fuzz(server: LiveServer, workdir: Path, *extra: str) -> tuple[int, str]:
    command = [
        str(SCHEMATHESIS if SCHEMATHESIS.exists() else shutil.which("schemathesis")),
        "run",
        server.url + "/api/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        "8",
        "--workers",
        "2",
        "--phases",
        PHASES,
        "--no-color",
        "--request-timeout",
        "30",
        *extra,
    ]
    # Its own folder: schemathesis keeps a failure database in the working directory.
    result = subprocess.run(command, capture_output=True, text=True, timeout=1500, cwd=workdir)
    return result.returncode, result.stdout + result.stderr


# Rules JSON Schema cannot state, so a schema-valid request may still be refused (ST202) for them:
# ids unique within a batch, a range's start before its end (a backtest's history at most 31 days long, each of
# its fault episodes ending after it starts), and the fields a model's task asks for (a binary row's score, a
# multiclass row's probabilities, a numeric label only for a stored regression prediction).
SEMANTIC_REFUSALS = (
    '"duplicate_ids"',
    "must be before",
    "days before to",
    "must end after it starts",
    "needs a score",
    "are for multiclass models",
    "once its regression prediction is stored",
)


def _figures(output: str) -> dict[str, int]:
    summary = output.split("SUMMARY")[-1]
    return {name.strip(): int(n) for name, n in re.findall(r"❌ ([^:\n]+): (\d+)", summary)}


def _unexplained(output: str) -> list[str]:
    """Failure blocks ("___ METHOD /path ___") other than an ST202 refusal for a rule the schema cannot state."""
    failures = output.split("FAILURES")[-1].split("WARNINGS")[0].split("SUMMARY")[0]
    blocks = re.split(r"\n_{3,} ([A-Z]+ \S+) _{3,}\n", failures)[1:]
    found = []
    for title, text in zip(blocks[::2], blocks[1::2], strict=True):
        codes = set(re.findall(r"- (ST\d+)", text))
        if not (codes == {"ST202"} and any(reason in text for reason in SEMANTIC_REFUSALS)):
            found.append(f"{title} {sorted(codes)}:{text[:1500]}")
    return found


@pytest.mark.timeout(1500 if LONG else 180)
@pytest.mark.parametrize("auth", ["with-token", "without-token"])
def test_fuzzing_finds_no_server_error_and_no_schema_violation(server, tmp_path, auth) -> None:
    extra = ("-H", f"Authorization: Bearer {TOKEN}") if auth == "with-token" else ()
    code, output = _fuzz(server, tmp_path, *extra)
    failures = _figures(output)
    server_errors = sum(n for name, n in failures.items() if "Server error" in name)
    schema_violations = sum(n for name, n in failures.items() if "schema" in name.lower() and "Response" in name)
    print(
        f"\nfuzz {auth}: examples/operation={EXAMPLES} server errors={server_errors} "
        f"schema violations={schema_violations} all failures={failures}"
    )
    print(output.split("SUMMARY")[-1][-800:])
    assert "Test cases:" in output, output[-3000:]
    unexplained = _unexplained(output)
    assert server_errors == 0, "\n".join(unexplained)
    assert schema_violations == 0, "\n".join(unexplained)
    assert not unexplained, "\n".join(unexplained)
    assert code == 0 or failures, output[-3000:]  # a non-zero exit comes with its failures listed
    assert "500 Internal Server Error" not in server.log()
