"""Service rules: satisfaction."""
