"""Party statistics (党内统计)."""

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "zugong.stats"
    label = "stats"
    verbose_name = "党内统计"

    def ready(self):
        from . import completeness, definitions, importers, populations  # noqa: F401 — the installer, imports, the rule
