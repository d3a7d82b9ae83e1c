"""Training forms: requirements."""
