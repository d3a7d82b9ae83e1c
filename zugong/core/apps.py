from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zugong.core"
    label = "core"
    verbose_name = "公共机制"

    def ready(self):
        from . import audit, rule_views  # noqa: F401  (rule_views registers the scan job runner)

        audit.connect_signals()
