"""Party statistics (党内统计)."""

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "zugong.stats"
    label = "stats"
    verbose_name = "党内统计"

    def ready(self):
        from . import definitions, populations  # noqa: F401 — the installer and every population
        from . import defaults  # noqa: F401 — the checks' configuration template (stats.yoy)
