"""The cadres app: cadre records, roster, services other apps use to change posts and ranks."""

from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "zugong.cadres"
    label = "cadres"
    verbose_name = "干部"

    def ready(self):
        from . import signals  # noqa: F401 — Person edits flow into the cadre roster columns
