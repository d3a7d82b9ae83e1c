"""Models of classified assessment of regions and units (分类考核): schemes, categories, indicators, values, scoring methods, ranks and grades."""

from django.db import models  # noqa: F401

__all__: list[str] = []
