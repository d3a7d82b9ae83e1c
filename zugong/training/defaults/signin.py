"""Training default configuration: signin."""
