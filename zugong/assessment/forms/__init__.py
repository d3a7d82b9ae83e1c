"""The assessment forms, one module per area."""
