"""Every component id, once."""

from dash.dependencies import Wildcard

# shell
NAVBAR = "navbar"
RANGE = "time-range"
INTERVAL = "refresh-interval"
# Advanced by a clientside gate on each interval tick unless a callback request is still in flight
# (assets/refresh-gate.js); server callbacks refresh on it, never on the interval directly.
TICK = "refresh-tick"
LAST_UPDATED = "last-updated"

# overview
OVERALL_STATUS = "overview-status"
KPI_CARDS = "overview-kpis"
COMPONENTS = "overview-components"
OVERVIEW_ALERTS = "overview-alerts"

# system
CPU_GRAPH = "system-cpu-graph"
MEMORY_GRAPH = "system-memory-graph"
DISK_GRAPH = "system-disk-graph"
DISK_IO_GRAPH = "system-disk-io-graph"
NETWORK_GRAPH = "system-network-graph"
PROCESS_TABLE = "system-process-table"
DISK_TABLE = "system-disk-table"

# predictions
PRED_MODEL = "predictions-model"
PRED_STATUS = "predictions-status"
THROUGHPUT_GRAPH = "predictions-throughput-graph"
LATENCY_HISTOGRAM_GRAPH = "predictions-latency-histogram-graph"
LATENCY_GRAPH = "predictions-latency-graph"
ERROR_GRAPH = "predictions-error-graph"
SUCCESS_GRAPH = "predictions-success-graph"
PRED_GRID = "predictions-grid"
PRED_GRID_NOTE = "predictions-grid-note"
DEMO_PANEL = "predictions-demo-panel"
DEMO_SWITCHES = "predictions-demo-switches"

# database
DB_QUERY_GRAPH = "database-query-latency-graph"
DB_CONNECTIONS_GRAPH = "database-connections-graph"
DB_TABLE_SIZE_GRAPH = "database-table-size-graph"
DB_SCAN_GRAPH = "database-scan-graph"
DB_PG_CONNECTIONS_GRAPH = "database-pg-connections-graph"
DB_PG_CACHE_GRAPH = "database-pg-cache-graph"
DB_SLOW_TABLE = "database-slow-queries"
DB_TABLES = "database-tables"
DB_INDEXES = "database-indexes"
DB_STORE_SUMMARY = "database-store-summary"
DB_PG_TARGETS = "database-pg-targets"
DB_QUALITY = "database-quality"


def figure_store(graph_id: str) -> str:
    """The store a live graph's server-built figure lands in (see callbacks/livegraph.py)."""
    return f"{graph_id}-figure"


# alerts (navbar badge and the Alerts page)
ALERT_BADGE = "navbar-alert-badge"
ALERTS_ACTIVE = "alerts-active-table"
ALERTS_TIMELINE_GRAPH = "alerts-timeline-graph"
ALERTS_RULES = "alerts-rules-table"
BACKTEST_RULE = "alerts-backtest-rule"
BACKTEST_THRESHOLD = "alerts-backtest-threshold"
BACKTEST_FOR = "alerts-backtest-for"
BACKTEST_GRAPH = "alerts-backtest-graph"
BACKTEST_SUMMARY = "alerts-backtest-summary"

# model quality
MODEL_WINDOW = "model-window"
MODEL_SELECT = "model-select"
MODEL_SUMMARY = "model-summary"
MODEL_ROC_GRAPH = "model-roc-graph"
MODEL_PR_GRAPH = "model-pr-graph"
MODEL_CONFUSION_GRAPH = "model-confusion-graph"
MODEL_CALIBRATION_GRAPH = "model-calibration-graph"
MODEL_QUALITY_GRAPH = "model-quality-graph"
MODEL_ESTIMATE_GRAPH = "model-estimate-graph"
MODEL_IMPORTANCE_GRAPH = "model-importance-graph"
MODEL_IMPORTANCE_TIME_GRAPH = "model-importance-time-graph"

# drift
DRIFT_MODEL = "drift-model"
DRIFT_WINDOW = "drift-window"
DRIFT_FEATURE = "drift-feature"
DRIFT_HEATMAP_GRAPH = "drift-heatmap-graph"
DRIFT_DISTRIBUTION_GRAPH = "drift-distribution-graph"
DRIFT_SCORE_GRAPH = "drift-score-graph"
DRIFT_MULTIVARIATE_GRAPH = "drift-multivariate-graph"
DRIFT_TABLE = "drift-table"

# fleet views (System and Predictions pages, shown only with --prometheus-url)
FLEET_SYSTEM = "fleet-system"
FLEET_PREDICTIONS = "fleet-predictions"


def fleet_part(panel_id: str, part: str) -> str:
    """A piece of one fleet panel: its instance select, error note, or one of its graphs."""
    return f"{panel_id}-{part}"


# history exploration: the range in the URL, the absolute from-to picker, the live toggle
HISTORY_URL = "history-url"
HISTORY_URL_SYNC = "history-url-sync"
HISTORY_RESTORE = "history-restore"
ZOOM_REQUEST = "zoom-request"  # the newest time-axis zoom of any chart on the page
RANGE_FROM = "range-from"
RANGE_TO = "range-to"
RANGE_APPLY = "range-apply"
RANGE_MESSAGE = "range-message"  # why the from-to pick was refused
LIVE_TOGGLE = "live-toggle"


def chart_csv(graph_id: str | Wildcard) -> dict[str, str | Wildcard]:
    """The CSV button of a chart card (pattern-matched: one clientside callback serves every card)."""
    return {"type": "chart-csv", "graph": graph_id}


def chart_csv_download(graph_id: str | Wildcard) -> dict[str, str | Wildcard]:
    return {"type": "chart-csv-download", "graph": graph_id}


# compare periods: overlay the same range a day or a week earlier
PRED_COMPARE = "predictions-compare"
PRED_COMPARE_NOTE = "predictions-compare-note"
MODEL_COMPARE = "model-compare"
MODEL_COMPARE_NOTE = "model-compare-note"
