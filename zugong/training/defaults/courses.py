"""Training default configuration: courses."""
