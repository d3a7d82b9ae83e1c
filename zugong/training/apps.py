"""Training and education (培训)."""

from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "zugong.training"
    label = "training"
    verbose_name = "培训"

    def ready(self):
        from . import importers, rules  # noqa: F401 — the rules and the importers of every area
        from . import requirements_panels  # noqa: F401 — the cadre and organization page tabs
