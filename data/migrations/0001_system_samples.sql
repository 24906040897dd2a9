-- system and process samples
CREATE TABLE system_samples (
    ts TIMESTAMP NOT NULL,
    cpu_percent DOUBLE,
    cpu_per_core_percent DOUBLE[],
    memory_percent DOUBLE,
    memory_used_bytes BIGINT,
    memory_available_bytes BIGINT,
    memory_total_bytes BIGINT,
    swap_percent DOUBLE,
    swap_used_bytes BIGINT,
    disk_used_percent DOUBLE,
    disk_read_bytes_per_second DOUBLE,
    disk_write_bytes_per_second DOUBLE,
    net_recv_bytes_per_second DOUBLE,
    net_sent_bytes_per_second DOUBLE,
    load_1m DOUBLE,
    load_5m DOUBLE,
    load_15m DOUBLE
);
CREATE TABLE disk_samples (
    ts TIMESTAMP NOT NULL,
    mountpoint VARCHAR NOT NULL,
    device VARCHAR,
    total_bytes BIGINT,
    used_bytes BIGINT,
    used_percent DOUBLE
);
CREATE TABLE process_samples (
    ts TIMESTAMP NOT NULL,
    name VARCHAR NOT NULL,
    pid INTEGER,
    up BOOLEAN NOT NULL,
    cpu_percent DOUBLE,
    rss_bytes BIGINT,
    threads INTEGER,
    open_files INTEGER
);

