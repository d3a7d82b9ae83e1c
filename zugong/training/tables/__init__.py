"""Training tables, one module per area."""
