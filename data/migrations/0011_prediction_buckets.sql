-- Predictions per 10 s (ts = the bucket's start), all models together, rebuilt with the minute rollups
-- (data/queries/rollups.py) and deleted with the raw predictions: the alert backtest's latency and
-- error-rate series read these instead of raw rows (data/queries/alert_buckets.py).
CREATE TABLE prediction_buckets (
    ts TIMESTAMP NOT NULL,
    requests BIGINT NOT NULL,
    errors BIGINT NOT NULL,
    ok_requests BIGINT NOT NULL,
    latency_count BIGINT NOT NULL, -- ok requests with a latency: the average's denominator
    latency_sum_seconds DOUBLE
);
