"""Party statistics (党内统计)."""

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "zugong.stats"
    label = "stats"
    verbose_name = "党内统计"

    def ready(self):
        from . import definitions, populations  # noqa: F401 — the installer and every population
        from . import populations_orgs  # noqa: F401 — the organization, unit and special-group tables
