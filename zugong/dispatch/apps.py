"""Dispatch and rotation (干部选派与交流): 墩苗, 挂职, 第一书记, 驻村工作队, and rotation records."""

from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "zugong.dispatch"
    label = "dispatch"
    verbose_name = "干部选派"

    def ready(self):
        from zugong.core import rule_views

        from . import deadlines, panels, rules  # noqa: F401 — the rules, the deadlines, the cadre-page section

        rule_views.RECORD_URLS["dispatch.dispatch"] = "dispatch:detail"
        rule_views.RECORD_URLS["dispatch.workteam"] = "dispatch:team"
        rule_views.RECORD_URLS["dispatch.rotation"] = "dispatch:rotation"
