"""Talent forms: applications."""
__all__: list[str] = []
