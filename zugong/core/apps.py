from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zugong.core"
    label = "core"
    verbose_name = "公共机制"

    def ready(self):
        from . import audit, exports, rule_views, schedule, versions  # noqa: F401  (they register the export, scan and scheduled-run job runners)

        audit.connect_signals()
        versions.connect()
