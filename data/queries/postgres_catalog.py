"""The SQL Predwatch sends to a watched PostgreSQL (its statistics views), kept with the rest of the
project's SQL; external/postgres.py sends it."""

SUMMARY_SQL = """
SELECT current_setting('max_connections')::int,
       (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'),
       (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND state = 'active'),
       (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND state = 'idle'),
       (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'
                                                AND state IN ('idle in transaction', 'idle in transaction (aborted)')),
       d.xact_commit, d.xact_rollback,
       d.blks_hit::float8 / nullif(d.blks_hit + d.blks_read, 0),
       pg_database_size(current_database())
FROM pg_stat_database d WHERE d.datname = current_database()
"""
TABLES_SQL = """
SELECT schemaname, relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0), n_live_tup
FROM pg_stat_user_tables ORDER BY seq_tup_read DESC, relname LIMIT %s
"""
INDEXES_SQL = """
SELECT s.schemaname, s.relname, s.indexrelname, s.idx_scan, pg_relation_size(s.indexrelid),
       coalesce(t.seq_scan, 0) + coalesce(t.idx_scan, 0)
FROM pg_stat_user_indexes s JOIN pg_stat_user_tables t ON t.relid = s.relid
ORDER BY s.idx_scan, s.relname, s.indexrelname LIMIT %s
"""
EXTENSION_SQL = "SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'"
STATEMENTS_SQL = """
SELECT query, calls, total_exec_time / 1000.0, mean_exec_time / 1000.0, rows
FROM pg_stat_statements ORDER BY mean_exec_time DESC LIMIT %s
"""
