"""Training forms: courses."""
