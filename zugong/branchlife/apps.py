"""Organizational life (组织生活): 三会一课, 主题党日, 组织生活会, 民主评议党员, 谈心谈话; their compliance."""

from django.apps import AppConfig


class BranchlifeConfig(AppConfig):
    name = "zugong.branchlife"
    label = "branchlife"
    verbose_name = "组织生活"

    def ready(self):
        from zugong.core import rule_views

        from . import importers, jobs, rules  # noqa: F401 — registers the rules, the local template, the importer
        # and the compliance refresh job

        rule_views.RECORD_URLS["branchlife.meeting"] = "branchlife:detail"
        rule_views.RECORD_URLS["branchlife.appraisalresult"] = "branchlife:appraisal_result"
