from django.apps import AppConfig


class ElectionsConfig(AppConfig):
    name = "zugong.elections"
    label = "elections"
    verbose_name = "换届选举"

    def ready(self):
        from zugong.core import rule_views

        from . import deadlines, rules  # noqa: F401  (register the rules, the local rule template, the deadlines)

        rule_views.RECORD_URLS["elections.election"] = "elections:detail"
        rule_views.RECORD_URLS["elections.termadjustment"] = "elections:adjustment"
