"""Training rules: signin."""
