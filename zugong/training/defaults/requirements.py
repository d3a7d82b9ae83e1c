"""Training default configuration: requirements."""
