"""Talent imports: review."""
