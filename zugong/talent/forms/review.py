"""Talent forms: review."""
__all__: list[str] = []
