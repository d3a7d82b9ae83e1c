"""Service imports: community."""
