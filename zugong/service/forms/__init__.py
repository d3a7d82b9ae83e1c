"""The service forms, one module per area."""
