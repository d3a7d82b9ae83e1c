"""Training importers: classes."""
