"""Training importers: requirements."""
