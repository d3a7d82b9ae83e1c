from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "zugong.teams"
    label = "teams"
    verbose_name = "领导班子"

    def ready(self):
        from zugong.core import rule_views

        from . import rules  # noqa: F401  (register the rules and the local rule templates)

        rule_views.RECORD_URLS["teams.leadershipteam"] = "teams:detail"
        rule_views.RECORD_URLS["teams.teampost"] = "teams:post"
        rule_views.RECORD_URLS["teams.teammember"] = "teams:member"
