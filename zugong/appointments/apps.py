from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "zugong.appointments"
    label = "appointments"
    verbose_name = "选拔任用"

    def ready(self):
        from zugong.cadres import panels
        from zugong.core import rule_views

        from . import deadlines, rules  # noqa: F401  (register the rules and the deadlines)
        from .panel import cadre_panel_context

        rule_views.RECORD_URLS["appointments.selectioncase"] = "appointments:detail"
        rule_views.RECORD_URLS["appointments.observation"] = "appointments:observation"
        panels.register("选拔任用和一线考察", "appointments/cadre_panel.html", cadre_panel_context, order=40,
                        key="appointments")
