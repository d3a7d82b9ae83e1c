"""Talent pages: programmes."""

urlpatterns: list = []
