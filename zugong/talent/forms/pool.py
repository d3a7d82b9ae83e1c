"""Talent forms: pool."""
__all__: list[str] = []
