"""Talent imports: applications."""
