"""Assessment (考核)."""

from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "zugong.assessment"
    label = "assessment"
    verbose_name = "考核"

    def ready(self):
        from . import importers, rules  # noqa: F401 — the rules and the importers of every area
