"""Predwatch's client for prediction services: log predictions and outcomes in three lines, never
blocking or breaking the service. Standard library only (prometheus_client only if you pass a registry).

    from predwatch_client import PredictionLogger
    log = PredictionLogger("http://127.0.0.1:8050", token=..., model="credit-gbm", model_version="3")
    log.prediction(id=req_id, features=x, score=p, predicted_label=int(p > .5), latency_seconds=dt)
    log.outcome(id=req_id, label=y)
"""

from predwatch_client.logger import PredictionLogger
from predwatch_client.timing import Timed

# The one place the version lives: pyproject.toml reads it from here.
__version__ = "0.1.0"

__all__ = ["PredictionLogger", "Timed", "__version__"]
