"""Weak organizations (软弱涣散基层党组织): identification lists, rectification, acceptance; its rules."""

from django.apps import AppConfig


class WeakorgsConfig(AppConfig):
    name = "zugong.weakorgs"
    label = "weakorgs"
    verbose_name = "软弱涣散整顿"

    def ready(self):
        from zugong.core import rule_views

        from . import deadlines, jobs, rules  # noqa: F401  (register the rules, the deadlines and the job)

        rule_views.RECORD_URLS["weakorgs.rectification"] = "weakorgs:case_detail"
