"""Talent programmes (人才工程)."""

from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "zugong.talent"
    label = "talent"
    verbose_name = "人才工程"

    def ready(self):
        from zugong.core.rule_views import RECORD_URLS

        from . import applications_services, pool_services  # noqa: F401 — they register the step actions
        from . import deadlines, importers, rules  # noqa: F401 — every area's rules, imports, deadlines

        RECORD_URLS["talent.application"] = "talent:detail"
        RECORD_URLS["talent.talent"] = "talent:talent"
