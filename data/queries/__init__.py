"""The only SQL of Predwatch, by topic. Every query has a stable name for timing."""
