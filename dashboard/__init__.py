"""Layout only: pages, components, pure figure builders, ids and theme. No SQL, no I/O."""
