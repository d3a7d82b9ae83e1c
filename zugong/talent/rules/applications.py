"""Talent rules: applications."""
