"""Training tables: courses."""
