"""Evidently's DataDriftPreset on the drift benchmark's data; runs in bench/.venv-evidently (never
in the app's venv). Prints one JSON line: seconds, extra_mb (peak RSS over the start), versions."""

from __future__ import annotations

import json
import sys
import threading
import time

import pandas as pd
import psutil


def main(reference_path: str, current_path: str) -> None:
    import evidently
    from evidently import Report
    from evidently.presets import DataDriftPreset

    reference, current = pd.read_parquet(reference_path), pd.read_parquet(current_path)
    proc = psutil.Process()
    base = peak = proc.memory_info().rss
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.002):
            peak = max(peak, proc.memory_info().rss)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    started = time.perf_counter()
    snapshot = Report([DataDriftPreset()]).run(current_data=current, reference_data=reference)
    snapshot.dict()  # make sure every metric is computed and rendered to values
    seconds = time.perf_counter() - started
    stop.set()
    thread.join()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "extra_mb": (peak - base) / 1024 / 1024,
                "evidently": evidently.__version__,
                "pandas": pd.__version__,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
