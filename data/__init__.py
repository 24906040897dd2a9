"""Storage: the DuckDB connection, schema migrations, the batched writer, queries, telemetry."""
