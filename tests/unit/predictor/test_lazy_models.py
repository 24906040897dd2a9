"""The built-in models load on first use, so a process that never predicts with them never imports
scikit-learn (~80 MB of an idle `--no-demo`)."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from collectors.evaluation import EvaluationCollector
from data.writer import Writer
from predictor.models import CHALLENGER, CHAMPION, BuiltInModels
from predictor.service import PredictionService
from telemetry.metrics import Telemetry

ROOT = Path(__file__).resolve().parents[3]


def test_names_are_known_without_loading_and_a_look_up_loads(models_dir: Path) -> None:
    BuiltInModels(models_dir)  # trains and saves them when this session has not yet
    models = BuiltInModels(models_dir)
    assert not models.loaded
    assert set(models) == {CHAMPION, CHALLENGER}
    assert len(models) == 2
    assert CHAMPION in models
    assert models.get("an-ingested-model") is None
    assert "an-ingested-model" not in models
    assert not models.loaded  # other names load nothing
    assert models[CHAMPION].name == CHAMPION
    assert models.loaded


def test_missing_models_are_trained_on_the_first_look_up_not_at_start(tmp_path: Path) -> None:
    models = BuiltInModels(tmp_path / "models")
    assert not models.loaded
    assert not list((tmp_path / "models").glob("*.joblib"))
    assert models[CHALLENGER].name == CHALLENGER
    assert models.loaded
    assert len(list((tmp_path / "models").glob("*.joblib"))) == 2


def test_a_fresh_no_demo_app_trains_nothing_and_imports_no_scikit_learn_after_api_reads(tmp_path: Path) -> None:
    """On a fresh store and a fresh models folder: start, a few API reads, then look at sys.modules."""
    models_dir = tmp_path / "fresh-models"
    script = (
        "import sys; from pathlib import Path; from app import create_app; from settings import Settings; "
        f"app = create_app(Settings(db=Path({str(tmp_path / 'fresh.duckdb')!r}), demo=False, "
        f"models_dir=Path({str(models_dir)!r}))); "
        "client = app.server.test_client(); "
        "codes = [client.get(p).status_code for p in ('/api/system_health', '/api/alerts', '/api/models', '/metrics')]; "
        "print(codes, sorted(m for m in ('sklearn', 'scipy') if m in sys.modules)); app.predwatch.stop()"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    codes, loaded = done.stdout.strip().splitlines()[-1].split("] ")
    assert loaded == "[]"
    assert all(code in ("200", "404") for code in codes.strip("[").split(", ")), codes
    assert not models_dir.exists() or not list(models_dir.glob("*.joblib"))


def test_evaluation_leaves_unloaded_built_in_models_alone(models_dir: Path, store) -> None:
    BuiltInModels(models_dir)
    models = BuiltInModels(models_dir)
    collector = EvaluationCollector(
        store, Writer(store), Telemetry().quality, models, interval=5, windows={"5m": 300}, min_samples=10
    )
    collector.collect(datetime(2026, 1, 1, 12))
    assert not models.loaded


def test_an_app_without_the_demo_does_not_import_scikit_learn(models_dir: Path, tmp_path: Path) -> None:
    BuiltInModels(models_dir)
    script = (
        "import sys; from pathlib import Path; from app import create_app; from settings import Settings; "
        f"app = create_app(Settings(db=Path({str(tmp_path / 'a.duckdb')!r}), demo=False, "
        f"models_dir=Path({str(models_dir)!r}))); "
        "print(sorted(m for m in ('sklearn', 'scipy') if m in sys.modules)); app.predwatch.stop()"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


class _SlowFirstLookUp(dict):
    """Built-in models whose first look-up takes longer than the prediction limit (as loading them does)."""

    def __init__(self, bundles: dict, seconds: float) -> None:
        super().__init__(bundles)
        self.seconds = seconds

    def get(self, key, default=None):
        if self.seconds:
            time.sleep(self.seconds)  # a lower bound only: the look-up is at least this slow on any machine
            self.seconds = 0.0
        return super().get(key, default)


def test_loading_the_models_on_first_use_is_not_the_first_predictions_time(models_dir: Path, store) -> None:
    """The fuzz test's first POST /api/predict answered 504 when loading took 1.3 s of the 1.0 s limit."""
    bundles = dict(BuiltInModels(models_dir))
    limit = 5.0  # far above one prediction of one row; the load below is longer than it
    models = _SlowFirstLookUp({name: bundles[name] for name in bundles}, seconds=limit + 0.5)
    service = PredictionService(models, Writer(store), Telemetry().predictions, CHAMPION, timeout_seconds=limit)
    row = {name: 0.0 for name in bundles[CHAMPION].features}
    assert 0.0 <= service.predict(row).score <= 1.0
