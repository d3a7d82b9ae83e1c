"""Branch standardization (党支部标准化规范化建设): checklists, branch scores and grades."""

from django.apps import AppConfig


class StandardizationConfig(AppConfig):
    name = "zugong.standardization"
    label = "standardization"
    verbose_name = "标准化建设"

    def ready(self):
        from . import measures, services  # noqa: F401  (register the data measures and the scoring job runner)
