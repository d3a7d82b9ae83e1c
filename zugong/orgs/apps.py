from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "zugong.orgs"
    label = "orgs"
    verbose_name = "组织体系"

    def ready(self):
        from . import importers  # noqa: F401  (registers the Excel importer)
