"""predwatch_client installs on its own: built from its folder into a wheel, installed into a clean venv,
and imported there with none of Predwatch (api, data, state, ...) or its dependencies on the path.

Offline on purpose: the wheel is built by this venv's setuptools and wheel (requirements-dev.txt) with
--no-build-isolation, because a fresh 3.11 venv's setuptools 65 cannot build a wheel without the
`wheel` package; the clean venv then installs the built wheel with --no-index."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Predwatch's own rooms and the server's dependencies: none may come along with the client.
SERVER_MODULES = (
    "api",
    "callbacks",
    "collectors",
    "cli",
    "dashboard",
    "predictor",
    "runtime",
    "telemetry",
    "external",
    "answers",
    "analytics",
    "data",
    "state",
    "settings",
    "app",
    "wsgi",
    "dash",
    "flask",
    "duckdb",
    "pandas",
    "numpy",
    "plotly",
    "sklearn",
    "requests",
    "prometheus_client",
)

PROBE = """
import importlib.util, json, sys
import predwatch_client
from predwatch_client import PredictionLogger
print(json.dumps({
    "file": predwatch_client.__file__,
    "version": predwatch_client.__version__,
    "site_packages": [p for p in sys.path if p.endswith("site-packages")],
    "loaded": sorted({name.split(".")[0] for name in sys.modules}),
    "findable": [name for name in sys.argv[1:] if importlib.util.find_spec(name) is not None],
}))
"""


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean venv with the client installed from its own folder; returns that venv's python."""
    tmp = tmp_path_factory.mktemp("client-install")
    # Built from a copy, so the build's egg-info and build/ folders never land in the working tree.
    source = tmp / "predwatch_client"
    shutil.copytree(ROOT / "predwatch_client", source, ignore=shutil.ignore_patterns("__pycache__"))
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--quiet",
        "--no-build-isolation",
        "--no-deps",
        "--no-index",
        "--wheel-dir",
        tmp / "dist",
        source,
        cwd=tmp,
    )
    wheel = next((tmp / "dist").glob("predwatch_client-*.whl"))
    venv.create(tmp / "venv", with_pip=True)
    python = tmp / "venv" / "bin" / "python"
    run(python, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps", wheel, cwd=tmp)
    return python


def test_the_client_imports_from_its_own_install_without_predwatch(installed: Path, tmp_path: Path) -> None:
    # -I: no PYTHONPATH, no current directory, no user site; run outside the repository.
    out = run(installed, "-I", "-c", PROBE, *SERVER_MODULES, cwd=tmp_path).stdout
    probe = json.loads(out)
    site_packages = Path(probe["site_packages"][0])
    assert site_packages.is_relative_to(installed.parent.parent)
    assert Path(probe["file"]) == site_packages / "predwatch_client" / "__init__.py"
    assert probe["version"] == _source_version()
    assert [name for name in SERVER_MODULES if name in probe["loaded"]] == []
    assert probe["findable"] == []


def test_the_wheel_ships_the_package_and_its_type_marker_only(installed: Path) -> None:
    site_packages = next((installed.parent.parent / "lib").glob("python3.*/site-packages"))
    shipped = sorted(p.name for p in (site_packages / "predwatch_client").iterdir() if p.name != "__pycache__")
    expected = sorted(p.name for p in (ROOT / "predwatch_client").iterdir() if p.suffix == ".py" or p.name == "py.typed")
    assert shipped == expected


def _source_version() -> str:
    for line in (ROOT / "predwatch_client" / "__init__.py").read_text().splitlines():
        if line.startswith("__version__"):
            return line.split("=")[1].strip().strip('"')
    raise AssertionError("predwatch_client/__init__.py has no __version__")
