"""Training rules: courses."""
