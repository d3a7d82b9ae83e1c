"""Party statistics (党内统计)."""

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "zugong.stats"
    label = "stats"
    verbose_name = "党内统计"

    def ready(self):
        from . import defaults  # noqa: F401 — the installer and the checks' configuration template (stats.yoy)
        from . import definitions, populations  # noqa: F401 — the table files and the members population
        from . import populations_orgs  # noqa: F401 — the organization, unit and special-group tables
        from . import populations_people  # noqa: F401 — the people tables
