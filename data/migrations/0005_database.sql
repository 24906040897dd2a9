-- database performance, store health, PostgreSQL targets and data-quality checks
CREATE TABLE db_samples (
    ts TIMESTAMP NOT NULL,
    cursors_in_use INTEGER,
    cursors_in_use_peak INTEGER,
    cursor_pool_size INTEGER,
    cursor_waits BIGINT,
    cursor_wait_max_seconds DOUBLE,
    queries BIGINT,
    db_file_bytes BIGINT,
    wal_bytes BIGINT,
    last_checkpoint TIMESTAMP,
    writer_queue_length BIGINT,
    writer_last_batch_seconds DOUBLE
);
CREATE TABLE db_query_stats (
    ts TIMESTAMP NOT NULL,
    query VARCHAR NOT NULL,
    window_seconds DOUBLE NOT NULL,
    calls BIGINT NOT NULL,
    total_seconds DOUBLE,
    p50_seconds DOUBLE,
    p95_seconds DOUBLE,
    max_seconds DOUBLE,
    rows_returned BIGINT
);
CREATE TABLE db_slow_queries (
    ts TIMESTAMP NOT NULL,
    query VARCHAR NOT NULL,
    duration_seconds DOUBLE NOT NULL,
    rows_returned BIGINT
);
CREATE TABLE db_table_stats (
    ts TIMESTAMP NOT NULL,
    table_name VARCHAR NOT NULL,
    row_count BIGINT,
    size_bytes BIGINT,
    index_count INTEGER
);
CREATE TABLE db_scan_samples (
    ts TIMESTAMP NOT NULL,
    query VARCHAR NOT NULL,
    rows_scanned BIGINT,
    rows_returned BIGINT,
    table_rows BIGINT,
    scan_types VARCHAR,
    duration_seconds DOUBLE
);
CREATE TABLE quality_checks (
    ts TIMESTAMP NOT NULL,
    check_name VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    passed BOOLEAN NOT NULL,
    offending BIGINT NOT NULL,
    example_id VARCHAR,
    detail VARCHAR,
    checked_rows BIGINT
);
CREATE TABLE pg_samples (
    ts TIMESTAMP NOT NULL,
    target VARCHAR NOT NULL,
    up BOOLEAN NOT NULL,
    error VARCHAR,
    poll_seconds DOUBLE,
    max_connections INTEGER,
    connections_total INTEGER,
    connections_active INTEGER,
    connections_idle INTEGER,
    connections_idle_in_transaction INTEGER,
    connections_other INTEGER,
    xact_commit BIGINT,
    xact_rollback BIGINT,
    cache_hit_ratio DOUBLE,
    database_size_bytes BIGINT,
    statements_note VARCHAR
);
CREATE TABLE pg_table_stats (
    ts TIMESTAMP NOT NULL,
    target VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    seq_scan BIGINT,
    seq_tup_read BIGINT,
    idx_scan BIGINT,
    live_rows BIGINT
);
CREATE TABLE pg_index_stats (
    ts TIMESTAMP NOT NULL,
    target VARCHAR NOT NULL,
    schema_name VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    index_name VARCHAR NOT NULL,
    idx_scan BIGINT,
    size_bytes BIGINT,
    usage VARCHAR
);
CREATE TABLE pg_statements (
    ts TIMESTAMP NOT NULL,
    target VARCHAR NOT NULL,
    query VARCHAR NOT NULL,
    calls BIGINT,
    total_seconds DOUBLE,
    mean_seconds DOUBLE,
    rows_returned BIGINT
);
