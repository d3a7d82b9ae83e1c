"""Training tables: signin."""
