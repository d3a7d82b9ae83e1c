"""Party statistics (党内统计)."""

from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "zugong.stats"
    label = "stats"
    verbose_name = "党内统计"

    def ready(self):
        from . import completeness  # noqa: F401 — the data-completeness rule
        from . import defaults  # noqa: F401 — the installers and the checks' configuration template (stats.yoy)
        from . import definitions, populations  # noqa: F401 — the table files and the members population
        from . import importers  # noqa: F401 — people-statistics, member-exits, awards, unit-statistics
        from . import populations_orgs  # noqa: F401 — the organization, unit and special-group tables
        from . import populations_people  # noqa: F401 — the people tables
