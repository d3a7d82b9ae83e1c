from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "zugong.dashboards"
    label = "dashboards"
    verbose_name = "组织工作看板"

    def ready(self):
        from . import jobs  # noqa: F401  (register the refresh job runner)
