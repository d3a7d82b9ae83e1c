"""Service rules: community."""
