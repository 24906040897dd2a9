"""Damaged database files: each refuses to start with exit 2 and one line naming the file and
the problem, the damaged file is never written to, and `python app.py salvage` copies what can be read."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from data.store import Store
from tests.conftest import ROOT, free_port
from tests.reliability.helpers import LONG, table_counts


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py"), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def _start(db: Path, models_dir: Path) -> subprocess.CompletedProcess:
    """Start a server on `db`; it must refuse before serving, so this returns (a server left running is
    a failure: the timeout ends it)."""
    return _run("--db", str(db), "--no-demo", "--port", str(free_port()), "--models-dir", str(models_dir), timeout=60)


def _fingerprint(path: Path) -> tuple:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest()


SEED_SQL = [
    "INSERT INTO system_samples (ts, cpu_percent, memory_percent) SELECT TIMESTAMP '2026-01-01' + to_seconds(i), "
    "random() * 100, random() * 100 FROM range(200000) AS r(i)",
    "INSERT INTO predictions SELECT 'p' || i, TIMESTAMP '2026-01-01' + to_seconds(i), 'credit-gbm', 'v1', random(), "
    "(random() > 0.5)::INTEGER, random() / 10, 'ok', NULL, 'api', TIMESTAMP '2026-01-01' + to_seconds(i) "
    "FROM range(100000) AS r(i)",
    "INSERT INTO outcomes SELECT 'p' || i, (random() > 0.5)::INTEGER, TIMESTAMP '2026-01-02', TIMESTAMP '2026-01-02' "
    "FROM range(80000) AS r(i)",
]


@pytest.fixture(scope="module")
def healthy(tmp_path_factory) -> Path:
    """A real database file with some history in three tables (a few MB), closed (checkpointed, no .wal)."""
    path = tmp_path_factory.mktemp("healthy") / "history.duckdb"
    store = Store(path)
    try:
        with store.transaction("seed") as cur:
            for sql in SEED_SQL:
                cur.execute(sql)
    finally:
        store.close()
    assert not Path(str(path) + ".wal").exists()
    return path


def _truncate(size: Callable[[int], int]) -> Callable[[Path], None]:
    return lambda path: os.truncate(path, size(path.stat().st_size))


def _overwrite(offset: int, data: bytes) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        with open(path, "r+b") as file:
            file.seek(offset)
            file.write(data)

    return damage


def _text(path: Path) -> None:
    path.write_text("this is a note, not a database\n" * 100)


DAMAGES = {
    "truncated to half": (_truncate(lambda size: size // 2), "truncated"),
    "truncated to 4 KiB": (_truncate(lambda size: 4096), "truncated"),
    "zero bytes": (_truncate(lambda size: 0), "empty"),
    "first 4 KiB zeroed": (_overwrite(0, bytes(4096)), "not a DuckDB database"),
    "random bytes at 8-64 KiB": (_overwrite(8192, random.Random(15).randbytes(56 * 1024)), "corrupt"),
    "a text file": (_text, "not a DuckDB database"),
}


def _assert_one_line_exit_2(result: subprocess.CompletedProcess, path: Path, problem: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert len(lines) == 1, lines
    assert str(path) in lines[0], lines
    assert problem in lines[0], lines
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("case", list(DAMAGES))
def test_a_damaged_file_exits_2_with_one_line_and_is_never_modified(case, healthy, tmp_path, models_dir) -> None:
    damage, problem = DAMAGES[case]
    path = tmp_path / "damaged.duckdb"
    shutil.copy(healthy, path)
    damage(path)
    before = _fingerprint(path)
    result = _start(path, models_dir)
    _assert_one_line_exit_2(result, path, problem)
    assert _fingerprint(path) == before
    assert not Path(str(path) + ".wal").exists()
    if problem in ("truncated", "corrupt"):
        assert "salvage" in result.stderr


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Callable[[], None]]:
    """A folder to make read-only: a read-only tmpfs remount as root (root ignores permission bits),
    chmod 555 otherwise. Yields the function that makes it read-only."""
    folder = tmp_path / "ro"
    folder.mkdir()
    mounted = (
        os.geteuid() == 0
        and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=100m", "tmpfs", str(folder)], capture_output=True).returncode == 0
    )
    if os.geteuid() == 0 and not mounted:
        pytest.skip("running as root and cannot mount a tmpfs to make read-only")

    def make_read_only() -> None:
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        else:
            folder.chmod(0o555)

    yield folder, make_read_only
    if mounted:
        subprocess.run(["umount", str(folder)], check=True)
    else:
        folder.chmod(0o755)


@pytest.mark.parametrize("with_file", [False, True])
def test_a_read_only_folder_exits_2_with_one_line(with_file, read_only_folder, healthy, models_dir) -> None:
    folder, make_read_only = read_only_folder
    path = folder / "predwatch.duckdb"
    if with_file:
        shutil.copy(healthy, path)
    make_read_only()
    before = _fingerprint(path) if with_file else None
    _assert_one_line_exit_2(_start(path, models_dir), path, "read-only")
    assert (_fingerprint(path) if with_file else path.exists()) == (before if with_file else False)


def test_salvage_copies_what_can_be_read_table_by_table(healthy, tmp_path) -> None:
    src, dest = tmp_path / "damaged.duckdb", tmp_path / "salvaged.duckdb"
    shutil.copy(healthy, src)
    os.truncate(src, src.stat().st_size // 2)
    before = _fingerprint(src)
    result = _run("salvage", str(src), str(dest))
    assert result.returncode == 1, result.stderr  # some rows lost
    assert _fingerprint(src) == before
    printed = {
        line.split(":")[0]: int(line.split(":")[1].split()[0]) for line in result.stdout.splitlines() if " rows copied" in line
    }
    assert "could not be read whole" in result.stdout
    assert "stopped where the file is truncated" in result.stdout
    store = Store(dest)
    try:
        counts = table_counts(store)
    finally:
        store.close()
    assert {t: counts[t] for t in printed} == printed
    assert sum(printed.values()) > 0


def test_salvage_of_a_whole_file_loses_nothing_and_of_a_text_file_says_nothing_is_readable(healthy, tmp_path) -> None:
    whole = _run("salvage", str(healthy), str(tmp_path / "copy.duckdb"))
    assert whole.returncode == 0, whole.stdout + whole.stderr
    assert "nothing was lost" in whole.stdout, whole.stdout + whole.stderr
    text = tmp_path / "notes.duckdb"
    _text(text)
    result = _run("salvage", str(text), str(tmp_path / "out.duckdb"))
    assert result.returncode == 2
    assert "can read nothing" in result.stderr
    assert str(text) in result.stderr
    refused = _run("salvage", str(healthy), str(tmp_path / "copy.duckdb"))  # DEST exists: never overwritten
    assert refused.returncode == 2
    assert "already exists" in refused.stderr


@pytest.mark.skipif(not LONG, reason="long version: PREDWATCH_RELIABILITY_LONG=1 (make reliability)")
def test_random_damage_anywhere_either_refuses_unmodified_or_starts(healthy, tmp_path, models_dir) -> None:
    """Random 4 KiB of noise at 12 random places: a refusal leaves the file as it was; damage the check
    cannot see (in free blocks) must still let the server start."""
    rng = random.Random(1515)
    for i in range(12):
        path = tmp_path / f"random-{i}.duckdb"
        shutil.copy(healthy, path)
        _overwrite(rng.randrange(0, path.stat().st_size - 4096), rng.randbytes(4096))(path)
        before = _fingerprint(path)
        port = free_port()
        proc = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "app.py"),
                "--db",
                str(path),
                "--no-demo",
                "--port",
                str(port),
                "--models-dir",
                str(models_dir),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            _out, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:  # still running: it started on a file whose damage is unused space
            proc.terminate()
            proc.wait(20)
            continue
        assert proc.returncode == 2, err[-2000:]
        assert len(err.strip().splitlines()) == 1, err[-2000:]
        assert _fingerprint(path) == before


@pytest.fixture(scope="module")
def with_wal(healthy, tmp_path_factory, models_dir) -> Path:
    """`healthy` plus a WAL holding five acknowledged 300-row batches (the child stopped without closing)."""
    path = tmp_path_factory.mktemp("with-wal") / "history.duckdb"
    shutil.copy(healthy, path)
    child = subprocess.run(
        [sys.executable, "-m", "tests.reliability.wal_child", str(path), str(models_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "acknowledged 1500" in child.stdout, child.stdout + child.stderr
    assert Path(str(path) + ".wal").stat().st_size > 0
    return path


def _noise(path: Path) -> None:
    path.write_bytes(random.Random(28).randbytes(path.stat().st_size))


def _zeros(path: Path) -> None:
    path.write_bytes(bytes(path.stat().st_size))


def _append_garbage(path: Path) -> None:
    with open(path, "ab") as file:
        file.write(random.Random(29).randbytes(4096))


WAL_DAMAGES = {
    "random bytes": _noise,
    "zeros": _zeros,
    "garbage appended": _append_garbage,
    "truncated to half": _truncate(lambda size: size // 2),
}


def _batches(path: Path) -> dict[str, int]:
    """Rows per acknowledged batch (wal-b<k>-<i>) in a closed database file."""
    store = Store(path)
    try:
        rows = store.fetch_all(
            "test.batches", "SELECT split_part(id, '-', 2), count(*) FROM predictions WHERE id LIKE 'wal-%' GROUP BY 1"
        )
    finally:
        store.close()
    return dict(rows)


@pytest.mark.parametrize("case", list(WAL_DAMAGES))
def test_a_wal_is_copied_and_named_in_one_line_before_replay_and_salvage_reads_the_copy(
    case, with_wal, tmp_path, start_server
) -> None:
    path, wal = tmp_path / "pw.duckdb", tmp_path / "pw.duckdb.wal"
    shutil.copy(with_wal, path)
    shutil.copy(str(with_wal) + ".wal", wal)
    WAL_DAMAGES[case](wal)
    before_db, before_wal = path.read_bytes(), wal.read_bytes()
    # retention would spend the stop deleting the seeded history (months old): keep it
    server = start_server("--retention-system-hours", "1e6", "--retention-predictions-days", "1e5", db=path)
    assert server.stop() == 0, server.log()[-2000:]
    lines = [line for line in server.log().splitlines() if "WAL" in line]
    assert len(lines) == 1, lines
    wal_copies = sorted(tmp_path.glob("pw.duckdb.wal.*.bak"))
    db_copies = sorted(tmp_path.glob("pw.duckdb.2*.bak"))
    assert len(wal_copies) == len(db_copies) == 1, list(tmp_path.iterdir())
    assert wal_copies[0].read_bytes() == before_wal and db_copies[0].read_bytes() == before_db
    assert str(wal_copies[0]) in lines[0] and f"{len(before_wal):,}-byte WAL" in lines[0]
    assert "salvage --from-backup" in lines[0]
    salvaged = tmp_path / "from-copy.duckdb"
    result = _run("salvage", "--from-backup", str(wal_copies[0]), str(salvaged))
    assert result.returncode == 0, result.stdout + result.stderr
    held, live = _batches(salvaged), _batches(path)
    print(f"\n{case}: the copy holds {held}; after replay the file holds {live}; {lines[0].split('; ', 2)[2]}")
    assert live == held  # every acknowledged row the copy holds is in the file, and nothing else
    if case == "garbage appended":
        assert held == {f"b{b}": 300 for b in range(5)}


def test_a_wal_duckdb_refuses_exits_2_unmodified_and_salvage_keeps_the_file_as_of_its_checkpoint(
    with_wal, healthy, tmp_path, models_dir
) -> None:
    path, wal = tmp_path / "pw.duckdb", tmp_path / "pw.duckdb.wal"
    shutil.copy(with_wal, path)
    shutil.copy(str(with_wal) + ".wal", wal)
    size = wal.stat().st_size
    _overwrite(size // 3, random.Random(30).randbytes(size // 3))(wal)
    before = (_fingerprint(path), _fingerprint(wal))
    result = _start(path, models_dir)
    _assert_one_line_exit_2(result, path, "has a WAL that DuckDB cannot replay")
    assert "salvage" in result.stderr
    assert (_fingerprint(path), _fingerprint(wal)) == before
    salvaged = tmp_path / "salvaged.duckdb"
    out = _run("salvage", str(path), str(salvaged))
    assert out.returncode == 1, out.stdout + out.stderr
    assert "cannot be replayed" in out.stdout and "as of its last checkpoint" in out.stdout
    store = Store(healthy)
    try:
        expected = table_counts(store)
    finally:
        store.close()
    store = Store(salvaged)
    try:
        assert table_counts(store)["predictions"] == expected["predictions"]
    finally:
        store.close()
