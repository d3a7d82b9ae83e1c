from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "zugong.recruitment"
    label = "recruitment"
    verbose_name = "发展党员"

    def ready(self):
        from zugong.core import rule_views

        from . import deadlines, importers, rules  # noqa: F401  (register the rules, the local templates, the
        # importer and the deadlines)

        rule_views.RECORD_URLS["recruitment.case"] = "recruitment:detail"  # findings link to the case page
