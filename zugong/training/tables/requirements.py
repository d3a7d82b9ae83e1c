"""Training tables: requirements."""
