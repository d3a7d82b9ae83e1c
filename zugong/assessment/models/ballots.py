"""Models of leadership teams and leaders: team and leader grades, online 民主测评 ballots with voter classes and codes."""

from django.db import models  # noqa: F401

__all__: list[str] = []
