"""Pure functions, no I/O: small inputs in, small results out."""
