"""The members app: party membership, transfers, dues; its rules register when the app is ready."""

from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "zugong.members"
    label = "members"
    verbose_name = "党员"

    def ready(self):
        from zugong.core import rule_views

        # registers the rules, the deadlines, the dues importer and the organization page's committee line
        from . import deadlines, importers, panels, rules  # noqa: F401

        rule_views.RECORD_URLS["members.membership"] = "members:detail"  # where a member's findings link to
