"""Training rules: classes."""
