"""Settings package: base (shared, read from the environment), local, production, test."""
