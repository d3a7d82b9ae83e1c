"""Training importers: courses."""
