"""Training forms: classes."""
