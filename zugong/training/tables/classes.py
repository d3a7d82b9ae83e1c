"""Training tables: classes."""
