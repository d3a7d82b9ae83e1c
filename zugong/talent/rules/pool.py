"""Talent rules: pool."""
