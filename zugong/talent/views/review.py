"""Talent pages: review."""

urlpatterns: list = []
