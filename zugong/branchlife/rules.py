"""Rules of organizational life."""
