"""Service to the people (我为群众办实事)."""

from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "zugong.service"
    label = "service"
    verbose_name = "我为群众办实事"

    def ready(self):
        from zugong.core import workdays
        from zugong.core.rule_views import RECORD_URLS

        from . import clock
        from . import community_panels  # noqa: F401 — the organization page's 到社区报到 tab
        from . import deadlines, importers, measures, rules  # noqa: F401 — every area's rules, imports, measures

        RECORD_URLS["service.servicetask"] = "service:detail"
        workdays.after_sync(clock.resync)
