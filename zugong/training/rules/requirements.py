"""Training rules: requirements."""
