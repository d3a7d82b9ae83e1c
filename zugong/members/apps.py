"""The members app: party membership, transfers, dues; its rules register when the app is ready."""

from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "zugong.members"
    label = "members"
    verbose_name = "党员"

    def ready(self):
        from zugong.core import rule_views

        from . import importers, rules  # noqa: F401 — registers the rules and the dues importer

        rule_views.RECORD_URLS["members.membership"] = "members:detail"  # where a member's findings link to
