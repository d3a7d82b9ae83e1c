"""Talent pages: applications."""

urlpatterns: list = []
