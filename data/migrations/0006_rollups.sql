-- per-minute and per-hour rollups of system samples, prediction performance and model metrics
-- resolution_seconds is 60 or 3600; ts is the start of the bucket. Averages are weighted by their
-- count when buckets are merged (sum(avg * samples) / sum(samples) equals the raw mean exactly).
CREATE TABLE system_rollup (
    resolution_seconds INTEGER NOT NULL,
    ts TIMESTAMP NOT NULL,
    samples BIGINT NOT NULL,
    cpu_percent DOUBLE,
    cpu_percent_max DOUBLE,
    memory_percent DOUBLE,
    swap_percent DOUBLE,
    memory_used_bytes DOUBLE,
    disk_used_percent DOUBLE,
    disk_read_bytes_per_second DOUBLE,
    disk_write_bytes_per_second DOUBLE,
    net_recv_bytes_per_second DOUBLE,
    net_sent_bytes_per_second DOUBLE,
    load_1m DOUBLE
);
CREATE TABLE system_core_rollup (
    resolution_seconds INTEGER NOT NULL,
    ts TIMESTAMP NOT NULL,
    core INTEGER NOT NULL,
    samples BIGINT NOT NULL,
    cpu_percent DOUBLE
);
CREATE TABLE disk_rollup (
    resolution_seconds INTEGER NOT NULL,
    ts TIMESTAMP NOT NULL,
    mountpoint VARCHAR NOT NULL,
    samples BIGINT NOT NULL,
    used_percent DOUBLE
);
-- Counts per bucket and model; latencies of successful requests live in prediction_latency_rollup.
CREATE TABLE prediction_rollup (
    resolution_seconds INTEGER NOT NULL,
    ts TIMESTAMP NOT NULL,
    model VARCHAR NOT NULL,
    requests BIGINT NOT NULL,
    errors BIGINT NOT NULL,
    ok_requests BIGINT NOT NULL,
    latency_sum_seconds DOUBLE,
    labelled BIGINT NOT NULL,
    successes BIGINT NOT NULL
);
CREATE TABLE prediction_error_rollup (
    resolution_seconds INTEGER NOT NULL,
    ts TIMESTAMP NOT NULL,
    model VARCHAR NOT NULL,
    error_kind VARCHAR,
    errors BIGINT NOT NULL
);
-- A mergeable latency histogram: bucket b holds latencies in [10^(b/20), 10^((b+1)/20)) seconds
-- (20 log-spaced buckets per decade, clamped to 10 us .. 100 s); only non-empty buckets are stored.
CREATE TABLE prediction_latency_rollup (
    resolution_seconds INTEGER NOT NULL,
    ts TIMESTAMP NOT NULL,
    model VARCHAR NOT NULL,
    bucket SMALLINT NOT NULL,
    requests BIGINT NOT NULL
);
CREATE TABLE model_eval_rollup (
    resolution_seconds INTEGER NOT NULL,
    ts TIMESTAMP NOT NULL,
    model VARCHAR NOT NULL,
    window_seconds INTEGER NOT NULL,
    evaluations BIGINT NOT NULL,
    auc DOUBLE,
    "precision" DOUBLE,
    recall DOUBLE,
    accuracy DOUBLE,
    estimated_accuracy DOUBLE,
    labelled_share DOUBLE
);
-- How far each rollup has been maintained, and the retention job's last pass.
CREATE TABLE rollup_state (
    name VARCHAR PRIMARY KEY,
    rolled_until TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
