"""Training default configuration: classes."""
