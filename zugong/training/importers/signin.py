"""Training importers: signin."""
