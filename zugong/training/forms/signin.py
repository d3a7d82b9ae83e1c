"""Training forms: signin."""
