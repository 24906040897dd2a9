"""Background collectors: each is a small class with `collect(now) -> {table: rows}`."""
