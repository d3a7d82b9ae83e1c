"""Service rules: tasks."""
