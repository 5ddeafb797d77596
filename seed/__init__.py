"""Reference data and the deterministic demo chain: the one source of demo and test data."""
