"""The cadres app: cadre records, roster, services other apps use to change posts and ranks."""

from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "zugong.cadres"
    label = "cadres"
    verbose_name = "干部"

    def ready(self):
        from zugong.core import rule_views

        from . import signals  # noqa: F401 — Person edits flow into the cadre roster columns

        rule_views.RECORD_URLS["cadres.cadre"] = "cadres:detail"  # where a cadre's findings link to
