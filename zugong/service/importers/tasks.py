"""Service imports: tasks."""
