from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "zugong.core"
    label = "core"
    verbose_name = "公共机制"

    def ready(self):
        from . import audit, exports, imports, rule_views, schedule, textguard, uploads, versions  # noqa: F401  (they register the export, import, scan, scheduled-run and upload-cleanup job runners)

        textguard.install()  # every text field refuses control characters (models, forms, serializers)
        uploads.guard_file_fields()  # every form file field refuses a file over its kind's size limit

        audit.connect_signals()
        versions.connect()
        from django.core.checks import register

        from . import security_events

        security_events.connect()
        register(audit.check_retention)
