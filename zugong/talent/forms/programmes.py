"""Talent forms: programmes."""
__all__: list[str] = []
