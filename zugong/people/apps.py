from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "zugong.people"
    label = "people"
    verbose_name = "人员"

    def ready(self):
        from . import importers, panels  # noqa: F401  (the Excel importer, the organization page's 人员 tab)
