"""Party statistics (党内统计)."""

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "zugong.stats"
    label = "stats"
    verbose_name = "党内统计"

    def ready(self):
        from . import defaults  # noqa: F401 — the checks' configuration template (stats.yoy)
        from . import definitions, populations, populations_people  # noqa: F401 — every population
