"""The service tables, one module per area."""
