from django.apps import AppConfig


class AdformConfig(AppConfig):
    name = "zugong.adform"
    label = "adform"
    verbose_name = "任免审批表"

    def ready(self):
        from zugong.core import imports, jobs  # noqa: F401

        from . import cli, panels, tasks  # noqa: F401  (the cadre-page section, the import jobs and the CLI hook)
