"""Talent pages: pool."""

urlpatterns: list = []
